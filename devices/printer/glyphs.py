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

    def glyph(self, ch: str, width_mult: int = 1, height_mult: int = 1, bold: bool = False) -> np.ndarray:
        """One character in its printer cell (12×24 ASCII, 24×24 otherwise), scaled like GS !."""
        from PIL import Image, ImageDraw

        cell_w = self._cell // 2 if ord(ch) < 0x80 else self._cell
        img = Image.new("1", (cell_w, self._cell), 0)
        draw = ImageDraw.Draw(img)
        font = self._font(self._cell - 2)
        # Horizontally centred on the advance width, vertically on a common baseline, so that
        # "." sits low and "一" mid-height, as in a printer's ROM font.
        ascent, descent = font.getmetrics()
        x = (cell_w - font.getlength(ch)) / 2
        y = (self._cell - (ascent + descent)) / 2
        draw.text((x, y), ch, font=font, fill=1)
        if bold:
            draw.text((x + 1, y), ch, font=font, fill=1)
        bits = np.array(img, dtype=bool)
        if width_mult > 1 or height_mult > 1:
            bits = np.kron(bits, np.ones((height_mult, width_mult), dtype=bool)).astype(bool)
        return bits

    def __call__(self, text: str, scale: int = 1) -> np.ndarray:
        cells = [self.glyph(ch, scale, scale) for ch in text] or [np.zeros((self._cell * scale, 1), bool)]
        return np.hstack(cells)


def default_rasteriser(font_path: str | None = None) -> GlyphRasteriser | None:
    """The rasteriser for the installed CJK font, or None if no such font is installed."""
    path = find_cjk_font(font_path)
    return GlyphRasteriser(path) if path else None
