"""Document capture time per 1280×720 frame (find paper, flatten to A4 at 200 dpi, deskew, measure,
capped JPEG), against the bare OpenCV steps it is built on (Canny + contours + one warp), same run.

Frames are synthetic photographs (tests/capture/synth.py): a rendered page warped onto a wooden
table, some blurred, some with glare. Also prints the corner error of each frame.

Usage: python benchmarks/capture_frame.py [--frames N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "capture"))

from capture_synth import photograph, render_page, tilted_corners  # noqa: E402

from devices.capture import capture, check, preset  # noqa: E402


def bare(frame: np.ndarray) -> np.ndarray:
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 40, 120)
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    biggest = max(contours, key=cv2.contourArea)
    box = cv2.boxPoints(cv2.minAreaRect(biggest)).astype(np.float32)
    dst = np.array([[0, 0], [1653, 0], [1653, 2338], [0, 2338]], np.float32)
    return cv2.warpPerspective(frame, cv2.getPerspectiveTransform(box, dst), (1654, 2339))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=12)
    args = parser.parse_args()
    page = render_page()
    photos = [photograph(page, tilted_corners(i), blur_sigma=2.5 if i % 3 == 1 else 0.0,
                         glare=1.2 if i % 3 == 2 else 0.0, seed=i) for i in range(args.frames)]
    target = preset("a4")
    capture(photos[0].frame, target)
    bare(photos[0].frame)
    ours_ms, bare_ms, check_ms, errors, sizes = [], [], [], [], []
    for photo in photos:
        start = time.perf_counter()
        check(photo.frame, target)
        check_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        bare(photo.frame)
        bare_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        result = capture(photo.frame, target)
        ours_ms.append((time.perf_counter() - start) * 1000)
        if result.quad is not None:
            errors.append(float(np.max(np.linalg.norm(result.quad.points - photo.corners, axis=1))))
        sizes.append(len(result.jpeg or b""))
    found = len(errors)
    print(f"Document capture, {args.frames} synthetic 1280×720 frames (A4 at 200 dpi)\n")
    print("| pipeline | median ms / frame | ratio | paper found | max corner error px | max JPEG KB |")
    print("| --- | --- | --- | --- | --- | --- |")
    b, o, c = statistics.median(bare_ms), statistics.median(ours_ms), statistics.median(check_ms)
    print(f"| bare OpenCV (Canny, contour, one warp) | {b:.1f} | 1.00× | – | – | – |")
    print(f"| ours, live check only (find, preview, skew, blur/glare) | {c:.1f} | {c / b:.2f}× | – | – | – |")
    print(f"| ours (find, flatten, deskew, blur/glare, capped JPEG) | {o:.1f} | {o / b:.2f}× | "
          f"{found}/{args.frames} | {max(errors):.1f} | {max(sizes) / 1000:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
