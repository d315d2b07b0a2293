"""Proxy agents' (代办员) PINs: the staff PIN machinery, keyed by a slow hash of the ID number.

Why a hash and not the number: an agent logs in with their own ID card on the reader and a PIN,
so the PIN file must find them by ID number — but an ID number must never lie readable on disk.
The file names each agent by scrypt(ID number, a random salt kept in the file): deterministic, so
one lookup per login, and slow, so the file cannot be searched through the few billion plausible
ID numbers. Everything else (scrypt PIN hashes, 0600 file, five tries then a lockout, the audit
events, now `agent.*`) is `kiosk.station.staff_auth.StaffPins` with `role="agent"` (agent-pins.json).

Pure Python, no Qt: the agent screen, `staff set-pin --agent` and the tests share it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from forms.validators import check_any_id, normalise_id_number
from kiosk.station.staff_auth import SCRYPT_N, SCRYPT_P, SCRYPT_R, Audit, AuthResult, PinError, StaffPins

# The demo's agent: the sample card 张晓明 (devices/idcard/samples.py `resident_zhang`), PIN 1357.
# Enrolled only by `main.py demo` (kiosk.ui.app.run with demo=True), never in kiosk mode.
DEMO_AGENT_SAMPLE = "resident_zhang"
DEMO_AGENT_PIN = "1357"


def agent_key(id_number: str, salt: bytes) -> str:
    """The name an agent goes by in the PIN file: 32 hex characters of scrypt(ID number)."""
    digest = hashlib.scrypt(normalise_id_number(id_number).encode("ascii", "replace"), salt=salt,
                            n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=16)
    return digest.hex()


class AgentPins:
    """Enrol and check proxy agents by ID number and PIN (key_dir/agent-pins.json)."""

    def __init__(self, key_dir: Path, audit: Audit, *, max_failures: int = 5,
                 lockout_s: float = 15 * 60, clock: Callable[[], float] = time.time) -> None:
        self.pins = StaffPins(key_dir, audit, max_failures=max_failures, lockout_s=lockout_s,
                              clock=clock, role="agent")

    @property
    def path(self) -> Path:
        return self.pins.path

    def enrol(self, id_number: str, pin: str) -> None:
        """Set (or replace) an agent's PIN. Raises PinError with the reason in Chinese."""
        problem = check_any_id(id_number)
        if problem:
            raise PinError(f"代办员身份证号码有误：{problem}")
        self.pins.set_pin(agent_key(id_number, self.pins.lookup_salt()), pin)

    def verify(self, id_number: str, pin: str) -> AuthResult:
        """One login attempt (audited; five wrong ones lock agent logins on this terminal)."""
        salt = self.pins.lookup_salt(create=False) or b"no agent enrolled"
        return self.pins.verify(agent_key(id_number, salt), pin)

    def unlock(self, by: str) -> bool:
        return self.pins.unlock(by)


def enrol_demo_agent(key_dir: Path, audit: Audit) -> None:
    """Demo start: the sample card 张晓明 becomes an agent with PIN 1357 (said in the README)."""
    from devices.idcard.samples import sample_for

    AgentPins(key_dir, audit).enrol(sample_for(DEMO_AGENT_SAMPLE).id_number, DEMO_AGENT_PIN)
