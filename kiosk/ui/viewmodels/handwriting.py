"""手写输入: a resident writes a character with a finger; big candidate buttons; the chosen one is
said aloud and typed into the field.

Why this way: many elderly residents cannot spell pinyin, and the names they enter (a newborn's, a
deceased parent's) often hold rare characters. Recognition (devices/handwriting: Zinnia and a
stroke-template matcher that knows characters outside GB2312) runs on a worker thread after each
stroke, newest request wins; the screen only ever shows finished candidates. The field says what
it expects (`context`: a surname, a given name, an address, free text), which puts likely
characters first. For a character the recogniser misses, 按部件找 lets the resident write its
parts (吉 吉 → 喆) or the candidates of a reading. The strokes and candidates are personal: they
go with every wipe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.ui.background import Background
from kiosk.ui.viewmodels.base import prop
from kiosk.ui.viewmodels.finger_pad import FingerPad

log = logging.getLogger(__name__)

STRIP = 10               # candidates shown at once: the strip's big buttons
CONTEXTS = ("surname", "given_name", "name", "address", "text")


@lru_cache(maxsize=512)
def ink_shift(character: str, family: str = "Noto Sans CJK SC") -> float:
    """How far below the middle of its line the ink of `character` sits, in font sizes (negative:
    above). Why: 亠 冖 艹 宀 are drawn in the top of the character cell, so a candidate centred as
    text sat against its button's top edge and looked cut off (the walk's w128). The outline's own
    bounds are exact; the font's "tight" bounding box is not (it runs down to the baseline)."""
    from PySide6.QtGui import QFont, QFontMetricsF, QPainterPath

    if not character:
        return 0.0
    size = 100.0
    font = QFont(family)
    font.setPixelSize(int(size))
    path = QPainterPath()
    path.addText(0, 0, font, character)
    if path.isEmpty():
        return 0.0
    metrics = QFontMetricsF(font)
    line_middle = (metrics.descent() - metrics.ascent()) / 2        # y of the line's middle
    return (path.boundingRect().center().y() - line_middle) / size


class HandwritingViewModel(FingerPad):
    """`handwriting` in QML: one pad, used by whichever text field has it open."""

    changed = Signal()
    chosen = Signal(str)          # a character for the field that has the pad open
    erased = Signal()             # 删除: the field's last character

    _PERSONAL = ("candidates", "parts", "rareMode", "error", "busy", "open", "context", "foundRare", "owner")

    def __init__(self, recogniser_factory: Callable[[], object], say: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__({"candidates": [], "parts": "", "rareMode": False, "error": "", "busy": False,
                          "open": False, "context": "text", "available": True, "foundRare": False,
                          "owner": ""}, parent)
        self._factory = recogniser_factory
        self._recogniser = None
        self._say = say
        self._background = Background(self)
        self._size = (600.0, 600.0)
        self._serial = 0                           # a late answer for older strokes is dropped

    candidates = prop(list, "candidates", changed)
    parts = prop(str, "parts", changed)          # 按部件找: the parts written so far
    rareMode = prop(bool, "rareMode", changed)
    error = prop(str, "error", changed)
    busy = prop(bool, "busy", changed)
    open = prop(bool, "open", changed)
    context = prop(str, "context", changed)
    available = prop(bool, "available", changed)
    foundRare = prop(bool, "foundRare", changed)   # the strip shows characters found by parts/reading
    owner = prop(str, "owner", changed)            # the field the pad writes into (one at a time)

    @Slot(str, result=float)
    def inkShift(self, character: str) -> float:
        """`ink_shift` for the candidate strip: it centres each candidate by its ink."""
        return ink_shift(character)

    def _engine(self):  # noqa: ANN202 - devices.handwriting.Recogniser; made on first use
        if self._recogniser is None:
            self._recogniser = self._factory()
        return self._recogniser

    def warm_up(self) -> None:
        """Load the models on a worker thread (at start-up, after the first screen is painted)."""
        def work():  # noqa: ANN202
            return self._engine().warm_up()

        self._background.run(work, self._warmed, "kiosk-handwriting-warm-up")

    def _warmed(self, status, error) -> None:  # noqa: ANN001 - RecogniserStatus
        usable = error is None and bool(getattr(status, "usable", False))
        if not usable:
            log.warning("handwriting recognition unavailable: %s",
                        type(error).__name__ if error else "; ".join(status.problems))
        self._set("available", usable)

    # --- the field opens and closes the pad ------------------------------------------------------
    @Slot(str, str)
    def start(self, context: str, owner: str) -> None:
        """手写: the pad opens for the field `owner`, of this kind (any other field's closes)."""
        self._set("owner", owner)
        self._set("context", context if context in CONTEXTS else "text")
        self._set("rareMode", False)
        self._set("parts", "")
        self.clearPad()
        self._set("open", True)

    @Slot()
    def close(self) -> None:
        self.clearPad()
        self._set("open", False)

    # --- the pad -----------------------------------------------------------------------------------
    @Slot(float, float)
    def setSize(self, width: float, height: float) -> None:
        if width > 0 and height > 0:
            self._size = (width, height)

    @Slot()
    def release(self) -> None:
        """A stroke ended: recognise what is on the pad now (worker thread; newest wins)."""
        if not self._strokes:
            return
        self._serial += 1
        serial, context = self._serial, self._values["context"]          # one of CONTEXTS
        width, height = self._size
        strokes = [[[flat[i] * width, flat[i + 1] * height] for i in range(0, len(flat) - 1, 2)]
                   for flat in self._strokes]
        self._set("busy", True)
        self._background.run(lambda: self._engine().recognise(strokes, width, height, context=context,
                                                              count=STRIP),
                             lambda result, error: self._recognised(serial, result, error, rare=False),
                             "kiosk-handwriting")

    def _recognised(self, serial: int, result, error, rare: bool) -> None:  # noqa: ANN001
        if serial != self._serial:
            return
        self._set("busy", False)
        self._set("foundRare", rare)
        if error is not None:
            log.warning("handwriting recognition failed: %s", type(error).__name__)
            self._set("error", str(error) if str(error) else "没有认出来，请写大一点再试。")
            return
        self._set("candidates", list(result or [])[:STRIP])

    @Slot()
    def clearPad(self) -> None:
        """清空 (the pad): start the character again."""
        self._serial += 1
        self._strokes = []
        self._set("candidates", [])
        self._set("foundRare", False)
        self._set("busy", False)
        self._set("error", "")
        self.strokesChanged.emit()

    @Slot(str)
    def choose(self, character: str) -> None:
        """A candidate tapped: typed into the field (or, 按部件找, added to the parts), said aloud."""
        if not character:
            return
        if self._values["foundRare"]:
            self.chooseRare(character)
            return
        if self._values["rareMode"]:
            parts = self._values["parts"] + character
            self._set("parts", parts)
            self.clearPad()
            self._say(f"部件：{parts}")
            self._find_rare(parts)
            return
        self.clearPad()
        self._say(character)
        self.chosen.emit(character)

    @Slot(str)
    def chooseRare(self, character: str) -> None:
        """A character found by its parts: typed into the field; back to plain writing."""
        self._set("rareMode", False)
        self._set("parts", "")
        self.clearPad()
        self._say(character)
        self.chosen.emit(character)

    @Slot()
    def erase(self) -> None:
        """删除: the pad's strokes if any, else the field's last character (or the last part)."""
        if self._strokes:
            self.clearPad()
        elif self._values["rareMode"] and self._values["parts"]:
            self._set("parts", self._values["parts"][:-1])
            self._find_rare(self._values["parts"])
        else:
            self.erased.emit()

    @Slot()
    def toggleRare(self) -> None:
        """按部件找生僻字 ⇄ 写字: in parts mode each written character is a part of the one sought."""
        self._set("rareMode", not self._values["rareMode"])
        self._set("parts", "")
        self.clearPad()

    @Slot(str)
    def findByReading(self, reading: str) -> None:
        """A reading typed in pinyin (zhe): the rare name characters read so, first."""
        self._find_rare(reading)

    def _find_rare(self, query: str) -> None:
        self._serial += 1
        serial = self._serial
        if not query:
            self._set("candidates", [])
            return
        self._set("busy", True)
        self._background.run(lambda: self._engine().rare_characters(query, limit=STRIP),
                             lambda result, error: self._recognised(serial, result, error, rare=True),
                             "kiosk-rare")

    def wait(self) -> None:
        self._background.wait()

    def wipe(self) -> None:
        self._serial += 1
        self._strokes = []
        self._reset(self._PERSONAL)
        self.strokesChanged.emit()

    def shutdown(self) -> None:
        self.wait()
        if self._recogniser is not None:
            self._recogniser.close()

