"""Turn text into dots with a real CJK font (Pillow + Noto Sans CJK): for the rare characters a
printer's ROM font lacks, and for the simulator that draws what a printer would print.

Why Pillow and not Qt: devices/ stays Qt-free (only the A4 renderer may use QPainter), and Pillow's
FreeType binding draws any glyph the font has, including four-byte GB18030 characters such as 𠮷.
Loading a font is I/O, so this lives outside the pure codec and is handed to it as a function.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
_SC_INDEX = 2  # the Simplified Chinese face inside the Noto CJK collection


def find_cjk_font(extra: str | None = None) -> Path | None:
    for candidate in ((extra,) if extra else ()) + FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


class GlyphRasteriser:
    """Callable `(text, scale) -> bool bitmap`; each character in a 12- or 24-dot cell like a printer."""

    def __init__(self, font_path: Path, cell: int = 24) -> None:
        self._path = font_path
        self._cell = cell

    @functools.lru_cache(maxsize=16)  # noqa: B019 - few sizes, rasteriser lives as long as its printer
    def _font(self, px: int):  # noqa: ANN202 - PIL.ImageFont.FreeTypeFont
        from PIL import ImageFont

        index = _SC_INDEX if self._path.suffix.lower() == ".ttc" and "Noto" in self._path.name else 0
        return ImageFont.truetype(str(self._path), px, index=index)

    def glyph(self, ch: str, width_mult: int = 1, height_mult: int = 1, bold: bool = False,
              cells: int | None = None) -> np.ndarray:
        """One character in its printer cell (12×24 half-width, 24×24 full-width), scaled like GS !.

        Never raises: a control character or one the font cannot shape (raqm refuses some, such
        as U+0085) is a blank cell, as a printer leaves it; a glyph wider than its cell (m w M W @ %
        in a proportional font) is narrowed to fit instead of being clipped.
        """
        if cells not in (1, 2):
            cells = 1 if ord(ch) < 0x80 else 2
        cell_w = self._cell // 2 * cells
        try:
            bits = self._draw(ch, cell_w, bold) if ch.isprintable() and not ch.isspace() else None
        except Exception:  # noqa: BLE001 - FreeType/raqm failures on odd code points: blank cell
            bits = None
        if bits is None:
            bits = np.zeros((self._cell, cell_w), dtype=bool)
        if width_mult > 1 or height_mult > 1:
            bits = np.kron(bits, np.ones((height_mult, width_mult), dtype=bool)).astype(bool)
        return bits

    def _draw(self, ch: str, cell_w: int, bold: bool) -> np.ndarray:
        from PIL import Image, ImageDraw

        font = self._font(self._cell - 2)
        advance = font.getlength(ch)
        canvas_w = max(cell_w, int(np.ceil(advance)) + (1 if bold else 0))
        img = Image.new("L", (canvas_w, self._cell), 0)
        draw = ImageDraw.Draw(img)
        # Horizontally centred on the advance width, vertically on a common baseline, so that
        # "." sits low and "一" mid-height, as in a printer's ROM font.
        ascent, descent = font.getmetrics()
        x = (canvas_w - advance) / 2
        y = (self._cell - (ascent + descent)) / 2
        draw.text((x, y), ch, font=font, fill=255)
        if bold:
            draw.text((x + 1, y), ch, font=font, fill=255)
        if canvas_w > cell_w:  # a wide glyph: narrowed into its cell, as a ROM font draws it
            img = img.resize((cell_w, self._cell), Image.Resampling.BOX)
        return np.array(img) >= 128

    def __call__(self, text: str, scale: int = 1) -> np.ndarray:
        cells = [self.glyph(ch, scale, scale) for ch in text] or [np.zeros((self._cell * scale, 1), bool)]
        return np.hstack(cells)


def default_rasteriser(font_path: str | None = None) -> GlyphRasteriser | None:
    """The rasteriser for the installed CJK font, or None if no such font is installed."""
    path = find_cjk_font(font_path)
    return GlyphRasteriser(path) if path else None
