"""Embedded scan engines identify a resident exactly as the camera does (issue 16).

USB-COM: the demo station with `[devices] scan_engine` on the pty of a ScanEngineSimulator that
sends the code's bytes then CR/LF, read by the real EngineReader on its thread. Keyboard wedge: the
key events an engine types (devices.scanner.wedge.engine_key_events), sent through the real
application with their timestamps, caught by the WedgeFilter — and never typed into a field,
while a person's slow typing still is.
"""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from devices.scanner.engine_sim import ScanEngineSimulator
from devices.scanner.wedge import WedgeKey, engine_key_events
from kiosk.station.composition import open_sync
from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import settle
from kiosk.ui.viewmodels.scan import demo_code_issuer
from tests.ui.test_form_flow import find, tap

KEYS = {"Shift": Qt.Key.Key_Shift, "Alt": Qt.Key.Key_Alt, "Enter": Qt.Key.Key_Return, "Tab": Qt.Key.Key_Tab}


@pytest.fixture
def engine_station(qapp, tmp_path):
    """The demo station (enrolled to its loopback platform) with a scan engine on a pty."""
    built = []

    def make(*, wedge: bool = False, encoding: str = "gbk"):
        engine = ScanEngineSimulator(encoding=encoding)
        engine.start()
        config = demo_config(None, tmp_path / f"data{len(built)}").with_overrides(
            {"devices": {"scan_engine": engine.path, "scan_engine_encoding": "auto", "scan_wedge": wedge}})
        station = open_sync(config, demo=True, on_status=lambda status: None, poll_s=3600)
        kiosk = build(config, voice_enabled=False, open_station_devices=True, allow_simulators=True,
                      store=station.store)
        settle(kiosk.app)
        built.append((kiosk, station, engine))
        return kiosk, engine, demo_code_issuer(config.data_dir)

    yield make
    for kiosk, station, engine in built:
        kiosk.shutdown()
        station.close()
        engine.stop()
    for kiosk, _, _ in built:
        assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_a_code_from_the_usb_com_engine_identifies_the_resident(engine_station, qtbot, encoding):
    kiosk, engine, code = engine_station(encoding=encoding)
    qtbot.waitUntil(lambda: kiosk.devices.health().get("scan_engine", ("",))[0] == "ok", timeout=10_000)
    engine.scan(code())
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "identified", timeout=10_000)
    assert kiosk.journey.applicant["name"] == "王喆"
    assert kiosk.session.person.source == "liaoshitong"


def test_the_engine_serves_lookup_too_and_a_stranger_code_says_what_to_do(engine_station, qtbot):
    kiosk, engine, code = engine_station()
    qtbot.waitUntil(lambda: kiosk.devices.health().get("scan_engine", ("",))[0] == "ok", timeout=10_000)
    engine.scan("https://pay.example.com/qr/123456")          # a payment code, not an identity code
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "error", timeout=10_000)
    assert "身份码" in kiosk.shell.property("errorTitle") + kiosk.shell.property("errorMessage")
    kiosk.shell.back()
    kiosk.shell.startWith("lookup")                          # 查进度
    engine.scan(code())
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "status_lookup", timeout=10_000)


def test_a_code_in_the_middle_of_a_form_is_ignored(engine_station, qtbot):
    kiosk, engine, code = engine_station()
    engine.scan(code())
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "identified", timeout=10_000)
    tap(kiosk, "startButton")
    assert kiosk.shell.property("screen") == "choose_bundle"
    engine.scan(code())
    time.sleep(0.5)
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "choose_bundle" and kiosk.shell.refused_moves == []


def _name_input(kiosk) -> tuple[QQuickItem, QQuickItem]:
    """(the name box, its text input): PySide invalidates a child's wrapper with its parent's, so
    the caller keeps both."""
    box = find(kiosk, "nameField")
    return box, [c for c in box.findChildren(QQuickItem) if c.inherits("QQuickTextInput")][0]


def _focus_name(kiosk) -> None:
    tap(kiosk, "manualButton")
    _, item = _name_input(kiosk)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app, 2)
    box, item = _name_input(kiosk)
    assert item.hasActiveFocus()


def _send(kiosk, events: list[WedgeKey], base_ms: int) -> None:
    """The key events, through the application as the window system delivers them."""
    target = QGuiApplication.focusObject() or kiosk.window
    for e in events:
        kind = QEvent.Type.KeyRelease if e.released else QEvent.Type.KeyPress
        single = len(e.key) == 1 and e.key.isascii()
        key = KEYS.get(e.key) or (Qt.Key(ord(e.key)) if single else Qt.Key.Key_unknown)
        if e.keypad and e.key.isdigit():
            key = Qt.Key(ord(e.key))
        modifiers = Qt.KeyboardModifier.NoModifier
        if e.alt:
            modifiers |= Qt.KeyboardModifier.AltModifier
        if e.keypad:
            modifiers |= Qt.KeyboardModifier.KeypadModifier
        event = QKeyEvent(kind, key, modifiers, e.text)
        event.setTimestamp(base_ms + int(e.timestamp * 1000))
        QGuiApplication.sendEvent(target, event)


def test_a_keyboard_wedge_scan_identifies_and_never_types_into_the_field(engine_station, qtbot):
    kiosk, _, code = engine_station(wedge=True)
    _focus_name(kiosk)
    _send(kiosk, engine_key_events(code(), "gbk", start=0.0, gap=0.004), base_ms=10_000_000)
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "identified", timeout=10_000)
    assert kiosk.journey.applicant["name"] == "王喆"
    assert "LSTID1" not in " ".join(str(v) for v in (kiosk.identify.property("name"),))


def test_a_person_typing_on_a_keyboard_still_types(engine_station, qtbot):
    kiosk, _, _ = engine_station(wedge=True)
    _focus_name(kiosk)
    for i, char in enumerate("abc"):                         # a person: a key every 0.3 s
        _send(kiosk, [WedgeKey(char, char.upper(), timestamp=i * 0.3),
                      WedgeKey("", char.upper(), released=True, timestamp=i * 0.3 + 0.08)],
              base_ms=20_000_000)
        qtbot.wait(60)
    def typed() -> str:
        box, item = _name_input(kiosk)
        return item.property("text")

    qtbot.waitUntil(lambda: typed() == "abc", timeout=5_000)
    assert kiosk.shell.property("screen") == "identify_manual"
