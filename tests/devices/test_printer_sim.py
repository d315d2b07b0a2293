"""The receipt printer driver end to end: pty simulator rendering PNGs, TCP 9100, file."""

from __future__ import annotations

import socket
import threading

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from devices.printer import (
    CoverOpen,
    NoAnswer,
    NotPrinted,
    PaperNearEnd,
    PaperOut,
    Printed,
    PrinterProfile,
    ReceiptPrinter,
    StatusOk,
    receipt_bytes,
    sample_receipt,
)
from devices.printer.glyphs import default_rasteriser
from devices.printer.interpreter import EscPosInterpreter
from devices.printer.simulator import PrinterSimulator
from devices.printer.status import status_bytes
from devices.printer.transport import FileTransport, NetworkTransport, SerialTransport, open_transport
from tests.devices.conftest import needs_cjk_font


@pytest.fixture(params=[80, 58])
def printer_sim(request, tmp_path):
    sim = PrinterSimulator(request.param, out_dir=tmp_path / "out", link_path=tmp_path / "ttyPRN0")
    sim.start()
    yield sim
    sim.stop()


def _printer(sim: PrinterSimulator, width: int, native_qr: bool = True) -> ReceiptPrinter:
    profile = PrinterProfile(width_mm=width, native_qr=native_qr)
    return ReceiptPrinter(lambda: SerialTransport(sim.path), profile, default_rasteriser())


def _decode_qr(png_path) -> list[str]:
    image = np.array(Image.open(png_path).convert("L"))
    return [r.text for r in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("native_qr", [True, False])
def test_receipt_prints_renders_and_its_qr_decodes(printer_sim, native_qr):
    width = 80 if printer_sim.width_dots == 576 else 58
    printer = _printer(printer_sim, width, native_qr)
    receipt = sample_receipt()
    result = printer.print_receipt(receipt)
    printer.close()
    assert isinstance(result, Printed) and isinstance(result.status, StatusOk)
    assert printer_sim.wait_for_pages(1)
    png = printer_sim.png_paths[0]
    image = Image.open(png)
    assert image.width == printer_sim.width_dots + 32  # paper plus the 16-dot margin each side
    assert _decode_qr(png) == [receipt.reference]
    log = printer_sim.text_log()
    assert log[0] == receipt.station_name or log[0] + log[1] == receipt.station_name
    assert "申请人：张*明" in log and "证件号：210***********2116" in log
    assert all(receipt.applicant_id_number not in line for line in log)
    # what the simulator printed is exactly what the driver sent, interpreted offline
    offline = EscPosInterpreter()
    offline.feed(receipt_bytes(receipt, width_mm=width, native_qr=native_qr, rasterise=default_rasteriser()))
    assert offline.text_log() == log


@needs_cjk_font
def test_rare_characters_are_drawn_not_dropped(tmp_path):
    with PrinterSimulator(80, out_dir=tmp_path) as sim:
        printer = _printer(sim, 80)
        assert isinstance(printer.print_receipt(sample_receipt()), Printed)
        printer.close()
        assert sim.wait_for_pages(1)
        # the note with 𠮷 and 䶮 went as a raster line, so it is not in the text log but is inked
        assert not any("新生儿姓名" in line for line in sim.text_log())
        assert sim.pages[0].sum() > 10_000


@pytest.mark.parametrize("state,expected", [("paper_out", PaperOut), ("cover_open", CoverOpen)])
def test_refuses_to_print_when_the_printer_cannot(printer_sim, state, expected):
    setattr(printer_sim.state, state, True)
    printer = _printer(printer_sim, 80)
    result = printer.print_receipt(sample_receipt())
    printer.close()
    assert isinstance(result, NotPrinted) and isinstance(result.status, expected)
    assert "凭条未能打印" in result.message
    assert printer_sim.pages == [] and printer_sim.text_log() == []


def test_paper_near_end_prints_with_a_warning(printer_sim):
    printer_sim.state.near_end = True
    printer = _printer(printer_sim, 58)
    result = printer.print_receipt(sample_receipt())
    printer.close()
    assert isinstance(result, Printed) and isinstance(result.status, PaperNearEnd)
    assert "即将用完" in result.message


def test_silent_printer_is_no_answer_not_plenty_of_paper(printer_sim):
    printer_sim.state.silent = True
    printer = ReceiptPrinter(lambda: SerialTransport(printer_sim.path), PrinterProfile(status_timeout=0.1))
    assert isinstance(printer.status(), NoAnswer)
    assert isinstance(printer.print_receipt(sample_receipt()), NotPrinted)
    printer.close()


def test_unplug_and_replug(printer_sim):
    printer = _printer(printer_sim, 80)
    assert isinstance(printer.status(), StatusOk)
    printer_sim.unplug()
    assert isinstance(printer.status(), NoAnswer)
    assert isinstance(printer.status(), NoAnswer)  # still gone: reopening fails cleanly
    printer_sim.replug()
    assert isinstance(printer.status(), StatusOk)
    assert isinstance(printer.print_receipt(sample_receipt()), Printed)
    printer.close()
    assert printer_sim.wait_for_pages(1)


def test_network_printer_on_port_9100_style_socket():
    """A TCP printer on 127.0.0.1 that interprets the stream and answers DLE EOT."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    interp = EscPosInterpreter(lambda n: status_bytes()[n - 1] if 1 <= n <= 4 else None)

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(65536):
                if reply := interp.feed(data):
                    conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    printer = ReceiptPrinter(lambda: NetworkTransport("127.0.0.1", port), PrinterProfile())
    result = printer.print_receipt(sample_receipt())
    printer.close()
    thread.join(timeout=5)
    server.close()
    assert isinstance(result, Printed)
    assert "证件号：210***********2116" in interp.text_log()


def test_file_backend_writes_the_bytes(tmp_path):
    target = tmp_path / "spool.bin"
    transport = open_transport(f"file:{target}")
    assert isinstance(transport, FileTransport)
    printer = ReceiptPrinter(lambda: transport, PrinterProfile(answers_status=False))
    assert isinstance(printer.print_receipt(sample_receipt()), Printed)
    interp = EscPosInterpreter()
    interp.feed(target.read_bytes())
    assert "请妥善保管本凭条" in interp.text_log()


def test_missing_serial_port_is_no_answer(tmp_path):
    printer = ReceiptPrinter(lambda: SerialTransport(str(tmp_path / "nothing")))
    status = printer.status()
    assert isinstance(status, NoAnswer) and "未找到" in status.message


def test_device_file_transport_like_usblp(printer_sim):
    """The /dev/usb/lpN path: plain read/write on a character device (here the simulator's pty)."""
    from devices.printer.transport import DeviceFileTransport

    printer = ReceiptPrinter(lambda: DeviceFileTransport(printer_sim.path), PrinterProfile())
    assert isinstance(printer.status(), StatusOk)
    assert isinstance(printer.print_receipt(sample_receipt()), Printed)
    printer.close()
    assert printer_sim.wait_for_pages(1)
