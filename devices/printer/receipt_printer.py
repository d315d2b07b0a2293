"""The receipt printer driver: status first, then the receipt, then status again.

Why check around every job: a thermal printer happily swallows a receipt into an empty roll or an
open cover, and the resident leaves with nothing. So `print_receipt` refuses when the printer says
it cannot print (or says nothing at all), and reports what happened as a typed result with a Chinese
message. The link is reopened on the next call after an unplug; a lock keeps the manager's status
polls and a print job from interleaving on the wire.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from devices.printer import escpos
from devices.printer.escpos import Rasteriser
from devices.printer.receipt import Guidance, Receipt, guidance_bytes, printer_test_page, receipt_bytes
from devices.printer.status import NoAnswer, PrinterStatus, parse_status
from devices.printer.transport import Transport, TransportError


@dataclass(frozen=True)
class PrinterProfile:
    """Model quirks as data (cf. python-escpos's capabilities.json)."""

    width_mm: int = 80
    model: str = "ESC/POS 热敏凭条打印机"
    native_qr: bool = True
    has_cutter: bool = True
    answers_status: bool = True
    status_timeout: float = 0.5


@dataclass(frozen=True)
class Printed:
    status: PrinterStatus  # may be a warning such as PaperNearEnd

    @property
    def message(self) -> str:
        return "凭条已打印" + ("" if self.status.message == "打印机正常" else f"（{self.status.message}）")


@dataclass(frozen=True)
class NotPrinted:
    status: PrinterStatus

    @property
    def message(self) -> str:
        return f"凭条未能打印：{self.status.message}"


PrintResult = Printed | NotPrinted


class ReceiptPrinter:
    def __init__(self, connect: Callable[[], Transport], profile: PrinterProfile | None = None,
                 rasterise: Rasteriser | None = None) -> None:
        self._connect = connect
        self.profile = profile or PrinterProfile()
        self._rasterise = rasterise
        self._transport: Transport | None = None
        self._lock = threading.Lock()

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1–4 now; reconnects if the link had dropped."""
        with self._lock:
            return self._status_locked()

    def print_receipt(self, receipt: Receipt) -> PrintResult:
        """The one call the kiosk makes."""
        p = self.profile
        data = receipt_bytes(receipt, width_mm=p.width_mm, native_qr=p.native_qr, has_cutter=p.has_cutter,
                             rasterise=self._rasterise)
        return self.print_bytes(data)

    def print_guidance(self, guidance: Guidance) -> PrintResult:
        """办理指引 (devices.printer.receipt.guidance_bytes): where to go when this station cannot
        take the matter."""
        p = self.profile
        return self.print_bytes(guidance_bytes(guidance, width_mm=p.width_mm, has_cutter=p.has_cutter,
                                               rasterise=self._rasterise))

    def print_test_page(self, station_name: str, now: dt.datetime) -> PrintResult:
        """测试打印: the printer's own test page (devices.printer.receipt.printer_test_page),
        stating the status it had just before."""
        p = self.profile
        data = printer_test_page(station_name=station_name, model=p.model, status=self.status().message,
                               printed_at=now, width_mm=p.width_mm, has_cutter=p.has_cutter,
                               rasterise=self._rasterise)
        return self.print_bytes(data)

    def print_bytes(self, data: bytes) -> PrintResult:
        with self._lock:
            before = self._status_locked()
            if self.profile.answers_status and not before.can_print:
                return NotPrinted(before)
            transport = self._transport
            if transport is None:
                return NotPrinted(NoAnswer("凭条打印机未连接"))
            try:
                transport.write(data)
            except TransportError as exc:
                self._drop()
                return NotPrinted(NoAnswer(f"{exc}，凭条未打印完整"))
            if not self.profile.answers_status:
                return Printed(before)
            after = self._status_locked()
            return Printed(after) if after.can_print else NotPrinted(after)

    def close(self) -> None:
        with self._lock:
            self._drop()

    # -- internals (hold the lock) ---------------------------------------------------------------

    def _ensure(self) -> Transport | None:
        if self._transport is None:
            try:
                self._transport = self._connect()
            except TransportError:
                return None
        return self._transport

    def _drop(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _status_locked(self) -> PrinterStatus:
        transport = self._ensure()
        if transport is None:
            return NoAnswer("未找到凭条打印机，请检查电源和连接线")
        if not self.profile.answers_status:
            return NoAnswer("该打印机不回报状态")
        try:
            discard = getattr(transport, "discard_input", None)
            if discard:
                discard()
            replies = b""
            for n in (1, 2, 3, 4):
                transport.write(escpos.status_request(n))
                replies += transport.read(1, self.profile.status_timeout)
                if len(replies) < n:  # silent: do not wait four times over
                    break
        except TransportError:
            self._drop()
            return NoAnswer("凭条打印机已断开，请检查连接线")
        return parse_status(replies)
