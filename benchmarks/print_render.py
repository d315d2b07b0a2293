"""A4 notice render time against a bare QPdfWriter page with the same text, same run.

"bare": one QPdfWriter page, the same strings drawn with QPainter.drawText (Qt's own wrapping), no
seal, no QR codes, no ToUnicode repair. "ours": NoticeRenderer.render (layout with punctuation
rules, seal, lookup QR, per-page verification QR, ToUnicode repair). Both produce PDF bytes in
memory. Target from the issue: ours / bare ≤ 2×.

Usage: python benchmarks/print_render.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.printer.a4.render import SERIF, NoticeRenderer, ensure_gui_app  # noqa: E402
from devices.printer.a4.samples import sample_notice  # noqa: E402


def bare_page(notice) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QFont, QPageSize, QPainter, QPdfWriter

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    painter = QPainter(writer)
    font = QFont(SERIF)
    font.setPointSizeF(16)
    painter.setFont(font)
    text = "\n".join([notice.heading, notice.doc_number, notice.title, notice.recipient,
                      *notice.paragraphs, notice.issuer, notice.date])
    flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
    painter.drawText(QRectF(330, 437, 1843, 2657), flags, text)
    painter.end()
    buffer.close()
    return bytes(data.data())


def timed_pair(first, second, runs: int) -> tuple[float, float]:
    """Median ms of each, measured alternately so that load from other processes hits both alike."""
    first()
    second()  # warm-up: font loading and first-use caches are not per-page cost
    a, b = [], []
    for _ in range(runs):
        start = time.perf_counter()
        first()
        a.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        second()
        b.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    ensure_gui_app()
    renderer = NoticeRenderer()
    notice = sample_notice()  # the seal image is made here, once, not per render
    bare, ours = timed_pair(lambda: bare_page(notice), lambda: renderer.render(notice), args.runs)
    print(f"A4 notice render, median of {args.runs} runs (PDF bytes in memory)\n")
    print("| renderer | median ms / page | ratio |")
    print("| --- | --- | --- |")
    print(f"| bare QPdfWriter page, same text | {bare:.1f} | 1.00× |")
    print(f"| NoticeRenderer (layout, seal, 2 QR codes, ToUnicode repair) | {ours:.1f} | "
          f"{ours / bare:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
