"""Shared fixtures: a pty reader simulator and a serial reader on it, events in a queue."""

from __future__ import annotations

import queue
import time

import pytest

from devices.idcard.card import IdCard
from devices.idcard.serial_backend import SerialIdReader
from devices.idcard.simulator import ReaderSimulator
from devices.printer.glyphs import find_cjk_font


class Events:
    """Collects reader callbacks; `wait_for` blocks (bounded) until a matching event arrives."""

    def __init__(self) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.seen: list = []

    def on_card(self, card: IdCard) -> None:
        self.queue.put(card)

    def on_status(self, status) -> None:  # noqa: ANN001
        self.queue.put(status)

    def wait_for(self, kind: type, timeout: float = 5.0):  # noqa: ANN201
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = self.queue.get(timeout=remaining)
            except queue.Empty:
                break
            self.seen.append(event)
            if isinstance(event, kind):
                return event
        raise AssertionError(f"no {kind.__name__} within {timeout} s; saw {self.seen!r}")

    def drain(self) -> list:
        out = []
        while not self.queue.empty():
            out.append(self.queue.get_nowait())
        self.seen += out
        return out


# Rendering CJK glyphs needs the Debian package fonts-noto-cjk (installer/setup.sh installs it).
needs_cjk_font = pytest.mark.skipif(find_cjk_font() is None, reason="未安装中文字体 fonts-noto-cjk")


@pytest.fixture
def reader_sim(tmp_path):
    sim = ReaderSimulator(tmp_path / "ttyIDR0")
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def reader_on_sim(reader_sim):
    events = Events()
    reader = SerialIdReader(reader_sim.path, poll_interval=0.01)
    reader.start(events.on_card, events.on_status)
    yield reader_sim, reader, events
    reader.stop()
