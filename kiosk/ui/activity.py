"""Every touch, click or key press counts as activity for the idle timer.

An application-wide event filter, rather than a MouseArea over the screens, so that no QML item
can swallow an input before the timer sees it, and QML stays free of timer logic.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject

_ACTIVITY = {
    QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress,
    QEvent.Type.InputMethod, QEvent.Type.Wheel,
}


class ActivityFilter(QObject):
    def __init__(self, on_activity: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in _ACTIVITY:
            self._on_activity()
        return False
