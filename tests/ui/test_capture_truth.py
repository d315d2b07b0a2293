"""A photo of nothing is never taken (issue 20): the document camera shows a bare desk — as when
a written 委托书 was photographed before it was put down — and the capture screen says so under the
very picture, refuses 拍照 with one spoken sentence, and 用这张 keeps nothing. Real parts: the
camera view-model and its worker thread, a camera holding a photographed desk in view, a store."""

from __future__ import annotations

import cv2

from devices.camera.document_scenes import empty_table, scenes
from devices.camera.document_worker import ADVICE_READY, NO_DOCUMENT
from devices.capture.quality import ADVICE_NO_PAPER
from kiosk.ui.viewmodels.camera import CameraViewModel
from sync.store import Store


def _camera(tmp_path, picture, said: list[str]) -> tuple[CameraViewModel, Store]:
    path = tmp_path / "in-view.png"
    cv2.imwrite(str(path), picture)
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    return CameraViewModel(str(path), store.put_attachment, say=said.append), store


def test_a_photo_of_nothing_is_refused_said_and_never_kept(qapp, qtbot, tmp_path):
    said: list[str] = []
    camera, store = _camera(tmp_path, empty_table(seed=0), said)
    try:
        camera.begin("agent_authorisation", "书面委托书", [""], "a4")
        qtbot.waitUntil(lambda: camera.property("frameSerial") > 0, timeout=15_000)
        assert camera.property("guidance") == ADVICE_NO_PAPER and not camera.property("guidanceOk")

        camera.takePhoto()
        qtbot.waitUntil(lambda: camera.property("shotAdvice") != "", timeout=15_000)
        assert camera.property("stage") == "live" and not camera.property("canUse")
        assert camera.property("shotAdvice") == NO_DOCUMENT and said[-1] == NO_DOCUMENT
        assert NO_DOCUMENT.count("。") == 1                   # one sentence, saying what to do

        camera.usePhoto()                                    # 用这张 all the same: refused, said
        assert said[-1] == NO_DOCUMENT and not camera.property("saving")
        assert not list((tmp_path / "data" / "attachments").iterdir())
    finally:
        camera.shutdown()
        store.close()


def test_paper_in_view_is_taken_and_kept(qapp, qtbot, tmp_path):
    said: list[str] = []
    camera, store = _camera(tmp_path, scenes("page")[1], said)
    done = []
    camera.on_done = lambda material, pages: done.append(pages)
    try:
        camera.begin("agent_authorisation", "书面委托书", [""], "a4")
        qtbot.waitUntil(lambda: camera.property("guidance") == ADVICE_READY, timeout=15_000)
        assert camera.property("guidanceOk")
        camera.takePhoto()
        qtbot.waitUntil(lambda: camera.property("stage") == "review", timeout=15_000)
        assert camera.property("canUse")
        camera.usePhoto()
        qtbot.waitUntil(lambda: bool(done), timeout=15_000)
        assert store.read_attachment(done[0][0])[:2] == b"\xff\xd8"      # a JPEG, kept
    finally:
        camera.shutdown()
        store.close()
