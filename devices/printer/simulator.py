"""A receipt printer on a pseudo-terminal: interprets the ESC/POS stream, renders PNGs, answers status.

Why a pty: the driver under test opens it with pyserial exactly as it opens a USB-serial printer.
The simulator interprets the bytes with `EscPosInterpreter`, keeps the text log of what was
printed, renders each cut-off receipt to a PNG (58 mm = 384 dots, 80 mm = 576 dots) and answers
DLE EOT from its state, which a test or the demo can set: paper near end, paper out, cover open,
offline, cutter error. While it cannot print it drops print data, as a real printer does. It can be
unplugged and plugged back behind a stable symlink.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from devices.printer.glyphs import GlyphRasteriser, default_rasteriser
from devices.printer.interpreter import Cut, EscPosInterpreter
from devices.printer.render import render_pages, save_png
from devices.printer.status import status_bytes
from devices.pty_pair import PtyDevice

log = logging.getLogger(__name__)


@dataclass
class PaperState:
    near_end: bool = False
    paper_out: bool = False
    cover_open: bool = False
    offline: bool = False
    cutter_error: bool = False
    silent: bool = False  # answers no status query at all

    @property
    def can_print(self) -> bool:
        return not (self.paper_out or self.cover_open or self.offline or self.cutter_error)


class PrinterSimulator(PtyDevice):
    KEEP_PAGES = 50
    THREAD_NAME = "printer simulator"
    READ_SIZE = 65536

    def __init__(self, width_mm: int = 80, out_dir: str | os.PathLike[str] | None = None,
                 link_path: str | os.PathLike[str] | None = None,
                 glyphs: GlyphRasteriser | None = None) -> None:
        super().__init__(link_path)
        self.width_dots = 384 if width_mm == 58 else 576
        self.state = PaperState()
        self._out_dir = Path(out_dir) if out_dir else None
        self._glyphs = glyphs if glyphs is not None else default_rasteriser()
        self.interpreter = EscPosInterpreter(self._status_byte, self.width_dots)
        self.pages: list[np.ndarray] = []     # the most recent KEEP_PAGES pages, as rasters
        self.png_paths: list[Path] = []
        self.page_count = 0                   # every page printed since start
        self.received = 0
        self.faults = 0                       # byte sequences that made it drop a job (should stay 0)
        self._consumed_ops = 0
        self._page_done = threading.Condition()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()     # cut pages waiting to be drawn
        self._drawing: threading.Thread | None = None

    def text_log(self) -> list[str]:
        return self.interpreter.text_log()

    def wait_for_pages(self, count: int, timeout: float = 10.0) -> bool:
        """Block until `count` receipts were cut (bytes are interpreted on the simulator's thread)."""
        with self._page_done:
            return self._page_done.wait_for(lambda: self.page_count >= count, timeout)

    # -- internals -------------------------------------------------------------------------------

    def _status_byte(self, n: int) -> int | None:
        s = self.state
        if s.silent or n not in (1, 2, 3, 4):
            return None
        return status_bytes(cover_open=s.cover_open, paper_out=s.paper_out, near_end=s.near_end,
                            cutter_error=s.cutter_error, offline=s.offline)[n - 1]

    def _received(self, master: int, data: bytes) -> None:
        self.received += len(data)
        try:
            reply = self._interpret(data)
        except Exception:  # noqa: BLE001 - no byte sequence may kill the serving thread (issue 15)
            # The interpreter and renderer are meant never to raise; should one still, the printer
            # drops what it was printing, as firmware resets its buffer, and keeps answering status.
            log.exception("printer simulator: print data dropped")
            self.faults += 1
            self.interpreter = EscPosInterpreter(self._status_byte, self.width_dots)
            self._consumed_ops = 0
            reply = b""
        if reply:
            with contextlib.suppress(OSError):
                os.write(master, reply)

    def _interpret(self, data: bytes) -> bytes:
        """Status requests are always answered; print data is dropped while the printer cannot print."""
        before = len(self.interpreter.ops)
        reply = self.interpreter.feed(data)
        ops = self.interpreter.ops
        if not self.state.can_print and len(ops) > before:
            del ops[before:]  # a real printer in error discards what it cannot print
            return reply
        if any(isinstance(op, Cut) for op in ops[before:]):
            self._finish_pages()
        return reply

    def _finish_pages(self) -> None:
        """Cut pages are drawn on a thread of their own, in order, so the serving thread answers
        the next status request at once, as a printer's firmware does while its head prints (the
        driver asks right after a job; a slow drawing must not look like a printer that went away)."""
        ops = self.interpreter.ops
        last_cut = max(i for i, op in enumerate(ops) if isinstance(op, Cut))
        job = ops[self._consumed_ops:last_cut + 1]
        self._consumed_ops = last_cut + 1
        if self._drawing is None or not self._drawing.is_alive():
            self._drawing = threading.Thread(target=self._draw_pages, name="printer simulator drawing",
                                             daemon=True)
            self._drawing.start()
        self._jobs.put(job)

    def _draw_pages(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                self._store_pages(render_pages(job, self.width_dots, self._glyphs))
            except Exception:  # noqa: BLE001 - a page that cannot be drawn is dropped, never the printer
                log.exception("printer simulator: page not drawn")
                self.faults += 1

    def _store_pages(self, new_pages: list) -> None:
        for page in new_pages:
            if self._out_dir is not None:
                self._out_dir.mkdir(parents=True, exist_ok=True)
                path = self._out_dir / f"receipt-{self.page_count + 1:03d}.png"
                save_png(page, str(path))
                self.png_paths.append(path)
            with self._page_done:
                self.pages.append(page)
                self.page_count += 1
                # A demo kiosk runs for days: keep only recent rasters (the PNGs stay on disk).
                del self.pages[:-self.KEEP_PAGES]
                del self.png_paths[:-self.KEEP_PAGES]
                self._page_done.notify_all()


def start_simulated_printer(width_mm: int = 80, out_dir: str | os.PathLike[str] | None = None):  # noqa: ANN201
    """For the composition root (demo, diag --simulate): a running simulator and a driver on it."""
    from devices.printer.receipt_printer import PrinterProfile, ReceiptPrinter
    from devices.printer.transport import SerialTransport

    sim = PrinterSimulator(width_mm, out_dir=out_dir)
    sim.start()
    printer = ReceiptPrinter(lambda: SerialTransport(sim.path), PrinterProfile(width_mm=width_mm),
                             default_rasteriser())
    return sim, printer
