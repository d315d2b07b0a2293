"""The device manager: one health per configured device, reconnects, events on worker threads.

Why a manager: the staff screen wants one line per device (`ok`, `missing`, `error: 中文原因`), and
the kiosk wants card events and a `print_receipt` that never raises. The reader reconnects by
itself (its worker re-opens the port); the printer is polled here on a worker thread, which also
re-opens its link after an unplug. Every callback into the application is guarded: a failing
device, or a failing listener, never takes the application down.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from devices.idcard import IdCardReader
from devices.idcard.card import IdCard
from devices.idcard.status import ReaderFault, ReaderMissing, ReaderStatus
from devices.printer.receipt import Guidance, Receipt
from devices.printer.receipt_printer import NotPrinted, PrintResult, ReceiptPrinter
from devices.printer.status import NoAnswer, PaperNearEnd, PrinterStatus, StatusOk

log = logging.getLogger(__name__)

ID_READER = "id_reader"
RECEIPT_PRINTER = "receipt_printer"
DEVICE_NAMES = {ID_READER: "身份证阅读器", RECEIPT_PRINTER: "凭条打印机"}


@dataclass(frozen=True)
class DeviceHealth:
    state: Literal["ok", "missing", "error"]
    message: str

    def __str__(self) -> str:
        return f"error: {self.message}" if self.state == "error" else self.state


def reader_health(status: ReaderStatus) -> DeviceHealth:
    if isinstance(status, ReaderMissing):
        return DeviceHealth("missing", status.message)
    if isinstance(status, ReaderFault):
        return DeviceHealth("error", status.message)
    return DeviceHealth("ok", status.message)


def printer_health(status: PrinterStatus) -> DeviceHealth:
    if isinstance(status, StatusOk | PaperNearEnd):
        return DeviceHealth("ok", status.message)
    if isinstance(status, NoAnswer):
        return DeviceHealth("missing", status.message)
    return DeviceHealth("error", status.message)


class DeviceManager:
    def __init__(self, *, id_reader: IdCardReader | None = None,
                 receipt_printer: ReceiptPrinter | None = None,
                 on_card: Callable[[IdCard], None] = lambda card: None,
                 on_health: Callable[[str, DeviceHealth], None] = lambda name, health: None,
                 printer_poll_interval: float = 5.0) -> None:
        self._reader = id_reader
        self._printer = receipt_printer
        self._on_card = on_card
        self._on_health = on_health
        self._poll = printer_poll_interval
        self._health: dict[str, DeviceHealth] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        if self._reader is not None:
            self._update(ID_READER, reader_health(self._reader.status()))
            self._reader.start(self._card, lambda status: self._update(ID_READER, reader_health(status)))
        if self._printer is not None:
            self._poller = threading.Thread(target=self._poll_printer, name="printer poll", daemon=True)
            self._poller.start()

    def stop(self) -> None:
        self._stop.set()
        if self._reader is not None:
            self._reader.stop()
        if self._poller is not None:
            self._poller.join(timeout=5)
            self._poller = None
        if self._printer is not None:
            self._printer.close()

    def health(self) -> dict[str, DeviceHealth]:
        with self._lock:
            return dict(self._health)

    def retries(self) -> dict[str, int]:
        """How many exchanges each device retried since start (transient errors that were
        handled: a late answer, a garbled frame), for the staff page; 0 for a backend that does
        not count."""
        if self._reader is None:
            return {}
        return {ID_READER: int(getattr(self._reader, "retries", 0))}

    def print_receipt(self, receipt: Receipt) -> PrintResult:
        """Never raises: an unexpected driver failure becomes `NotPrinted` with a Chinese reason."""
        return self._print(lambda printer: printer.print_receipt(receipt))

    def print_guidance(self, guidance: Guidance) -> PrintResult:
        """办理指引 on the receipt printer; never raises, like print_receipt."""
        return self._print(lambda printer: printer.print_guidance(guidance))

    def print_test_page(self, station_name: str, now: dt.datetime) -> PrintResult:
        """测试打印 from the staff screen (never a receipt); never raises, like print_receipt."""
        return self._print(lambda printer: printer.print_test_page(station_name, now))

    def _print(self, job: Callable[[ReceiptPrinter], PrintResult]) -> PrintResult:
        if self._printer is None:
            return NotPrinted(NoAnswer("本机未配置凭条打印机"))
        try:
            result = job(self._printer)
        except Exception:  # noqa: BLE001 - the kiosk must go on; the reason is logged without data
            log.exception("receipt printing failed")
            result = NotPrinted(NoAnswer("凭条打印机发生未知错误，请联系工作人员"))
        self._update(RECEIPT_PRINTER, printer_health(result.status))
        return result

    def refresh_printer(self) -> DeviceHealth | None:
        """Poll the printer now (also done every `printer_poll_interval` seconds)."""
        if self._printer is None:
            return None
        try:
            health = printer_health(self._printer.status())
        except Exception:  # noqa: BLE001
            log.exception("printer status failed")
            health = DeviceHealth("error", "凭条打印机状态查询出错")
        self._update(RECEIPT_PRINTER, health)
        return health

    # -- internals -------------------------------------------------------------------------------

    def _poll_printer(self) -> None:
        while not self._stop.is_set():
            self.refresh_printer()
            self._stop.wait(self._poll)

    def _card(self, card: IdCard) -> None:
        try:
            self._on_card(card)
        except Exception:  # noqa: BLE001
            log.exception("card listener failed")

    def _update(self, name: str, health: DeviceHealth) -> None:
        with self._lock:
            changed = self._health.get(name) != health
            self._health[name] = health
        if changed:
            try:
                self._on_health(name, health)
            except Exception:  # noqa: BLE001
                log.exception("health listener failed")
