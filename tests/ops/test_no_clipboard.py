"""No clipboard: a resident's name cannot be selected, copied, cut or pasted in the kiosk's text
fields, and every wipe empties the system clipboard (touch and a plugged-in keyboard, offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from kiosk.ui.screenshots import settle
from tests.ui.test_form_flow import tap as tap_item
from tests.ui.test_shell import find

NAME = "欧阳喆堃"
ID_NUMBER = "11010519491231002X"
CTRL = Qt.KeyboardModifier.ControlModifier


def name_input(kiosk):  # noqa: ANN001, ANN201
    kiosk.shell.jump("identify_manual")
    settle(kiosk.app, 3)
    kiosk.identify.setProperty("name", NAME)
    field = find(kiosk, "nameField")
    inputs = [item for item in field.findChildren(QQuickItem)
              if item.inherits("QQuickTextInput")]
    assert len(inputs) == 1
    tap_item(kiosk, inputs[0])            # the box itself (手写 sits beside the field's label)
    settle(kiosk.app, 3)
    kiosk._name_field = field             # PySide drops a child's wrapper with its parent's
    return inputs[0]


def test_the_name_cannot_be_copied_or_cut_out(make_kiosk):
    kiosk = make_kiosk()
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("nothing copied yet")
    text_input = name_input(kiosk)
    assert text_input.hasActiveFocus() and text_input.property("text") == NAME
    for key in (Qt.Key.Key_A, Qt.Key.Key_C, Qt.Key.Key_X, Qt.Key.Key_Insert):
        QTest.keyClick(kiosk.window, key, CTRL)
    settle(kiosk.app, 3)
    assert clipboard.text() == "nothing copied yet"
    assert text_input.property("selectedText") == ""
    assert text_input.property("text") == NAME           # a cut did not happen either
    # a finger dragged across the text selects nothing
    left = text_input.mapToScene(QPointF(2, text_input.height() / 2)).toPoint()
    right = text_input.mapToScene(QPointF(text_input.width() - 2, text_input.height() / 2)).toPoint()
    QTest.mousePress(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, left)
    QTest.mouseMove(kiosk.window, right)
    QTest.mouseRelease(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, right)
    settle(kiosk.app, 3)
    assert text_input.property("selectedText") == ""
    assert text_input.property("selectByMouse") is False
    assert text_input.property("persistentSelection") is False


def test_nothing_can_be_pasted_in(make_kiosk):
    kiosk = make_kiosk()
    QGuiApplication.clipboard().setText(ID_NUMBER)        # what an earlier resident might have left
    text_input = name_input(kiosk)
    QTest.keyClick(kiosk.window, Qt.Key.Key_V, CTRL)
    QTest.keyClick(kiosk.window, Qt.Key.Key_Insert, Qt.KeyboardModifier.ShiftModifier)
    settle(kiosk.app, 3)
    assert text_input.property("text") == NAME


def test_every_wipe_empties_the_clipboard(make_kiosk):
    kiosk = make_kiosk()
    name_input(kiosk)
    QGuiApplication.clipboard().setText(f"{NAME} {ID_NUMBER}")
    kiosk.shell.home()
    settle(kiosk.app, 3)
    assert kiosk.shell.property("screen") == "attract"
    assert QGuiApplication.clipboard().text() == ""
