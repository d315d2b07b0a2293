"""A finger drawing on a pad: the strokes as shares of the pad (0…1 across and down), so what is
kept never depends on the screen's renderer or size. The signature, the agent's consent and the
手写 pad all take strokes this one way; what each does with them is its own."""

from __future__ import annotations

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.viewmodels.base import Notifying


def clamp_share(value: float) -> float:
    """A point dragged past the pad's edge stays on its edge."""
    return min(1.0, max(0.0, float(value)))


class FingerPad(Notifying):
    """Strokes drawn with a finger. A subclass declares an `error` property: a new stroke clears it."""

    strokesChanged = Signal()

    def __init__(self, initial: dict, parent: QObject | None = None) -> None:
        super().__init__(initial, parent)
        self._strokes: list[list[float]] = []     # each stroke x0, y0, x1, y1 … as shares of the pad

    def _get_strokes(self) -> list:
        return [list(s) for s in self._strokes]

    strokes = Property("QVariantList", _get_strokes, notify=strokesChanged)

    @Slot(float, float)
    def press(self, x: float, y: float) -> None:
        self._strokes.append([clamp_share(x), clamp_share(y)])
        self._set("error", "")
        self.strokesChanged.emit()

    @Slot(float, float)
    def move(self, x: float, y: float) -> None:
        if not self._strokes:
            self.press(x, y)
            return
        self._strokes[-1].extend((clamp_share(x), clamp_share(y)))
        self.strokesChanged.emit()
