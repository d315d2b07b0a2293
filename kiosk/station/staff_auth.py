"""Staff PINs: stored as scrypt hashes in the key directory, with a lockout after wrong tries.

Why: staff mode (proxy applications, device checks, the queue) sits behind a PIN typed on the
same public touchscreen residents use. So the PIN file must be useless to someone who copies it
(scrypt, a random salt per PIN, memory-hard so a GPU cannot try the million 6-digit PINs
quickly), guessing at the screen must stop after a few tries, and every attempt must leave a
trace for the audit log.

Why one lockout for the whole terminal rather than per staff member: the attacker stands at one
screen; per-member counters would give them five tries per staff number (and unknown numbers).
The lockout is stored in the same file, so restarting the kiosk (or crashing it, which the
watchdog answers with a restart) does not reset it. It uses the wall clock because it has to
survive a reboot; moving the clock back only lengthens a lockout.

Pure Python, no Qt: the staff screen, the command line and the tests share it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

PIN_FILE_NAME = "staff-pins.json"
MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 12

# Roles with a PIN file of their own (and so a lockout of their own): (file, shortest PIN, what
# identifies the person in messages, who they are). Proxy agents (代办员) also hold their own ID
# card on the reader — two factors, like a bank card — so 4 digits are enough for them.
ROLES: dict[str, tuple[str, int, str, str]] = {
    "staff": (PIN_FILE_NAME, MIN_PIN_LENGTH, "工号", "员工"),
    "agent": ("agent-pins.json", 4, "身份证", "代办员"),
}

# scrypt cost: n=2**14, r=8 (16 MiB, ~50 ms on a station PC): slow for a guesser, quick for staff.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32

Audit = Callable[[str, dict], None]


class PinError(Exception):
    """A PIN or PIN file problem, with a message for staff or the technician (in Chinese)."""


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"            # wrong PIN or unknown staff number (not told apart on purpose)
    LOCKED = "locked"


@dataclass(frozen=True)
class AuthResult:
    outcome: Outcome
    tries_left: int = 0
    locked_until: float | None = None
    who: str = "工号"


    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def message(self, now: float | None = None) -> str:
        """What the staff screen says, in Chinese."""
        if self.outcome is Outcome.OK:
            return "验证通过。"
        if self.outcome is Outcome.WRONG:
            return f"{self.who}或密码不正确，还可尝试 {self.tries_left} 次。" if self.tries_left else \
                f"{self.who}或密码不正确。"
        minutes = max(1, round(((self.locked_until or 0) - (now or time.time())) / 60))
        return f"密码错误次数过多，已锁定，请 {minutes} 分钟后再试，或联系县级运维人员。"


def check_pin_format(pin: str, min_length: int = MIN_PIN_LENGTH) -> str | None:
    """None if the PIN is acceptable, else the reason in Chinese."""
    if not pin.isascii() or not pin.isdigit():
        return "密码只能由数字组成。"
    if not min_length <= len(pin) <= MAX_PIN_LENGTH:
        return f"密码应为 {min_length}–{MAX_PIN_LENGTH} 位数字。"
    if len(set(pin)) == 1:
        return "密码不能是同一个数字重复。"
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({1}, {-1}):
        return "密码不能是连续的数字（如 123456）。"
    return None


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                          maxmem=64 * 1024 * 1024, dklen=SCRYPT_LEN)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class StaffPins:
    """The PIN file `key_dir/staff-pins.json` (0600, in a 0700 directory) and the lockout.

    `audit(event, details)` is called for every attempt and change. Events: staff.pin_set,
    staff.login_ok, staff.login_failed, staff.lockout_started, staff.login_refused_locked,
    staff.unlocked. Details hold the staff number and counters, never a PIN or a hash.
    `role="agent"` keeps proxy agents' PINs apart (ROLES: own file, own lockout, events agent.*).
    """

    def __init__(self, key_dir: Path, audit: Audit, *, max_failures: int = 5,
                 lockout_s: float = 15 * 60, clock: Callable[[], float] = time.time,
                 role: str = "staff") -> None:
        if max_failures < 1 or lockout_s <= 0:
            raise ValueError("max_failures must be >= 1 and lockout_s > 0")
        file_name, self.min_pin_length, self.who, self._label = ROLES[role]
        self.role = role
        self.key_dir = Path(key_dir)
        self.path = self.key_dir / file_name
        self.audit = audit
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self._clock = clock
        self._dummy_salt = secrets.token_bytes(16)

    # --- the file ----------------------------------------------------------------------------

    def _load(self) -> dict:
        try:
            info = self.path.stat()
        except FileNotFoundError:
            return {"version": 1, "staff": {}, "failures": 0, "locked_until": None}
        if os.name == "posix" and stat.S_IMODE(info.st_mode) & 0o077:   # Windows: the folder's ACL
            raise PinError(f"{self._label}密码文件 {self.path} 的权限过宽（{stat.S_IMODE(info.st_mode):o}），"
                           f"可能已泄露。请执行 chmod 600 {self.path} 后重新设置密码。")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("staff"), dict):
                raise ValueError("no staff table")
        except (ValueError, UnicodeDecodeError) as exc:
            raise PinError(f"{self._label}密码文件 {self.path} 已损坏（{exc}），"
                           "请用 staff set-pin 重新设置。") from None
        except OSError as exc:
            raise PinError(f"无法读取{self._label}密码文件 {self.path}：{exc.strerror}。") from None
        data.setdefault("failures", 0)
        data.setdefault("locked_until", None)
        return data

    def _save(self, data: dict) -> None:
        """Write atomically (sync.durable) so a power cut never leaves half a file."""
        from sync.durable import write_atomic

        self.key_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.key_dir, 0o700)
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), 0o600)
        self._match_directory_owner(self.path)

    def _match_directory_owner(self, path: Path) -> None:
        """A technician running `staff set-pin` as root must not leave a file the kiosk user
        cannot read: the file takes the key directory's owner."""
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            owner = self.key_dir.stat()
            if (owner.st_uid, owner.st_gid) != (0, 0):
                os.chown(path, owner.st_uid, owner.st_gid)

    # --- operations --------------------------------------------------------------------------

    def staff_ids(self) -> list[str]:
        return sorted(self._load()["staff"])

    def set_pin(self, staff_id: str, pin: str) -> None:
        """Set (or replace) one staff member's PIN. Raises PinError with the reason."""
        staff_id = staff_id.strip()
        if not staff_id or len(staff_id) > 32 or not staff_id.isprintable():
            raise PinError("工号不能为空，且不超过 32 个字符。")
        problem = check_pin_format(pin, self.min_pin_length)
        if problem:
            raise PinError(problem)
        data = self._load()
        salt = secrets.token_bytes(16)
        data["staff"][staff_id] = {
            "scrypt": {"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
            "salt": _b64(salt), "hash": _b64(_hash(pin, salt)), "set_at": round(self._clock()),
        }
        self._save(data)
        self.audit(f"{self.role}.pin_set", {"staff_id": staff_id})

    def verify(self, staff_id: str, pin: str) -> AuthResult:
        """Check one attempt. Always audited; five wrong ones (any staff number) lock the terminal."""
        data = self._load()
        now = self._clock()
        locked_until = data.get("locked_until")
        if locked_until is not None and now < locked_until:
            self.audit(f"{self.role}.login_refused_locked",
                       {"staff_id": staff_id, "locked_until": locked_until})
            return AuthResult(Outcome.LOCKED, locked_until=locked_until, who=self.who)
        if locked_until is not None:                      # the lockout has run out: start afresh
            data["locked_until"] = None
            data["failures"] = 0

        entry = data["staff"].get(staff_id)
        if entry is None:
            _hash(pin if pin.isascii() else "0", self._dummy_salt)   # same time as a real check
            good = False
        else:
            params = entry.get("scrypt", {})
            candidate = hashlib.scrypt(
                pin.encode("utf-8"), salt=base64.b64decode(entry["salt"]), n=params.get("n", SCRYPT_N),
                r=params.get("r", SCRYPT_R), p=params.get("p", SCRYPT_P),
                maxmem=64 * 1024 * 1024, dklen=SCRYPT_LEN)
            good = hmac.compare_digest(candidate, base64.b64decode(entry["hash"]))

        if good:
            if data["failures"] or data["locked_until"] is not None:
                data["failures"] = 0
                self._save(data)
            self.audit(f"{self.role}.login_ok", {"staff_id": staff_id})
            return AuthResult(Outcome.OK, who=self.who)

        data["failures"] += 1
        details = {"staff_id": staff_id, "known_staff": entry is not None, "failures": data["failures"]}
        if data["failures"] >= self.max_failures:
            data["locked_until"] = now + self.lockout_s
            self._save(data)
            self.audit(f"{self.role}.login_failed", details)
            self.audit(f"{self.role}.lockout_started", {"failures": data["failures"],
                                                 "locked_until": data["locked_until"]})
            return AuthResult(Outcome.LOCKED, locked_until=data["locked_until"], who=self.who)
        self._save(data)
        self.audit(f"{self.role}.login_failed", details)
        return AuthResult(Outcome.WRONG, tries_left=self.max_failures - data["failures"], who=self.who)

    def lookup_salt(self, create: bool = True) -> bytes | None:
        """A random salt kept in this file, for naming people by a slow hash of an identifier
        (agents by their ID number, which must not lie readable on disk). None if absent and
        not `create`d."""
        data = self._load()
        if "lookup_salt" not in data:
            if not create:
                return None
            data["lookup_salt"] = _b64(secrets.token_bytes(16))
            self._save(data)
        return base64.b64decode(data["lookup_salt"])

    def unlock(self, by: str) -> bool:
        """Lift a lockout (the technician, from the command line). Returns whether one was active."""
        data = self._load()
        was_locked = data.get("locked_until") is not None and self._clock() < data["locked_until"]
        data["failures"] = 0
        data["locked_until"] = None
        self._save(data)
        self.audit(f"{self.role}.unlocked", {"by": by, "was_locked": was_locked})
        return was_locked
