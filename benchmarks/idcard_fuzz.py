"""Fuzz the SAM_V frame parser and card decoder with 10 000 hypothesis cases each (CI runs fewer).

Prints a table: cases, what came out (by type), and time; exits 1 if anything but the typed values
came out (an exception, or another type). The baseline row times `bytes.find` of the preamble over
the same inputs, measured in this run, to give the parser cost a scale.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzzing import fuzz, print_table  # noqa: E402 - benchmarks/fuzzing.py
from hypothesis import strategies as st  # noqa: E402

from devices.idcard import codec  # noqa: E402
from devices.idcard.card import IdCard  # noqa: E402
from devices.idcard.samples import sample_cards  # noqa: E402

CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
_frames = st.sampled_from([codec.build_reply(0x9F, bytes(4)), codec.build_reply(0x80),
                           codec.build_reply(0x90, bytes(8))])
STREAMS = st.lists(st.one_of(st.binary(max_size=60), _frames, _frames.map(lambda f: f[: len(f) // 2])),
                   max_size=10).map(b"".join)

BLOCKS = [codec.encode_text_block(card) for card in sample_cards().values()]
REPLIES = [codec.build_reply(0x90, codec.build_read_reply_data(codec.CardBlocks(b, bytes(1024))))
           for b in BLOCKS] + [codec.build_reply(0x9F, bytes(4)), codec.build_reply(0x80)]


def mutated(originals: list[bytes]):  # noqa: ANN201 - a hypothesis strategy
    """Valid inputs with a few bytes overwritten: reaches the deep branches random bytes never do."""
    def apply(args: tuple[bytes, list[tuple[int, int]]]) -> bytes:
        data, edits = bytearray(args[0]), args[1]
        for pos, value in edits:
            data[pos % len(data)] = value
        return bytes(data)

    edits = st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), max_size=3)
    return st.tuples(st.sampled_from(originals), edits).map(apply)


def main() -> int:
    def find(data: bytes) -> int:
        return data.find(codec.PREAMBLE)

    rows = [
        fuzz("split_frames(stream)", STREAMS, lambda d: codec.split_frames(d)[0],
             (codec.Frame, codec.FrameError), find, CASES),
        fuzz("parse_reply(bytes)", st.one_of(st.binary(max_size=1400), mutated(REPLIES)),
             lambda d: [codec.parse_reply(d)], (codec.Reply, codec.FrameError), find, CASES),
        fuzz("decode_text_block(256 bytes)",
             st.one_of(st.binary(min_size=256, max_size=256), mutated(BLOCKS)),
             lambda d: [codec.decode_text_block(d)], (IdCard, codec.CardDataError), find, CASES),
    ]
    return print_table(rows, "bytes.find")


if __name__ == "__main__":
    raise SystemExit(main())
