"""Draw interpreted ESC/POS operations onto a strip of thermal paper (a PNG), as the printer would.

Why: a person (and a test) must be able to *look* at a receipt without a printer. Text is drawn
glyph by glyph in printer cells (12×24 ASCII, 24×24 hanzi, scaled by GS !) with a real CJK font,
native QR codes are encoded with segno from the stored data, barcodes (GS k) with zxing-cpp from
the sent data, raster images are pasted dot for dot. Whatever the bytes were, drawing never raises:
a barcode the printer cannot encode prints nothing, as on a printer.
"""

from __future__ import annotations

import numpy as np

from devices.printer.glyphs import GlyphRasteriser
from devices.printer.interpreter import Barcode, Cut, Feed, Op, QrCode, RasterImage, TextLine

_QR_LEVELS = {48: "l", 49: "m", 50: "q", 51: "h"}
# GS k m → zxing-cpp format name (function A 0–6, function B 65–78)
_BARCODES = {0: "UPCA", 65: "UPCA", 1: "UPCE", 66: "UPCE", 2: "EAN13", 67: "EAN13", 3: "EAN8", 68: "EAN8",
             4: "Code39", 69: "Code39", 5: "ITF", 70: "ITF", 6: "Codabar", 71: "Codabar", 72: "Code93",
             73: "Code128", 74: "Code128", 75: "DataBar", 76: "DataBar", 77: "DataBarLtd", 78: "DataBarExp"}


def _barcode_text(op: Barcode) -> str:
    """The data as the symbol carries it: CODE128's "{A"/"{B"/"{C" code-set selectors are commands
    to the printer, not data ("{{" is a literal "{")."""
    text = op.data.decode("latin-1")
    if op.symbology in (73, 74):
        out, i = [], 0
        while i < len(text):
            if text[i] == "{" and i + 1 < len(text):
                if text[i + 1] == "{":
                    out.append("{")
                i += 2
                continue
            out.append(text[i])
            i += 1
        text = "".join(out)
    return text.strip("*") if op.symbology in (4, 69) else text


def _barcode_bits(op: Barcode) -> np.ndarray:
    """Bars, one column per module scaled by GS w, GS h dots high; empty when not encodable."""
    import zxingcpp

    name = _BARCODES.get(op.symbology)
    text = _barcode_text(op)
    if name is None or not text or not hasattr(zxingcpp.BarcodeFormat, name):
        return np.zeros((0, 0), dtype=bool)
    fmt = getattr(zxingcpp.BarcodeFormat, name)
    try:
        if hasattr(zxingcpp, "create_barcode"):  # zxing-cpp 3
            image = zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, fmt), scale=1,
                                                    add_quiet_zones=False)
        else:  # zxing-cpp 2
            image = zxingcpp.write_barcode(fmt, text, width=0, height=0, quiet_zone=0)
        row = np.asarray(image)[0] < 128
    except Exception:  # noqa: BLE001 - data the symbology cannot carry: the printer prints nothing
        return np.zeros((0, 0), dtype=bool)
    return np.tile(np.repeat(row, op.module)[None, :], (op.height, 1))


def _qr_bits(op: QrCode) -> np.ndarray:
    import segno

    try:
        qr = segno.make_qr(op.data, error=_QR_LEVELS.get(op.error_level, "m"), boost_error=False)
    except Exception:  # noqa: BLE001 - data too long for a QR code: the printer prints nothing
        return np.zeros((0, 0), dtype=bool)
    matrix = np.array([[bool(v) for v in row] for row in qr.matrix], dtype=bool)
    matrix = np.pad(matrix, 4, constant_values=False)
    return np.kron(matrix, np.ones((op.module, op.module), dtype=bool)).astype(bool)


def _aligned(block: np.ndarray, width: int, align: int) -> np.ndarray:
    rows, cols = block.shape
    if cols >= width:
        return block[:, :width]
    left = {0: 0, 1: (width - cols) // 2, 2: width - cols}.get(align, 0)
    out = np.zeros((rows, width), dtype=bool)
    out[:, left:left + cols] = block
    return out


def _text_line(op: TextLine, glyphs: GlyphRasteriser | None) -> np.ndarray:
    height = 24 * op.height_mult
    if glyphs is None:
        return np.zeros((height, 1), dtype=bool)
    widths = op.cells if len(op.cells) == len(op.text) else (1 if ord(ch) < 0x80 else 2 for ch in op.text)
    return np.hstack([glyphs.glyph(ch, op.width_mult, op.height_mult, op.bold, cells=cells)
                      for ch, cells in zip(op.text, widths, strict=False)])


def render_pages(ops: list[Op], width_dots: int, glyphs: GlyphRasteriser | None) -> list[np.ndarray]:
    """Split at each cut; each page is a bool array (rows × width_dots), True = black dot."""
    pages: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    for op in ops:
        if isinstance(op, TextLine):
            height = 24 * op.height_mult
            line = _text_line(op, glyphs) if op.text else np.zeros((height, 1), dtype=bool)
            spacing = max(30 * op.height_mult, height) - height
            blocks.append(_aligned(line, width_dots, op.align))
            blocks.append(np.zeros((spacing, width_dots), dtype=bool))
        elif isinstance(op, RasterImage):
            blocks.append(_aligned(op.bitmap, width_dots, op.align))
        elif isinstance(op, Barcode):
            bars = _barcode_bits(op)
            if bars.size:
                hri = _text_line(TextLine(_barcode_text(op)), glyphs) if op.hri and glyphs else None
                if hri is not None and op.hri in (1, 3):
                    blocks.append(_aligned(hri, width_dots, op.align))
                blocks.append(_aligned(bars, width_dots, op.align))
                if hri is not None and op.hri in (2, 3):
                    blocks.append(_aligned(hri, width_dots, op.align))
        elif isinstance(op, QrCode):
            bits = _qr_bits(op)
            if bits.size:
                blocks.append(_aligned(bits, width_dots, op.align))
        elif isinstance(op, Feed):
            blocks.append(np.zeros((op.dots, width_dots), dtype=bool))
        elif isinstance(op, Cut):
            pages.append(np.vstack(blocks) if blocks else np.zeros((1, width_dots), dtype=bool))
            blocks = []
    if blocks:
        pages.append(np.vstack(blocks))
    return pages


def save_png(page: np.ndarray, path: str) -> None:
    """Black dots on white paper, with a small margin so the paper edge is visible."""
    from PIL import Image

    margin = 16
    canvas = np.full((page.shape[0] + 2 * margin, page.shape[1] + 2 * margin), 255, dtype=np.uint8)
    canvas[margin:-margin, margin:-margin][page] = 0
    Image.fromarray(canvas, mode="L").save(path)
