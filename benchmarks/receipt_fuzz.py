"""Fuzz the printer status parser and the ESC/POS interpreter with 10 000 hypothesis cases each.

Prints a table of cases, outcomes and time; exits 1 if anything but the typed values came out.
The baseline row is a plain `bytes.count` over the same inputs, measured in this run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzzing import fuzz, print_table  # noqa: E402 - benchmarks/fuzzing.py
from hypothesis import strategies as st  # noqa: E402

from devices.printer import status as st_mod  # noqa: E402
from devices.printer.interpreter import EscPosInterpreter  # noqa: E402
from devices.printer.receipt import receipt_bytes, sample_receipt  # noqa: E402

CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
STATUS_TYPES = (st_mod.StatusOk, st_mod.PaperNearEnd, st_mod.PaperOut, st_mod.CoverOpen, st_mod.Offline,
                st_mod.CutterError, st_mod.NoAnswer)

# Status bytes with the fixed bits right and any of the meaningful bits set, so every branch is hit.
_STATUS_BYTE = st.sampled_from([0x12 | bits for bits in range(256) if bits & 0x81 == 0])
STATUS_REPLIES = st.lists(_STATUS_BYTE, min_size=3, max_size=5).map(bytes)
_RECEIPT = receipt_bytes(sample_receipt())
_OFFSET = st.integers(0, len(_RECEIPT))
RECEIPT_CUTS = st.tuples(_OFFSET, _OFFSET, st.binary(max_size=20)).map(
    lambda t: _RECEIPT[min(t[0], t[1]):max(t[0], t[1])] + t[2])


def _interpret(data: bytes) -> bytes:
    interp = EscPosInterpreter(lambda n: 0x12)
    return interp.feed(data)


def main() -> int:
    def count(data: bytes) -> int:
        return data.count(b"\x10")

    rows = [
        fuzz("parse_status(DLE EOT replies)", st.one_of(st.binary(max_size=8), STATUS_REPLIES),
             lambda d: [st_mod.parse_status(d)], STATUS_TYPES, count, CASES),
        fuzz("EscPosInterpreter.feed(stream)", st.one_of(st.binary(max_size=2000), RECEIPT_CUTS),
             lambda d: [_interpret(d)], (bytes,), count, CASES),
    ]
    return print_table(rows, "bytes.count")


if __name__ == "__main__":
    raise SystemExit(main())
