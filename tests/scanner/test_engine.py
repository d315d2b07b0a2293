"""USB-COM scan engines against the pty simulator: framing, encodings, unplug, the diag command."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
from pathlib import Path

import pytest

from devices.scanner.engine import EngineReader, EngineStatus, LineFramer, decode_code
from devices.scanner.engine_sim import ScanEngineSimulator

ROOT = Path(__file__).resolve().parents[2]
CODE = "LSTID1.eyJuIjoi546L5ZaGIn0.王喆"     # a 辽事通-style code with Chinese in it


def test_framer_splits_on_cr_lf_and_keeps_partial_lines():
    framer = LineFramer(max_line=16)
    assert framer.feed(b"AB") == [] and framer.pending == 2
    assert framer.feed(b"C\r\nD\rE\n\n\r") == [b"ABC", b"D", b"E"]
    assert framer.feed(b"x" * 20 + b"\r\nOK\n") == [b"OK"]    # an overlong line is dropped whole
    framer.feed(b"half")
    framer.reset()
    assert framer.feed(b"\n") == []


def test_decode_by_setting():
    assert decode_code("王喆".encode("gbk"), "gbk") == ("王喆", "gb18030")
    assert decode_code("王喆".encode(), "utf-8") == ("王喆", "utf-8")
    assert decode_code("王喆".encode("gbk"), "auto")[0] == "王喆"
    assert decode_code(b"\xff\xfe", "utf-8")[0] == "\ufffd\ufffd"   # never raises


class Events:
    """The reader's callbacks, collected on a queue (they run on the reader's thread)."""

    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue()

    def code(self, symbol) -> None:
        self.queue.put(("code", symbol))

    def status(self, status: EngineStatus) -> None:
        self.queue.put(("status", status))

    def next(self, kind: str, timeout: float = 10.0):
        while True:
            got_kind, value = self.queue.get(timeout=timeout)
            if got_kind == kind:
                return value

    def wait_state(self, state: str) -> EngineStatus:
        while True:
            status = self.next("status")
            if status.state == state:
                return status


@pytest.fixture
def engine(tmp_path):
    link = tmp_path / "scanner"
    sim = ScanEngineSimulator(link)
    sim.start()
    yield sim, link
    sim.stop()


@pytest.mark.parametrize(("encoding", "terminator"), [("gbk", "crlf"), ("utf-8", "cr"), ("gbk", "lf")])
def test_codes_read_in_either_encoding(engine, encoding, terminator):
    sim, link = engine
    events = Events()
    reader = EngineReader(str(link), encoding, on_code=events.code, on_status=events.status)
    reader.start()
    try:
        events.wait_state("ready")
        wire = sim.scan(CODE, encoding=encoding, terminator=terminator)
        sim.scan("RCPT-2026-000123", encoding=encoding, terminator=terminator, piece=3, pause=0.005)
        first, second = events.next("code"), events.next("code")
        assert (first.text, first.raw) == (CODE, wire.rstrip(b"\r\n"))
        assert first.decoder == "usb-com" and first.charset == {"gbk": "gb18030"}.get(encoding, encoding)
        assert second.text == "RCPT-2026-000123"
    finally:
        reader.stop()
    assert reader.status().state == "stopped"


def test_unplug_drops_the_half_code_and_replug_reconnects(engine):
    sim, link = engine
    events = Events()
    reader = EngineReader(str(link), "gbk", on_code=events.code, on_status=events.status)
    reader.start()
    try:
        events.wait_state("ready")
        sim.send_bytes("半个码".encode("gbk"))          # cut off by the unplug: never a code
        sim.unplug()
        assert "断开" in events.wait_state("missing").message
        sim.replug()
        events.wait_state("ready")
        sim.scan(CODE)
        assert events.next("code").text == CODE
        assert events.queue.empty()
    finally:
        reader.stop()


def test_missing_port_is_a_state_and_found_when_plugged_in(tmp_path):
    link = tmp_path / "later"
    events = Events()
    reader = EngineReader(str(link), "utf-8", on_code=events.code, on_status=events.status)
    reader.start()
    try:
        assert "端口不存在" in events.wait_state("missing").message
        with ScanEngineSimulator(link, encoding="utf-8") as sim:
            events.wait_state("ready")
            sim.scan("晚到的码")
            assert events.next("code").text == "晚到的码"
    finally:
        reader.stop()


def test_a_listener_that_raises_does_not_stop_the_reader(engine):
    sim, link = engine
    events = Events()
    calls = []

    def bad(symbol) -> None:
        calls.append(symbol.text)
        if len(calls) == 1:
            raise RuntimeError("listener bug")
        events.code(symbol)

    reader = EngineReader(str(link), "gbk", on_code=bad, on_status=events.status)
    reader.start()
    try:
        events.wait_state("ready")
        sim.scan("一")
        sim.scan("二")
        assert events.next("code").text == "二"
    finally:
        reader.stop()


def _diag(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(ROOT / "main.py"), "diag", "scanner", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")


def test_diag_scanner_prints_one_json_line_per_code(engine):
    sim, link = engine
    proc = _diag("--port", str(link), "--encoding", "gbk", "--count", "2", "--timeout", "60")
    try:
        assert "已就绪" in proc.stderr.readline()        # the port is open: scan now
        wire = sim.scan(CODE)
        sim.scan("RCPT-1", terminator="cr")
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines == [{"text": CODE, "charset": "gb18030", "raw_hex": wire[:-2].hex()},
                     {"text": "RCPT-1", "charset": "gb18030", "raw_hex": b"RCPT-1".hex()}]


def test_diag_scanner_exit_codes(tmp_path, engine):
    _, link = engine
    missing = _diag("--port", str(tmp_path / "no-such-port"), "--timeout", "5")
    out, err = missing.communicate(timeout=60)
    assert missing.returncode == 3 and "端口不存在" in err and "Traceback" not in err and out == ""
    quiet = _diag("--port", str(link), "--timeout", "0.5")
    out, err = quiet.communicate(timeout=60)
    assert quiet.returncode == 1 and out == ""
    bad = _diag("--port", str(link), "--encoding", "big5")
    _, err = bad.communicate(timeout=60)
    assert bad.returncode == 2 and "参数有误" in err
