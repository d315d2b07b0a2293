"""Time of the workbook path per shipped bundle, against `catalogue validate` of the same JSON.

An author runs `catalogue build` after every edit, so it must feel immediate. The baseline is what
`catalogue validate` costs for the bundle's JSON file (schema + cross-reference checks), measured
in the same run so the ratio is meaningful on any machine. `build` does that same check plus
reading the .xlsx (openpyxl) and filling each example variant through the form. Budget: build
under 2 s per bundle.

Run:  python benchmarks/workbook.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forms.catalogue import SHIPPED_DIR, load_catalogue  # noqa: E402
from forms.workbook import build, export, read_workbook  # noqa: E402

BUDGET_S = 2.0


def _ms(fn, rounds: int) -> float:  # noqa: ANN001
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="编写工作簿的导出、读取、生成耗时（与 catalogue validate 对比）")
    parser.add_argument("--rounds", type=int, default=3, help="每项测几次（取中位数）")
    args = parser.parse_args(argv)

    load_catalogue()   # imports and the schema validator, once, outside the timings
    print(f"{'bundle':<22}{'validate ms':>12}{'export ms':>11}{'read ms':>9}{'build ms':>10}"
          f"{'build/validate':>16}{'xlsx KB':>9}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for bundle in load_catalogue().bundles:
            book = folder / f"{bundle.id}.xlsx"
            validate = _ms(lambda b=bundle: load_catalogue(SHIPPED_DIR / f"{b.id}.json"), args.rounds)
            exported = _ms(lambda b=bundle, p=book: export(b.id, p), args.rounds)
            read = _ms(lambda p=book: read_workbook(p), args.rounds)
            built = _ms(lambda p=book: build([p], folder / "out", folder / "examples"), args.rounds)
            worst = max(worst, built)
            print(f"{bundle.id:<22}{validate:>12.0f}{exported:>11.0f}{read:>9.0f}{built:>10.0f}"
                  f"{built / validate:>15.1f}×{book.stat().st_size / 1024:>9.0f}")
    verdict = "within" if worst / 1000 <= BUDGET_S else "OVER"
    print(f"slowest build {worst:.0f} ms: {verdict} the {BUDGET_S:.0f} s budget")
    return 0 if verdict == "within" else 1


if __name__ == "__main__":
    sys.exit(main())
