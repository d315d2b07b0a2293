"""Draw interpreted ESC/POS operations onto a strip of thermal paper (a PNG), as the printer would.

Why: a person (and a test) must be able to *look* at a receipt without a printer. Text is drawn
glyph by glyph in printer cells (12×24 ASCII, 24×24 hanzi, scaled by GS !) with a real CJK font,
native QR codes are encoded with segno from the stored data, raster images are pasted dot for dot.
"""

from __future__ import annotations

import numpy as np

from devices.printer.glyphs import GlyphRasteriser
from devices.printer.interpreter import Cut, Feed, Op, QrCode, RasterImage, TextLine

_QR_LEVELS = {48: "l", 49: "m", 50: "q", 51: "h"}


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


def render_pages(ops: list[Op], width_dots: int, glyphs: GlyphRasteriser | None) -> list[np.ndarray]:
    """Split at each cut; each page is a bool array (rows × width_dots), True = black dot."""
    pages: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    for op in ops:
        if isinstance(op, TextLine):
            height = 24 * op.height_mult
            if op.text and glyphs is not None:
                cells = [glyphs.glyph(ch, op.width_mult, op.height_mult, op.bold) for ch in op.text]
                line = np.hstack(cells)
            else:
                line = np.zeros((height, 1), dtype=bool)
            spacing = max(30 * op.height_mult, height) - height
            blocks.append(_aligned(line, width_dots, op.align))
            blocks.append(np.zeros((spacing, width_dots), dtype=bool))
        elif isinstance(op, RasterImage):
            blocks.append(_aligned(op.bitmap, width_dots, 0))
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
