"""The ID card on the (simulated, real-protocol) reader identifies the resident; a card mid-session
does not hijack the session; the demo's placing button goes through the pty, not around it."""

from __future__ import annotations

import pytest

from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import settle
from tests.ui.qml_tree import strings_in_tree
from tests.ui.test_shell import tap


@pytest.fixture
def demo_kiosk(qapp, tmp_path):
    kiosk = build(demo_config(None, tmp_path / "data"), voice_enabled=False,
                  open_station_devices=True, allow_simulators=True)
    settle(kiosk.app)
    yield kiosk
    kiosk.shutdown()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)


def wait_for(qtbot, predicate, timeout=10_000):
    qtbot.waitUntil(predicate, timeout=timeout)


def test_placing_a_card_identifies_the_resident(demo_kiosk, qtbot):
    wait_for(qtbot, lambda: demo_kiosk.devices.property("readerReady"))
    tap(demo_kiosk, "demoCardButton")
    wait_for(qtbot, lambda: demo_kiosk.shell.property("screen") == "identified")
    person = demo_kiosk.session.person
    assert person.source == "id_card" and person.name == "王喆"
    assert demo_kiosk.journey.applicant["address"].startswith("辽宁省沈阳市")
    assert "王*" in " ".join(strings_in_tree(demo_kiosk))

    demo_kiosk.shell.home()
    settle(demo_kiosk.app)
    assert "王喆" not in strings_in_tree(demo_kiosk)
    assert demo_kiosk.journey.applicant is None


def test_a_card_placed_mid_session_is_ignored(demo_kiosk, qtbot):
    wait_for(qtbot, lambda: demo_kiosk.devices.property("readerReady"))
    demo_kiosk.devices.placeDemoCard("resident")
    wait_for(qtbot, lambda: demo_kiosk.shell.property("screen") == "identified")
    demo_kiosk.devices.placeDemoCard("resident_zhang")       # lifted and another card placed
    qtbot.wait(600)
    assert demo_kiosk.session.person.name == "王喆"


def test_kiosk_mode_refuses_simulated_devices(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    config = tmp_path / "station.toml"
    config.write_text('[devices]\nid_reader = "simulator"\n', encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, str(root / "main.py"), "kiosk", "--config", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "模拟设备" in result.stderr and "id_reader" in result.stderr


def test_the_demo_places_a_card_on_the_lookup_screen_too(demo_kiosk, qtbot, make_kiosk):
    """查进度 in the demo offered no 演示：放一张身份证 (the tester typed a name and ID number);
    the kiosk itself never shows it."""
    from tests.ui.test_form_flow import find_item

    wait_for(qtbot, lambda: demo_kiosk.devices.property("readerReady"))
    tap(demo_kiosk, "lookupButton")
    assert demo_kiosk.shell.property("screen") == "identify_manual"
    tap(demo_kiosk, "demoCardButton")
    wait_for(qtbot, lambda: demo_kiosk.shell.property("screen") == "status_lookup")

    kiosk = make_kiosk()                      # not the demo: no such button on the same screen
    tap(kiosk, "lookupButton")
    assert kiosk.shell.property("screen") == "identify_manual"
    button = find_item(kiosk, "demoCardButton")
    assert button is None or not button.isVisible()
