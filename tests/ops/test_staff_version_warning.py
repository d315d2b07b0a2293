"""The platform's `min_app_version` on the staff home screen (by touch, on the demo kiosk), and
never on a resident's screen. The worker → store path is tested in test_sync_facts.py; here the
store holds what the last heartbeat answered."""

from __future__ import annotations

from kiosk.station.status import MIN_APP_VERSION
from kiosk.station.version import app_version
from kiosk.ui.screenshots import settle
from kiosk.ui.staff_wiring import make_pins
from tests.ui.qml_tree import strings_in_tree
from tests.ui.staff_helpers import tap_key, tap_visible, type_keys, visible

PIN = "258025"


def login(kiosk, qtbot) -> None:  # noqa: ANN001
    tap_visible(kiosk, "staffButton")
    tap_visible(kiosk, "staffIdField")
    tap_key(kiosk, "staffKeypad", "清空")
    type_keys(kiosk, "staffKeypad", "0001")
    tap_visible(kiosk, "pinField")
    type_keys(kiosk, "staffKeypad", PIN)
    tap_visible(kiosk, "staffLoginButton")
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "staff_home", timeout=10_000)
    settle(kiosk.app)


def test_staff_see_that_the_platform_wants_newer_software_residents_do_not(demo, qtbot):
    kiosk, station, config = demo
    make_pins(config, station.store).set_pin("0001", PIN)
    station.store.set_setting(MIN_APP_VERSION, "99.0.0")     # as the last heartbeat answered
    assert not any("软件版本过旧" in s for s in strings_in_tree(kiosk))    # the attract screen

    login(kiosk, qtbot)
    qtbot.waitUntil(lambda: kiosk.staff.property("softwareWarning") != "", timeout=10_000)
    settle(kiosk.app)
    text = visible(kiosk, "softwareWarningText").property("text")
    assert text.startswith("！ ") and f"软件版本过旧，平台要求至少 99.0.0（本机 {app_version()}）" in text

    station.store.set_setting(MIN_APP_VERSION, app_version())  # the platform lowered it again
    tap_visible(kiosk, "staffRefreshButton")
    qtbot.waitUntil(lambda: kiosk.staff.property("softwareWarning") == "", timeout=10_000)
    tap_visible(kiosk, "staffLogoutButton")
    settle(kiosk.app)
    station.store.set_setting(MIN_APP_VERSION, "99.0.0")
    assert kiosk.shell.property("screen") != "staff_home"
    assert not any("软件版本过旧" in s for s in strings_in_tree(kiosk))
