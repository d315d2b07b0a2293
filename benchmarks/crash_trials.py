"""200 kill -9 trials against the real command line: 0 lost, 0 duplicated.

    python benchmarks/crash_trials.py [--trials 200]

Half the trials kill `main.py queue add` at a random moment of its run, half kill
`main.py sync --once` while it uploads attachments and delivers batches to a reference platform
on 127.0.0.1 (the queue is kept fed between sync kills). Then a clean `sync --once` runs and the
platform's records are compared with what the kiosk acknowledged. The logic is shared with the
test suite's shorter run (tests/sync/crash_harness.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.sync.crash_harness import run  # noqa: E402
from tests.sync.helpers import start_platform  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description="kill -9 试验：录入与同步过程中随机强杀，统计丢失与重复")
    parser.add_argument("--trials", type=int, default=200, help="真正被强杀的进程数（录入与同步各一半）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        platform = start_platform(work / "platform")
        start = time.perf_counter()
        try:
            outcome = run(
                work,
                platform.url,
                platform.service.data_dir / "platform.db",
                platform.service.new_enrollment_code(),
                sys.executable,
                add_kills=args.trials // 2,
                sync_kills=args.trials - args.trials // 2,
            )
        finally:
            platform.server.shutdown()
        elapsed = time.perf_counter() - start
    rows = [
        (
            "queue add runs (killed / finished first)",
            f"{outcome.killed_add} / {outcome.add_trials - outcome.killed_add}",
        ),
        (
            "sync --once runs (killed / finished first)",
            f"{outcome.killed_sync} / {outcome.sync_trials - outcome.killed_sync}",
        ),
        ("queue add runs feeding the sync trials (not killed)", str(outcome.fed)),
        ("applications acknowledged to the resident", str(len(outcome.acknowledged))),
        ("applications on the platform", str(outcome.on_platform)),
        ("lost (acknowledged, not on the platform)", str(len(outcome.lost))),
        ("duplicated on the platform", str(len(outcome.duplicated))),
        ("left undelivered after the final sync", str(len(outcome.undelivered))),
        ("final sync exit code", str(outcome.final_sync_rc)),
        ("kiosk database integrity_check", outcome.integrity),
        ("wall time", f"{elapsed:.0f} s"),
    ]
    kills, runs = outcome.killed_add + outcome.killed_sync, outcome.add_trials + outcome.sync_trials
    print(f"\n{kills} kill -9 of {runs} runs\n")
    print(f"| {'':<52} | {'':>12} |")
    print(f"|{'-' * 54}|{'-' * 14}|")
    for name, value in rows:
        print(f"| {name:<52} | {value:>12} |")
    ok = not outcome.lost and not outcome.duplicated and not outcome.undelivered and outcome.integrity == "ok"
    print(
        "\n0 lost, 0 duplicated ✓"
        if ok
        else "\nFAILED: " + repr((outcome.lost, outcome.duplicated, outcome.undelivered))
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
