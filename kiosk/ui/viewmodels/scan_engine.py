"""Codes from an embedded scan engine reach identification exactly as the camera's do.

Most terminals read QR codes with an engine rather than the PC's camera, in one of two modes
(devices/scanner): USB-COM, where `EngineReader` reports each code on its worker thread, and the
HID keyboard wedge, where the code arrives as very fast key presses that `WedgeDetector` tells
apart from a person typing. `WedgeFilter` watches every key event of the application on the GUI
thread: a burst is swallowed (it never types into a field) and becomes a code; a person's keys
are handed on unchanged. Both kinds of code go through `CodeReaders`, which checks a 辽事通
identity code against the pinned platform key (sync.identity_code, the camera path's check) and
identifies the resident through the same call the 手动输入 screen and the camera use, so agent
mode and 查进度 work with it too. Nothing here logs the code, the name or the number.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent

from kiosk.ui.session import Person

log = logging.getLogger(__name__)

# Where a resident identifies: a code arriving anywhere else (in the middle of a form) is ignored.
IDENTIFY_SCREENS = ("attract", "identify_manual", "scan", "agent_resident")
_SPECIAL_KEYS = {Qt.Key.Key_Return: "Return", Qt.Key.Key_Enter: "Enter", Qt.Key.Key_Tab: "Tab",
                 Qt.Key.Key_Alt: "Alt", Qt.Key.Key_Shift: "Shift"}


class CodeReaders(QObject):
    """Takes codes from the scan engine (any thread) and identifies the resident (GUI thread)."""

    _checked = Signal(object)

    def __init__(self, *, platform_key: Callable[[], bytes | None], now: Callable[[], float],
                 screen: Callable[[], str], identify: Callable[[Person], None],
                 refuse: Callable[[str, str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._platform_key = platform_key
        self._now = now
        self._screen = screen
        self._identify = identify
        self._refuse = refuse
        self.wedge: WedgeFilter | None = None      # the keyboard-wedge filter, when configured
        self._checked.connect(self._deliver)

    def code(self, symbol) -> None:  # noqa: ANN001 - devices.scanner.types.Symbol; any thread
        """A code read by the engine: checked here (well under a millisecond), delivered on the
        GUI thread."""
        from sync import identity_code as codes

        try:
            key = self._platform_key()
        except Exception:  # noqa: BLE001 - the store failing to answer: cannot verify, say so
            log.exception("platform key unreadable")
            key = None
        try:
            result: object = codes.read(symbol.raw, key, self._now())
        except codes.IdentityCodeError as exc:
            result = exc
        self._checked.emit(result)

    def _deliver(self, result: object) -> None:
        from sync.identity_code import IdentityCodeError

        if self._screen() not in IDENTIFY_SCREENS:
            log.info("scan engine code outside the identify screens: ignored")
            return
        if isinstance(result, IdentityCodeError):
            log.info("identity code from the scan engine refused: %s", type(result).__name__)
            self._refuse(result.title, result.message)
            return
        self._identify(Person(name=result.name, id_number=result.id_number, source="liaoshitong"))


class WedgeFilter(QObject):
    """The keyboard-wedge engine, watched key by key (installed on the application)."""

    def __init__(self, detector, on_code: Callable[[object], None],  # noqa: ANN001 - WedgeDetector
                 clock: Callable[[], float] = time.monotonic, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._detector = detector
        self._on_code = on_code
        self._clock = clock
        self._replaying = False
        self._offset = 0.0          # key timestamps' clock minus ours (the window system keeps its own)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._poll)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self._replaying or event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        key_event: QKeyEvent = event  # type: ignore[assignment]
        modifiers = key_event.modifiers()
        now = self._clock()
        if key_event.timestamp():
            self._offset = key_event.timestamp() / 1000 - now
        stamp = now + self._offset
        decision = self._detector.feed(
            key_event.text(), stamp, key=_SPECIAL_KEYS.get(Qt.Key(key_event.key()), ""),
            alt=bool(modifiers & Qt.KeyboardModifier.AltModifier),
            keypad=bool(modifiers & Qt.KeyboardModifier.KeypadModifier),
            released=event.type() == QEvent.Type.KeyRelease, repeat=key_event.isAutoRepeat())
        self._act(decision)
        self._arm()
        return decision.swallow

    def _poll(self) -> None:
        self._act(self._detector.poll(self._clock() + self._offset))
        self._arm()

    def _arm(self) -> None:
        deadline = self._detector.deadline()
        if deadline is None:
            self._timer.stop()
        else:
            self._timer.start(max(1, int((deadline - self._clock() - self._offset) * 1000)))

    def _act(self, decision) -> None:  # noqa: ANN001 - devices.scanner.wedge.Decision
        if decision.release:
            self._type(decision.release)
        if decision.code is not None:
            self._on_code(decision.code)

    def _type(self, keys) -> None:  # noqa: ANN001 - tuple[WedgeKey, ...]
        """A person's keys, held back for a moment, typed now into whatever has focus."""
        target = QGuiApplication.focusObject()
        if target is None:
            return
        self._replaying = True
        try:
            for key in keys:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QGuiApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                                key.text))
        finally:
            self._replaying = False
