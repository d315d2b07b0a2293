"""Qt's own messages: collected, so that any QML warning can fail a test or the demo's self-check.

Why a message handler rather than only `QQmlEngine.warnings`: binding problems and many runtime
errors reach only the message handler. Everything Qt says at warning level or above is kept in
`QtMessages.warnings`; a short list of categories that Qt's own modules emit on some machines
(about missing optional system libraries) is passed to the log without counting.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# Categories that report the machine, not our QML: optional multimedia back ends the virtual
# keyboard's key-click sound probes for, a property-cache note inside Qt Virtual Keyboard's own
# PopupList.qml (Qt 6.12), which is not ours to fix, and the pinyin engine's note that it creates
# its (per-run, in-memory) user dictionary.
IGNORED_CATEGORIES = {
    "qt.multimedia.symbolsresolver",
    "qt.multimedia.ffmpeg",
    "qt.multimedia.ffmpeg.libsymbols",
    "qt.qml.propertyCache.append",
    "qt.virtualkeyboard.pinyin",   # "creating the user dictionary" when the keyboard first loads
}


class QtMessages:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def __call__(self, kind: QtMsgType, context, message: str) -> None:
        category = getattr(context, "category", "") or ""
        if category in IGNORED_CATEGORIES:
            log.debug("%s: %s", category, message)
            return
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            where = f"{context.file}:{context.line}: " if getattr(context, "file", None) else ""
            self.warnings.append(f"{where}{message}")
            log.warning("%s%s", where, message)
        else:
            log.debug("%s", message)


def install() -> QtMessages:
    """Install a fresh collector as Qt's message handler and return it."""
    messages = QtMessages()
    qInstallMessageHandler(messages)
    return messages
