"""The document camera stops without holding up the screen, and hands the device over cleanly.

Why: leaving the capture screen used to join the camera thread on the GUI thread (a frame being
read or analysed: 30–50 ms of the capture → materials transition). Now `stop()` only asks the
thread to end; the next capture's thread waits for the old one before it opens the camera (one
owner of a USB camera at a time), and anything the stopped worker had queued is dropped.
Runs against the simulated camera (generated photos on a table, played through the same
FrameSource interface as a USB camera)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from kiosk.ui.viewmodels.camera import CameraViewModel


def _served(camera: CameraViewModel) -> QImage:
    return camera.images.requestImage("live/1", QSize(), QSize())


def test_a_stopped_camera_lets_go_before_the_next_opens_and_its_late_frames_are_dropped(qapp, qtbot):
    camera = CameraViewModel("simulator", lambda data: "sha", sim_fps=30)
    stale = QImage(4, 4, QImage.Format.Format_RGB888)
    try:
        camera.begin("household", "居民户口簿", ["户主页"], "a4")
        qtbot.waitUntil(lambda: camera.property("frameSerial") > 0, timeout=15_000)
        first, first_serial = camera._worker, camera._serial  # noqa: SLF001

        camera.stop()                          # asks; does not wait for the thread
        assert not camera.property("live")
        shown = camera.property("frameSerial")
        camera._frameFromWorker.emit(first_serial, 1, stale, "", False)  # noqa: SLF001 - a frame it had queued
        assert camera.property("frameSerial") == shown and _served(camera).size() != stale.size()

        camera.begin("household", "居民户口簿", ["户主页"], "a4")
        qtbot.waitUntil(lambda: camera.property("frameSerial") > 0, timeout=15_000)
        assert not first._thread.is_alive()    # noqa: SLF001 - it let go before the new one opened
        camera._frameFromWorker.emit(first_serial, 1, stale, "", False)  # noqa: SLF001 - late, from the old one
        assert _served(camera).size() != stale.size()
        camera._frameFromWorker.emit(camera._serial, 1, stale, "", False)  # noqa: SLF001 - the current one's: shown
        assert _served(camera).size() == stale.size()
    finally:
        camera.shutdown()
    assert camera._stopping is None and camera._worker is None  # noqa: SLF001 - shutdown waited
