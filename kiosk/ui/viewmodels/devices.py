"""Devices as QML sees them: a card placed on the reader, and one health line per device.

The device manager calls back on its worker threads; these callbacks only emit Qt signals, which
Qt delivers on the GUI thread (queued), so no view-model is ever touched from a device thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

log = logging.getLogger(__name__)

DEVICE_NAMES = {"id_reader": "身份证阅读器", "receipt_printer": "凭条打印机"}


class DevicesViewModel(QObject):
    changed = Signal()
    _cardFromWorker = Signal(object)
    _healthFromWorker = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._health: dict[str, tuple[str, str]] = {}
        # The last time each device stopped working and came back (wall clock, message): the staff
        # page says "正常" and, beside it, what happened (the demo's log said "error" while the
        # staff page, read later, said only 正常).
        self._faults: dict[str, dict[str, object]] = {}
        self._demo = False
        self._simulator = None
        self._manager = None
        self.on_card: Callable[[object], None] | None = None
        self._cardFromWorker.connect(self._deliver_card)
        self._healthFromWorker.connect(self._deliver_health)

    # --- called on device worker threads ----------------------------------------------------
    def card_from_worker(self, card) -> None:  # noqa: ANN001 - devices.idcard.IdCard
        self._cardFromWorker.emit(card)

    def health_from_worker(self, name: str, health) -> None:  # noqa: ANN001 - DeviceHealth
        self._healthFromWorker.emit(name, health.state, health.message)

    # --- GUI thread --------------------------------------------------------------------------
    def _deliver_card(self, card) -> None:  # noqa: ANN001
        if self.on_card is not None:
            self.on_card(card)

    def _deliver_health(self, name: str, state: str, message: str) -> None:
        import time

        previous = self._health.get(name, ("", ""))[0]
        self._health[name] = (state, message)
        if state != "ok" and previous == "ok":      # a device that worked and stopped: staff must know
            log.warning("device %s: %s (%s)", name, state, message)
            self._faults[name] = {"at": time.time(), "message": message, "until": None}
        elif state == "ok" and previous not in ("", "ok") and name in self._faults:
            fault = self._faults[name]
            fault["until"] = time.time()
            log.info("device %s: ok again after %.1f s", name, fault["until"] - fault["at"])
        self.changed.emit()

    def recent_fault(self, name: str) -> dict[str, object] | None:
        """The device's last fault since start: {at, message, until (None while it lasts)}."""
        return self._faults.get(name)

    def retries(self) -> dict[str, int]:
        """Exchanges each device retried (transient errors handled without a fault)."""
        return self._manager.retries() if self._manager is not None else {}

    def attach_manager(self, manager) -> None:  # noqa: ANN001 - devices.manager.DeviceManager
        self._manager = manager

    def print_receipt(self, receipt):  # noqa: ANN001, ANN201 - Receipt -> PrintResult
        """Print on the receipt printer. Blocks: call it from a worker thread (kiosk.ui.background)."""
        if self._manager is None:
            from devices.printer.receipt_printer import NotPrinted
            from devices.printer.status import NoAnswer

            return NotPrinted(NoAnswer("本机未接凭条打印机"))
        return self._manager.print_receipt(receipt)

    def print_guidance(self, guidance):  # noqa: ANN001, ANN201 - Guidance -> PrintResult
        """办理指引 on the receipt printer. Blocks: call it from a worker thread."""
        if self._manager is None:
            from devices.printer.receipt_printer import NotPrinted
            from devices.printer.status import NoAnswer

            return NotPrinted(NoAnswer("本机未接凭条打印机"))
        return self._manager.print_guidance(guidance)

    def print_test_page(self, station_name: str):  # noqa: ANN201 - PrintResult
        """测试打印 (staff): the printer's test page. Blocks: call it from a worker thread."""
        import datetime as dt

        if self._manager is None:
            from devices.printer.receipt_printer import NotPrinted
            from devices.printer.status import NoAnswer

            return NotPrinted(NoAnswer("本机未接凭条打印机"))
        return self._manager.print_test_page(station_name, dt.datetime.now())

    def attach_demo_reader(self, simulator) -> None:  # noqa: ANN001 - ReaderSimulator
        """Demo mode: a button on the attract screen places a sample card on the simulated reader."""
        self._simulator = simulator
        self._demo = True
        self.changed.emit()

    @Property(bool, notify=changed)
    def demo(self) -> bool:
        return self._demo

    @Property(bool, notify=changed)
    def readerReady(self) -> bool:
        return self._health.get("id_reader", ("", ""))[0] == "ok"

    @Property(bool, notify=changed)
    def readerDown(self) -> bool:
        """The reader said it is not working (not merely: not heard from yet at start-up). The
        screens that ask for a card then say so, so that a card put down — or the demo's button
        pressed — is not met with silence."""
        state = self._health.get("id_reader", ("", ""))[0]
        return state not in ("", "ok")

    @Property(str, notify=changed)
    def problems(self) -> str:
        """One short line for staff and the calm banner: which device needs attention."""
        lines = [f"{DEVICE_NAMES.get(name, name)}：{message}"
                 for name, (state, message) in sorted(self._health.items()) if state != "ok"]
        return "；".join(lines)

    def health(self) -> dict[str, tuple[str, str]]:
        return dict(self._health)

    @Slot(str)
    def placeDemoCard(self, sample: str) -> None:
        """Put a sample card on the simulated reader; it arrives over the real wire protocol."""
        if self._simulator is None:
            return
        from devices.idcard.samples import sample_for

        card = sample_for(sample) or sample_for("resident")
        self._simulator.lift()
        self._simulator.place(card)

    def lift_demo_card(self) -> None:
        if self._simulator is not None:
            self._simulator.lift()
