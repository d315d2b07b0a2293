"""Shared by the staff and 查进度 tests: the demo kiosk (pty simulators, the reference platform on
127.0.0.1, a real store), taps on the big number pad, and applications saved for a person."""

from __future__ import annotations

import copy

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from kiosk.station.composition import open_sync
from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import complete_sample_application, settle
from tests.ui.qml_tree import visible_items
from tests.ui.test_form_flow import scroll_into_view
from tests.ui.test_submit_flow import visible

__all__ = ["demo_kiosk", "place_card", "saved_application", "tap_key", "tap_visible", "type_keys", "visible"]


def demo_kiosk(tmp_path):
    """(kiosk, station, config) as `main.py demo` builds them; the worker runs only when told."""
    config = demo_config(None, tmp_path / "data")
    station = open_sync(config, demo=True, on_status=lambda status: None, poll_s=3600)
    kiosk = build(config, voice_enabled=False, open_station_devices=True, allow_simulators=True,
                  store=station.store)
    kiosk.staff.wake = station.wake
    kiosk.certificates.platform_url = station.platform_url
    settle(kiosk.app)
    return kiosk, station, config


def _click(kiosk, item) -> None:
    """A swipe to bring the item on screen (as a person would), then a real click at its centre."""
    scroll_into_view(item)
    settle(kiosk.app, 1)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    assert 0 <= centre.y() <= kiosk.window.height(), f"{item.objectName()} is off screen"
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app, 2)


def tap_visible(kiosk, name: str) -> None:
    _click(kiosk, visible(kiosk, name))


def tap_key(kiosk, keypad: str, key: str) -> None:
    """Tap one key ("1", "X", "删除") of the NumericKeypad named `keypad`."""
    pad = visible(kiosk, keypad)
    keys = [i for i in visible_items(pad) if i.property("modelData") == key and i.height() >= 60]
    assert keys, f"no key {key!r} on {keypad}"
    _click(kiosk, keys[0])


def type_keys(kiosk, keypad: str, text: str) -> None:
    for key in text:
        tap_key(kiosk, keypad, key)


def saved_application(kiosk, name: str | None = None, id_number: str | None = None):
    """A finished sample application saved in the store (as the saving screen does), optionally
    for another person. Returns (Submitted, payload)."""
    complete_sample_application(kiosk, "retirement")
    payload = copy.deepcopy(kiosk.journey.form.payload())
    if name is not None:
        payload["applicant"]["name"] = name
    if id_number is not None:
        payload["applicant"]["id_number"] = id_number
    kiosk.session.end()
    settle(kiosk.app)
    return kiosk.store.submit(payload), payload



def place_card(qtbot, kiosk, sample: str, until) -> None:
    """Put a sample card on the simulated reader (real protocol over a pty) until `until()` holds.

    On a loaded machine the reader driver sometimes reports 无应答 for one poll and reconnects,
    and the card on it is then not read; a person lifts the card and puts it back — so does this
    (three times at most)."""
    from pytestqt.exceptions import TimeoutError as WaitTimeout

    for _ in range(3):
        qtbot.waitUntil(lambda: kiosk.devices.property("readerReady"), timeout=30_000)
        kiosk.devices.placeDemoCard(sample)
        try:
            qtbot.waitUntil(until, timeout=8_000)
            return
        except WaitTimeout:
            continue
    raise AssertionError(f"the card was not read: {kiosk.devices.health()}")
