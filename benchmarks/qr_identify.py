"""From a camera frame to an identified resident: the cost the 辽事通 identity code adds to decoding.

Frames: generated front-camera pictures (devices/camera/phone_scenes.py) of a phone showing a fresh identity
code (`sync/identity_code.py`), 1280×720, the phone turned by -12 … +12 degrees and placed at a
few sizes; each row runs on the same frames in the same run. Rows:

- raw zxing-cpp `read_barcodes` (the baseline: plain decoding, no checks);
- ours: the scanner room's EnsembleDecoder (what the kiosk decodes with);
- ours + verify: EnsembleDecoder, then `identity_code.read` (Ed25519 signature, times, check digit);
- frame → identified: a ScannerWorker thread (as the kiosk runs it) fed one frame, measured from
  `start()` to the verified code handed to the callback (thread start and queueing included).

Usage: python benchmarks/qr_identify.py [--frames N] [--repeat N]
Prints a Markdown table; the last column is the median relative to raw zxing-cpp.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from devices.camera.phone_scenes import phone_scene  # noqa: E402
from devices.scanner.ensemble import EnsembleDecoder  # noqa: E402
from devices.scanner.worker import ScannerWorker  # noqa: E402
from sync import identity_code as ic  # noqa: E402
from sync.signing import raw_public  # noqa: E402

KEY = Ed25519PrivateKey.generate()
PUBLIC = raw_public(KEY.public_key())
NAMES = [("王喆", "11010519491231002X"), ("欧阳娜仁·其其格", "150102199003070025"),
         ("李堃", "210102198002290024")]


def frames(count: int) -> list[tuple[np.ndarray, str]]:
    """`count` gray frames, each with its own code, angle and distance."""
    from forms.validators import id_check_digit

    out = []
    for n in range(count):
        name, number = NAMES[n % len(NAMES)]
        number = number[:17] + id_check_digit(number[:17])
        text = ic.issue(KEY, name, number, time.time())
        frame = phone_scene(text, angle=-12 + 24 * n / max(1, count - 1), seed=n)
        scale = (0.85, 1.0, 1.15)[n % 3]
        frame = cv2.resize(frame, None, fx=scale, fy=scale)
        canvas = cv2.resize(phone_scene(None, seed=n), (1280, 720))
        h, w = min(720, frame.shape[0]), min(1280, frame.shape[1])
        y, x = (720 - h) // 2, (1280 - w) // 2
        fy, fx = (frame.shape[0] - h) // 2, (frame.shape[1] - w) // 2
        canvas[y:y + h, x:x + w] = frame[fy:fy + h, fx:fx + w]
        out.append((cv2.cvtColor(canvas, cv2.COLOR_BGR2GRAY), text))
    return out


def raw_zxing() -> Callable[[np.ndarray], list[str]]:
    import zxingcpp

    return lambda g: [r.text for r in zxingcpp.read_barcodes(g)]


def ours() -> Callable[[np.ndarray], list[str]]:
    ensemble = EnsembleDecoder()
    return lambda g: [s.text for s in ensemble.decode(g)]


def ours_verified() -> Callable[[np.ndarray], list[str]]:
    ensemble = EnsembleDecoder()

    def decode(g: np.ndarray) -> list[str]:
        found = []
        for symbol in ensemble.decode(g):
            try:
                ic.read(symbol.raw, PUBLIC, time.time())
            except ic.IdentityCodeError:
                continue
            found.append(symbol.text)
        return found
    return decode


class _OneFrame:
    def __init__(self, frame: np.ndarray) -> None:
        self._frame: np.ndarray | None = frame

    def read(self) -> np.ndarray | None:
        frame, self._frame = self._frame, None
        return frame

    def close(self) -> None:
        pass


def through_worker() -> Callable[[np.ndarray], list[str]]:
    """The kiosk's path: a ScannerWorker thread decodes, the callback verifies."""
    decoder = EnsembleDecoder()

    def decode(g: np.ndarray) -> list[str]:
        found: list[str] = []
        done = threading.Event()

        def on_code(symbol) -> None:  # noqa: ANN001
            try:
                ic.read(symbol.raw, PUBLIC, time.time())
                found.append(symbol.text)
            except ic.IdentityCodeError:
                pass

        worker = ScannerWorker(_OneFrame(g), on_code, on_stopped=done.set, decoder_factory=lambda: decoder)
        worker.start()
        done.wait(10)
        return found
    return decode


def measure(decode: Callable[[np.ndarray], list[str]], items: list[tuple[np.ndarray, str]],
            repeat: int) -> tuple[int, float, float]:
    decoded, times = 0, []
    for frame, expected in items:
        best, texts = float("inf"), []
        for _ in range(repeat):
            start = time.perf_counter()
            texts = decode(frame)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
        decoded += expected in texts
    return decoded, statistics.median(times), statistics.quantiles(times, n=20)[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5, help="runs per frame; the fastest counts")
    args = parser.parse_args()
    items = frames(args.frames)
    rows = []
    for name, decode in [("raw zxing-cpp read_barcodes (baseline)", raw_zxing()),
                         ("ours: EnsembleDecoder", ours()),
                         ("ours + identity_code.read (verify)", ours_verified()),
                         ("frame → identified (ScannerWorker thread + verify)", through_worker())]:
        decode(items[0][0])                      # warm-up: loading is not per-frame cost
        rows.append((name, *measure(decode, items, args.repeat)))
    start = time.perf_counter()
    for _ in range(1000):
        ic.read(items[0][1], PUBLIC, time.time())
    verify_ms = (time.perf_counter() - start) * 1000 / 1000
    baseline = rows[0][2]
    print(f"{len(items)} generated 1280×720 front-camera frames (phone with a 辽事通 identity code); "
          f"fastest of {args.repeat} runs per frame; identity_code.read alone: {verify_ms:.3f} ms\n")
    print("| path | decoded + verified | median ms / frame | p95 ms / frame | median vs baseline |")
    print("| --- | --- | --- | --- | --- |")
    for name, count, median, p95 in rows:
        print(f"| {name} | {count} / {len(items)} | {median:.2f} | {p95:.2f} | {median / baseline:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
