"""A resident's papers and signature, by touch alone: every material gets a status (one photographed
with the simulated document camera, one 以后补交, one 告知承诺, one 政府已有), then the signature."""

from __future__ import annotations

from datetime import date

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from forms.workdays import add_working_days
from kiosk.station.config import defaults
from kiosk.ui.screenshots import SAMPLE_PERSON, sample_application, settle
from kiosk.ui.session import Person
from kiosk.ui.viewmodels.materials import date_in_words
from kiosk.ui.viewmodels.signature import EMPTY_MESSAGE, TINY_MESSAGE, check_signature, render_png
from tests.ui.qml_tree import all_objects, strings_in_tree


@pytest.fixture
def kiosk(qapp):
    """The real kiosk with the simulated document camera (generated photos on a table)."""
    from kiosk.ui.app import build

    config = defaults().with_overrides({"devices": {"camera": "simulator"}})
    built = build(config, voice_enabled=False, size=(1080, 1920))
    settle(built.app)
    yield built
    built.shutdown()
    assert not built.qml_warnings, "Qt/QML warnings:\n" + "\n".join(built.qml_warnings)


def find(kiosk, name: str) -> QQuickItem:
    """By objectName, through the visual tree (a Repeater's delegates are not QObject children)."""
    item = next((o for o in all_objects(kiosk.window.contentItem())
                 if isinstance(o, QQuickItem) and o.objectName() == name), None)
    assert item is not None, f"no item named {name}"
    return item


def scroll_into_view(item: QQuickItem) -> None:
    """Swipe the list the way a person would until the item is on screen."""
    parent = item.parentItem()
    while parent is not None and not parent.inherits("QQuickFlickable"):
        parent = parent.parentItem()
    if parent is None:
        return
    top = item.mapToItem(parent.property("contentItem"), QPointF(0, 0)).y()
    limit = max(0.0, parent.property("contentHeight") - parent.height())
    parent.setProperty("contentY", min(limit, max(0.0, top - 120)))


def tap(kiosk, name: str) -> None:
    item = find(kiosk, name)
    assert item.isVisible(), f"{name} is not visible"
    scroll_into_view(item)
    settle(kiosk.app, 2)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    assert 0 <= centre.y() < kiosk.window.height(), f"{name} is off screen"
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app, 3)


def draw(kiosk, points: list[tuple[float, float]]) -> None:
    """One finger stroke across the signature pad; points are shares of the pad (0…1)."""
    pad = find(kiosk, "signaturePad")

    def at(x: float, y: float) -> QPoint:
        return pad.mapToScene(QPointF(x * pad.width(), y * pad.height())).toPoint()

    window = kiosk.window
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(*points[0]))
    for x, y in points[1:]:
        QTest.mouseMove(window, at(x, y))
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(*points[-1]))
    settle(kiosk.app, 2)


def text_of(kiosk, name: str) -> str:
    return find(kiosk, name).property("text")


def status(kiosk, material_id: str) -> str:
    return next(m.status for m in kiosk.journey.form.materials() if m.material.id == material_id)


@pytest.mark.slow
def test_resident_sets_every_material_signs_and_moves_on(kiosk, qtbot):
    attachments = kiosk.journey.put_attachment.__self__.files    # the in-memory store
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    sample_application(kiosk)                      # newborn, 非婚生育 (容缺 and 告知承诺 allowed)
    kiosk.shell.jump("materials")
    settle(kiosk.app)
    names = [m.name for m in kiosk.journey.form.materials()]

    # 下一步 too early: a plain Chinese list of what is missing, and the screen stays.
    tap(kiosk, "materialsNext")
    assert kiosk.shell.property("screen") == "materials"
    missing = kiosk.materials.property("missing")
    assert any("非婚生育情况说明" in line and "签署承诺" in line for line in missing)
    assert any("新生儿近期免冠照片" in line and "以后补交" in line for line in missing)
    assert find(kiosk, "missingBox").isVisible()
    first_missing = find(kiosk, "status_non_marital_statement").mapToScene(QPointF(0, 0)).y()
    assert 0 < first_missing < kiosk.window.height() - 400      # the list moved to show it

    # 拍照上传 the 户口簿 (which could also be fetched) with the simulated camera: two pages.
    tap(kiosk, "capture_hukou_book")
    assert kiosk.shell.property("screen") == "capture"
    before = set(attachments)
    for number, label in ((1, "户主页"), (2, "本人页")):
        assert text_of(kiosk, "capturePage").startswith(f"第 {number} 页，共 2 页：{label}")
        qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0
                        and kiosk.camera.property("guidance") not in ("", "正在打开摄像头…"), timeout=15000)
        assert text_of(kiosk, "guidance").startswith(("✔", "！"))      # advice with a mark
        tap(kiosk, "shootButton")
        qtbot.waitUntil(lambda: kiosk.camera.property("stage") == "review", timeout=15000)
        settle(kiosk.app)
        assert find(kiosk, "pagePicture").property("implicitHeight") > 500   # the flattened page
        assert "拍好了" in kiosk.voice.last_text                          # and is spoken about
        if number == 1:
            tap(kiosk, "retakeButton")                                  # 重拍 once: back to live
            assert kiosk.camera.property("stage") == "live"
            tap(kiosk, "shootButton")
            qtbot.waitUntil(lambda: kiosk.camera.property("stage") == "review", timeout=15000)
        tap(kiosk, "useButton")                                     # written on a worker thread
        qtbot.waitUntil(lambda: not kiosk.camera.property("saving"), timeout=10_000)
        settle(kiosk.app)
    assert kiosk.shell.property("screen") == "materials"
    assert status(kiosk, "hukou_book") == "provided"
    shas = next(m.attachments for m in kiosk.journey.form.materials() if m.material.id == "hukou_book")
    assert len(shas) == 2 and set(shas) <= set(attachments) - before
    for sha in shas:
        jpeg = attachments[sha]
        assert jpeg[:2] == b"\xff\xd8" and len(jpeg) < 500_000
        page = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert page is not None and page.shape[0] > page.shape[1] > 800    # a flattened portrait page
    assert "已拍照上传（2 页）" in text_of(kiosk, "status_hukou_book")
    shown_at = find(kiosk, "status_hukou_book").mapToScene(QPointF(0, 0)).y()
    assert 0 < shown_at < kiosk.window.height() - 200        # the list reopened at this paper

    # 以后补交 the baby's photo: a one-line status (its buttons stay put) and the due date in words
    # on the card's own line.
    scroll_into_view(find(kiosk, "defer_baby_photo"))
    settle(kiosk.app)
    buttons_at = find(kiosk, "defer_baby_photo").mapToScene(QPointF(0, 0))
    tap(kiosk, "defer_baby_photo")
    assert status(kiosk, "baby_photo") == "deferred"
    due = date_in_words(add_working_days(date.today(), 30))
    assert text_of(kiosk, "status_baby_photo") == "✔ 以后补交"
    assert due in text_of(kiosk, "due_baby_photo")
    assert find(kiosk, "defer_baby_photo").mapToScene(QPointF(0, 0)) == buttons_at

    # 签署承诺 instead of the statement: the text shown and read aloud, then confirmed.
    tap(kiosk, "promise_non_marital_statement")
    promise = "新生儿系本人与另一方所生"
    assert find(kiosk, "promiseOverlay").isVisible()
    assert promise in text_of(kiosk, "promiseText")
    assert promise in kiosk.voice.last_text
    assert status(kiosk, "non_marital_statement") == "missing"          # nothing chosen yet
    tap(kiosk, "promiseConfirm")
    assert not find(kiosk, "promiseOverlay").isVisible()
    assert status(kiosk, "non_marital_statement") == "promised"

    # 政府已有 for the parents' ID cards (shown which e-certificate).
    tap(kiosk, "held_parents_id_cards")
    assert status(kiosk, "parents_id_cards") == "held_by_government"
    assert "政府已有" in text_of(kiosk, "status_parents_id_cards")

    tap(kiosk, "materialsNext")
    assert kiosk.shell.property("screen") == "review"
    tap(kiosk, "reviewConfirmButton")
    assert kiosk.shell.property("screen") == "sign"
    assert promise in text_of(kiosk, "commitmentText")
    assert promise in kiosk.voice.last_text and "本人承诺" in kiosk.voice.last_text   # read on arrival
    tap(kiosk, "readCommitment")
    assert promise in kiosk.voice.last_text

    # An empty pad and a tiny scribble are refused in Chinese.
    tap(kiosk, "confirmSignature")
    assert text_of(kiosk, "signatureError") == "！ " + EMPTY_MESSAGE
    assert kiosk.shell.property("screen") == "sign"
    draw(kiosk, [(0.5, 0.5), (0.52, 0.51), (0.53, 0.5)])
    tap(kiosk, "confirmSignature")
    assert text_of(kiosk, "signatureError") == "！ " + TINY_MESSAGE
    tap(kiosk, "clearSignature")
    assert kiosk.signature.property("strokes") == []

    draw(kiosk, [(0.15, 0.6), (0.25, 0.3), (0.35, 0.62), (0.45, 0.32), (0.55, 0.6)])
    draw(kiosk, [(0.6, 0.35), (0.7, 0.65), (0.85, 0.4)])
    assert len(kiosk.signature.property("strokes")) == 2
    pngs_before = {k for k, v in attachments.items() if v.startswith(b"\x89PNG")}
    tap(kiosk, "confirmSignature")                                      # drawn and written off the GUI thread
    qtbot.waitUntil(lambda: kiosk.shell.property("screen") != "sign", timeout=10_000)   # moved on
    (png_sha,) = {k for k, v in attachments.items() if v.startswith(b"\x89PNG")} - pngs_before
    image = QImage.fromData(attachments[png_sha], "PNG")
    assert not image.isNull() and image.width() == 1200
    dark = sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if image.pixelColor(x, y).lightness() < 100)
    assert dark > 100                                                    # ink, not a blank page

    # The wipe: nothing of the papers or the signature left in the view-models or the QML tree.
    kiosk.session.end()
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.materials.property("items") == [] and kiosk.materials.property("missing") == []
    assert kiosk.signature.property("strokes") == [] and kiosk.signature.property("text") == ""
    assert kiosk.camera.property("materialName") == "" and not kiosk.camera.property("live")
    left = "\n".join(strings_in_tree(kiosk))
    for word in [*names, promise, due, "本人承诺"]:
        assert word not in left, word


def test_the_camera_stops_when_the_resident_leaves_its_screen(kiosk, qtbot):
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    sample_application(kiosk)
    kiosk.shell.jump("materials")
    settle(kiosk.app)
    tap(kiosk, "capture_parents_id_cards")
    assert text_of(kiosk, "capturePage").startswith("第 1 页，共 4 页：第1张 人像面")
    qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0, timeout=15000)
    tap(kiosk, "captureCancel")
    assert kiosk.shell.property("screen") == "materials"
    assert not kiosk.camera.property("live")
    assert status(kiosk, "parents_id_cards") == "held_by_government"   # unchanged

    # The session ending (timeout, 首页) while the camera runs stops it and forgets the paper.
    tap(kiosk, "capture_parents_id_cards")
    qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0, timeout=15000)
    kiosk.session.end()
    settle(kiosk.app)
    assert not kiosk.camera.property("live") and kiosk.camera.property("materialName") == ""
    assert kiosk.shell.property("screen") == "attract"


def test_signature_rules_and_png():
    assert check_signature([], 2.5) == EMPTY_MESSAGE
    assert check_signature([[0.5, 0.5]], 2.5) == EMPTY_MESSAGE
    assert check_signature([[0.5, 0.5, 0.52, 0.52, 0.5, 0.54]], 2.5) == TINY_MESSAGE
    name = [[0.1, 0.5, 0.2, 0.2, 0.3, 0.6, 0.4, 0.3, 0.5, 0.6], [0.6, 0.3, 0.8, 0.6]]
    assert check_signature(name, 2.5) == ""
    png = render_png(name, 2.5)
    image = QImage.fromData(png, "PNG")
    assert (image.width(), image.height()) == (1200, 480)
    assert image.pixelColor(0, 0).lightness() == 255
    assert image.pixelColor(int(0.8 * 1200), int(0.6 * 480)).lightness() < 60      # a stroke's end


@pytest.mark.parametrize(("size", "large"), [((1080, 1920), False), ((1920, 1080), False),
                                             ((1080, 1920), True)])
def test_promise_panel_and_photo_review_meet_the_elderly_friendly_rules(qapp, qtbot, size, large):
    """The states the screenshot walk does not reach: the 签署承诺 panel and 重拍 / 用这张."""
    from kiosk.ui.app import build
    from tests.ui.test_accessibility import _problems

    config = defaults().with_overrides({"devices": {"camera": "simulator"}})
    kiosk = build(config, voice_enabled=False, size=size, large_text=large)
    try:
        kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
        sample_application(kiosk)
        kiosk.shell.jump("materials")
        settle(kiosk.app)
        tap(kiosk, "promise_non_marital_statement")
        problems = _problems(kiosk, large, check_targets=size == (1080, 1920))
        assert not problems, "\n".join(problems)
        tap(kiosk, "promiseCancel")
        tap(kiosk, "capture_birth_certificate")
        qtbot.waitUntil(lambda: kiosk.camera.property("frameSerial") > 0, timeout=15000)
        tap(kiosk, "shootButton")
        qtbot.waitUntil(lambda: kiosk.camera.property("stage") == "review", timeout=15000)
        settle(kiosk.app)
        problems = _problems(kiosk, large, check_targets=size == (1080, 1920))
        assert not problems, "\n".join(problems)
    finally:
        kiosk.session.end()
        kiosk.shutdown()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)


def test_a_camera_that_cannot_open_tells_the_resident_what_to_do(qapp, qtbot, tmp_path):
    from kiosk.ui.app import build
    from kiosk.ui.viewmodels.camera import CAMERA_TROUBLE

    config = defaults().with_overrides({"devices": {"camera": str(tmp_path / "no-such-camera")}})
    kiosk = build(config, voice_enabled=False, size=(1080, 1920))
    try:
        kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
        sample_application(kiosk)
        kiosk.shell.jump("materials")
        settle(kiosk.app)
        tap(kiosk, "capture_hukou_book")
        qtbot.waitUntil(lambda: kiosk.camera.property("error") != "", timeout=15000)
        settle(kiosk.app)
        assert text_of(kiosk, "guidance") == "！ " + CAMERA_TROUBLE + "。"
        assert not find(kiosk, "shootButton").isVisible() and find(kiosk, "retryCamera").isVisible()
        tap(kiosk, "retryCamera")
        qtbot.waitUntil(lambda: kiosk.camera.property("error") != "", timeout=15000)
        tap(kiosk, "captureCancel")
        assert kiosk.shell.property("screen") == "materials"
        assert status(kiosk, "hukou_book") == "held_by_government"
    finally:
        kiosk.session.end()
        kiosk.shutdown()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)


def test_any_finger_path_is_judged_and_rendered_without_failing():
    """Whatever a finger does on the pad (out of bounds, single taps, huge scribbles), the rule
    gives '' or a Chinese reason, and an accepted signature renders to a valid PNG."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    coordinate = st.floats(min_value=-0.5, max_value=1.5, allow_nan=False)
    stroke = st.lists(coordinate, min_size=1, max_size=40).map(lambda v: v[: len(v) // 2 * 2] or [0.5, 0.5])

    @settings(max_examples=60, deadline=None)
    @given(st.lists(stroke, max_size=6), st.floats(min_value=0.5, max_value=4.0))
    def check(strokes, aspect):
        strokes = [[min(1.0, max(0.0, v)) for v in s] for s in strokes]   # as the view-model clamps
        verdict = check_signature(strokes, aspect)
        assert verdict in ("", EMPTY_MESSAGE, TINY_MESSAGE)
        if verdict == "":
            image = QImage.fromData(render_png(strokes, aspect), "PNG")
            assert not image.isNull() and image.width() == 1200

    check()


def test_a_paper_brought_in_after_the_materials_screen_is_decided_before_signing(kiosk):
    """An answer changed from the review screen can add a paper; the sign screen will not sign
    until it has a status, and sends the resident to the list."""
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    form = sample_application(kiosk)
    form.set_material("baby_photo", "deferred")
    form.set_material("non_marital_statement", "promised")
    form.answer("has_birth_certificate", True)          # the certificate is no longer produced here
    kiosk.signature.prepare()
    kiosk.shell.jump("sign")
    settle(kiosk.app)
    assert find(kiosk, "signMissingBox").isVisible()
    assert "出生医学证明" in kiosk.signature.property("missing")
    assert not find(kiosk, "signaturePad").isVisible() and not find(kiosk, "confirmSignature").isVisible()
    kiosk.signature.move(0.1, 0.5)
    kiosk.signature.move(0.9, 0.6)
    kiosk.signature.confirm()                            # even if asked, it does not sign
    assert kiosk.shell.property("screen") == "sign" and kiosk.journey.signature_png is None
    assert "去处理材料" in kiosk.voice.last_text
    tap(kiosk, "signMaterialsButton")
    assert kiosk.shell.property("screen") == "materials"


def test_big_text_turned_on_over_the_list_cuts_no_status(kiosk):
    """The status chips took their width from their own text item: after 大字 came on over the
    list they kept the old width and read "✔ 政府已有，…" and "✘ 还没…" (the newcomer's walk)."""
    from kiosk.ui.screenshots import show_screen

    show_screen(kiosk, "materials")
    settle(kiosk.app)
    kiosk.theme.toggleLarge()
    settle(kiosk.app)
    chips = [o for o in all_objects(kiosk.window.contentItem())
             if isinstance(o, QQuickItem) and o.objectName().startswith("status_")]
    assert len(chips) >= 5
    for chip in chips:
        assert not chip.property("truncated"), chip.property("text")
