"""Fuzz the printer status parser and the ESC/POS interpreter with 10 000 hypothesis cases each.

Prints a table of cases, outcomes and time; exits 1 if anything but the typed values came out.
The baseline row is a plain `bytes.count` over the same inputs, measured in this run.
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from devices.printer import status as st_mod  # noqa: E402
from devices.printer.interpreter import EscPosInterpreter  # noqa: E402
from devices.printer.receipt import receipt_bytes, sample_receipt  # noqa: E402

CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
SETTINGS = settings(max_examples=CASES, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
STATUS_TYPES = (st_mod.StatusOk, st_mod.PaperNearEnd, st_mod.PaperOut, st_mod.CoverOpen, st_mod.Offline,
                st_mod.CutterError, st_mod.NoAnswer)

# Status bytes with the fixed bits right and any of the meaningful bits set, so every branch is hit.
_STATUS_BYTE = st.sampled_from([0x12 | bits for bits in range(256) if bits & 0x81 == 0])
STATUS_REPLIES = st.lists(_STATUS_BYTE, min_size=3, max_size=5).map(bytes)
_RECEIPT = receipt_bytes(sample_receipt())
_OFFSET = st.integers(0, len(_RECEIPT))
RECEIPT_CUTS = st.tuples(_OFFSET, _OFFSET, st.binary(max_size=20)).map(
    lambda t: _RECEIPT[min(t[0], t[1]):max(t[0], t[1])] + t[2])


def run(name: str, strategy, fn, allowed) -> tuple[str, int, dict, float, bool]:  # noqa: ANN001
    outcomes: collections.Counter = collections.Counter()
    bad: list[str] = []
    inputs: list[bytes] = []

    @SETTINGS
    @given(strategy)
    def case(data: bytes) -> None:
        inputs.append(data)
        try:
            value = fn(data)
            outcomes[type(value).__name__] += 1
            if not isinstance(value, allowed):
                bad.append(type(value).__name__)
        except Exception as exc:  # noqa: BLE001
            bad.append(repr(exc))

    case()
    start = time.perf_counter()  # the parser alone, without hypothesis' generation overhead
    for data in inputs:
        fn(data)
    elapsed = time.perf_counter() - start
    base_start = time.perf_counter()
    for data in inputs:
        data.count(b"\x10")
    base = time.perf_counter() - base_start
    return name, len(inputs), dict(outcomes), elapsed / max(base, 1e-9), not bad


def _interpret(data: bytes) -> bytes:
    interp = EscPosInterpreter(lambda n: 0x12)
    return interp.feed(data)


def main() -> int:
    rows = [
        run("parse_status(DLE EOT replies)", st.one_of(st.binary(max_size=8), STATUS_REPLIES),
            st_mod.parse_status, STATUS_TYPES),
        run("EscPosInterpreter.feed(stream)", st.one_of(st.binary(max_size=2000), RECEIPT_CUTS),
            _interpret, (bytes,)),
    ]
    print("| parser | cases | outcomes | time ÷ baseline (bytes.count) | only typed values |")
    print("|---|---|---|---|---|")
    for name, cases, outcomes, ratio, ok in rows:
        print(f"| {name} | {cases} | {outcomes} | {ratio:.0f}× | {'yes' if ok else 'NO'} |")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
