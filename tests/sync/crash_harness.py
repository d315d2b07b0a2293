"""kill -9 trials against the real command line, shared by tests/sync/test_crash.py (a couple of
dozen) and benchmarks/crash_trials.py (hundreds).

A trial starts `main.py queue add …` or `main.py sync --once` as a child process and SIGKILLs it
after a random delay. The delays follow the command's measured run time (median of the runs that
finished): 70 % fall in its second half, where it does its work (the commit, uploads, the
platform's commit, the kiosk's bookkeeping), 30 % anywhere from start-up on. Trials go on until
the requested number of processes were really killed (a run that finished first does not count).
A `queue add` counts as acknowledged only when its reference reached stdout (the resident saw
"saved"). At the end a clean `sync --once` runs and the platform's records are compared with the
acknowledgements: every acknowledged application must be there exactly once, nothing may be
there twice, and every row in the kiosk must be delivered.
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
    fed: int = 0
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
        self.durations: dict[str, list[float]] = {"add": [0.4], "sync": [0.8]}
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

    def _delay(self, kind: str) -> float:
        times = sorted(self.durations[kind][-20:])
        median = times[len(times) // 2]
        if self.rng.random() < 0.7:
            return self.rng.uniform(0.5 * median, median)
        return self.rng.uniform(0.02, median)

    def _run_and_kill(self, argv: list[str], kind: str | None) -> tuple[bool, str]:
        """kind None: run to the end (feeding the queue)."""
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=REPO)
        delay = self._delay(kind) if kind else 120.0
        start = time.monotonic()
        try:
            out, _ = proc.communicate(timeout=delay)
            if kind:
                self.durations[kind].append(time.monotonic() - start)
            return False, out.decode()
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            out, _ = proc.communicate(timeout=30)
            return True, out.decode()

    def add_trial(self, n: int, outcome: CrashOutcome, kill: bool = True) -> None:
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
        killed, out = self._run_and_kill(argv, "add" if kill else None)
        if kill:
            outcome.add_trials += 1
            outcome.killed_add += killed
        else:
            outcome.fed += 1
        if out.strip():
            outcome.acknowledged.append(f"139{n:08d}")

    def pending(self) -> int:
        conn = sqlite3.connect(self.data / "kiosk.db", timeout=30)
        try:
            return conn.execute("SELECT COUNT(*) FROM outbox WHERE state IN ('queued','sending')").fetchone()[
                0
            ]
        finally:
            conn.close()

    def sync_trial(self, outcome: CrashOutcome) -> None:
        killed, _ = self._run_and_kill(self._main("sync", "--once"), "sync")
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
    work: Path, platform_url: str, platform_db: Path, code: str, python: str, add_kills: int, sync_kills: int
) -> CrashOutcome:
    """Until `add_kills` queue-add runs and `sync_kills` sync runs were really killed."""
    rig = CrashRig(work, platform_url, platform_db, python)
    rig.enroll(code)
    outcome = CrashOutcome()
    n = 0
    limit = 4 * (add_kills + sync_kills) + 10
    while (outcome.killed_add < add_kills or outcome.killed_sync < sync_kills) and (
        outcome.add_trials + outcome.sync_trials < limit
    ):
        if outcome.killed_add < add_kills:
            rig.add_trial(n, outcome)
            n += 1
        if outcome.killed_sync < sync_kills:
            if rig.pending() < 3:  # keep the queue fed so the sync kills have work to interrupt
                for _ in range(3):
                    rig.add_trial(n, outcome, kill=False)
                    n += 1
            rig.sync_trial(outcome)
    time.sleep(0.1)
    return rig.finish(outcome)
