"""ESC/POS command bytes for the subset our receipts use: pure functions, no I/O, no clock.

Why hand-written rather than python-escpos: see README.md. In short, the library sends Chinese as
raw GB18030 without switching the printer into Chinese mode (FS &), which many Chinese firmwares
then print as Latin garbage; it reports "plenty of paper" when the printer answers nothing; and a
profile without a cutter turns `cut()` into a silent feed. The commands we need fit in this file,
and the encoding decision (GB18030 two-byte codes, or a raster image for what the printer's font
cannot hold) is made here, explicitly, once.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ESC, GS, FS, DLE, LF = 0x1B, 0x1D, 0x1C, 0x10, 0x0A

INIT = b"\x1b\x40"
CHINESE_ON = b"\x1c\x26"
CHINESE_OFF = b"\x1c\x2e"
CUT_FULL = b"\x1d\x56\x00"
CUT_PARTIAL = b"\x1d\x56\x01"

ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT = 0, 1, 2

DOTS_58MM, DOTS_80MM = 384, 576
FONT_HEIGHT = 24          # the common 24-dot font: ASCII 12×24, hanzi 24×24
ASCII_WIDTH = 12
LINE_HEIGHT = 30          # ESC 2 default line spacing on most 203 dpi models

QR_ERROR_LEVELS = {"L": 48, "M": 49, "Q": 50, "H": 51}

# A glyph rasteriser: (text, scale) -> a bool bitmap (rows × cols), True = black.
Rasteriser = Callable[[str, int], np.ndarray]


def width_dots(width_mm: int) -> int:
    """Printable dots across the paper at 203 dpi."""
    return DOTS_58MM if width_mm == 58 else DOTS_80MM


def align(n: int) -> bytes:
    return bytes([ESC, 0x61, n])


def bold(on: bool) -> bytes:
    return bytes([ESC, 0x45, 1 if on else 0])


def size(width: int = 1, height: int = 1) -> bytes:
    """GS ! — character size multipliers 1..8 for width and height."""
    return bytes([GS, 0x21, ((width - 1) << 4) | (height - 1)])


def feed(lines: int) -> bytes:
    return bytes([ESC, 0x64, max(0, min(lines, 255))])


def cut(partial: bool = False, feed_dots: int | None = None) -> bytes:
    """GS V 0/1, or GS V 66 n (feed n dots to the cutter, then cut)."""
    if feed_dots is not None:
        return bytes([GS, 0x56, 66, max(0, min(feed_dots, 255))])
    return CUT_PARTIAL if partial else CUT_FULL


def status_request(n: int) -> bytes:
    """DLE EOT n, the real-time status query (one byte comes back)."""
    return bytes([DLE, 0x04, n])


def _gs_k(fn: int, payload: bytes) -> bytes:
    length = len(payload) + 2
    return bytes([GS, 0x28, 0x6B, length & 0xFF, length >> 8, 0x31, fn]) + payload


def qr_native(data: str, module: int = 6, error_level: str = "M") -> bytes:
    """GS ( k: model 2, module size, error level, store, print. Data in UTF-8 (ASCII for refs)."""
    raw = data.encode("utf-8")
    return (_gs_k(65, bytes([50, 0]))
            + _gs_k(67, bytes([max(1, min(module, 16))]))
            + _gs_k(69, bytes([QR_ERROR_LEVELS[error_level]]))
            + _gs_k(80, b"\x30" + raw)
            + _gs_k(81, b"\x30"))


def raster(bitmap: np.ndarray) -> bytes:
    """GS v 0: a bool bitmap (rows × cols) as a raster image, rows padded to whole bytes."""
    rows, cols = bitmap.shape
    width_bytes = (cols + 7) // 8
    padded = np.zeros((rows, width_bytes * 8), dtype=bool)
    padded[:, :cols] = bitmap
    data = np.packbits(padded, axis=1).tobytes()
    return bytes([GS, 0x76, 0x30, 0, width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8]) + data


def qr_bitmap(data: str, module: int = 6, error_level: str = "M", quiet_zone: int = 4) -> np.ndarray:
    """The QR code as a bitmap, for printers without native QR (the raster fallback)."""
    import segno

    qr = segno.make_qr(data, error=error_level.lower(), boost_error=False)
    matrix = np.array([[bool(v) for v in row] for row in qr.matrix], dtype=bool)
    matrix = np.pad(matrix, quiet_zone, constant_values=False)
    return np.kron(matrix, np.ones((module, module), dtype=bool)).astype(bool)


def place(bitmap: np.ndarray, paper_dots: int, alignment: int) -> np.ndarray:
    """Pad a bitmap to the paper width at the given alignment (raster ignores ESC a on some models)."""
    rows, cols = bitmap.shape
    if cols >= paper_dots:
        return bitmap[:, :paper_dots]
    left = {ALIGN_LEFT: 0, ALIGN_CENTER: (paper_dots - cols) // 2, ALIGN_RIGHT: paper_dots - cols}[alignment]
    out = np.zeros((rows, paper_dots), dtype=bool)
    out[:, left:left + cols] = bitmap
    return out


# ---------------------------------------------------------------------------------------------
# Chinese text: GB18030 two-byte codes in FS & mode, a raster image for everything else
# ---------------------------------------------------------------------------------------------

def printer_can_encode(ch: str) -> bool:
    """True if the printer's own font can print `ch` in Chinese mode.

    ASCII prints from the 12×24 font. Of GB18030 only the two-byte area is in printer ROMs, and
    not all of it: the FE50–FEA0 codes were private-use in GBK and are absent from most fonts
    (e.g. 䶮). Four-byte codes (e.g. 𠮷) never print as text.
    """
    if ch == "\n":
        return True
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return True
    if code < 0x80:
        return False
    try:
        encoded = ch.encode("gb18030")
    except UnicodeEncodeError:
        return False
    if len(encoded) != 2:
        return False
    lead, trail = encoded
    if lead == 0xFE and 0x50 <= trail <= 0xA0:
        return False
    return not (0xAA <= lead <= 0xAF and trail >= 0xA1) and not (0xF8 <= lead <= 0xFE and trail >= 0xA1)


def display_columns(text: str) -> int:
    """Width in ASCII columns: an ASCII character is 1, anything else 2."""
    return sum(1 if ord(ch) < 0x80 else 2 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break a paragraph into lines of at most `columns` display columns (never splitting a hanzi)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for ch in paragraph:
            w = 1 if ord(ch) < 0x80 else 2
            if used + w > columns and line:
                lines.append(line)
                line, used = "", 0
            line += ch
            used += w
        lines.append(line)
    return lines


def text_line(line: str, *, scale: int = 1, alignment: int = ALIGN_LEFT, paper_dots: int = DOTS_80MM,
              rasterise: Rasteriser | None = None) -> bytes:
    """One printed line. Printable by the font → GB18030 bytes + LF; otherwise the whole line as a
    raster image (mixing text and raster inside one line is impossible in ESC/POS)."""
    if all(printer_can_encode(ch) for ch in line):
        return line.encode("gb18030") + b"\n"
    if rasterise is None:
        # No rasteriser: substitute rather than send bytes the printer would print as garbage.
        safe = "".join(ch if printer_can_encode(ch) else "?" for ch in line)
        return safe.encode("gb18030") + b"\n"
    bitmap = rasterise(line, scale)
    height = LINE_HEIGHT * scale
    if bitmap.shape[0] < height:
        pad = np.zeros((height - bitmap.shape[0], bitmap.shape[1]), dtype=bool)
        bitmap = np.vstack([bitmap, pad])
    return raster(place(bitmap, paper_dots, alignment))
