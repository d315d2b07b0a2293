"""Benchmark: time from card placed to parsed card over a pty at 115200 baud, against wire time.

The simulator paces every byte at 115200 baud (10 bits a byte, both directions), so the measured
times include the real wire time; "software overhead" is what our code adds on top. Three rows:

- baseline: a minimal pyserial loop doing the same find/select/read exchange with fixed reply
  sizes and no parsing (the least any code could do over this line), measured in this run;
- transaction: SerialIdReader from the find request that detected the card to the `on_card`
  callback (framing, resynchronising decoder, checksum, UCS-2 decoding, callback);
- placed→card: the same plus the wait for the next poll (10 ms, the default, and 30 ms).

Usage: python benchmarks/idcard_read.py [--trials 20] [--poll 0.01 0.03]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.idcard import codec  # noqa: E402
from devices.idcard.samples import sample_cards  # noqa: E402
from devices.idcard.serial_backend import SerialIdReader  # noqa: E402
from devices.idcard.simulator import ReaderSimulator  # noqa: E402

BAUD = 115200
# bytes on the wire for one read: find (10 + 15), select (10 + 19), read (10 + 1295)
EXCHANGE = [(codec.FIND_CARD, 15), (codec.SELECT_CARD, 19), (codec.READ_TEXT_PHOTO, 1295)]
WIRE_BYTES = sum(10 + reply for _, reply in EXCHANGE)
WIRE_S = WIRE_BYTES * 10 / BAUD


def baseline(sim: ReaderSimulator, trials: int) -> list[float]:
    import serial

    port = serial.Serial(sim.path, BAUD, timeout=2)
    card = sample_cards()["resident"]
    times = []
    for _ in range(trials):
        sim.lift()
        sim.place(card)
        start = time.perf_counter()
        for command, size in EXCHANGE:
            port.write(codec.build_request(command))
            got = port.read(size)
            assert len(got) == size
        times.append(time.perf_counter() - start)
    port.close()
    return times


def driver(sim: ReaderSimulator, trials: int, poll: float) -> tuple[list[float], list[float]]:
    got = threading.Event()
    card_at: list[float] = []

    def on_card(card) -> None:  # noqa: ANN001
        card_at.append(time.perf_counter())
        got.set()

    reader = SerialIdReader(sim.path, BAUD, poll_interval=poll)
    reader.start(on_card, lambda s: None)
    time.sleep(0.3)
    transaction, placed = [], []
    cards = list(sample_cards().values())
    for i in range(trials):
        sim.lift()
        time.sleep(poll * 2 + 0.01 + random.random() * poll)  # the host sees the lift; random phase
        got.clear()
        sim.place(cards[i % len(cards)])
        if not got.wait(5):
            raise SystemExit("读卡超时：模拟器或驱动出错")
        transaction.append(card_at[-1] - sim.found_at)
        placed.append(card_at[-1] - sim.placed_at)
    reader.stop()
    return transaction, placed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--poll", type=float, nargs="+", default=[0.01, 0.03])
    args = parser.parse_args()
    with ReaderSimulator(pace_baud=BAUD) as sim:
        base = baseline(sim, args.trials)
        rows = [("baseline: raw pyserial exchange", base)]
        for poll in args.poll:
            transaction, placed = driver(sim, args.trials, poll)
            rows.append((f"SerialIdReader: find→card (poll {poll * 1000:.0f} ms)", transaction))
            rows.append((f"SerialIdReader: placed→card (poll {poll * 1000:.0f} ms)", placed))
    base_median = statistics.median(base)
    print(f"wire: {WIRE_BYTES} bytes × 10 bits / {BAUD} baud = {WIRE_S * 1000:.1f} ms; {args.trials} trials")
    print(f"| {'scenario':<44} | median ms | p90 ms | ÷ wire | ÷ baseline | overhead vs wire |")
    print(f"|{'-' * 46}|-----------|--------|--------|------------|------------------|")
    for name, values in rows:
        med = statistics.median(values)
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        print(f"| {name:<44} | {med * 1000:9.1f} | {p90 * 1000:6.1f} | {med / WIRE_S:6.3f} |"
              f" {med / base_median:10.3f} | {(med / WIRE_S - 1) * 100:+15.1f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
