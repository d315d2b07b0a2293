"""What a newcomer met on the first try (issue 14), each walked by touch on the real screens:
a prefilled answer with no 上一题 (item 1), 办理须知 that promised "0 件事, 当场办结" before any
answer (3), someone else's name and number prefilled with the applicant's own (4), an error
summary that outlived the mistake (9), 大字 left on for the next resident, and a 朗读 that showed
nothing (10). The wording slips of item 9 are checked where they are shown.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.ui.screenshots import settle
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.qml_tree import visible_items
from tests.ui.test_form_flow import find, identify_by_hand, tap, type_keys, type_text

ROOT = Path(__file__).resolve().parents[2]


def texts(kiosk) -> list[str]:
    return [i.property("text") for i in visible_items(kiosk.window.contentItem())
            if i.inherits("QQuickText") and i.property("text")]


def to_intro(kiosk, bundle_id: str) -> None:
    identify_by_hand(kiosk, "刘淑芬", "210213196606112824")
    tap(kiosk, "startButton")
    tap(kiosk, f"bundle_{bundle_id}")
    pass_credit_notice(kiosk)
    assert kiosk.shell.property("screen") == "bundle_intro"


def test_a_prefilled_answer_has_a_visible_previous_question(make_kiosk):
    """Item 1: on a prefilled card the only ways out were 正确 and 不对 — and 首页, losing it all."""
    kiosk = make_kiosk()
    to_intro(kiosk, "newborn")
    tap(kiosk, "startFormButton")
    first = kiosk.form.property("fieldId")
    tap(kiosk, "confirmPrefilledButton")           # 申请人姓名 → 申请人身份证号码, prefilled too
    assert kiosk.form.property("prefilled") and kiosk.form.property("number") == 2
    previous = find(kiosk, "previousButton")
    assert previous.isVisible() and previous.height() >= 112
    tap(kiosk, previous)
    assert kiosk.form.property("fieldId") == first and kiosk.shell.refused_moves == []


@pytest.mark.parametrize(("bundle_id", "count"), [("senior_allowance", 3), ("disability_subsidies", 2)])
def test_the_intro_says_what_may_apply_before_any_answer(make_kiosk, bundle_id, count):
    """Item 3: "全部当场办结（即办件）", "一次办好这 0 件事", "不需要另外提交材料" — while every item is
    a 承诺件 with papers."""
    kiosk = make_kiosk()
    to_intro(kiosk, bundle_id)
    shown = " ".join(texts(kiosk))
    assert find(kiosk, "introHeading").property("text") == f"视您的情况，最多办理 {count} 件事"
    for wrong in ("即办件", "0 件事", "不需要另外提交材料", "当场办结"):
        assert wrong not in shown, wrong
    assert shown.count("承诺件") == count
    assert "可能需要的材料" in shown
    assert re.search(r"最长约 \d+ 个工作日", shown)


def test_applying_for_someone_else_asks_for_their_name_and_number(make_kiosk):
    """Item 4: after 是否为自己申请 = 否, 老人姓名 and 老人身份证号码 came prefilled with the applicant's
    own, the ID page opened already in error, and 您是老人的 offered 本人 (item 9)."""
    kiosk = make_kiosk()
    to_intro(kiosk, "senior_allowance")
    tap(kiosk, "startFormButton")
    while kiosk.form.property("fieldId") != "for_self":
        if kiosk.form.property("prefilled"):
            tap(kiosk, "confirmPrefilledButton")
        else:
            type_keys(kiosk, "13904110000")
            tap(kiosk, "nextButton")
    tap(kiosk, "option_no")
    tap(kiosk, "nextButton")
    assert kiosk.form.property("fieldId") == "applicant_relation"
    labels = [o["label"] for o in kiosk.form.property("options")]
    assert "本人" not in labels and "儿子" in labels
    tap(kiosk, "option_son")
    tap(kiosk, "nextButton")
    assert kiosk.form.property("fieldId") == "elder_name"
    assert not kiosk.form.property("prefilled") and kiosk.form.property("draft") == ""
    assert "刘淑芬" not in " ".join(texts(kiosk))
    type_text(kiosk, "answerField", "刘大娘")
    tap(kiosk, "nextButton")
    assert kiosk.form.property("fieldId") == "elder_id_number"
    assert not kiosk.form.property("prefilled") and kiosk.form.property("error") == ""
    assert not find(kiosk, "questionError").isVisible()
    assert "210213196606112824" not in " ".join(texts(kiosk))
    assert find(kiosk, "key_clear").isVisible()     # and the pad has 清空


def test_the_error_summary_goes_when_the_number_is_put_right(make_kiosk):
    """Item 9: on 查进度 the red summary stayed after the number was fixed."""
    kiosk = make_kiosk()
    tap(kiosk, "lookupButton")
    type_text(kiosk, "nameField", "张三")
    tap(kiosk, "idField")
    for char in "110105194912310021":              # one digit wrong
        tap(kiosk, f"key_{char}")
    tap(kiosk, "confirmButton")
    assert find(kiosk, "identifyErrors").isVisible()
    tap(kiosk, "key_back")
    tap(kiosk, "key_X")                            # put right: the summary goes at once
    settle(kiosk.app)
    assert kiosk.identify.property("errors") == []
    assert not find(kiosk, "identifyErrors").isVisible()


def test_a_full_number_says_so_instead_of_ignoring_the_key(make_kiosk):
    """A key that could do nothing stayed silent; a resident pressed it again and again."""
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    for char in "11010519491231002X":
        tap(kiosk, f"key_{char}")
    tap(kiosk, "key_5")
    assert kiosk.identify.property("idNumber") == "11010519491231002X"
    assert "已经输满 18 位" in kiosk.identify.property("idError")


def test_large_text_is_one_residents_choice(make_kiosk):
    """Item 10: 大字 stayed on for the next resident after a timeout."""
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    tap(kiosk, "largeTextButton")
    assert kiosk.theme.property("large")
    kiosk.session.note_input()
    kiosk.clock.advance(kiosk.session.idle_timeout_s + 1)
    kiosk.session.tick()
    kiosk.clock.advance(kiosk.session.warning_s + 1)
    kiosk.session.tick()
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "attract" and not kiosk.theme.property("large")


def test_read_aloud_shows_that_it_reads(make_kiosk):
    """Item 10: 朗读 gave no visual sign. It shows what it does (here: that this machine cannot
    speak), 朗读 becomes 停止, and a second press stops."""
    kiosk = make_kiosk()
    title = find(kiosk, "topBarTitle").property("text")
    tap(kiosk, "speakButton")
    assert find(kiosk, "topBarTitle").property("text") != title
    assert "朗读" in find(kiosk, "topBarTitle").property("text")
    assert kiosk.shell.property("speaking")
    tap(kiosk, "speakButton")                      # 停止
    assert not kiosk.shell.property("speaking")
    assert find(kiosk, "topBarTitle").property("text") == title


def test_no_doubled_please_in_any_shipped_sentence():
    """Item 9: "请请工作人员" in four places."""
    found = []
    for path in list((ROOT / "kiosk").rglob("*.py")) + list((ROOT / "kiosk").rglob("*.qml")) \
            + list((ROOT / "forms").rglob("*.json")) + list((ROOT / "devices").rglob("*.py")):
        if "请请" in path.read_text(encoding="utf-8"):
            found.append(str(path.relative_to(ROOT)))
    assert not found


def test_a_prefilled_answer_says_where_it_came_from(make_kiosk):
    """The walk after the fixes: a resident who typed their name and number by hand was told
    "已按您的身份证填好" on the first question."""
    kiosk = make_kiosk()
    to_intro(kiosk, "newborn")
    tap(kiosk, "startFormButton")
    assert kiosk.form.property("prefilled")
    shown = " ".join(texts(kiosk))
    assert "已按您输入的姓名和身份证号码填好" in shown and "身份证填好" not in shown


def test_a_double_tap_is_one_press_and_confirms_no_question_unseen(make_kiosk):
    """The walk's double tap on 正确，下一题 (申请人姓名) also confirmed 申请人身份证号码, prefilled
    under the same button on the next page, without it ever being seen."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    kiosk = make_kiosk()
    to_intro(kiosk, "newborn")
    tap(kiosk, "startFormButton")
    assert kiosk.form.property("number") == 1 and kiosk.form.property("prefilled")
    button = find(kiosk, "confirmPrefilledButton")
    centre = button.mapToScene(QPointF(button.width() / 2, button.height() / 2)).toPoint()
    QTest.mouseDClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app)
    assert kiosk.form.property("number") == 2 and kiosk.form.property("prefilled")   # seen, not passed
    tap(kiosk, "confirmPrefilledButton")                         # a single tap still goes on
    assert kiosk.form.property("number") == 3
