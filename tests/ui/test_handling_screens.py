"""通办 on the screens, at the default station 210102-0001 (沈阳市和平区).

办理须知 knows only the card. When no answer can change the outcome it says there, before any
question, that this station cannot take it (打印办理指引, 回首页); otherwise its notice is a first
judgement and 开始填写 stays, and an answer that settles it (no 居住证) ends the questions. 核对
decides with the answers: when nothing is left, where to go is at the top with 打印办理指引 and
回首页 under it, instead of 确认 (spoken too)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from devices.printer.simulator import start_simulated_printer
from forms.examples import example
from kiosk.ui.screenshots import settle
from tests.ui.qml_tree import strings_in_tree
from tests.ui.test_form_flow import (
    answer_current,
    answer_everything,
    find,
    find_item,
    identify_by_hand_quickly,
    pass_credit_notice,
    tap,
)


def _intro_then_review(kiosk, bundle_id: str) -> tuple[str, str, bool]:
    """Walk the bundle by touch; returns 办理须知's notice heading and note, and whether 开始填写
    showed."""
    shown: dict = {}
    original = kiosk.shell.property

    def watch_intro() -> None:
        if original("screen") == "bundle_intro" and "heading" not in shown:
            settle(kiosk.app, 1)
            shown["heading"] = find(kiosk, "handlingHeading").property("text")
            shown["note"] = find(kiosk, "handlingNote").property("text")
            shown["start"] = find(kiosk, "startFormButton").isVisible()

    kiosk.shell.changed.connect(watch_intro)
    answer_everything(kiosk, bundle_id)
    kiosk.shell.changed.disconnect(watch_intro)
    return shown.get("heading", ""), shown.get("note", ""), shown.get("start", False)


@pytest.mark.slow
def test_the_card_says_elsewhere_but_the_elders_household_is_served_here(make_kiosk):
    """高龄津贴 for an elder registered in 沈阳市铁西区, asked by a son whose card is from 营口:
    the card alone says 本站不能办理 (provisional, 开始填写 stays); the answers say 本站代收."""
    kiosk = make_kiosk()
    heading, note, start_shown = _intro_then_review(kiosk, "senior_allowance")
    assert heading == "！ 这件事本站可能不能办理" and "初步判断" in note and "按户籍再核对" in note
    assert start_shown
    assert find(kiosk, "reviewConfirmButton").isVisible()
    assert find_item(kiosk, "reviewHomeButton") is None or not find(kiosk, "reviewHomeButton").isVisible()
    assert "本站代收" in " ".join(strings_in_tree(kiosk))
    assert kiosk.handling.property("note") == "" and not find(kiosk, "handlingNote").isVisible()
    tap(kiosk, "reviewConfirmButton")
    assert not kiosk.form.property("reviewErrorsShown")


def _to_intro(kiosk, bundle_id: str, person: dict) -> None:
    identify_by_hand_quickly(kiosk, person)
    assert kiosk.shell.property("screen") == "choose_bundle"
    kiosk.bundles.choose(bundle_id)
    pass_credit_notice(kiosk)
    assert kiosk.shell.property("screen") == "bundle_intro"


def _on_screen_without_scrolling(kiosk, name: str) -> bool:
    item = find(kiosk, name)
    bottom = item.mapToScene(QPointF(0, item.height())).y()
    return item.isVisible() and bottom <= kiosk.window.height()


def _print_on_simulator(kiosk, tmp_path) -> str:
    """Tap 打印办理指引 with the receipt printer's real driver on the ESC/POS simulator; the text."""
    sim, printer = start_simulated_printer(80, out_dir=tmp_path)
    kiosk.handling._print = printer.print_guidance
    try:
        tap(kiosk, "printGuidanceButton")
        kiosk.handling.wait()
        settle(kiosk.app, 2)
        assert sim.wait_for_pages(1, timeout=30)
        return "".join(line.strip() for line in sim.text_log())
    finally:
        printer.close()
        sim.stop()


@pytest.mark.slow
def test_nothing_this_station_can_take_is_said_on_the_intro_before_any_question(make_kiosk, tmp_path):
    """入学报名 (属地 only, no household question: the card is all the rule will ever read) of a
    parent registered in 铁岭市昌图县: 办理须知 says plainly, before any question, that this station
    cannot take it and where to go; 打印办理指引 and 回首页 instead of 开始填写."""
    kiosk = make_kiosk()
    person = example("school_enrolment")["applicant"]
    _to_intro(kiosk, "school_enrolment", person)
    assert kiosk.handling.property("settled")
    assert find(kiosk, "handlingHeading").property("text") == "！ 这件事本站不能办理"
    assert not find(kiosk, "startFormButton").isVisible()
    assert _on_screen_without_scrolling(kiosk, "printGuidanceButton")
    assert _on_screen_without_scrolling(kiosk, "reviewHomeButton")
    shown = " ".join(strings_in_tree(kiosk))
    assert "可能" not in find(kiosk, "handlingHeading").property("text") and "铁岭市昌图县" in shown
    said = kiosk.shell.current_prompt()
    assert said.startswith("这件事本站不能办理") and "铁岭市昌图县" in said and "开始填写" not in said
    assert "上面" not in said and "回首页" in said
    text = _print_on_simulator(kiosk, tmp_path)
    assert "请到：铁岭市昌图县" in text and "请带上：· 本人居民身份证" in text
    assert person["id_number"] not in text and person["id_number"][-4:] in text
    assert find(kiosk, "guidancePrintMessage").property("text") == "办理指引已打印，请从出纸口取走。"
    tap(kiosk, "reviewHomeButton")
    assert kiosk.shell.property("screen") == "attract" and kiosk.journey.form is None


ZHANG_SAN = {"name": "张三", "id_number": "110101195001011239"}


def _senior_card_until_review(kiosk, answers: dict) -> list[str]:
    _to_intro(kiosk, "senior_card", ZHANG_SAN)
    assert not kiosk.handling.property("settled")          # a 居住证 may still let the station take it
    assert "居住证" in find(kiosk, "handlingNote").property("text")
    tap(kiosk, "startFormButton")
    seen = []
    while kiosk.shell.property("screen") == "question" and len(seen) < 30:
        seen.append(answer_current(kiosk, answers))
    return seen


@pytest.mark.slow
def test_no_residence_permit_ends_the_questions_at_review_with_where_to_go_on_top(make_kiosk, tmp_path):
    """张三 (北京户籍) for 老年人优待证, no 居住证 here: once he says so the questions stop; 核对 says
    where to go at the top, 打印办理指引 and 回首页 on screen without scrolling, and says so aloud."""
    kiosk = make_kiosk()
    answers = {"applicant_phone": "13800240000", "for_self": True, "hukou_in_province": False,
               "has_residence_permit": False}
    seen = _senior_card_until_review(kiosk, answers)
    assert seen[-1] == "has_residence_permit" and kiosk.shell.property("screen") == "review"
    assert kiosk.handling.property("nothingHere")
    assert not find(kiosk, "reviewConfirmButton").isVisible()
    for name in ("handlingHeading", "printGuidanceButton", "reviewHomeButton"):
        assert _on_screen_without_scrolling(kiosk, name), name
    assert "北京市" in find(kiosk, "handlingNote").property("text")
    # the scroll cue's own "回到上面" aside, nothing points up at words that may be scrolled off
    assert not [t for t in strings_in_tree(kiosk) if "上面" in t and "最下面" not in t]
    said = kiosk.shell.current_prompt()
    assert "确认无误" not in said and "北京市" in said and "打印办理指引" in said and "上面" not in said
    text = _print_on_simulator(kiosk, tmp_path)
    assert "请到：北京市民政部门（老龄工作机构）" in text and "110101195001011239" not in text


@pytest.mark.slow
def test_a_local_residence_permit_goes_on_and_is_taken_here(make_kiosk):
    kiosk = make_kiosk()
    answers = {**example("senior_card")["answers"], "hukou_in_province": False,
               "has_residence_permit": True}
    seen = _senior_card_until_review(kiosk, answers)
    assert "pickup" in seen and "truth_consent" in seen
    if kiosk.shell.property("screen") == "materials":
        kiosk.shell.jump("review")
    assert not kiosk.handling.property("nothingHere")
    assert find(kiosk, "reviewConfirmButton").isVisible()
    codes = kiosk.journey.payload()["item_codes"]
    assert "004200101000" in codes
