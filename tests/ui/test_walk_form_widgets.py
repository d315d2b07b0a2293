"""What a newcomer's walk found on the question screen, fixed at the root and checked with real
taps on the real QML: the consent's one way on (w42, w43), a progress bar that never resizes when
an answer brings in a question (w84 → w88), …"""

from __future__ import annotations

import pytest

from forms.examples import example
from kiosk.ui.screenshots import settle
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.test_form_flow import find, identify_by_hand_quickly, tap

SIZES = [
    pytest.param((1080, 1920), False, id="portrait"),
    pytest.param((1920, 1080), False, id="landscape"),
    pytest.param((1080, 1920), True, id="portrait-large"),
    pytest.param((1920, 1080), True, id="landscape-large"),
]


def open_question(kiosk, bundle_id: str, field_id: str, answered: bool = True) -> None:  # noqa: ANN001
    """The question screen on `field_id`, every earlier answer from the bundle's example."""
    sample = example(bundle_id)
    identify_by_hand_quickly(kiosk, sample["applicant"])
    kiosk.bundles.choose(bundle_id)
    pass_credit_notice(kiosk)
    form = kiosk.journey.form
    if answered:
        for key, value in sample["answers"].items():
            if key != field_id:
                form.answer(key, value)
    form.goto(field_id)
    kiosk.form.load()
    kiosk.form.start()
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "question"
    assert kiosk.form.property("fieldId") == field_id


@pytest.mark.parametrize(("size", "large"), SIZES[:2])
def test_the_consent_has_one_way_on(make_kiosk, size, large):
    """Not two blue buttons (我已阅读并同意 and 填好了, the second only to say "请阅读后点…"): the
    agreement is the one forward button, and the form's rule (consent required) stands."""
    kiosk = make_kiosk(size=size, large_text=large)
    open_question(kiosk, "newborn", "truth_consent")
    assert kiosk.form.property("isLast")
    assert not find(kiosk, "nextButton").isVisible()
    assert find(kiosk, "previousButton").isVisible()         # 上一题 still at hand
    agree = find(kiosk, "agreeButton")
    assert agree.isVisible() and agree.property("primary")
    assert kiosk.journey.form.errors().get("truth_consent")  # the rule lives in the form
    tap(kiosk, "agreeButton")
    assert kiosk.shell.property("screen") != "question"
    assert kiosk.journey.form.answers()["truth_consent"] is True


def test_the_progress_bar_never_resizes_when_an_answer_brings_in_a_question(make_kiosk):
    """新生儿 在哪里出生: 医院 brings in 医院名称. The words say 第 N 题 (no total that changes) and the
    bar has one segment per question of the form, asked or not, each keeping its size."""
    kiosk = make_kiosk()
    open_question(kiosk, "newborn", "birth_place", answered=False)

    def bar() -> tuple[list[str], list[tuple[float, float]]]:
        settle(kiosk.app)
        row = find(kiosk, "questionProgress")
        cells = [c for c in row.childItems() if c.width() > 0]
        return kiosk.form.property("segments"), [(c.x(), c.width()) for c in cells]

    tap(kiosk, "option_home")
    segments_home, cells_home = bar()
    position = find(kiosk, "questionPosition").property("text")
    tap(kiosk, "option_hospital")
    segments_hospital, cells_hospital = bar()
    assert len(segments_home) == len(segments_hospital) == len(kiosk.journey.bundle.fields)
    assert cells_home == cells_hospital                           # nothing moved, nothing shrank
    hospital = [f.id for p in kiosk.journey.bundle.pages for f in p.fields].index("hospital_name")
    assert segments_home[hospital] == "skipped" and segments_hospital[hospital] == "todo"
    assert "共" not in position and position.startswith(f"第 {kiosk.form.property('number')} 题")
    assert find(kiosk, "questionPosition").property("text") == position
    assert segments_hospital.count("current") == 1


def _descendants(item):  # noqa: ANN001, ANN202
    for child in item.childItems():
        yield child
        yield from _descendants(child)


def _named(root, name: str) -> list:  # noqa: ANN001
    return [i for i in _descendants(root) if i.objectName() == name]


def write_a_stroke(kiosk) -> None:  # noqa: ANN001
    """一 across the pad, as the walk did; the real recogniser offers 一 亠 冖 艹 宀 …"""
    pen = kiosk.handwriting
    pen.press(0.2, 0.5)
    for x in (0.35, 0.5, 0.65, 0.8):
        pen.move(x, 0.5)
    pen.release()
    pen.wait()
    settle(kiosk.app)


@pytest.mark.parametrize(("size", "large"), SIZES)
def test_handwriting_on_a_text_question(make_kiosk, size, large):
    """手写 open on 现在户口在哪里: the box no longer says 用拼音输入; 上一题 / 下一题 are on the screen
    or announced by "下面还有内容" (and reached by it); every candidate sits inside its box."""
    from PySide6.QtCore import QMetaObject

    kiosk = make_kiosk(size=size, large_text=large)
    open_question(kiosk, "hukou_move", "from_address")
    kiosk.handwriting.warm_up()
    kiosk.handwriting.wait()
    box = find(kiosk, "answerField")
    placeholder_before = [t.property("text") for t in _descendants(box)
                          if t.inherits("QQuickText") and t.isVisible()]
    assert any("拼音" in t for t in placeholder_before)
    (pen_button,) = _named(box, "handwritingButton")
    QMetaObject.invokeMethod(pen_button, "clicked")
    settle(kiosk.app)
    assert kiosk.handwriting.property("open")
    shown = [t.property("text") for t in _descendants(box) if t.inherits("QQuickText") and t.isVisible()]
    assert not any("拼音输入" in t for t in shown), shown
    assert any("方框里写字" in t for t in shown), shown

    write_a_stroke(kiosk)
    candidates = kiosk.handwriting.property("candidates")
    assert len(candidates) >= 5
    image = kiosk.window.grabWindow()
    for cell in _named(kiosk.window.contentItem(), "handwritingCandidates")[0].childItems():
        glyphs = _named(cell, "candidateGlyph")
        if not glyphs or not glyphs[0].property("text"):
            continue
        rect = cell.mapRectToScene(cell.boundingRect())
        view = find(kiosk, "questionFlick")
        shown = view.mapRectToScene(view.boundingRect())
        if rect.bottom() > shown.bottom() or rect.top() < shown.top():
            continue                                    # scrolled out of view: not drawn here
        # the ink inside the box, well clear of its edges and centred up and down
        left, top, right, bottom = int(rect.left()) + 8, int(rect.top()) + 8, int(rect.right()) - 8, \
            int(rect.bottom()) - 8
        rows = [y for y in range(top, bottom) if any(image.pixelColor(x, y).lightness() < 90
                                                    for x in range(left, right, 2))]
        assert rows, glyphs[0].property("text")
        above, below = rows[0] - rect.top(), rect.bottom() - rows[-1]
        assert above >= 14 and below >= 14, (glyphs[0].property("text"), above, below)
        assert abs(above - below) <= 16, (glyphs[0].property("text"), above, below)

    # 上一题 / 下一题: on the screen above the status bar, or announced and reached by the cue
    flick = find(kiosk, "questionFlick")
    cue = find(kiosk, "questionScrollCue")
    nxt = find(kiosk, "nextButton")

    def next_bottom() -> float:
        return nxt.mapRectToItem(flick, nxt.boundingRect()).bottom()

    if next_bottom() > flick.height():
        assert cue.isVisible() and cue.property("more")
        for _ in range(6):
            if not cue.property("more"):
                break
            tap(kiosk, "questionScrollCue")
        assert next_bottom() <= flick.height()
    if cue.isVisible() and cue.property("more"):       # never "下面还有内容" over nothing
        end = find(kiosk, "questionScreen").property("contentEnd")
        assert flick.property("contentY") + flick.height() < end


@pytest.mark.parametrize(("size", "large"), SIZES[:1] + SIZES[2:3])
def test_no_more_below_cue_over_nothing_with_the_keyboard_up(make_kiosk, size, large):
    """手动输入 (w77, w80): the number pad shown first, then the name box tapped: the keyboard comes
    up and the pad goes, the list keeps its length (it never shrinks while it shows), and the cue
    said "下面还有内容" over blank room; a tap on it only shifted the page."""
    from tests.ui.test_form_flow import type_text

    kiosk = make_kiosk(size=size, large_text=large)
    tap(kiosk, "manualButton")
    settle(kiosk.app)
    assert find(kiosk, "keypad").isVisible()
    type_text(kiosk, "nameField", "张三")
    settle(kiosk.app)
    assert not find(kiosk, "keypad").isVisible()
    area = find(kiosk, "scrollCue")
    if not area.isVisible():
        return                                   # everything fits: no cue at all, as it should
    cue = area.parentItem()
    flick = next(s for s in cue.parentItem().childItems() if s.inherits("QQuickFlickable"))
    confirm = find(kiosk, "confirmButton")
    below = confirm.mapRectToItem(flick, confirm.boundingRect()).bottom() > flick.height()
    assert cue.property("more") == below
    if not below:
        y = flick.property("contentY")
        tap(kiosk, area)                         # "已到最下面": back to the top, not a shift down
        settle(kiosk.app)
        assert flick.property("contentY") <= y


@pytest.mark.parametrize(("size", "large"), SIZES[:1] + SIZES[3:])
def test_the_landline_dash_key_reads_as_a_dash(make_kiosk, size, large):
    """联系电话 that takes a landline (区号-号码): the key read "－横线", a full-width minus the very
    shape of 一 (w23). Now a short "-" named 横杠 in small words, and it types a dash."""
    kiosk = make_kiosk(size=size, large_text=large)
    open_question(kiosk, "restaurant", "operator_phone")
    assert kiosk.form.property("keypad") == "phone"
    key = find(kiosk, "key_dash")
    words = [t.property("text") for t in _descendants(key) if t.inherits("QQuickText") and t.isVisible()]
    assert "-" in words and any("横杠" in w for w in words), words
    assert not any("－" in w or "一" in w or "横线" in w for w in words), words
    for text in (t for t in _descendants(key) if t.inherits("QQuickText") and t.isVisible()):
        assert text.property("font").pixelSize() >= (32 if large else 24)
        box = text.mapRectToItem(key, text.boundingRect())
        assert box.top() >= 0 and box.bottom() <= key.height()
        assert box.left() >= 0 and box.right() <= key.width()
    tap(kiosk, "key_clear")
    for k in ("key_0", "key_4", "key_1", "key_5", "key_dash", "key_2"):
        tap(kiosk, k)
    assert kiosk.form.property("draft") == "0415-2"


@pytest.mark.parametrize(("size", "large"), SIZES)
def test_the_timeout_explanation_leaves_no_character_alone_on_a_line(make_kiosk, size, large):
    """"您还在吗？": "页。" wrapped alone onto a line of its own (widle-10). Broken by phrase, each
    phrase on one line, at both window sizes and in 大字."""
    from kiosk.ui.screenshots import show_screen

    kiosk = make_kiosk(size=size, large_text=large)
    show_screen(kiosk, "timeout")
    settle(kiosk.app)
    text = find(kiosk, "timeoutExplanation")
    assert text.isVisible()
    phrases = text.property("text").split("\n")
    assert len(phrases) == 2 and all(len(p) >= 8 for p in phrases)
    assert text.property("lineCount") == len(phrases)          # no phrase wrapped again
    assert text.property("font").pixelSize() >= (32 if large else 24)


def _viewport(flick):  # noqa: ANN001, ANN202 - the list's visible rectangle, in the scene
    return flick.mapRectToScene(flick.boundingRect())


@pytest.mark.parametrize(("size", "large"), SIZES)
def test_back_from_the_camera_the_paper_just_handled_shows_with_its_state(make_kiosk, size, large):
    """准备材料 (w51, w56): after 返回 or 用这张 the list came back scrolled so the paper just
    photographed lay under the "下面还有内容" band. Now its card's status is in the open list."""
    from forms.examples import example as bundle_example
    from kiosk.ui.screenshots import sample_png

    kiosk = make_kiosk(size=size, large_text=large)
    sample = bundle_example("school_enrolment")
    identify_by_hand_quickly(kiosk, sample["applicant"])
    kiosk.bundles.choose("school_enrolment")
    pass_credit_notice(kiosk)
    form = kiosk.journey.form
    for key, value in sample["answers"].items():
        if form.bundle.field(key).type not in ("signature", "scan"):
            form.answer(key, value)
    lines = form.materials()
    assert len(lines) >= 3
    kiosk.shell.jump("materials")
    settle(kiosk.app)
    for line in lines[-2:]:                          # the papers at the end of the list
        material_id = line.material.id
        kiosk.materials.capture(material_id)
        settle(kiosk.app)
        assert kiosk.shell.property("screen") == "capture"
        kiosk.shell.back()                           # 返回 from the camera
        settle(kiosk.app)
        assert kiosk.shell.property("screen") == "materials"
        _assert_in_view(kiosk, material_id)
        kiosk.materials.capture(material_id)         # and again, this time 用这张
        settle(kiosk.app)
        kiosk.materials.captured(material_id, [kiosk.journey.put_attachment(sample_png(material_id))])
        kiosk.shell.jump("materials")
        settle(kiosk.app)
        _assert_in_view(kiosk, material_id)
        assert "已拍照上传" in find(kiosk, f"status_{material_id}").property("text")


def _assert_in_view(kiosk, material_id: str) -> None:  # noqa: ANN001
    chip = find(kiosk, f"status_{material_id}")
    flick = chip.parentItem()
    while not flick.inherits("QQuickFlickable"):
        flick = flick.parentItem()
    view = _viewport(flick)
    rect = chip.mapRectToScene(chip.boundingRect())
    assert view.top() <= rect.top() and rect.bottom() <= view.bottom(), (material_id, rect, view)
