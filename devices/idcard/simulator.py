"""A SAM_V reader on a pseudo-terminal, answering byte for byte like the hardware.

Why a pty and not a mock object: the serial backend under test opens a real tty path with pyserial
and goes through the same termios, fragmenting and timing as with a USB-serial adapter. The
simulator parses requests with the same codec (the reader's side of it) and can be told to misbehave
in every way the field has shown: no card, SAM self-test failure (0x60), noise before the preamble,
slow or fragmented replies, corrupted checksums, silence, and unplugging (the pty is closed and
the stable symlink removed, as udev does; `replug()` opens a new pty behind the same link).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from devices.idcard import codec
from devices.idcard.card import IdCard
from devices.pty_pair import PtyDevice


@dataclass
class Faults:
    """Misbehaviour switches; change them at any time from another thread."""

    sam_sw3: int = codec.SW3_OK          # 0x60: SAM self-test failed, 0x66: not authorised …
    noise: bytes = b""                   # sent before every reply
    corrupt_replies: int = 0             # this many next replies get a wrong checksum
    fragment_size: int = 0               # >0: send replies in pieces of this many bytes …
    fragment_delay: float = 0.0          # … with this pause between pieces
    reply_delay: float = 0.0             # pause before each reply (a slow reader)
    silent: bool = False                 # answer nothing
    unplug_during_read: bool = False     # close the pty half-way through the next read reply
    refind_after_read: bool = False      # keep reporting 9F for a card already read (some models)
    read_sw3: int = codec.SW3_OK         # 0x41 to simulate a failed read


@dataclass
class _Wire:
    sent: int = 0
    received: int = 0
    log: list[tuple[str, bytes]] = field(default_factory=list)


class ReaderSimulator(PtyDevice):
    """Start with `start()`; its `path` is the port to open. Thread-safe controls."""

    THREAD_NAME = "id-reader simulator"

    def __init__(self, link_path: str | os.PathLike[str] | None = None, *, pace_baud: int | None = None,
                 keep_log: bool = False) -> None:
        super().__init__(link_path)
        self.faults = Faults()
        self._pace_baud = pace_baud
        self._keep_log = keep_log
        self._card: IdCard | None = None
        self._card_consumed = False
        self._selected = False
        self._decoder = codec.FrameDecoder()
        self.wire = _Wire()
        self.placed_at: float | None = None
        self.found_at: float | None = None
        self._arrived_at = 0.0

    # -- the card ----------------------------------------------------------------------------------

    def place(self, card: IdCard) -> None:
        with self._lock:
            self._card = card
            self._card_consumed = False
            self._selected = False
            self.placed_at = time.perf_counter()

    def lift(self) -> None:
        with self._lock:
            self._card = None
            self._card_consumed = False
            self._selected = False

    @property
    def card_pending(self) -> bool:
        """A card lies on the pad and has not been read yet (a test or the exerciser waits for the
        read, rather than for a fixed time)."""
        with self._lock:
            return self._card is not None and not self._card_consumed

    # -- serving (the pty and its thread: devices.pty_pair.PtyDevice) ---------------------------

    def _line_changed(self) -> None:
        self._decoder.clear()

    def _replugged(self) -> None:
        # the reader lost power with the adapter: it forgets the card it was reading
        self._card_consumed = False
        self._selected = False

    def _received(self, master: int, data: bytes) -> None:
        self.wire.received += len(data)
        self._arrived_at = time.perf_counter()
        if self._pace_baud:  # the request took this long to arrive on a real line
            time.sleep(len(data) * 10 / self._pace_baud)
        if self._keep_log:
            self.wire.log.append(("in", data))
        for frame in self._decoder.feed(data):
            request = codec.request_from(frame)
            if isinstance(request, codec.FrameError):
                reply = codec.build_reply(0x10 if request.kind == "checksum" else 0x11)
                self._send(master, reply)
                continue
            reply, cut = self._answer(request)
            if reply is not None:
                self._send(master, reply, cut_at=cut)

    def _answer(self, request: codec.Request) -> tuple[bytes | None, int | None]:
        f = self.faults
        if f.silent:
            return None, None
        with self._lock:
            cmd = request.command
            if cmd in (codec.RESET_SAM, codec.SAM_STATUS):
                return codec.build_reply(f.sam_sw3), None
            if cmd == codec.READ_SAM_ID:
                sam_id = bytes(range(16)) if f.sam_sw3 == codec.SW3_OK else b""
                return codec.build_reply(f.sam_sw3, sam_id), None
            if f.sam_sw3 != codec.SW3_OK:
                return codec.build_reply(f.sam_sw3), None
            present = self._card is not None and (not self._card_consumed or f.refind_after_read)
            if cmd == codec.FIND_CARD:
                if present:
                    if not self._card_consumed:
                        self.found_at = self._arrived_at  # for the benchmark: the detecting find
                    return codec.build_reply(codec.SW3_CARD_FOUND, bytes(4)), None
                return codec.build_reply(codec.SW3_FIND_FAILED), None
            if cmd == codec.SELECT_CARD:
                if present:
                    self._selected = True
                    return codec.build_reply(codec.SW3_OK, bytes(8)), None
                return codec.build_reply(codec.SW3_SELECT_FAILED), None
            if cmd in (codec.READ_TEXT_PHOTO, codec.READ_WITH_FINGERPRINT):
                if not (self._selected and self._card is not None):
                    return codec.build_reply(codec.SW3_READ_FAILED), None
                if f.read_sw3 != codec.SW3_OK:
                    return codec.build_reply(f.read_sw3), None
                fingerprint = cmd == codec.READ_WITH_FINGERPRINT
                blocks = codec.CardBlocks(codec.encode_text_block(self._card), self._card.photo,
                                          b"" if fingerprint else None)
                self._selected = False
                self._card_consumed = True
                reply = codec.build_reply(codec.SW3_OK, codec.build_read_reply_data(blocks, fingerprint))
                cut = len(reply) // 2 if f.unplug_during_read else None
                f.unplug_during_read = False
                return reply, cut
            if cmd == codec.READ_APPENDED_ADDRESS:
                return codec.build_reply(codec.SW3_NO_CONTENT), None
            return codec.build_reply(0x21), None

    def _send(self, master: int, reply: bytes, cut_at: int | None = None) -> None:
        f = self.faults
        if f.corrupt_replies > 0:
            f.corrupt_replies -= 1
            reply = reply[:-1] + bytes([reply[-1] ^ 0x5A])
        if f.reply_delay:
            time.sleep(f.reply_delay)
        data = f.noise + reply
        if cut_at is not None:
            self._write(master, data[: len(f.noise) + cut_at])
            self.unplug()
            return
        step = f.fragment_size or len(data)
        for i in range(0, len(data), step):
            if i and f.fragment_delay:
                time.sleep(f.fragment_delay)
            self._write(master, data[i:i + step])

    def _write(self, master: int, data: bytes) -> None:
        """Write all of `data`, optionally paced at the configured baud rate (10 bits a byte)."""
        start = time.perf_counter()
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            chunk = view[sent:sent + 16] if self._pace_baud else view[sent:]
            if self._pace_baud:  # a byte is never delivered before its last bit would have arrived
                due = start + (sent + len(chunk)) * 10 / self._pace_baud
                while (wait := due - time.perf_counter()) > 0:
                    time.sleep(wait)
            try:
                n = os.write(master, chunk)
            except BlockingIOError:
                time.sleep(0.001)
                continue
            except OSError:
                return  # unplugged meanwhile
            sent += n
        self.wire.sent += len(data)
        if self._keep_log:
            self.wire.log.append(("out", bytes(data)))


def start_simulated_reader(card: IdCard | None = None, link_path: str | None = None,
                           **reader_options: object) -> tuple[ReaderSimulator, object]:
    """For the composition root (demo, diag --simulate): a running simulator and a serial reader on it."""
    from devices.idcard.serial_backend import SerialIdReader

    sim = ReaderSimulator(link_path)
    sim.start()
    if card is not None:
        sim.place(card)
    return sim, SerialIdReader(sim.path, **reader_options)  # type: ignore[arg-type]
