"""Device manager: one health per device, reconnect after unplug, failures contained."""

from __future__ import annotations

import queue
import time

from devices.idcard import ReaderFault
from devices.idcard.card import IdCard
from devices.idcard.fake import FakeIdReader
from devices.idcard.samples import sample_cards
from devices.idcard.serial_backend import SerialIdReader
from devices.idcard.simulator import ReaderSimulator
from devices.manager import ID_READER, RECEIPT_PRINTER, DeviceHealth, DeviceManager
from devices.printer import NotPrinted, PrinterProfile, ReceiptPrinter, sample_receipt
from devices.printer.simulator import PrinterSimulator
from devices.printer.transport import SerialTransport


def _wait_health(manager: DeviceManager, name: str, state: str, timeout: float = 5.0) -> DeviceHealth:
    """Bounded wait until the manager shows `state` for `name` (each state here is stable once reached)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = manager.health().get(name)
        if health is not None and health.state == state:
            return health
        time.sleep(0.01)
    raise AssertionError(f"{name} never became {state}; it is {manager.health().get(name)}")


def test_health_strings():
    assert str(DeviceHealth("ok", "x")) == "ok" and str(DeviceHealth("missing", "x")) == "missing"
    assert str(DeviceHealth("error", "缺纸")) == "error: 缺纸"


def test_reader_and_printer_health_with_reconnect(tmp_path):
    events: list = []
    cards: queue.Queue = queue.Queue()
    reader_sim = ReaderSimulator(tmp_path / "ttyIDR")
    printer_sim = PrinterSimulator(80, link_path=tmp_path / "ttyPRN")
    reader_sim.start()
    printer_sim.start()
    manager = DeviceManager(
        id_reader=SerialIdReader(reader_sim.path, poll_interval=0.01),
        receipt_printer=ReceiptPrinter(lambda: SerialTransport(printer_sim.path), PrinterProfile()),
        on_card=cards.put, on_health=lambda n, h: events.append((n, str(h))), printer_poll_interval=0.05)
    manager.start()
    try:
        _wait_health(manager, ID_READER, "ok")
        _wait_health(manager, RECEIPT_PRINTER, "ok")
        # unplug both: closing the ptys
        reader_sim.unplug()
        printer_sim.unplug()
        _wait_health(manager, ID_READER, "missing")
        _wait_health(manager, RECEIPT_PRINTER, "missing")
        assert manager.health()[ID_READER].state == "missing"
        # plug back in: a new pty behind the same path
        reader_sim.replug()
        printer_sim.replug()
        _wait_health(manager, ID_READER, "ok")
        _wait_health(manager, RECEIPT_PRINTER, "ok")
        reader_sim.place(sample_cards()["resident"])
        assert cards.get(timeout=5).name == "王喆"
        printer_sim.state.paper_out = True
        health = _wait_health(manager, RECEIPT_PRINTER, "error")
        assert str(health) == "error: 凭条打印机缺纸，请联系工作人员"
        assert isinstance(manager.print_receipt(sample_receipt()), NotPrinted)
        # the listener saw every change, in order per device
        printer_states = [h.split(":")[0] for n, h in events if n == RECEIPT_PRINTER]
        collapsed = [s for i, s in enumerate(printer_states) if i == 0 or printer_states[i - 1] != s]
        assert collapsed == ["ok", "missing", "ok", "error"]
    finally:
        manager.stop()
        reader_sim.stop()
        printer_sim.stop()


def test_fake_reader_and_failing_listeners_do_not_take_the_app_down():
    fake = FakeIdReader()

    def broken(*_args) -> None:  # noqa: ANN002
        raise RuntimeError("listener bug")

    manager = DeviceManager(id_reader=fake, on_card=broken, on_health=broken)
    manager.start()
    fake.insert_card(sample_cards()["hk_mo_tw"])  # raises inside: contained
    fake.set_status(ReaderFault("阅读器安全模块（SAM）自检失败，请联系工作人员", 0x60))
    assert str(manager.health()[ID_READER]).startswith("error: 阅读器安全模块")
    assert isinstance(manager.print_receipt(sample_receipt()), NotPrinted)  # no printer configured
    manager.stop()


def test_fake_reader_reports_synchronously():
    fake = FakeIdReader()
    got: list[IdCard] = []
    fake.start(got.append, lambda s: None)
    fake.insert_card(sample_cards()["foreign_2023"])
    assert got == [sample_cards()["foreign_2023"]]
