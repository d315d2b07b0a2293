"""Receipt printers (58/80 mm ESC/POS): receipt layout, codec, status, transports, simulator.

The kiosk builds a `Receipt` and calls `printer.print_receipt(receipt)`; it gets back `Printed` or
`NotPrinted`, each with a Chinese message. `open_receipt_printer` is the one factory; the simulator
is chosen by the composition root (see `devices.printer.simulator.PrinterSimulator`).
(The A4 path lives in `devices/printer/a4/` and is exported from there.)
"""

from __future__ import annotations

from devices.printer.receipt import OwedMaterial, Receipt, ReceiptItem, receipt_bytes, sample_receipt
from devices.printer.receipt_printer import NotPrinted, Printed, PrinterProfile, PrintResult, ReceiptPrinter
from devices.printer.status import (
    CoverOpen,
    CutterError,
    NoAnswer,
    Offline,
    PaperNearEnd,
    PaperOut,
    PrinterStatus,
    StatusOk,
)


def open_receipt_printer(spec: str, width_mm: int = 80, baud: int = 115200,
                         profile: PrinterProfile | None = None) -> ReceiptPrinter:
    """A printer from the `devices.receipt_printer` config value (serial path, /dev/usb/lpN,
    tcp:HOST[:PORT] or file:PATH). Nothing is opened until the first status or print."""
    from devices.printer.glyphs import default_rasteriser
    from devices.printer.transport import open_transport

    if spec == "simulator":
        raise ValueError("模拟打印机须由程序入口启动（devices.printer.simulator.PrinterSimulator）")
    profile = profile or PrinterProfile(width_mm=width_mm, answers_status=not spec.startswith("file:"))
    return ReceiptPrinter(lambda: open_transport(spec, baud), profile, default_rasteriser())


__all__ = [
    "CoverOpen", "CutterError", "NoAnswer", "NotPrinted", "Offline", "OwedMaterial", "PaperNearEnd",
    "PaperOut", "PrintResult", "Printed", "PrinterProfile", "PrinterStatus", "Receipt", "ReceiptItem",
    "ReceiptPrinter", "StatusOk", "open_receipt_printer", "receipt_bytes", "sample_receipt",
]
