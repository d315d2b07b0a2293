"""kill -9 trials against the real command line, shared by tests/sync/test_crash.py (a few dozen)
and benchmarks/crash_trials.py (hundreds).

A trial starts `main.py queue add …` or `main.py sync --once` as a child process and SIGKILLs it
after a random delay spread over the command's whole run time (process start included), so kills
land before, inside and after the commit, mid-upload, between the platform's commit and the
kiosk's bookkeeping, and so on. A `queue add` counts as acknowledged only when its reference
reached stdout (the resident saw "saved"). At the end a clean `sync --once` runs and the
platform's records are compared with the acknowledgements: every acknowledged application must be
there exactly once, nothing may be there twice, and every row in the kiosk must be delivered.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass
class CrashOutcome:
    add_trials: int = 0
    sync_trials: int = 0
    killed_add: int = 0
    killed_sync: int = 0
    acknowledged: list[str] = field(default_factory=list)
    on_platform: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    undelivered: list[str] = field(default_factory=list)
    final_sync_rc: int | None = None
    integrity: str = ""


class CrashRig:
    def __init__(self, work: Path, platform_url: str, platform_db: Path, python: str) -> None:
        self.work = work
        self.url = platform_url
        self.platform_db = platform_db
        self.python = python
        self.data = work / "kiosk-data"
        self.keys = work / "kiosk-keys"
        self.rng = random.Random(int.from_bytes(os.urandom(4), "little"))
        self.env = {**os.environ, "PYTHONPATH": str(REPO)}
        self.photo = work / "photo.jpg"
        self.photo.write_bytes(os.urandom(1_500_000))  # two upload chunks per application
        from forms.examples import example

        self.template = example("newborn", 0)

    def _main(self, *args: str) -> list[str]:
        return [
            self.python,
            str(REPO / "main.py"),
            *args,
            "--data-dir",
            str(self.data),
            "--key-dir",
            str(self.keys),
        ]

    def enroll(self, code: str) -> None:
        subprocess.run(
            self._main("enroll", "--platform-url", self.url, "--station-id", "210102-0001", "--code", code),
            check=True,
            capture_output=True,
            env=self.env,
            timeout=60,
        )

    def _answers(self, n: int) -> Path:
        doc = json.loads(json.dumps(self.template))
        doc["answers"]["applicant_phone"] = f"139{n:08d}"  # the trial's marker
        path = self.work / f"answers-{n}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return path

    def _run_and_kill(self, argv: list[str], window: tuple[float, float]) -> tuple[bool, str]:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=REPO)
        delay = self.rng.uniform(*window)
        try:
            out, _ = proc.communicate(timeout=delay)
            return False, out.decode()
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, _ = proc.communicate(timeout=30)
            return True, out.decode()

    def add_trial(self, n: int, outcome: CrashOutcome, window=(0.05, 0.6)) -> None:
        argv = self._main(
            "queue",
            "add",
            "--bundle",
            "newborn",
            "--answers",
            str(self._answers(n)),
            "--attach",
            f"baby_photo={self.photo}",
        )
        killed, out = self._run_and_kill(argv, window)
        outcome.add_trials += 1
        outcome.killed_add += killed
        ref = out.strip()
        if ref:
            outcome.acknowledged.append(f"139{n:08d}")

    def sync_trial(self, outcome: CrashOutcome, window=(0.1, 1.2)) -> None:
        killed, _ = self._run_and_kill(self._main("sync", "--once"), window)
        outcome.sync_trials += 1
        outcome.killed_sync += killed

    def finish(self, outcome: CrashOutcome) -> CrashOutcome:
        for _ in range(5):
            done = subprocess.run(
                self._main("sync", "--once"), capture_output=True, env=self.env, timeout=300
            )
            outcome.final_sync_rc = done.returncode
            if done.returncode == 0:
                break
        conn = sqlite3.connect(self.platform_db)
        markers = [
            json.loads(body)["answers"]["applicant_phone"]
            for (body,) in conn.execute("SELECT body FROM submissions")
        ]
        refs = [r for (r,) in conn.execute("SELECT local_reference FROM submissions")]
        conn.close()
        outcome.on_platform = len(markers)
        outcome.lost = sorted(set(outcome.acknowledged) - set(markers))
        outcome.duplicated = sorted(
            {m for m in markers if markers.count(m) > 1} | {r for r in refs if refs.count(r) > 1}
        )
        kiosk = sqlite3.connect(self.data / "kiosk.db")
        outcome.integrity = kiosk.execute("PRAGMA integrity_check").fetchone()[0]
        outcome.undelivered = [
            f"{ref}:{state}"
            for ref, state in kiosk.execute(
                "SELECT s.local_reference, o.state FROM outbox o "
                "JOIN submissions s ON s.submission_id=o.ref_id "
                "WHERE o.state IN ('queued','sending','failed','rejected')"
            )
        ]
        kiosk_count = kiosk.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
        kiosk.close()
        if kiosk_count != outcome.on_platform:
            outcome.undelivered.append(f"kiosk has {kiosk_count}, platform {outcome.on_platform}")
        return outcome


def run(
    work: Path,
    platform_url: str,
    platform_db: Path,
    code: str,
    python: str,
    add_trials: int,
    sync_trials: int,
    seed_rows: int = 0,
) -> CrashOutcome:
    rig = CrashRig(work, platform_url, platform_db, python)
    rig.enroll(code)
    outcome = CrashOutcome()
    n = 0
    for i in range(max(add_trials, sync_trials)):
        if i < add_trials:
            rig.add_trial(n, outcome)
            n += 1
        if i < sync_trials:
            if i % 2 == 0:  # keep the queue fed so the sync kills have work to interrupt
                for _ in range(2):
                    rig.add_trial(n, outcome, window=(30.0, 30.0))  # not killed
                    n += 1
            rig.sync_trial(outcome)
    time.sleep(0.1)
    return rig.finish(outcome)
