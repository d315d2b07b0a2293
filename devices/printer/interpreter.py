"""Interpret an ESC/POS byte stream the way a receipt printer does: pure, incremental, never raising.

Why: the simulator must understand exactly the bytes our driver sends, and what other clients
(python-escpos) send, and survive any others, so tests can compare what was *printed* with what
was meant, and render it to a picture. Bytes arrive in arbitrary pieces; an incomplete command
waits for the rest. Real-time status requests (DLE EOT n) are answered through `status_byte(n)`,
supplied by the owner (the simulator's state). Unknown commands are recorded and skipped, as
firmware does: every command has a known length, so its parameters are never printed as text.

What a printer does and this does too:
- text in the selected code page (ESC t; PC437 at power-on), or GB18030 two-byte codes in
  Chinese mode (FS &); a lead byte followed by something that is not a trail byte prints "?"
  and the following byte keeps its meaning (a line feed still feeds);
- a line longer than the paper wraps onto the next line (12-dot half-width and 24-dot full-width
  cells, times the GS ! / ESC ! width), nothing is dropped;
- ESC ! and GS ! select bold and double width/height; ESC E bold; ESC a alignment;
- images: GS v 0 raster, ESC * column stripes, GS ( L graphics (store, then print);
- barcodes: GS k (functions A and B) with GS h height, GS w module width, GS H text position;
- QR: GS ( k.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_RASTER_BYTES_WIDE = 256      # 2048 dots: wider than any receipt paper
MAX_RASTER_ROWS = 4096
MAX_BARCODE_DATA = 255

# ESC t n → Python codec (the common Epson tables); anything else prints as PC437, the default.
CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
              18: "cp852", 19: "cp858"}

# Fixed-length commands: second byte → total length. Variable ones are handled by name.
_ESC_LEN = {0x40: 2, 0x32: 2, 0x3C: 2, 0x69: 2, 0x6D: 2, 0x4C: 2, 0x53: 2, 0x0C: 2,
            0x20: 3, 0x21: 3, 0x2D: 3, 0x33: 3, 0x3D: 3, 0x45: 3, 0x47: 3, 0x4A: 3, 0x4D: 3, 0x52: 3,
            0x55: 3, 0x56: 3, 0x61: 3, 0x64: 3, 0x65: 3, 0x74: 3, 0x7B: 3, 0x72: 3, 0x4B: 3, 0x2B: 3,
            0x41: 3, 0x25: 3, 0x54: 3, 0x42: 4, 0x63: 4, 0x24: 4, 0x5C: 4, 0x3F: 4, 0x70: 5, 0x57: 10}
_GS_LEN = {0x3A: 2, 0x21: 3, 0x42: 3, 0x48: 3, 0x49: 3, 0x61: 3, 0x62: 3, 0x66: 3, 0x68: 3, 0x72: 3,
           0x77: 3, 0x7C: 3, 0x2F: 3, 0x4C: 4, 0x50: 4, 0x57: 4, 0x24: 4, 0x5C: 4, 0x5E: 5, 0x54: 3}
_FS_LEN = {0x26: 2, 0x2E: 2, 0x21: 3, 0x2D: 3, 0x43: 3, 0x57: 3, 0x53: 4, 0x70: 4}


@dataclass(frozen=True)
class TextLine:
    text: str
    width_mult: int = 1
    height_mult: int = 1
    bold: bool = False
    align: int = 0
    # per character: 1 = a 12-dot half-width cell, 2 = a 24-dot full-width cell (as printed)
    cells: tuple[int, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class RasterImage:
    bitmap: np.ndarray = field(compare=False)
    width_bytes: int = 0
    rows: int = 0
    align: int = 0


@dataclass(frozen=True)
class QrCode:
    data: bytes
    module: int
    error_level: int
    align: int


@dataclass(frozen=True)
class Barcode:
    """GS k: `symbology` is the m byte (0–6 function A, 65–78 function B)."""

    symbology: int
    data: bytes
    height: int
    module: int
    hri: int            # GS H: 0 none, 1 above, 2 below, 3 both
    align: int


@dataclass(frozen=True)
class Feed:
    dots: int


@dataclass(frozen=True)
class Cut:
    partial: bool


Op = TextLine | RasterImage | QrCode | Barcode | Feed | Cut


@dataclass
class _Mode:
    chinese: bool = False
    align: int = 0
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    line_spacing: int = 30
    code_page: str = "cp437"
    barcode_height: int = 162
    barcode_module: int = 3
    barcode_hri: int = 0


class EscPosInterpreter:
    def __init__(self, status_byte: Callable[[int], int | None] = lambda n: None,
                 width_dots: int = 576) -> None:
        self._status_byte = status_byte
        self.width_dots = width_dots
        self._buffer = b""
        self._chars: list[str] = []
        self._cells: list[int] = []
        self._line_dots = 0
        self._mode = _Mode()
        self._qr_store = b""
        self._qr_module = 3
        self._qr_level = 48
        self._graphics: RasterImage | None = None   # GS ( L stored, printed by fn 50
        self._after_stripe = 0                        # height of the ESC * stripe just printed
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
        if b == 0x0A:
            self._line_feed()
            return 1, b""
        if b == 0x10:
            return self._dle(buf, pos, avail)
        if b == 0x1B:
            return self._esc(buf, pos, avail)
        if b == 0x1C:
            return self._fs(buf, pos, avail)
        if b == 0x1D:
            return self._gs(buf, pos, avail)
        if b == 0x0C:  # FF: print and, in page mode, eject; here a line feed
            self._line_feed()
            return 1, b""
        if b < 0x20 or b == 0x7F:
            return 1, b""  # CR, HT, DEL and other controls: ignored
        m = self._mode
        if m.chinese and b >= 0x81:
            return self._gb18030(buf, pos, avail)
        if b < 0x80:
            self._put(chr(b), 1)
        else:
            self._put(codecs.decode(bytes([b]), m.code_page, errors="replace"), 1)
        return 1, b""

    def _gb18030(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        if buf[pos] == 0xFF:
            self._put("?", 1)
            return 1, b""
        if avail < 2:
            return 0, b""
        second = buf[pos + 1]
        if 0x30 <= second <= 0x39:  # a four-byte code
            if avail < 4:
                return 0, b""
            text = buf[pos:pos + 4].decode("gb18030", errors="replace")
            if len(text) == 1 and text != "\ufffd":
                self._put(text, 2)
                return 4, b""
        elif 0x40 <= second <= 0xFE and second != 0x7F:
            text = buf[pos:pos + 2].decode("gb18030", errors="replace")
            self._put(text if len(text) == 1 and text != "\ufffd" else "?", 2)
            return 2, b""
        # not a trail byte (a line feed, a command): "?" for the lead byte, the next keeps its meaning
        self._put("?", 1)
        return 1, b""

    def _dle(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        if avail < 2:
            return 0, b""
        c = buf[pos + 1]
        if c in (0x04, 0x05):
            if avail < 3:
                return 0, b""
            if c == 0x04:
                value = self._status_byte(buf[pos + 2])
                return 3, (bytes([value]) if value is not None else b"")
            return 3, b""
        if c == 0x14:
            return (5, b"") if avail >= 5 else (0, b"")
        self.unknown.append(buf[pos:pos + 2])
        return 2, b""

    def _esc(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        if avail < 2:
            return 0, b""
        c = buf[pos + 1]
        m = self._mode
        if c == 0x2A:
            return self._esc_star(buf, pos, avail)
        if c == 0x44:  # ESC D n1 … nk NUL: tab positions
            end = buf.find(b"\x00", pos + 2, pos + 2 + 33)
            if end < 0:
                return (0, b"") if avail < 35 else (2, b"")
            return end + 1 - pos, b""
        if c == 0x26:  # ESC & y c1 c2 …: user-defined characters, not kept
            if avail < 5:
                return 0, b""
            y, c1, c2 = buf[pos + 2], buf[pos + 3], buf[pos + 4]
            need, at = 5, pos + 5
            for _ in range(max(0, c2 - c1 + 1) if 32 <= c1 <= c2 <= 126 else 0):
                if at >= len(buf):
                    return 0, b""
                size = 1 + y * buf[at]
                need += size
                at += size
            return (need, b"") if avail >= need else (0, b"")
        length = _ESC_LEN.get(c)
        if length is None:
            self.unknown.append(buf[pos:pos + 2])
            return 2, b""
        if avail < length:
            return 0, b""
        n = buf[pos + 2] if length > 2 else 0
        if c == 0x40:
            self._flush_line(only_if_nonempty=True)
            self._mode = _Mode()
        elif c == 0x32:
            m.line_spacing = 30
        elif c == 0x33:
            m.line_spacing = n
        elif c == 0x61:
            m.align = n % 48 if n >= 48 else min(n, 2)
        elif c == 0x45:
            m.bold = bool(n & 1)
        elif c == 0x21:  # ESC ! n: bit 3 bold, bit 4 double height, bit 5 double width
            m.bold = bool(n & 0x08)
            m.height_mult = 2 if n & 0x10 else 1
            m.width_mult = 2 if n & 0x20 else 1
        elif c == 0x64:
            self._flush_line(only_if_nonempty=True)
            self.ops.append(Feed(n * m.line_spacing))
        elif c == 0x4A:
            self._flush_line(only_if_nonempty=True)
            self.ops.append(Feed(n))
        elif c == 0x74:
            m.code_page = CODE_PAGES.get(n, "cp437")
        return length, b""

    def _esc_star(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        """ESC * m nL nH d…: one stripe of a column-format image (8 or 24 dots high)."""
        if avail < 5:
            return 0, b""
        mode, columns = buf[pos + 2], buf[pos + 3] | (buf[pos + 4] << 8)
        if mode not in (0, 1, 32, 33) or columns == 0 or columns > 8 * MAX_RASTER_BYTES_WIDE:
            self.unknown.append(buf[pos:pos + 3])
            return 5, b""
        depth = 3 if mode >= 32 else 1
        total = 5 + columns * depth
        if avail < total:
            return 0, b""
        self._flush_line(only_if_nonempty=True)
        data = np.frombuffer(buf[pos + 5:pos + total], dtype=np.uint8).reshape(columns, depth)
        stripe = np.unpackbits(data, axis=1).astype(bool).T  # rows = 8 * depth, columns
        if mode in (0, 32):  # single density horizontally: each column is two dots wide
            stripe = np.repeat(stripe, 2, axis=1)
        if depth == 1:  # 8-dot modes print at a third of the vertical density
            stripe = np.repeat(stripe, 3, axis=0)
        self.ops.append(RasterImage(stripe, (stripe.shape[1] + 7) // 8, stripe.shape[0], self._mode.align))
        self._after_stripe = stripe.shape[0]
        return total, b""

    def _fs(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        if avail < 2:
            return 0, b""
        c = buf[pos + 1]
        length = _FS_LEN.get(c)
        if length is None:
            self.unknown.append(buf[pos:pos + 2])
            return 2, b""
        if avail < length:
            return 0, b""
        if c == 0x26:
            self._mode.chinese = True
        elif c == 0x2E:
            self._mode.chinese = False
        return length, b""

    def _gs(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        m = self._mode
        if avail < 2:
            return 0, b""
        c = buf[pos + 1]
        if c == 0x56:
            if avail < 3:
                return 0, b""
            kind = buf[pos + 2]
            if kind in (65, 66, 97, 98, 103, 104):
                if avail < 4:
                    return 0, b""
                self._flush_line(only_if_nonempty=True)
                self.ops.append(Feed(buf[pos + 3]))
                self.ops.append(Cut(partial=kind in (66, 98, 104)))
                return 4, b""
            self._flush_line(only_if_nonempty=True)
            self.ops.append(Cut(partial=kind in (1, 49)))
            return 3, b""
        if c == 0x76:
            return self._raster(buf, pos, avail)
        if c == 0x28:
            return self._gs_paren(buf, pos, avail)
        if c == 0x6B:
            return self._barcode(buf, pos, avail)
        if c == 0x38:  # GS 8 L p1 p2 p3 p4 m fn …: long graphics data, not kept
            if avail < 7:
                return 0, b""
            size = int.from_bytes(buf[pos + 3:pos + 7], "little")
            if size > MAX_RASTER_BYTES_WIDE * MAX_RASTER_ROWS * 2:
                self.unknown.append(buf[pos:pos + 3])
                return 7, b""
            return (7 + size, b"") if avail >= 7 + size else (0, b"")
        if c == 0x2A:  # GS * x y d…: downloaded bit image, not kept
            if avail < 4:
                return 0, b""
            total = 4 + buf[pos + 2] * buf[pos + 3] * 8
            return (total, b"") if avail >= total else (0, b"")
        length = _GS_LEN.get(c)
        if length is None:
            self.unknown.append(buf[pos:pos + 2])
            return 2, b""
        if avail < length:
            return 0, b""
        n = buf[pos + 2] if length > 2 else 0
        if c == 0x21:
            m.width_mult, m.height_mult = ((n >> 4) & 7) + 1, (n & 7) + 1
        elif c == 0x68:
            m.barcode_height = max(n, 1)
        elif c == 0x77:
            m.barcode_module = min(max(n, 1), 6)
        elif c == 0x48:
            m.barcode_hri = n % 48 if n >= 48 else min(n, 3)
        return length, b""

    def _raster(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        """GS v 0 m xL xH yL yH d…; m bit 0 doubles the width, bit 1 the height."""
        if avail < 8:
            return 0, b""
        if buf[pos + 2] != 0x30:
            self.unknown.append(buf[pos:pos + 3])
            return 3, b""
        scale = buf[pos + 3]
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
        bits = np.unpackbits(data, axis=1).astype(bool)
        if scale & 1:
            bits = np.repeat(bits, 2, axis=1)
        if scale & 2:
            bits = np.repeat(bits, 2, axis=0)
        self.ops.append(RasterImage(bits, xb, rows, self._mode.align))
        return total, b""

    def _gs_paren(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        """GS ( x pL pH …: QR codes (x = k) and graphics (x = L); other functions are skipped."""
        if avail < 5:
            return 0, b""
        length = buf[pos + 3] | (buf[pos + 4] << 8)
        total = 5 + length
        if avail < total:
            return 0, b""
        kind, body = buf[pos + 2], buf[pos + 5:pos + total]
        if kind == 0x6B and length >= 2 and body[0] == 0x31:
            self._qr(body[1], body[2:])
        elif kind == 0x4C and length >= 2:
            self._graphics_fn(body[1], body[2:])
        else:
            self.unknown.append(buf[pos:pos + 3])
        return total, b""

    def _graphics_fn(self, fn: int, params: bytes) -> None:
        if fn in (112, 0x70) and len(params) >= 8:  # store raster graphics: a bx by c xL xH yL yH d…
            bx, by = params[1], params[2]
            width = params[4] | (params[5] << 8)
            rows = params[6] | (params[7] << 8)
            xb = (width + 7) // 8
            data = params[8:8 + xb * rows]
            if not (0 < xb <= MAX_RASTER_BYTES_WIDE and 0 < rows <= MAX_RASTER_ROWS) or len(data) < xb * rows:
                self._graphics = None
                return
            bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8).reshape(rows, xb), axis=1)[:, :width]
            bits = np.repeat(bits.astype(bool), 2 if bx == 2 else 1, axis=1)
            bits = np.repeat(bits, 2 if by == 2 else 1, axis=0)
            self._graphics = RasterImage(bits, xb, rows, self._mode.align)
        elif fn in (50, 2) and self._graphics is not None:  # print the stored graphics
            self._flush_line(only_if_nonempty=True)
            self.ops.append(self._graphics)
            self._graphics = None

    def _barcode(self, buf: bytes, pos: int, avail: int) -> tuple[int, bytes]:
        """GS k m d… NUL (function A, m 0–6) or GS k m n d… (function B, m 65–78)."""
        if avail < 3:
            return 0, b""
        kind = buf[pos + 2]
        if kind <= 6:
            end = buf.find(b"\x00", pos + 3, pos + 3 + MAX_BARCODE_DATA + 1)
            if end < 0:
                if avail < 3 + MAX_BARCODE_DATA + 1:
                    return 0, b""
                self.unknown.append(buf[pos:pos + 3])
                return 3, b""
            data, total = buf[pos + 3:end], end + 1 - pos
        elif 65 <= kind <= 78:
            if avail < 4:
                return 0, b""
            total = 4 + buf[pos + 3]
            if avail < total:
                return 0, b""
            data = buf[pos + 4:pos + total]
        else:
            self.unknown.append(buf[pos:pos + 3])
            return 3, b""
        m = self._mode
        self._flush_line(only_if_nonempty=True)
        self.ops.append(Barcode(kind, bytes(data), m.barcode_height, m.barcode_module, m.barcode_hri,
                                m.align))
        return total, b""

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

    # -- text lines -----------------------------------------------------------------------------

    def _put(self, char: str, cells: int) -> None:
        """Add one character; a line that would run past the paper's edge wraps first."""
        dots = 12 * cells * self._mode.width_mult
        if self._chars and self._line_dots + dots > self.width_dots:
            self._flush_line()
        self._chars.append(char)
        self._cells.append(cells)
        self._line_dots += dots
        self._after_stripe = 0

    def _line_feed(self) -> None:
        if not self._chars and self._after_stripe:
            # LF after an ESC * stripe: the stripe was the line; advance what spacing exceeds it
            self.ops.append(Feed(max(0, self._mode.line_spacing - self._after_stripe)))
            self._after_stripe = 0
            return
        self._flush_line()

    def _flush_line(self, only_if_nonempty: bool = False) -> None:
        if only_if_nonempty and not self._chars:
            return
        m = self._mode
        self.ops.append(TextLine("".join(self._chars), m.width_mult, m.height_mult, m.bold, m.align,
                                 tuple(self._cells)))
        self._chars.clear()
        self._cells.clear()
        self._line_dots = 0
        self._after_stripe = 0
