"""Theme tokens: every colour and size the screens use, in one place, and their contrast checks.

Why tokens and not literals in QML: the elderly-friendly rules (text ≥ 24 px, ≥ 32 px in large
mode, contrast ≥ 4.5:1, touch targets ≥ 60 px) are only enforceable if there is one list to check.
The accessibility test reads these tokens and also walks the live item tree; a QML file that
hard-codes a colour or a size is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Property, QObject, Signal, Slot

# Colours. Pairs that are meant to be read together are listed in READABLE_PAIRS below.
COLOURS: dict[str, str] = {
    "background": "#F6F3EC",     # warm paper, less glare than white on a bright kiosk panel
    "surface": "#FFFFFF",
    "surfaceAlt": "#EAF1FB",     # a light blue panel (information boxes)
    "text": "#1A1A1A",
    "textMuted": "#45474D",
    "primary": "#0B4EA2",        # government blue; white text on it is 8.0:1
    "primaryPressed": "#083A7A",
    "onPrimary": "#FFFFFF",
    "secondary": "#FFFFFF",      # secondary buttons: white with a blue border and blue text
    "onSecondary": "#0B4EA2",
    "accent": "#A61B1B",         # seal red, for headings of notices; 7.2:1 on white
    "error": "#A4161A",
    "errorSurface": "#FDECEC",
    "success": "#1B5E20",
    "successSurface": "#E8F3E8",
    "warningSurface": "#FFF3D1",
    # 好差评's five faces, each its own colour (with its own mouth and eyes: never colour alone):
    # green (非常满意) … red (非常不满意); each 4.5:1 or better on white, as the words beside them.
    "rating5": "#1B5E20",
    "rating4": "#00695C",
    "rating3": "#7A5200",
    "rating2": "#B34700",
    "rating1": "#B71C1C",
    "border": "#5C6270",         # 3:1 or better against the surfaces, for outlines of fields
    "focus": "#E07B00",
    "scrim": "#B3000000",        # the dim behind overlays (70 % black)
}

# (foreground, background) pairs that appear as text on a surface. Each must reach 4.5:1.
READABLE_PAIRS: list[tuple[str, str]] = [
    ("text", "background"), ("text", "surface"), ("text", "surfaceAlt"),
    ("textMuted", "background"), ("textMuted", "surface"), ("textMuted", "surfaceAlt"),
    ("onPrimary", "primary"), ("onPrimary", "primaryPressed"),
    ("onSecondary", "secondary"), ("onSecondary", "surfaceAlt"),
    ("accent", "surface"), ("accent", "background"),
    ("error", "errorSurface"), ("error", "surface"), ("text", "errorSurface"),
    ("success", "successSurface"), ("text", "successSurface"), ("text", "warningSurface"),
    ("rating5", "surface"), ("rating4", "surface"), ("rating3", "surface"), ("rating2", "surface"),
    ("rating1", "surface"),
    ("onPrimary", "success"), ("primary", "surface"),          # the tiles' 立等可取 and 常办 marks
]


@dataclass(frozen=True)
class TypeScale:
    """Pixel sizes at a 1080-wide portrait layout. `body` is the smallest text on any screen."""

    small: int
    body: int
    button: int
    title: int
    display: int


NORMAL = TypeScale(small=24, body=28, button=34, title=44, display=64)
LARGE = TypeScale(small=32, body=36, button=42, title=54, display=76)

MIN_TOUCH_PX = 60        # the rule; our buttons are much larger
BUTTON_HEIGHT_PX = 112   # big buttons: a whole finger, with a tremor
LINE_HEIGHT = 1.35       # 适老化 asks for ≥ 1.3
SPACING_PX = 24
RADIUS_PX = 16


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def parse_colour(value: str) -> tuple[int, int, int]:
    """'#RRGGBB' or '#AARRGGBB' (Qt's order) to (r, g, b)."""
    digits = value.lstrip("#")
    if len(digits) == 8:
        digits = digits[2:]
    if len(digits) != 6:
        raise ValueError(f"not a colour: {value!r}")
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def relative_luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str | tuple[int, int, int], background: str | tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio between two opaque colours."""
    fg = parse_colour(foreground) if isinstance(foreground, str) else foreground
    bg = parse_colour(background) if isinstance(background, str) else background
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


class Theme(QObject):
    """The tokens as a QML object (`Theme.primary`, `Theme.body` …). Sizes follow large mode."""

    largeChanged = Signal()

    def __init__(self, large: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._large = large

    def _scale(self) -> TypeScale:
        return LARGE if self._large else NORMAL

    def _get_large(self) -> bool:
        return self._large

    def _set_large(self, value: bool) -> None:
        if value != self._large:
            self._large = value
            self.largeChanged.emit()

    large = Property(bool, _get_large, _set_large, notify=largeChanged)

    @Slot()
    def toggleLarge(self) -> None:
        self._set_large(not self._large)

    small = Property(int, lambda self: self._scale().small, notify=largeChanged)
    body = Property(int, lambda self: self._scale().body, notify=largeChanged)
    button = Property(int, lambda self: self._scale().button, notify=largeChanged)
    title = Property(int, lambda self: self._scale().title, notify=largeChanged)
    display = Property(int, lambda self: self._scale().display, notify=largeChanged)

    minTouch = Property(int, lambda self: MIN_TOUCH_PX, constant=True)
    buttonHeight = Property(int, lambda self: BUTTON_HEIGHT_PX + (16 if self._large else 0),
                            notify=largeChanged)
    lineHeight = Property(float, lambda self: LINE_HEIGHT, constant=True)
    spacing = Property(int, lambda self: SPACING_PX, constant=True)
    radius = Property(int, lambda self: RADIUS_PX, constant=True)
    fontFamily = Property(str, lambda self: "Noto Sans CJK SC", constant=True)

    # One constant QML property per colour token. Written into the class body because PySide6
    # builds the meta-object when the class statement ends.
    for _name, _value in COLOURS.items():
        locals()[_name] = Property(str, lambda self, v=_value: v, constant=True)
    del _name, _value
