"""Decode rate and latency on the real-photo QR set, raw libraries against ours, same run.

Each photo of ../shared/benchmarks/qr-photos/qrcode-1 … qrcode-6 (137 images) is placed in the
middle of a mid-grey 1280×720 grayscale frame (scaled down only if it does not fit), as a camera
frame would hold it; every decoder gets the same frame. Score as the set's README says: decoded
text equals the .txt once "\\r\\n" -> "\\n", any symbol of the frame may match. qrcode-7 (four
structured-append symbols, one message) is scored separately: all four photos side by side in one
frame, the joined message must equal 01.txt.

Usage: python benchmarks/qr_decode.py [--set PATH] [--repeat N]
Prints a Markdown table; the last column is the median time relative to raw zxing-cpp.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.scanner.ensemble import EnsembleDecoder  # noqa: E402

FRAME_W, FRAME_H = 1280, 720


def default_set() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "benchmarks" / "qr-photos"
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "shared" / "benchmarks" / "qr-photos"


def load_items(root: Path) -> list[tuple[Path, str]]:
    items = []
    for n in range(1, 7):
        for image in sorted((root / f"qrcode-{n}").iterdir()):
            if image.suffix == ".txt":
                continue
            expected = image.with_suffix(".txt")
            if expected.exists():
                items.append((image, expected.read_text(encoding="utf-8")))
    return items


def in_frame(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    scale = min(1.0, FRAME_W / w, FRAME_H / h)
    if scale < 1.0:
        gray = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)
        h, w = gray.shape
    frame = np.full((FRAME_H, FRAME_W), 128, np.uint8)
    y, x = (FRAME_H - h) // 2, (FRAME_W - w) // 2
    frame[y:y + h, x:x + w] = gray
    return frame


def side_by_side(images: list[np.ndarray]) -> np.ndarray:
    height = max(i.shape[0] for i in images) + 40
    width = sum(i.shape[1] + 20 for i in images) + 20
    canvas = np.full((height, width), 255, np.uint8)
    x = 20
    for image in images:
        canvas[20:20 + image.shape[0], x:x + image.shape[1]] = image
        x += image.shape[1] + 20
    return in_frame(canvas) if width <= FRAME_W else canvas


def norm(text: str) -> str:
    return text.replace("\r\n", "\n")


def raw_zxing() -> Callable[[np.ndarray], list[str]]:
    import zxingcpp

    return lambda g: [b.text for b in zxingcpp.read_barcodes(g, text_mode=zxingcpp.TextMode.Plain)]


def raw_zxing_our_formats() -> Callable[[np.ndarray], list[str]]:
    """zxing-cpp alone with the formats and options our first pass uses: shows what the formats
    choice buys (speed) and what the rescue passes add (decoded count)."""
    import zxingcpp

    from devices.scanner.decoders import DEFAULT_FORMATS

    formats = zxingcpp.barcode_formats_from_str(",".join(DEFAULT_FORMATS))
    return lambda g: [b.text for b in zxingcpp.read_barcodes(g, formats=formats, try_rotate=False,
                                                               text_mode=zxingcpp.TextMode.Plain)]


def raw_pyzbar() -> Callable[[np.ndarray], list[str]]:
    from pyzbar import pyzbar

    def decode(g: np.ndarray) -> list[str]:
        try:
            return [s.data.decode("utf-8", errors="replace") for s in pyzbar.decode(g)]
        except ValueError:  # pyzbar 0.1.9 raises on symbols of unknown orientation
            return []
    return decode


def raw_opencv() -> Callable[[np.ndarray], list[str]]:
    detector = cv2.QRCodeDetector()

    def decode(g: np.ndarray) -> list[str]:
        try:
            text, _points, _ = detector.detectAndDecode(g)
        except (UnicodeDecodeError, cv2.error):  # non-UTF-8 payloads, Hanzi mode: unsupported
            return []
        return [text] if text else []
    return decode


def ours() -> Callable[[np.ndarray], list[str]]:
    ensemble = EnsembleDecoder()
    return lambda g: [s.text for s in ensemble.decode(g)]


def measure(decode: Callable[[np.ndarray], list[str]], frames: list[tuple[np.ndarray, str]],
            repeat: int) -> tuple[int, float, float]:
    decoded = 0
    times = []
    for frame, expected in frames:
        best = float("inf")
        texts: list[str] = []
        for _ in range(repeat):
            start = time.perf_counter()
            texts = decode(frame)
            best = min(best, time.perf_counter() - start)
        times.append(best * 1000)
        if any(norm(t) == expected for t in texts):
            decoded += 1
    return decoded, statistics.median(times), statistics.fmean(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=default_set())
    parser.add_argument("--repeat", type=int, default=3, help="runs per frame; the fastest counts")
    args = parser.parse_args()
    if not args.set.is_dir():
        print(f"找不到测试图片目录：{args.set}", file=sys.stderr)
        return 2
    items = load_items(args.set)
    frames = [(in_frame(cv2.imread(str(p), cv2.IMREAD_GRAYSCALE)), norm(t)) for p, t in items]
    sa_dir = args.set / "qrcode-7"
    sa_parts = sorted(sa_dir.glob("01-*.png"))
    sa_frame = side_by_side([cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in sa_parts])
    sa_expected = norm((sa_dir / "01.txt").read_text(encoding="utf-8"))

    decoders = [("zxing-cpp (raw, defaults)", raw_zxing()),
                ("zxing-cpp (raw, our formats, no rotate)", raw_zxing_our_formats()),
                ("pyzbar (raw)", raw_pyzbar()),
                ("OpenCV QRCodeDetector (raw)", raw_opencv()), ("ours (ensemble)", ours())]
    rows = []
    for name, decode in decoders:
        decode(frames[0][0])  # warm-up: library loading is not per-frame cost
        count, median, mean = measure(decode, frames, args.repeat)
        sa_ok = any(norm(t) == sa_expected for t in decode(sa_frame))
        rows.append((name, count, median, mean, sa_ok))
    baseline = rows[0][2]
    print(f"QR photo set: {len(frames)} images (qrcode-1…6) in {FRAME_W}×{FRAME_H} frames; "
          f"fastest of {args.repeat} runs per frame\n")
    print("| decoder | decoded | median ms / frame | mean ms / frame | median vs raw zxing-cpp "
          "| qrcode-7 structured append joined |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, count, median, mean, sa_ok in rows:
        print(f"| {name} | {count} / {len(frames)} | {median:.2f} | {mean:.2f} | "
              f"{median / baseline:.2f}× | {'yes' if sa_ok else 'no'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
