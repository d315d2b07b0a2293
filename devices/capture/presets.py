"""What kinds of paper the document camera captures, and at what size.

Sizes in millimetres, portrait (the shorter side is the width); a capture picks portrait or
landscape from the paper it found. 200 dpi keeps a 5-point character readable and an A4 page
under 500 KB as JPEG.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Preset:
    """A paper kind: its name, the label staff see, and its physical size."""

    name: str
    label: str
    width_mm: float
    height_mm: float
    dpi: int = 200
    max_jpeg_bytes: int = 500_000

    def pixels(self, landscape: bool = False) -> tuple[int, int]:
        """(width, height) in pixels at `dpi`."""
        w = round(self.width_mm / MM_PER_INCH * self.dpi)
        h = round(self.height_mm / MM_PER_INCH * self.dpi)
        return (h, w) if landscape else (w, h)

    @property
    def aspect(self) -> float:
        """Long side over short side."""
        return self.height_mm / self.width_mm


PRESETS: dict[str, Preset] = {
    "a4": Preset("a4", "A4 材料", 210.0, 297.0),
    # ID card: ISO/IEC 7810 ID-1, 85.6 × 54 mm; captured at 300 dpi so the number stays legible.
    "idcard_front": Preset("idcard_front", "身份证人像面", 54.0, 85.6, dpi=300, max_jpeg_bytes=200_000),
    "idcard_back": Preset("idcard_back", "身份证国徽面", 54.0, 85.6, dpi=300, max_jpeg_bytes=200_000),
    # 户口簿 inner page (常住人口登记卡), about 105 × 143 mm.
    "household_page": Preset("household_page", "户口簿页", 105.0, 143.0, dpi=250, max_jpeg_bytes=400_000),
}


def preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"未知的材料类型：{name}（可选：{'、'.join(PRESETS)}）") from None
