"""Guards against a PySide6 build that loses a reference to True on every QML read of a bool.

PySide6 6.12.0 does this (Python then aborts at exit with "deallocating True or False"), which
is why pyproject.toml caps PySide6 below 6.12. Raise the cap only when this test passes.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import Property, QObject, QUrl, Signal
from PySide6.QtQml import QQmlComponent, QQmlEngine


class _Flag(QObject):
    changed = Signal()

    @Property(bool, notify=changed)
    def on(self) -> bool:
        return True


def test_qml_reading_a_bool_property_keeps_refcounts(qapp):
    flag = _Flag()
    engine = QQmlEngine()
    engine.rootContext().setContextProperty("flag", flag)
    component = QQmlComponent(engine)
    component.setData(b"import QtQuick\nItem { property bool shown: flag.on }", QUrl())
    item = component.create()
    assert item is not None, component.errorString()
    before = sys.getrefcount(True)
    for _ in range(100):
        flag.changed.emit()
    assert sys.getrefcount(True) - before > -10, "this PySide6 build leaks references to True"
    del item
