"""The shell as a person uses it: identify by hand, the timeout warning, the wipe, the top bar."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from kiosk.ui.screenshots import settle
from tests.ui.qml_tree import strings_in_tree

NAME = "欧阳喆堃"
ID_NUMBER = "11010519491231002X"


def find(kiosk, name: str) -> QQuickItem:
    item = kiosk.window.findChild(QQuickItem, name)
    assert item is not None, f"no item named {name}"
    return item


def tap(kiosk, name: str) -> None:
    """A real mouse press and release at the centre of the item, through the window."""
    item = find(kiosk, name)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app, 3)


def type_id_number(kiosk, digits: str) -> None:
    for key in digits:
        kiosk.identify.keypad(key)


def test_manual_identification_checks_the_id_number_in_plain_chinese(make_kiosk):
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    assert kiosk.shell.property("screen") == "identify_manual"
    kiosk.identify.setProperty("name", NAME)
    type_id_number(kiosk, "110105194912310021")          # wrong check digit
    tap(kiosk, "confirmButton")
    assert kiosk.shell.property("screen") == "identify_manual"
    error = kiosk.identify.property("idError")
    assert error and all(ord(c) < 128 or "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"
                         for c in error)
    assert "身份号码" in error
    assert error in strings_in_tree(kiosk)              # shown on screen, not only in the model

    kiosk.identify.keypad("clear")
    type_id_number(kiosk, ID_NUMBER)
    tap(kiosk, "confirmButton")
    assert kiosk.shell.property("screen") == "identified"
    assert kiosk.session.person.id_number == ID_NUMBER
    greeting = find(kiosk, "greeting").property("text")
    assert NAME not in greeting and greeting.startswith("您好，欧")


def test_keypad_takes_x_only_as_the_last_character(make_kiosk):
    kiosk = make_kiosk()
    kiosk.identify.keypad("X")
    assert kiosk.identify.property("idNumber") == ""
    type_id_number(kiosk, "11010519491231002")
    kiosk.identify.keypad("X")
    kiosk.identify.keypad("5")                           # the 19th character is refused
    assert kiosk.identify.property("idNumber") == ID_NUMBER
    kiosk.identify.keypad("back")
    assert kiosk.identify.property("idNumber") == ID_NUMBER[:-1]


def test_timeout_warns_for_at_least_20_seconds_then_wipes_everything(make_kiosk):
    kiosk = make_kiosk(idle_timeout_s=60, warning_s=20)
    tap(kiosk, "manualButton")
    kiosk.identify.setProperty("name", NAME)
    type_id_number(kiosk, ID_NUMBER)
    tap(kiosk, "confirmButton")
    assert NAME in kiosk.session.person.name

    kiosk.clock.advance(59)
    kiosk.session.tick()
    assert not kiosk.shell.property("warningVisible")
    kiosk.clock.advance(1)
    kiosk.session.tick()
    settle(kiosk.app, 2)
    assert kiosk.shell.property("warningVisible")
    assert kiosk.shell.property("warningSeconds") >= 20
    assert find(kiosk, "continueButton").isVisible()

    kiosk.clock.advance(19)
    kiosk.session.tick()
    assert kiosk.shell.property("screen") == "identified"     # nothing erased yet
    assert kiosk.shell.property("warningSeconds") == 1
    kiosk.clock.advance(1)
    kiosk.session.tick()
    settle(kiosk.app, 3)

    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.session.person is None
    texts = strings_in_tree(kiosk)
    assert not [t for t in texts if NAME in t or ID_NUMBER in t or "欧*" in t]
    for prop in ("name", "idNumber"):
        assert kiosk.identify.property(prop) == ""


def test_continue_keeps_the_work(make_kiosk):
    kiosk = make_kiosk(idle_timeout_s=30, warning_s=25)
    tap(kiosk, "manualButton")
    kiosk.identify.setProperty("name", NAME)
    kiosk.clock.advance(31)
    kiosk.session.tick()
    settle(kiosk.app, 2)
    assert kiosk.shell.property("warningVisible")
    tap(kiosk, "continueButton")
    assert not kiosk.shell.property("warningVisible")
    assert kiosk.identify.property("name") == NAME
    assert kiosk.shell.property("screen") == "identify_manual"


def test_home_wipes_and_the_attract_screen_never_warns(make_kiosk):
    kiosk = make_kiosk(idle_timeout_s=30, warning_s=20)
    kiosk.clock.advance(3600)
    kiosk.session.tick()
    assert not kiosk.shell.property("warningVisible")   # nobody there, nothing to lose
    tap(kiosk, "manualButton")
    kiosk.identify.setProperty("name", NAME)
    kiosk.shell.home()
    settle(kiosk.app, 3)
    assert kiosk.shell.property("screen") == "attract"
    assert NAME not in strings_in_tree(kiosk)


def test_top_bar_large_text_and_help(make_kiosk):
    kiosk = make_kiosk()
    body = kiosk.theme.property("body")
    tap(kiosk, "largeTextButton")
    assert kiosk.theme.property("large") is True
    assert kiosk.theme.property("body") >= 32 > body
    tap(kiosk, "helpButton")
    assert kiosk.shell.property("helpVisible")
    assert find(kiosk, "hotline").property("text") == "12345"
    tap(kiosk, "callStaffButton")
    assert kiosk.shell.property("staffCalled")
    tap(kiosk, "closeHelpButton")
    assert not kiosk.shell.property("helpVisible")


def test_back_returns_to_the_previous_screen(make_kiosk):
    kiosk = make_kiosk()
    tap(kiosk, "scanButton")
    assert kiosk.shell.property("screen") == "scan"
    kiosk.shell.back()
    assert kiosk.shell.property("screen") == "attract"


def test_the_pinyin_keyboard_comes_up_for_the_name(make_kiosk, qtbot):
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    field = find(kiosk, "nameField")
    inputs = [i for i in field.findChildren(QQuickItem) if i.inherits("QQuickTextInput")]
    assert inputs
    centre = inputs[0].mapToScene(QPointF(inputs[0].width() / 2, inputs[0].height() / 2)).toPoint()
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    keyboard = kiosk.window.property("keyboard")
    qtbot.waitUntil(lambda: keyboard.property("active"), timeout=5000)
    panel = kiosk.window.findChild(QQuickItem, "keyboard")
    assert panel is not None and panel.isVisible() and panel.height() > 300
    kiosk.shell.home()
    qtbot.waitUntil(lambda: not keyboard.property("active"), timeout=5000)


def test_no_way_back_into_the_typing_screen_once_identified(make_kiosk):
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    kiosk.identify.setProperty("name", NAME)
    type_id_number(kiosk, ID_NUMBER)
    tap(kiosk, "confirmButton")
    assert kiosk.shell.property("screen") == "identified"
    assert not kiosk.shell.property("canGoBack")
