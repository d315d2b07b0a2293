"""Interpret an ESC/POS byte stream the way a receipt printer does: pure, incremental, never raising.

Why: the simulator must understand exactly the bytes our driver sends (and survive any others),
so tests can compare what was *printed* with what was meant, and render it to a picture. Bytes
arrive in arbitrary pieces; an incomplete command waits for the rest. Real-time status requests
(DLE EOT n) are answered through `status_byte(n)`, supplied by the owner (the simulator's state).
Unknown commands are recorded and skipped, as firmware does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_RASTER_BYTES_WIDE = 256      # 2048 dots: wider than any receipt paper
MAX_RASTER_ROWS = 4096


@dataclass(frozen=True)
class TextLine:
    text: str
    width_mult: int = 1
    height_mult: int = 1
    bold: bool = False
    align: int = 0


@dataclass(frozen=True)
class RasterImage:
    bitmap: np.ndarray = field(compare=False)
    width_bytes: int = 0
    rows: int = 0


@dataclass(frozen=True)
class QrCode:
    data: bytes
    module: int
    error_level: int
    align: int


@dataclass(frozen=True)
class Feed:
    dots: int


@dataclass(frozen=True)
class Cut:
    partial: bool


Op = TextLine | RasterImage | QrCode | Feed | Cut


@dataclass
class _Mode:
    chinese: bool = False
    align: int = 0
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    line_spacing: int = 30


class EscPosInterpreter:
    def __init__(self, status_byte: Callable[[int], int | None] = lambda n: None) -> None:
        self._status_byte = status_byte
        self._buffer = b""
        self._line = bytearray()
        self._mode = _Mode()
        self._qr_store = b""
        self._qr_module = 3
        self._qr_level = 48
        self.ops: list[Op] = []
        self.unknown: list[bytes] = []

    def feed(self, data: bytes) -> bytes:
        """Consume bytes; return what the printer sends back (status bytes)."""
        self._buffer += data
        replies = bytearray()
        pos = 0
        buf = self._buffer
        while pos < len(buf):
            used, reply = self._step(buf, pos)
            if used == 0:
                break
            replies.extend(reply)
            pos += used
        self._buffer = buf[pos:]
        return bytes(replies)

    def text_log(self) -> list[str]:
        return [op.text for op in self.ops if isinstance(op, TextLine)]

    # -- one command ----------------------------------------------------------------------------

    def _step(self, buf: bytes, pos: int) -> tuple[int, bytes]:
        """Bytes consumed by the command at `pos` (0 = incomplete) and the reply."""
        b = buf[pos]
        avail = len(buf) - pos
        m = self._mode
        if b == 0x0A:
            self._flush_line()
            return 1, b""
        if b == 0x10:
            if avail < 3:
                return 0, b""
            if buf[pos + 1] == 0x04:
                value = self._status_byte(buf[pos + 2])
                return 3, (bytes([value]) if value is not None else b"")
            self.unknown.append(buf[pos:pos + 2])
            return 2, b""
        if b == 0x1B:
            if avail < 2:
                return 0, b""
            c = buf[pos + 1]
            if c == 0x40:
                self._flush_line(only_if_nonempty=True)
                self._mode = _Mode()
                return 2, b""
            if c == 0x32:
                m.line_spacing = 30
                return 2, b""
            if c in (0x61, 0x45, 0x64, 0x4A, 0x33, 0x21, 0x2D, 0x74, 0x4D, 0x47, 0x20):
                if avail < 3:
                    return 0, b""
                n = buf[pos + 2]
                if c == 0x61:
                    m.align = n % 48 if n >= 48 else min(n, 2)
                elif c == 0x45:
                    m.bold = bool(n & 1)
                elif c == 0x64:
                    self._flush_line(only_if_nonempty=True)
                    self.ops.append(Feed(n * m.line_spacing))
                elif c == 0x4A:
                    self._flush_line(only_if_nonempty=True)
                    self.ops.append(Feed(n))
                elif c == 0x33:
                    m.line_spacing = n
                return 3, b""
            self.unknown.append(buf[pos:pos + 2])
            return 2, b""
        if b == 0x1C:
            if avail < 2:
                return 0, b""
            c = buf[pos + 1]
            if c == 0x26:
                m.chinese = True
                return 2, b""
            if c == 0x2E:
                m.chinese = False
                return 2, b""
            if c == 0x21:
                return (3, b"") if avail >= 3 else (0, b"")
            self.unknown.append(buf[pos:pos + 2])
            return 2, b""
        if b == 0x1D:
            return self._gs(buf, pos, avail)
        if b < 0x20:
            return 1, b""  # CR, HT and other controls: ignored
        if m.chinese and b >= 0x81:
            if avail < 2:
                return 0, b""
            self._line.extend(buf[pos:pos + 2])
            return 2, b""
        self._line.append(b)
        return 1, b""

    def _gs(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        m = self._mode
        if avail < 2:
            return 0, b""
        c = buf[pos + 1]
        if c == 0x21:
            if avail < 3:
                return 0, b""
            n = buf[pos + 2]
            m.width_mult, m.height_mult = ((n >> 4) & 7) + 1, (n & 7) + 1
            return 3, b""
        if c == 0x56:
            if avail < 3:
                return 0, b""
            kind = buf[pos + 2]
            if kind in (65, 66):
                if avail < 4:
                    return 0, b""
                self._flush_line(only_if_nonempty=True)
                self.ops.append(Feed(buf[pos + 3]))
                self.ops.append(Cut(partial=kind == 66))
                return 4, b""
            self._flush_line(only_if_nonempty=True)
            self.ops.append(Cut(partial=kind in (1, 49)))
            return 3, b""
        if c == 0x76:
            if avail < 8:
                return 0, b""
            if buf[pos + 2] != 0x30:
                self.unknown.append(buf[pos:pos + 3])
                return 3, b""
            xb = buf[pos + 4] | (buf[pos + 5] << 8)
            rows = buf[pos + 6] | (buf[pos + 7] << 8)
            if xb == 0 or rows == 0 or xb > MAX_RASTER_BYTES_WIDE or rows > MAX_RASTER_ROWS:
                self.unknown.append(buf[pos:pos + 8])
                return 8, b""
            total = 8 + xb * rows
            if avail < total:
                return 0, b""
            self._flush_line(only_if_nonempty=True)
            data = np.frombuffer(buf[pos + 8:pos + total], dtype=np.uint8).reshape(rows, xb)
            self.ops.append(RasterImage(np.unpackbits(data, axis=1).astype(bool), xb, rows))
            return total, b""
        if c == 0x28:
            if avail < 5:
                return 0, b""
            length = buf[pos + 3] | (buf[pos + 4] << 8)
            total = 5 + length
            if avail < total:
                return 0, b""
            if buf[pos + 2] == 0x6B and length >= 2 and buf[pos + 5] == 0x31:
                self._qr(buf[pos + 6], buf[pos + 7:pos + total])
            else:
                self.unknown.append(buf[pos:pos + 3])
            return total, b""
        self.unknown.append(buf[pos:pos + 2])
        return 2, b""

    def _qr(self, fn: int, payload: bytes) -> None:
        if fn == 67 and payload:
            self._qr_module = max(1, min(payload[0], 16))
        elif fn == 69 and payload:
            self._qr_level = payload[0]
        elif fn == 80 and payload:
            self._qr_store = payload[1:]
        elif fn == 81 and self._qr_store:
            self._flush_line(only_if_nonempty=True)
            self.ops.append(QrCode(self._qr_store, self._qr_module, self._qr_level, self._mode.align))

    def _flush_line(self, only_if_nonempty: bool = False) -> None:
        if only_if_nonempty and not self._line:
            return
        m = self._mode
        raw = bytes(self._line)
        text = raw.decode("gb18030", errors="replace") if m.chinese else raw.decode("latin-1")
        self.ops.append(TextLine(text, m.width_mult, m.height_mult, m.bold, m.align))
        self._line.clear()
