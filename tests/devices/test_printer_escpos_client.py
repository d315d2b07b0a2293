"""Issue 15: a real ESC/POS client (python-escpos) prints on the pty simulator as on a printer,
and no byte sequence takes the simulator down.

What python-escpos sends is what many station integrators send: code-page text (ESC t), ESC !,
GS k barcodes, images as GS v 0, GS ( L and ESC * stripes, native and image QR codes. Each
printed thing is checked on the rendered PNG (decoded with zxing-cpp, or compared dot for dot),
not on the bytes. The fuzz runs are bounded: derandomised hypothesis, a fixed number of cases.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import zxingcpp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.printer.glyphs import default_rasteriser
from devices.printer.interpreter import EscPosInterpreter, TextLine
from devices.printer.render import render_pages
from devices.printer.simulator import PrinterSimulator
from tests.devices.conftest import needs_cjk_font

escpos_printer = pytest.importorskip("escpos.printer")  # python-escpos, a dev dependency

BOUNDED = settings(max_examples=15, derandomize=True, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def sim(tmp_path):
    simulator = PrinterSimulator(80, out_dir=tmp_path / "out")
    simulator.start()
    simulator.clients = []
    yield simulator
    for client in simulator.clients:  # closed while the pty exists (python-escpos closes in __del__)
        client.close()
    simulator.stop()


def _client(sim: PrinterSimulator):
    client = escpos_printer.Serial(devfile=sim.path, baudrate=115200, timeout=1, dsrdtr=False,
                                   profile="TM-T88V")
    if client.device is None:
        client.open()
    sim.clients.append(client)
    return client


def _printed(sim: PrinterSimulator, client, pages: int = 1) -> list[np.ndarray]:
    client.cut()
    assert sim.wait_for_pages(pages, timeout=10)
    return sim.pages


def _decoded(page: np.ndarray) -> list[tuple[str, str]]:
    image = np.where(np.pad(page, 16), 0, 255).astype(np.uint8)
    return [(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)]


def _answers_status(sim: PrinterSimulator) -> bool:
    import serial

    with serial.Serial(sim.path, timeout=1) as port:
        port.write(b"\x10\x04\x01")
        return len(port.read(1)) == 1


# ------------------------------------------------------------------ the single bytes


@pytest.mark.parametrize("data", [b"\x85\n", b"\x1c&\x81\n", b"\x1c&\xfe", b"\x7f\n", b"\x1c&\x81\x30\n"])
def test_one_odd_byte_does_not_kill_the_serving_thread(sim, data):
    """0x85 (à in PC437) and a GB18030 lead byte before LF killed it with raqm_layout() failed."""
    import serial

    with serial.Serial(sim.path, timeout=1) as port:
        port.write(data + b"\x1dV\x00")
    assert sim.wait_for_pages(1, timeout=5)
    assert _answers_status(sim) and sim.faults == 0


def test_a_lead_byte_without_its_trail_prints_a_question_mark_and_the_line_feed_still_feeds():
    interp = EscPosInterpreter()
    interp.feed(b"\x1c&\x81\nnext\n")
    assert interp.text_log() == ["?", "next"]


# ------------------------------------------------------------------ text, as python-escpos sends it


def test_code_page_text_prints_as_sent(sim):
    client = _client(sim)
    client.text("Café Ärger résumé\n")
    _printed(sim, client)
    assert sim.text_log()[0] == "Café Ärger résumé"


def test_long_lines_wrap_at_the_paper_edge_as_a_printer_does(sim):
    client = _client(sim)
    client.text("x" * 100 + "\n")
    client.set(double_width=True)
    client.text("y" * 30 + "\n")
    _printed(sim, client)
    assert sim.text_log()[:3] == ["x" * 48, "x" * 48, "x" * 4]  # 80 mm: 48 columns, nothing dropped
    assert sim.text_log()[3:5] == ["y" * 24, "y" * 6]


def test_esc_bang_selects_bold_and_double_size(sim):
    client = _client(sim)
    client.set(bold=True, double_width=True, double_height=True)
    client.text("BIG\n")
    client.set(normal_textsize=True, bold=False)
    client.text("small\n")
    _printed(sim, client)
    lines = {op.text: op for op in sim.interpreter.ops if isinstance(op, TextLine)}
    assert (lines["BIG"].width_mult, lines["BIG"].height_mult, lines["BIG"].bold) == (2, 2, True)
    assert (lines["small"].width_mult, lines["small"].height_mult) == (1, 1)


@needs_cjk_font
def test_wide_latin_glyphs_fit_their_cell_instead_of_being_clipped():
    """The CJK font's Latin is proportional: m is 20 dots wide at this size, and drawing it
    centred in a 12-dot cell cut off its outer stems (the old simulator printed m as one stem)."""
    glyphs = default_rasteriser()
    for ch in "mwMW@%":
        assert glyphs.glyph(ch).shape == (24, 12)
    m = glyphs.glyph("m")
    stems = max(int(np.count_nonzero(np.diff(row.astype(int)) == 1) + row[0]) for row in m[16:22])
    assert stems == 3  # all three stems of m are on paper


# ------------------------------------------------------------------ barcodes, QR and images


@pytest.mark.parametrize(("data", "kind", "function", "expected"), [
    ("123456789012", "EAN13", None, ("EAN13", "1234567890128")),
    ("{BABC-123", "CODE128", "B", ("Code128", "ABC-123")),
    ("KIOSK-15", "CODE39", None, ("Code39", "KIOSK-15")),
])
def test_gs_k_barcodes_are_drawn_and_decode(sim, data, kind, function, expected):
    client = _client(sim)
    client.barcode(data, kind, function_type=function)
    (page,) = _printed(sim, client)
    assert expected in _decoded(page)
    assert data not in "".join(sim.text_log())  # not printed as text


@pytest.mark.parametrize("native", [True, False])
def test_qr_codes_decode(sim, native):
    client = _client(sim)
    client.qr("https://zwfw.example/q?ref=P47Y-NMJC", native=native, size=4)
    (page,) = _printed(sim, client)
    assert ("QRCode", "https://zwfw.example/q?ref=P47Y-NMJC") in _decoded(page)


def _pattern(width: int = 200, height: int = 100) -> np.ndarray:
    """A framed pseudo-random pattern: True = black. The frame gives an exact bounding box."""
    rng = np.random.default_rng(15)
    bits = rng.random((height, width)) < 0.5
    bits[0, :] = bits[-1, :] = bits[:, 0] = bits[:, -1] = True
    return bits


@pytest.mark.parametrize("impl", ["bitImageRaster", "graphics", "bitImageColumn"])
def test_images_print_dot_for_dot(sim, impl):
    bits = _pattern()
    client = _client(sim)
    client.image(Image.fromarray(np.where(bits, 0, 255).astype(np.uint8)).convert("1"), impl=impl)
    (page,) = _printed(sim, client)
    rows, cols = np.nonzero(page)
    top, left = rows.min(), cols.min()
    assert np.array_equal(page[top:top + bits.shape[0], left:left + bits.shape[1]], bits)
    assert page[top + bits.shape[0]:].sum() == 0  # nothing else: no garbled stripes, no gaps


# ------------------------------------------------------------------ bounded fuzzing


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
_CALLS = st.lists(st.one_of(
    st.tuples(st.just("text"), _TEXT),
    st.tuples(st.just("set"), st.fixed_dictionaries({
        "bold": st.booleans(), "double_width": st.booleans(), "double_height": st.booleans(),
        "align": st.sampled_from(["left", "center", "right"]), "underline": st.integers(0, 2)})),
    st.tuples(st.just("barcode"), st.tuples(st.text("0123456789ABCXYZ-{", min_size=1, max_size=20),
                                            st.sampled_from(["EAN13", "CODE39", "CODE128", "ITF", "UPC-A"]))),
    st.tuples(st.just("qr"), st.tuples(_TEXT.filter(bool), st.booleans())),
    st.tuples(st.just("image"), st.tuples(st.integers(1, 64), st.integers(1, 64),
                                          st.sampled_from(["bitImageRaster", "graphics", "bitImageColumn"]))),
    st.tuples(st.just("raw"), st.binary(max_size=64)),
), min_size=1, max_size=8)


def _call(client, name: str, arg) -> None:  # noqa: ANN001
    if name == "text":
        client.text(arg + "\n")
    elif name == "set":
        client.set(**arg)
    elif name == "barcode":
        kind = arg[1]
        client.barcode(arg[0], kind, check=False, function_type="B" if kind == "CODE128" else None)
    elif name == "qr":
        client.qr(arg[0], native=arg[1])
    elif name == "image":
        width, height, impl = arg
        image = Image.fromarray((np.indices((height, width)).sum(axis=0) % 3 == 0).astype(np.uint8) * 255)
        client.image(image.convert("1"), impl=impl)
    else:
        client._raw(arg)  # noqa: SLF001 - python-escpos's own hook for raw bytes


def test_fuzz_python_escpos_against_the_simulator(sim):
    """15 derandomised sequences of python-escpos calls (a few seconds on 2 cores): after each the
    simulator still answers DLE EOT and dropped nothing by fault."""
    client = _client(sim)
    started = time.monotonic()
    jobs = {"n": 0}

    @BOUNDED
    @given(_CALLS)
    def run(calls):
        for name, arg in calls:
            try:
                _call(client, name, arg)
            except Exception as exc:  # python-escpos refusing its own input (a bad EAN) is fine
                if type(exc).__module__.split(".")[0] != "escpos" and not isinstance(exc, ValueError):
                    raise
        client.cut()
        jobs["n"] += 1
        assert sim.wait_for_pages(jobs["n"], timeout=10)
        client._raw(b"\x10\x04\x01")  # noqa: SLF001 - DLE EOT 1; is_online() waits 1 s for 16 bytes
        assert len(client.device.read(1)) == 1
        assert sim.faults == 0

    run()
    assert time.monotonic() - started < 120


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([384, 576]))
def test_fuzz_any_bytes_interpret_and_render_without_raising(data, width):
    """The parts the serving thread runs, in-process: interpret, then draw every page."""
    interp = EscPosInterpreter(lambda n: 0x12, width)
    interp.feed(data + b"\x1dV\x00")
    for page in render_pages(interp.ops, width, default_rasteriser()):
        assert page.shape[1] == width
