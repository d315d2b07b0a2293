"""A full disk while the resident photographs a paper or signs: a plain message with what to do
and 12345 on the same screen, the photo or the signature kept on screen, and it goes through as
soon as there is room again. The disk is a real, tiny tmpfs (root only, as in
tests/sync/test_disk_full.py), so the store's writes fail with ENOSPC exactly as on a full SSD."""

from __future__ import annotations

import errno
import os

import pytest

from kiosk.station.config import defaults
from kiosk.ui.screenshots import SAMPLE_PERSON, complete_sample_application, sample_application, settle
from kiosk.ui.session import Person
from tests.sync.test_disk_full import small_fs  # noqa: F401 - the tmpfs fixture
from tests.ui.test_materials_sign import draw, find, tap, text_of

FULL = "存储空间已满"


def fill(folder) -> object:
    """Write until the file system says no more (ENOSPC); returns the filler to delete later."""
    filler = folder / "filler"
    with filler.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


@pytest.fixture
def kiosk_on_small_disk(qapp, tmp_path, small_fs):  # noqa: F811 - the fixture imported above
    from kiosk.ui.app import build
    from sync.store import Store

    store = Store.open(small_fs / "data", tmp_path / "keys")
    config = defaults().with_overrides({"devices": {"camera": "simulator"}})
    kiosk = build(config, voice_enabled=False, size=(1080, 1920), store=store)
    settle(kiosk.app)
    yield kiosk, small_fs
    kiosk.shutdown()
    store.close()
    assert not kiosk.qml_warnings, "Qt/QML warnings:\n" + "\n".join(kiosk.qml_warnings)


def test_a_photo_on_a_full_disk_says_so_keeps_the_shot_and_saves_when_room_returns(
        kiosk_on_small_disk, qtbot):
    kiosk, disk = kiosk_on_small_disk
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    sample_application(kiosk)
    kiosk.shell.jump("materials")
    settle(kiosk.app)
    tap(kiosk, "capture_hukou_book")
    qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0
                    and kiosk.camera.property("guidance") not in ("", "正在打开摄像头…"), timeout=15_000)
    tap(kiosk, "shootButton")
    qtbot.waitUntil(lambda: kiosk.camera.property("stage") == "review", timeout=15_000)

    filler = fill(disk)
    tap(kiosk, "useButton")
    qtbot.waitUntil(lambda: kiosk.camera.property("saveError") != "", timeout=10_000)
    settle(kiosk.app)
    message = text_of(kiosk, "saveError")
    assert FULL in message and "工作人员" in message and "12345" in message
    assert FULL in kiosk.voice.last_text
    assert kiosk.shell.property("screen") == "capture" and kiosk.camera.property("stage") == "review"
    assert find(kiosk, "useButton").isVisible()          # the shot is still there to use

    filler.unlink()                                      # staff made room
    tap(kiosk, "useButton")
    qtbot.waitUntil(lambda: kiosk.camera.property("page") == 2, timeout=10_000)   # page 1 is on disk
    assert kiosk.camera.property("saveError") == ""


def test_a_signature_on_a_full_disk_says_so_and_goes_through_when_room_returns(kiosk_on_small_disk, qtbot):
    kiosk, disk = kiosk_on_small_disk
    complete_sample_application(kiosk)
    kiosk.shell.jump("sign")
    settle(kiosk.app)
    draw(kiosk, [(0.15, 0.6), (0.25, 0.3), (0.35, 0.62), (0.45, 0.32), (0.55, 0.6)])
    draw(kiosk, [(0.6, 0.35), (0.7, 0.65), (0.85, 0.4)])

    filler = fill(disk)
    tap(kiosk, "confirmSignature")
    qtbot.waitUntil(lambda: kiosk.signature.property("error") != "", timeout=10_000)
    settle(kiosk.app)
    message = text_of(kiosk, "signatureError")
    assert FULL in message and "12345" in message
    assert kiosk.shell.property("screen") == "sign"
    assert len(kiosk.signature.property("strokes")) == 2            # the signature is not lost

    filler.unlink()
    tap(kiosk, "confirmSignature")
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") != "sign", timeout=10_000)
    assert kiosk.journey.signature_sha256
