"""The one navigation model: the screen graph (kiosk.ui.navigation) and the shell that walks it.

Two dead ends a new user hit are regression tests here, walked by touch: 返回 from a question to
办理须知, then 开始填写 (it did nothing: "cannot go from in_form to in_form"), and 返回 from 好差评 to
the receipt, then 下一步 (dead: "cannot go from rating to rating"). The rest checks the graph
itself, and that every `shell.go("…")` written in a QML screen is an edge of it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forms.examples import example
from kiosk.ui import navigation
from kiosk.ui.navigation import JOURNEY, SCREENS, Origin
from kiosk.ui.screenshots import complete_sample_application, settle
from kiosk.ui.session import Person, State
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.test_form_flow import answer_current, find_item, identify_by_hand, tap

QML = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml"
SCREEN_OF_FILE = {spec.qml: spec.id for spec in SCREENS.values()}


# ------------------------------------------------------------------------------ the graph itself
def test_every_target_named_in_the_graph_is_a_screen():
    for spec in SCREENS.values():
        targets = list(spec.forward)
        if isinstance(spec.back, str):
            targets.append(spec.back)
        elif isinstance(spec.back, Origin):
            targets += [s for s in spec.back.screens if s != navigation.ANY]
        for target in targets:
            assert target in SCREENS and not SCREENS[target].overlay, f"{spec.id} → {target}"


def test_every_screen_is_reachable_from_the_attract_screen():
    seen, todo = {"attract"}, ["attract"]
    while todo:
        for target in SCREENS[todo.pop()].forward:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    seen.add(navigation.ERROR)     # opens from anywhere
    assert seen == {s for s, spec in SCREENS.items() if not spec.overlay}


def test_the_journey_order_walks_forward_edges():
    for here, there in zip(JOURNEY, JOURNEY[1:], strict=False):
        skipped_to = JOURNEY[JOURNEY.index(there) + 1] if there == "credit_notice" else None
        assert navigation.allows(here, there), f"{here} → {there}"
        if skipped_to:
            assert navigation.allows(here, skipped_to), f"{here} → {skipped_to} (notice skipped)"


def test_every_screen_offers_a_way_on():
    """No screen is a trap: each has 返回, a forward edge, 首页, or ends the session itself."""
    ends_itself = {"rating"}                    # 完成 ends the session (好差评 is the last step)
    for spec in SCREENS.values():
        if spec.overlay:
            continue
        assert spec.back is not None or spec.forward or spec.home or spec.id in ends_itself, spec.id


def test_every_shell_go_in_a_qml_screen_is_an_edge_of_the_graph():
    calls = 0
    for path in sorted((QML / "screens").glob("*.qml")):
        screen = SCREEN_OF_FILE.get(path.name)
        for target in re.findall(r'shell\.go\("(\w+)"\)', path.read_text(encoding="utf-8")):
            calls += 1
            assert screen is not None, f"{path.name} calls shell.go but is not a screen"
            assert navigation.allows(screen, target), f"{path.name}: {screen} → {target} is not an edge"
    assert calls >= 3


def test_every_qml_back_button_is_on_a_screen_with_a_way_back():
    for path in sorted((QML / "screens").glob("*.qml")):
        screen = SCREEN_OF_FILE.get(path.name)
        if screen and "shell.back()" in path.read_text(encoding="utf-8"):
            assert SCREENS[screen].back is not None, path.name


# ------------------------------------------------------------------------------ the shell walks it
def test_a_move_off_the_graph_is_refused_and_logged_never_raised(make_kiosk, caplog):
    kiosk = make_kiosk()
    kiosk.shell.go("rating")                       # attract → rating: not an edge
    kiosk.shell.go("no_such_screen")
    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.shell.refused_moves == [("attract", "rating"), ("attract", "no_such_screen")]
    assert "navigation refused" in caplog.text


def test_manual_and_scan_never_build_a_loop_of_back(make_kiosk):
    kiosk = make_kiosk()
    shell = kiosk.shell
    shell.go("identify_manual")
    shell.go("scan")
    shell.go("identify_manual")                    # 改为手动输入
    assert shell.back_target() == "attract"
    shell.back()
    assert shell.property("screen") == "attract" and not shell.property("canGoBack")


def _to_first_question(kiosk, bundle_id: str = "newborn") -> None:
    answers = example(bundle_id, 1)
    identify_by_hand(kiosk, answers["applicant"]["name"], answers["applicant"]["id_number"])
    tap(kiosk, "startButton")
    tap(kiosk, f"bundle_{bundle_id}")
    pass_credit_notice(kiosk)
    assert kiosk.shell.property("screen") == "bundle_intro"
    tap(kiosk, "startFormButton")
    assert kiosk.shell.property("screen") == "question"


def test_back_from_the_first_question_then_start_again_keeps_the_answers(make_kiosk):
    """Dead end 1: 返回 → 办理须知 → 开始填写 did nothing ("cannot go from in_form to in_form")."""
    kiosk = make_kiosk()
    _to_first_question(kiosk)
    answers = example("newborn", 1)["answers"]
    first = answer_current(kiosk, answers)
    second = kiosk.form.property("fieldId")
    assert second != first
    tap(kiosk, "backButton")                       # a later question: 返回 is 上一题
    assert kiosk.shell.property("screen") == "question" and kiosk.form.property("fieldId") == first
    tap(kiosk, "backButton")                       # the first question: back to 办理须知
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert kiosk.session.state is State.IDENTIFIED
    tap(kiosk, "startFormButton")
    assert kiosk.shell.property("screen") == "question"
    assert kiosk.session.state is State.IN_FORM
    assert kiosk.form.property("fieldId") == first
    assert first in kiosk.journey.form.answers()        # the answer given before is kept
    assert kiosk.shell.refused_moves == []


def test_back_from_the_materials_reopens_the_last_question(make_kiosk):
    kiosk = make_kiosk()
    complete_sample_application(kiosk)
    kiosk.shell.jump("materials")
    settle(kiosk.app)
    tap(kiosk, "backButton")
    assert kiosk.shell.property("screen") == "question"
    last = kiosk.journey.form.visible_fields()[-1].id
    assert kiosk.form.property("fieldId") == last


def test_back_from_the_rating_to_the_receipt_then_on_again(make_kiosk):
    """Dead end 2: 返回 after 好差评 led to a receipt whose 下一步 was dead."""
    kiosk = make_kiosk()
    complete_sample_application(kiosk)
    kiosk.shell.jump("sign")
    kiosk.shell.forward()                          # sign → saving: the save starts
    for _ in range(100):
        settle(kiosk.app)
        kiosk.submit.wait()
        if kiosk.shell.property("screen") == "receipt":
            break
    assert kiosk.shell.property("screen") == "receipt"
    assert not kiosk.shell.property("canGoBack")   # saved: no way back into the application
    tap(kiosk, "toRatingButton")
    assert kiosk.shell.property("screen") == "rating" and kiosk.session.state is State.RATING
    tap(kiosk, "backButton")
    assert kiosk.shell.property("screen") == "receipt" and kiosk.session.state is State.SUBMITTED
    tap(kiosk, "toRatingButton")
    assert kiosk.shell.property("screen") == "rating"
    assert kiosk.shell.refused_moves == []


def test_after_rating_the_receipt_says_it_was_rated_and_offers_no_second_rating(make_kiosk):
    """The newcomer rated, pressed 返回, and the receipt still offered 下一步：评价本次服务."""
    from tests.ui.test_form_flow import find

    kiosk = make_kiosk()
    complete_sample_application(kiosk)
    kiosk.shell.jump("receipt")
    settle(kiosk.app)
    button = find(kiosk, "toRatingButton")
    assert button.property("text") == "下一步：评价本次服务"
    assert kiosk.shell.current_prompt().endswith("然后请为本次服务评价。")
    tap(kiosk, button)
    assert kiosk.shell.property("screen") == "rating"
    tap(kiosk, "rate5")
    tap(kiosk, "submitRatingButton")
    kiosk.rating.wait()
    settle(kiosk.app)
    assert kiosk.rating.property("state") == "thanked"
    tap(kiosk, "backButton")
    assert kiosk.shell.property("screen") == "receipt"
    button = find(kiosk, "toRatingButton")
    assert button.property("text") == "完成，结束办理"
    assert "已评价" in button.property("hint")
    assert "评价过了" in kiosk.shell.current_prompt()
    tap(kiosk, button)                                   # 完成: the visit ends, no second rating
    assert kiosk.shell.property("screen") == "attract"
    assert [e["event"] for e in kiosk.store.audit_entries()].count("rated") == 1


@pytest.mark.parametrize("screen_id", [s for s, spec in SCREENS.items() if not spec.overlay])
def test_the_back_button_shows_exactly_when_the_graph_offers_a_way_back(make_kiosk, screen_id):
    from kiosk.ui.screenshots import show_screen

    kiosk = make_kiosk()
    show_screen(kiosk, screen_id)
    settle(kiosk.app)
    shell = kiosk.shell
    button = find_item(kiosk, "backButton")
    shown = button is not None and button.isVisible()
    assert shown == (shell.property("showHome") and shell.property("canGoBack")), screen_id
    if shown:
        before = shell.property("screen")
        target = shell.back_target()
        tap(kiosk, button)
        after = shell.property("screen")
        assert after != before or screen_id == "question", f"返回 on {screen_id} did nothing"
        if screen_id != "question":
            assert after == target
    assert shell.refused_moves == []


def test_identification_leaves_no_way_back_into_the_typing_screen(make_kiosk):
    kiosk = make_kiosk()
    kiosk.shell.go("identify_manual")
    kiosk.shell.identified(Person("张三", "11010519491231002X"))
    assert kiosk.shell.property("screen") == "identified"
    assert not kiosk.shell.property("canGoBack")


def test_home_while_filling_in_asks_first_and_keeps_every_answer(make_kiosk):
    """The newcomer tapped 首页 on 核对信息 and lost fifteen answers and two photos in one tap."""
    kiosk = make_kiosk()
    _to_first_question(kiosk)
    answers = example("newborn", 1)["answers"]
    first = answer_current(kiosk, answers)
    here = kiosk.form.property("fieldId")
    tap(kiosk, "homeButton")
    assert kiosk.shell.property("leaveAsked") and kiosk.shell.property("screen") == "question"
    assert find_item(kiosk, "stayButton").isVisible() and find_item(kiosk, "leaveButton").isVisible()
    assert "还没有提交" in kiosk.shell.speak()                   # said, as every screen is
    tap(kiosk, "stayButton")                                     # 继续填写: nothing lost
    assert not kiosk.shell.property("leaveAsked")
    assert kiosk.form.property("fieldId") == here and first in kiosk.journey.form.answers()
    tap(kiosk, "homeButton")
    tap(kiosk, "leaveButton")                                    # 放弃填写，回首页: wiped as before
    assert kiosk.shell.property("screen") == "attract" and kiosk.session.state is State.IDLE
    assert not kiosk.shell.property("leaveAsked") and kiosk.journey.form is None


def test_home_goes_straight_home_where_nothing_would_be_lost(make_kiosk):
    kiosk = make_kiosk()
    answers = example("newborn", 1)
    identify_by_hand(kiosk, answers["applicant"]["name"], answers["applicant"]["id_number"])
    assert kiosk.shell.property("screen") == "identified"
    tap(kiosk, "homeButton")                                     # identified, nothing answered
    assert kiosk.shell.property("screen") == "attract" and not kiosk.shell.property("leaveAsked")
