"""Benchmark: building the sample receipt's ESC/POS bytes against the time they take on the wire.

For 58/80 mm with native QR and with the raster fallback: bytes, wire time at 115200 baud
(bytes × 10 / 115200, the baseline computed in this run), the time to build the bytes (layout,
GB18030, rare-character rasters, QR), and the time for the pty simulator to receive, interpret
and render them to a PNG. Build time should be a small fraction of wire time.

Usage: python benchmarks/receipt_print.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.printer import receipt_bytes, sample_receipt  # noqa: E402
from devices.printer.glyphs import default_rasteriser  # noqa: E402
from devices.printer.simulator import start_simulated_printer  # noqa: E402

BAUD = 115200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    glyphs = default_rasteriser()
    receipt = sample_receipt()
    print("| paper | QR | bytes | wire ms @115200 | build ms | build ÷ wire | print+render ms (pty sim) |")
    print("|---|---|---|---|---|---|---|")
    for width in (58, 80):
        for native in (True, False):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                data = receipt_bytes(receipt, width_mm=width, native_qr=native, rasterise=glyphs)
                times.append(time.perf_counter() - start)
            build = statistics.median(times)
            wire = len(data) * 10 / BAUD
            with tempfile.TemporaryDirectory() as tmp:
                sim, printer = start_simulated_printer(width, tmp)
                printer.profile = type(printer.profile)(width_mm=width, native_qr=native)
                start = time.perf_counter()
                printer.print_receipt(receipt)
                sim.wait_for_pages(1)
                round_trip = time.perf_counter() - start
                printer.close()
                sim.stop()
            print(f"| {width} mm | {'native' if native else 'raster'} | {len(data)} | {wire * 1000:.0f} |"
                  f" {build * 1000:.1f} | {build / wire:.3f} | {round_trip * 1000:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
