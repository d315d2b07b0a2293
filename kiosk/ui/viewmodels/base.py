"""What every view-model is built from: plain properties kept in a dict, one `changed` signal.

Why: most view-model state is a handful of strings, numbers and lists that QML binds to. Declared
with `prop`, each is one line, read from a dict and notified by the view-model's one signal, and
`_reset` puts the personal ones back to their initial values in one go (the wipe).
"""

from __future__ import annotations

from PySide6.QtCore import Property, QObject, Signal


class Notifying(QObject):
    """Helper for many plain properties: values in a dict, one `changed` signal per subclass.

    Each subclass declares its own `changed = Signal()` before its properties, because Qt binds a
    property's notify signal by the class that declares the property.
    """

    def __init__(self, initial: dict, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._values = dict(initial)
        self._initial = dict(initial)

    def _get(self, key: str):
        return self._values[key]

    def _set(self, key: str, value) -> None:
        if self._values[key] != value:
            self._values[key] = value
            self.changed.emit()

    def _reset(self, keys) -> None:
        for key in keys:
            self._values[key] = self._initial[key]
        self.changed.emit()


def prop(kind: type, key: str, notify: Signal, writable: bool = False) -> Property:
    # A Python `list` property is converted afresh on every QML read, and PySide6 (6.11) leaks
    # about 0.5 KB per dict in it each time; declared as QVariantList it does not (measured in
    # benchmarks/ui_latency.py's probe). Python code still reads a plain list.
    if kind is list:
        kind = "QVariantList"
    getter = lambda self: self._get(key)  # noqa: E731
    if writable:
        return Property(kind, getter, lambda self, v: self._set(key, v), notify=notify)
    return Property(kind, getter, notify=notify)
