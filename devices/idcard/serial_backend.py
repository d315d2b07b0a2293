"""Serial (and USB-serial) SAM_V reader backend: one worker thread, reports through callbacks.

Why a thread that owns the port: pyserial calls block, and the kiosk's UI thread must never wait on
a reader. All port I/O happens on this one thread (as Electrum does for its hardware wallets), so
there is no locking around the port. The loop is: open → check the SAM → poll find → select →
read → report → wait for the card to be lifted. Every fault is a state reported through
`on_status`, never an exception out of the thread, and an unplugged adapter is reopened with
back-off until it returns.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.idcard import codec
from devices.idcard.card import IdCard
from devices.idcard.status import ReaderFault, ReaderMissing, ReaderReading, ReaderReady
from devices.idcard.worker import ReaderWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for each reply (typical reader figures from the protocol notes)."""

    find: float = 0.1
    select: float = 0.1
    read: float = 2.0
    sam: float = 0.5


@dataclass(frozen=True)
class _NoReply:
    """The reader said nothing before the deadline."""


class _Link:
    """One open port: send a request, collect one reply frame from the fragments that arrive."""

    def __init__(self, port: Any) -> None:
        self.port = port
        self.decoder = codec.FrameDecoder()
        self.bytes_sent = 0
        self.bytes_received = 0

    def transact(self, command: tuple[int, int], timeout: float) -> codec.Reply | codec.FrameError | _NoReply:
        self.port.reset_input_buffer()
        self.decoder.clear()
        request = codec.build_request(command)
        self.port.write(request)
        self.bytes_sent += len(request)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            # Past the deadline, what has arrived meanwhile is still read: a thread woken late (a
            # loaded PC) found the reply waiting and called it silence.
            if remaining <= 0 and not self.port.in_waiting:
                return _NoReply()
            self.port.timeout = max(0.0, remaining)
            chunk = self.port.read(max(1, self.port.in_waiting))
            if not chunk:
                continue
            self.bytes_received += len(chunk)
            frames = self.decoder.feed(chunk)
            if frames:
                # A length error is noise that looked like a preamble: keep listening for the reply.
                real = [f for f in frames if not (isinstance(f, codec.FrameError) and f.kind == "length")]
                if real:
                    return codec.reply_from(real[0])

    def close(self) -> None:
        # closing a vanished port may fail in many ways; it is gone either way
        with contextlib.suppress(Exception):
            self.port.close()


def _open_serial(path: str, baud: int) -> Any:
    import serial

    return serial.Serial(path, baudrate=baud, bytesize=8, parity="N", stopbits=1, timeout=0.1,
                         write_timeout=1.0)


class SerialIdReader(ReaderWorker):
    """The SAM_V reader on a serial port. Implements `devices.idcard.IdCardReader`."""

    MAX_BAD_FRAMES = 3
    MAX_SILENT_POLLS = 3
    # …and silent for this long: three find polls go unanswered within a third of a second when
    # the PC is busy for a moment (the demo logged "device id_reader: error" while idle, and the
    # staff page said 正常 again a moment later). A reader unplugged or without power stays silent.
    MIN_SILENCE_S = 1.0

    # Poll interval: a find exchange is 25 bytes (2.2 ms at 115200 baud); polling every 10 ms keeps
    # the wait after a card is placed small against the 118 ms a read takes on the wire (see
    # benchmarks/idcard_read.py), at the cost of a mostly idle, dedicated serial line.
    def __init__(self, port: str, baud: int = 115200, *, poll_interval: float = 0.01,
                 timeouts: Timeouts | None = None,
                 open_port: Callable[[str, int], Any] = _open_serial) -> None:
        super().__init__(f"id-reader {port}")
        self._path = port
        self._baud = baud
        self._poll = poll_interval
        self._timeouts = timeouts or Timeouts()
        self._open_port = open_port
        self._closed_bytes = 0
        self._link: _Link | None = None

    # -- for the benchmark ----------------------------------------------------------------------

    @property
    def bytes_exchanged(self) -> int:
        """Bytes sent and received on the wire since start (the benchmark's wire-time basis)."""
        link = self._link
        return self._closed_bytes + (link.bytes_sent + link.bytes_received if link else 0)

    # -- worker ----------------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 0.1
        link: _Link | None = None
        state = _PollState()
        while not self._stop.is_set():
            if link is None:
                try:
                    link = self._link = _Link(self._open_port(self._path, self._baud))
                except Exception as exc:  # noqa: BLE001 - SerialException, OSError, ValueError alike
                    log.info("id reader port %s not available: %s", self._path, type(exc).__name__)
                    message = f"未找到身份证阅读器：串口 {self._path} 无法打开，请检查连接线"
                    self._set_status(ReaderMissing(message))
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, 2.0)
                    continue
                backoff = 0.1
                state = _PollState()
            try:
                self._step(link, state)
            except Exception as exc:  # noqa: BLE001 - a vanished adapter raises SerialException/OSError
                if _is_port_error(exc):
                    log.info("id reader port %s lost: %s", self._path, type(exc).__name__)
                else:  # a bug, not an unplug: keep its trace (no card data is in scope here)
                    log.exception("id reader worker failed; reopening the port")
                self._closed_bytes += link.bytes_sent + link.bytes_received
                link.close()
                link = self._link = None
                self._set_status(ReaderMissing("身份证阅读器已断开，正在重新连接"))
                self._stop.wait(0.05)
        if link is not None:
            self._closed_bytes += link.bytes_sent + link.bytes_received
            link.close()
            self._link = None

    def _step(self, link: _Link, state: _PollState) -> None:
        t = self._timeouts
        if not state.sam_ok:
            reply = link.transact(codec.SAM_STATUS, t.sam)
            if not self._judge(reply, state):
                self._stop.wait(0.2)
                return
            assert isinstance(reply, codec.Reply)
            if reply.sw3 != codec.SW3_OK:
                self._set_status(ReaderFault(codec.sw3_message(reply.sw3), reply.sw3))
                self._stop.wait(0.5)
                return
            state.sam_ok = True
            self._set_status(ReaderReady())

        reply = link.transact(codec.FIND_CARD, t.find)
        if not self._judge(reply, state):
            self._stop.wait(self._poll)
            return
        assert isinstance(reply, codec.Reply)
        if reply.sw3 != codec.SW3_CARD_FOUND:
            if reply.sw3 in (codec.SW3_FIND_FAILED, codec.SW3_SELECT_FAILED):
                state.awaiting_lift = False
                self._set_status(ReaderReady())
            else:
                self._set_status(ReaderFault(codec.sw3_message(reply.sw3), reply.sw3))
                state.sam_ok = reply.sw3 not in (codec.SW3_SAM_SELF_TEST, 0x66)
            self._stop.wait(self._poll)
            return
        if state.awaiting_lift:  # a reader that keeps finding the card it has just read
            self._stop.wait(self._poll)
            return
        self._set_status(ReaderReading())
        reply = link.transact(codec.SELECT_CARD, t.select)
        if not self._judge(reply, state) or not isinstance(reply, codec.Reply) or reply.sw3 != codec.SW3_OK:
            self._set_status(ReaderReady())  # lifted before it could be selected: wait for the next
            return
        reply = link.transact(codec.READ_TEXT_PHOTO, t.read)
        if not self._judge(reply, state):
            return
        assert isinstance(reply, codec.Reply)
        if reply.sw3 != codec.SW3_OK:
            self._set_status(ReaderFault(codec.sw3_message(reply.sw3), reply.sw3))
            return
        card = self._card_from(reply)
        if isinstance(card, IdCard):
            state.awaiting_lift = True
            state.bad_cards = 0
            self._set_status(ReaderReady())
            self._report(card)
        else:
            state.bad_cards += 1
            if state.bad_cards >= self.MAX_BAD_FRAMES:
                self._set_status(ReaderFault(card.message))

    def _card_from(self, reply: codec.Reply) -> IdCard | codec.FrameError | codec.CardDataError:
        blocks = codec.split_read_reply(reply)
        if isinstance(blocks, codec.FrameError):
            return blocks
        return codec.decode_text_block(blocks.text, blocks.photo)

    def _judge(self, reply: codec.Reply | codec.FrameError | _NoReply, state: _PollState) -> bool:
        """Count silences and bad frames; turn repeats into a fault status. True if `reply` is usable."""
        if isinstance(reply, _NoReply):
            state.silent += 1
            self.retries += 1
            now = time.monotonic()
            if state.silent == 1:
                state.silent_since = now
            if state.silent >= self.MAX_SILENT_POLLS and now - state.silent_since >= self.MIN_SILENCE_S:
                self._set_status(ReaderFault("身份证阅读器无应答，请检查连接线和电源"))
                state.sam_ok = False
            return False
        state.silent = 0
        if isinstance(reply, codec.FrameError):
            state.bad_frames += 1
            self.retries += 1
            if state.bad_frames >= self.MAX_BAD_FRAMES:
                self._set_status(ReaderFault(f"与身份证阅读器通讯反复出错：{reply.message}"))
            return False
        state.bad_frames = 0
        return True


def _is_port_error(exc: BaseException) -> bool:
    import serial

    if isinstance(exc, serial.SerialException | OSError):
        return True
    try:
        import termios
    except ImportError:  # Windows
        return False
    return isinstance(exc, termios.error)


@dataclass
class _PollState:
    sam_ok: bool = False
    awaiting_lift: bool = False
    silent: int = 0
    silent_since: float = 0.0
    bad_frames: int = 0
    bad_cards: int = 0
