"""The pinyin strip: our own row of big candidate characters above the keyboard, for every box
typed in Chinese (names, addresses, free text).

Why our own: Qt Virtual Keyboard's candidate list is a thin line of small characters, and 大字
does not enlarge it — an older resident could not read or hit it. So the Chinese boxes ask the
keyboard for Latin letters only; the letters typed at the end of the box are the pinyin, and this
strip offers the characters for its first syllable from the handwriting package's ranking
(`pinyin_candidates`: in a name box surnames first, then name characters — 喆 before 这 for zhe),
at least 48 px tall (60 in 大字; the QML sizes them from the theme). Choosing one replaces that
syllable: "王xiaoming" → 晓 → "王晓ming" → 明 → "王晓明".

The ranking is computed off the GUI thread (its first use loads the character tables, ~0.6 s);
the strip shows the characters when they arrive.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.background import Background
from kiosk.ui.viewmodels.base import Notifying, prop

PENDING = re.compile(r"[a-zA-Z]+$")         # the letters typed since the last chosen character


def pending(text: str) -> str:
    """The pinyin still to turn into a character: the letters at the end of the box."""
    match = PENDING.search(text)
    return match.group(0).lower() if match else ""


def context_for(kind: str, text: str) -> str:
    """The handwriting package's field context for a box's `writeContext`: a whole name's first
    character is a surname and the rest given-name characters; the others as they are."""
    if kind == "name":
        typed = text[: len(text) - len(pending(text))]
        return "given_name" if any("\u3400" <= c <= "\u9fff" for c in typed) else "surname"
    return kind if kind in ("surname", "given_name", "address") else "text"


class PinyinViewModel(Notifying):
    """`pinyin` in QML: `syllable` being turned into a character, `candidates` (this page),
    `more`/`page` for paging, and `choose(text, index)` → the box's new text."""

    changed = Signal()

    _PERSONAL = ("syllable", "candidates", "page", "more")

    def __init__(self, candidates: Callable[[str, str, int], list[str]],
                 parent: QObject | None = None) -> None:
        super().__init__({"syllable": "", "candidates": [], "page": 0, "more": False, "pageSize": 9},
                         parent)
        self._lookup = candidates
        self._all: list[str] = []
        self._serial = 0
        self._background = Background(self)

    syllable = prop(str, "syllable", changed)
    candidates = prop(list, "candidates", changed)
    page = prop(int, "page", changed)
    more = prop(bool, "more", changed)

    def _get_page_size(self) -> int:
        return self._values["pageSize"]

    def _set_page_size(self, size: int) -> None:
        """As many as fit in the strip (fewer in 大字): set by the strip, the page shown again."""
        if size != self._values["pageSize"]:
            self._values["pageSize"] = size
            self._show(self._values["syllable"], 0)

    pageSize = Property(int, _get_page_size, _set_page_size, notify=changed)

    @Slot(str, str)
    def follow(self, text: str, kind: str) -> None:
        """The box's text changed: offer characters for the first syllable of its pinyin."""
        from devices.handwriting import split_syllables

        letters = pending(text)
        syllable = split_syllables(letters)[0] if letters else ""
        if syllable == self._values["syllable"] and self._all:
            return
        self._serial += 1
        serial = self._serial
        self._all = []
        self._show(syllable, 0)
        if not syllable:
            return
        context = context_for(kind, text)
        self._background.run(lambda: self._lookup(syllable, context, 60),
                             lambda found, error: self._found(serial, syllable, found, error), "kiosk-pinyin")

    def _found(self, serial: int, syllable: str, found, error) -> None:  # noqa: ANN001
        if serial != self._serial:
            return                         # typed on meanwhile
        self._all = list(found or []) if error is None else []
        self._show(syllable, 0)

    def _show(self, syllable: str, page: int) -> None:
        size = max(1, self._values["pageSize"])
        self._values.update({"syllable": syllable, "page": page,
                             "candidates": self._all[page * size:(page + 1) * size],
                             "more": len(self._all) > size})
        self.changed.emit()

    @Slot()
    def nextPage(self) -> None:
        """换一批: the next characters (after the last page, the first again)."""
        pages = max(1, -(-len(self._all) // max(1, self._values["pageSize"])))
        self._show(self._values["syllable"], (self._values["page"] + 1) % pages)

    @Slot(str, int, result=str)
    def choose(self, text: str, index: int) -> str:
        """The box's text with the syllable replaced by candidate `index` of this page."""
        shown = self._values["candidates"]
        syllable = self._values["syllable"]
        letters = pending(text)
        if not 0 <= index < len(shown) or not syllable or not letters.startswith(syllable):
            return text
        return text[: len(text) - len(letters)] + shown[index] + letters[len(syllable):]

    def wait(self) -> None:
        self._background.wait()

    def wipe(self) -> None:
        self._serial += 1
        self._all = []
        self._reset(self._PERSONAL)
