"""The shared loop of the parser fuzz benchmarks (idcard_fuzz.py, receipt_fuzz.py).

Each parser gets `cases` hypothesis inputs; every value it returns must be one of the typed
results or typed errors it promises, never an exception or another type. The parser's time over
the collected inputs is then set against a trivial byte scan of the same inputs, measured in the
same run, so the table shows a ratio rather than a machine-dependent number.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings


@dataclass(frozen=True)
class FuzzRow:
    name: str
    cases: int
    outcomes: dict[str, int]
    ratio: float
    only_typed: bool


def fuzz(name: str, strategy, parse: Callable[[bytes], Iterable[object]],  # noqa: ANN001 - a strategy
         allowed: tuple[type, ...], baseline: Callable[[bytes], object], cases: int) -> FuzzRow:
    """Run `parse` on `cases` generated inputs; `parse` returns the values it produced."""
    outcomes: collections.Counter = collections.Counter()
    bad: list[str] = []
    inputs: list[bytes] = []

    @settings(max_examples=cases, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def case(data: bytes) -> None:
        inputs.append(data)
        try:
            for value in parse(data):
                outcomes[type(value).__name__] += 1
                if not isinstance(value, allowed):
                    bad.append(type(value).__name__)
        except Exception as exc:  # noqa: BLE001 - that is what we are looking for
            bad.append(repr(exc))

    case()
    start = time.perf_counter()  # the parser alone, without hypothesis' generation overhead
    for data in inputs:
        parse(data)
    elapsed = time.perf_counter() - start
    base_start = time.perf_counter()
    for data in inputs:
        baseline(data)
    base = time.perf_counter() - base_start
    return FuzzRow(name, len(inputs), dict(outcomes), elapsed / max(base, 1e-9), not bad)


def print_table(rows: list[FuzzRow], baseline_label: str) -> int:
    """The table; the exit code is 1 when any parser let something untyped out."""
    print(f"| parser | cases | outcomes | time ÷ baseline ({baseline_label}) | only typed values |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row.name} | {row.cases} | {row.outcomes} | {row.ratio:.0f}× | "
              f"{'yes' if row.only_typed else 'NO'} |")
    return 0 if all(row.only_typed for row in rows) else 1
