"""`main.py diag printer`: print a sample receipt (or only ask the status) and say how it went.

Exit codes: 0 printed (or status asked) and the printer is fine or only warns (paper near end);
2 the printer cannot print, did not answer, or the port is missing. Messages in Chinese.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

EXIT_FAILURE = 2


def run_printer_diag(args: argparse.Namespace, *, width_mm: int, station_name: str, hotline: str) -> int:
    from devices.printer import open_receipt_printer, sample_receipt
    from devices.printer.glyphs import find_cjk_font

    if find_cjk_font() is None:
        print("提示：未找到中文字体（fonts-noto-cjk），生僻字无法按图片打印，模拟图片中不显示文字。",
              file=sys.stderr)

    sim = None
    out_dir = None
    try:
        if args.simulate:
            from devices.printer.simulator import start_simulated_printer

            out_dir = Path(tempfile.mkdtemp(prefix="receipt-sim-"))
            sim, printer = start_simulated_printer(width_mm, out_dir)
            _apply_paper(sim, args.paper)
        else:
            printer = open_receipt_printer(args.port, width_mm=width_mm, baud=args.baud)
        if args.sample == "status":
            status = printer.status()
            printer.close()
            print(f"打印机状态：{status.message}", file=sys.stdout if status.can_print else sys.stderr)
            return 0 if status.can_print else EXIT_FAILURE
        result = printer.print_receipt(sample_receipt(station_name, hotline))
        printer.close()
        if sim is not None and result.status.can_print:
            sim.wait_for_pages(1, timeout=5)
        print(result.message, file=sys.stdout if result.status.can_print else sys.stderr)
        if sim is not None and sim.png_paths:
            target = args.out or sim.png_paths[-1]
            if args.out:
                args.out.parent.mkdir(parents=True, exist_ok=True)
                args.out.write_bytes(sim.png_paths[-1].read_bytes())
            print(f"模拟打印结果：{target}")
        return 0 if result.status.can_print else EXIT_FAILURE
    finally:
        if sim is not None:
            sim.stop()


def _apply_paper(sim, paper: str) -> None:  # noqa: ANN001 - PrinterSimulator
    s = sim.state
    s.near_end = paper == "near-end"
    s.paper_out = paper == "out"
    s.cover_open = paper == "cover-open"
    s.offline = paper == "offline"
    s.cutter_error = paper == "cutter-error"
