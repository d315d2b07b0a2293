"""A4 printing: notices and receipts rendered to PDF, certificates printed only when verified.

PDF first: every document is a PDF before it is anything else. `render.NoticeRenderer` draws
notices with QPainter/QPdfWriter (the one Qt use allowed in devices/); `cups.CupsPrinter` sends a
PDF to a named CUPS queue over IPP and follows the job; `folder.PdfFolderPrinter` writes the PDF
into a folder instead (demo, stations without a printer); `certificate.print_certificate` refuses
anything whose signature the caller's check does not accept. Qt is imported only when rendering.
"""

from __future__ import annotations

from pathlib import Path

from devices.printer.a4.certificate import print_certificate
from devices.printer.a4.cups import CupsPrinter
from devices.printer.a4.folder import PdfFolderPrinter
from devices.printer.a4.types import JobOutcome, NotVerified, PrinterNotFound, PrintError, PrintJob


def open_a4_printer(setting: str, pdf_folder: Path,
                    server: str | None = None) -> CupsPrinter | PdfFolderPrinter:
    """From the `devices.a4_printer` setting: "pdf" writes into `pdf_folder`, else a CUPS queue name."""
    if not setting or setting == "pdf":
        return PdfFolderPrinter(pdf_folder)
    return CupsPrinter(setting, server=server)


__all__ = ["CupsPrinter", "JobOutcome", "NotVerified", "PdfFolderPrinter", "PrintError", "PrintJob",
           "PrinterNotFound", "open_a4_printer", "print_certificate"]
