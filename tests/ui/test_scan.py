"""扫码 by touch: the front camera (a SimulatedCamera playing a PNG with a real QR code) is decoded
by the real decoder, the code verified against the store's pinned platform key, and the resident
lands where manual entry would have taken them — or sees a plain message with what to do next."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from devices.camera.phone_scenes import phone_scene
from devices.idcard.samples import with_check_digit
from kiosk.station.config import defaults
from kiosk.ui.navigation import SCREENS
from kiosk.ui.screenshots import settle, show_screen
from kiosk.ui.viewmodels.scan import CAMERA_TITLE, SAMPLE_STATES
from sync import identity_code as ic
from sync.signing import b64, raw_public
from tests.ui.test_accessibility import MODES, _problems
from tests.ui.test_submit_flow import tap_visible, visible

NAME, NUMBER = "李堃", with_check_digit("21010219800229002")
PLATFORM = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def scene(tmp_path, text: str, name: str = "code.png") -> str:
    path = tmp_path / name
    cv2.imwrite(str(path), phone_scene(text))
    return str(path)


@pytest.fixture
def scan_kiosk(qapp, tmp_path):
    """A kiosk enrolled to PLATFORM (its key pinned in a real store) whose QR camera plays `camera`."""
    from kiosk.ui.app import build
    from sync.store import Store

    built = []

    def factory(camera: str, pinned: bool = True, clock_offset_s: float = 0.0):
        store = Store.open(tmp_path / f"data{len(built)}", tmp_path / f"keys{len(built)}")
        store.set_clock_offset(clock_offset_s)      # as learnt from the platform's Date header
        if pinned:
            store.set_setting("platform_signing_key", b64(raw_public(PLATFORM.public_key())))
        config = defaults().with_overrides({"devices": {"qr_camera": camera}})
        kiosk = build(config, voice_enabled=False, store=store)
        built.append((kiosk, store))
        settle(kiosk.app)
        return kiosk

    yield factory
    for kiosk, store in built:
        kiosk.shutdown()
        store.close()
    for kiosk, _ in built:
        assert not kiosk.qml_warnings, "Qt/QML warnings:\n" + "\n".join(kiosk.qml_warnings)


def test_a_resident_taps_scan_shows_the_code_and_is_identified(scan_kiosk, tmp_path, qtbot):
    kiosk = scan_kiosk(scene(tmp_path, ic.issue(PLATFORM, NAME, NUMBER, time.time())))
    tap_visible(kiosk, "scanButton")
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "identified", timeout=15_000)
    settle(kiosk.app)
    assert visible(kiosk, "greeting").property("text") == "您好，李*"
    assert kiosk.session.person.source == "liaoshitong"
    assert kiosk.journey.applicant["id_number"] == NUMBER
    assert kiosk.voice.last_text.startswith("已识别。身份已确认")
    assert kiosk.scan._scan is None and kiosk.scan.property("frameSerial") == 0   # camera off, picture gone
    kiosk.shell.home()
    settle(kiosk.app)
    assert kiosk.journey.applicant in (None, {})


@pytest.mark.parametrize(("make_text", "pinned", "error"), [
    (lambda: ic.issue(PLATFORM, NAME, NUMBER, time.time() - 600), True, ic.ExpiredCode),
    (lambda: "https://pay.example.com/qr?order=20261128001", True, ic.NotIdentityCode),
    (lambda: ic.issue(Ed25519PrivateKey.generate(), NAME, NUMBER, time.time()), True, ic.DamagedCode),
    (lambda: ic.issue(PLATFORM, NAME, NUMBER, time.time()), False, ic.Unverifiable),
], ids=["expired", "payment-qr", "wrong-key", "not-enrolled"])
def test_a_refused_code_says_why_and_what_to_do(scan_kiosk, tmp_path, qtbot, make_text, pinned, error):
    kiosk = scan_kiosk(scene(tmp_path, make_text()), pinned=pinned)
    tap_visible(kiosk, "scanButton")
    qtbot.waitUntil(lambda: kiosk.scan.property("state") == "error", timeout=15_000)
    settle(kiosk.app)
    assert visible(kiosk, "scanStatus").property("text") == "！ " + error.title
    assert visible(kiosk, "scanMessage").property("text") == error.message
    assert "12345" in visible(kiosk, "scanHotline").property("text")
    assert kiosk.voice.last_text == f"{error.title}。{error.message}"
    kiosk.shell.speak()                              # 朗读 repeats the problem after the prompt
    assert kiosk.voice.last_text.endswith(f"{error.title}。{error.message}")
    assert kiosk.session.person is None
    tap_visible(kiosk, "scanManual")                 # the way out: typing by hand
    assert kiosk.shell.property("screen") == "identify_manual"
    assert kiosk.scan._scan is None


def test_a_village_clock_days_wrong_is_corrected_by_the_offset_learnt_from_the_platform(
        scan_kiosk, tmp_path, qtbot):
    platform_now = time.time() + 3 * 86400          # the kiosk's clock is three days slow
    kiosk = scan_kiosk(scene(tmp_path, ic.issue(PLATFORM, NAME, NUMBER, platform_now)),
                       clock_offset_s=3 * 86400)
    tap_visible(kiosk, "scanButton")
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "identified", timeout=15_000)


def test_a_camera_that_cannot_open_says_so_and_offers_manual_entry(scan_kiosk, tmp_path, qtbot):
    kiosk = scan_kiosk(str(tmp_path / "no-such-camera.png"))
    tap_visible(kiosk, "scanButton")
    qtbot.waitUntil(lambda: kiosk.scan.property("state") == "camera", timeout=15_000)
    settle(kiosk.app)
    assert visible(kiosk, "scanStatus").property("text") == "！ " + CAMERA_TITLE
    assert visible(kiosk, "scanRetry").property("text") == "重新打开摄像头"
    tap_visible(kiosk, "scanRetry")                  # still broken: the same plain message again
    qtbot.waitUntil(lambda: kiosk.scan.property("state") == "camera", timeout=15_000)
    tap_visible(kiosk, "scanManual")
    assert kiosk.shell.property("screen") == "identify_manual"


def test_lookup_comes_through_the_same_identification(scan_kiosk, tmp_path, qtbot):
    """查进度 routes the identified person by purpose; the scan uses that same path."""
    kiosk = scan_kiosk(scene(tmp_path, ic.issue(PLATFORM, NAME, NUMBER, time.time())))
    tap_visible(kiosk, "lookupButton")                 # 查进度 opens manual entry first …
    assert kiosk.shell.property("screen") == "identify_manual"
    tap_visible(kiosk, "scanInsteadButton")            # … which offers 改为扫码 (decoded at once)
    assert kiosk.shell.property("screen") in ("scan", "status_lookup")
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "status_lookup", timeout=15_000)


def test_home_during_a_scan_stops_the_camera_and_forgets_the_picture(scan_kiosk, tmp_path, qtbot):
    kiosk = scan_kiosk(scene(tmp_path, "https://www.example.com/"))
    tap_visible(kiosk, "scanButton")
    qtbot.waitUntil(lambda: kiosk.scan.property("live"), timeout=15_000)
    opened = []
    kiosk.scan.start = lambda: opened.append(1)      # watch: the wipe must not reopen the camera
    kiosk.shell.home()
    settle(kiosk.app)
    assert opened == [] and kiosk.scan._scan is None
    assert kiosk.scan.property("state") == "off" and not kiosk.scan.property("live")
    assert kiosk.scan.images.requestImage("live/1", None, None).width() == 16     # the blank picture


def test_the_demo_camera_shows_a_fresh_code_for_the_demo_resident(qapp, qtbot, tmp_path):
    from kiosk.station.composition import open_sync
    from kiosk.station.demo import demo_config
    from kiosk.ui.app import build

    config = demo_config(None, tmp_path / "data")
    station = open_sync(config, demo=True, on_status=lambda status: None, poll_s=3600)
    kiosk = build(config, voice_enabled=False, allow_simulators=True, store=station.store)
    try:
        settle(kiosk.app)
        tap_visible(kiosk, "scanButton")
        folders = []          # where the simulated camera's picture of the code is written

        def picture_written() -> bool:
            tmp = kiosk.scan._tmp
            if tmp is not None and not folders:
                folders.append(Path(tmp.name))
            return bool(folders)

        qtbot.waitUntil(picture_written, timeout=20_000)    # an empty table is shown first, for 1 s
        qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "identified", timeout=20_000)
        assert kiosk.session.person.name == "王喆"
        assert not folders[0].exists() and kiosk.scan._tmp is None   # the code's picture is gone
    finally:
        kiosk.shutdown()
        station.close()
    assert not kiosk.qml_warnings


@pytest.mark.parametrize(("size", "large"), MODES)
def test_every_scan_state_meets_the_screen_rules(make_kiosk, size, large):
    kiosk = make_kiosk(size=size, large_text=large)
    for state in SAMPLE_STATES:
        kiosk.session.end()
        settle(kiosk.app)
        show_screen(kiosk, f"scan:{state}")
        settle(kiosk.app)
        assert kiosk.scan.property("state") in ("scanning", "error", "camera", "opening")
        problems = _problems(kiosk, large, check_targets=size == (1080, 1920))
        assert not problems, f"scan:{state}:\n" + "\n".join(problems)
    assert "扫码" in SCREENS["scan"].title
