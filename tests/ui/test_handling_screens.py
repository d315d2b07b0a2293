"""通办 on the screens, at the default station 210102-0001 (沈阳市和平区).

办理须知 knows only the card, and the person the matter concerns is often someone else: its notice
is a first judgement and 开始填写 stays. 核对 decides with the household answers: what this station
cannot take is left out, and when nothing is left the review says where to go and offers 回首页
instead of 确认 (spoken too)."""

from __future__ import annotations

import pytest

from kiosk.ui.screenshots import settle
from tests.ui.qml_tree import strings_in_tree
from tests.ui.test_form_flow import answer_everything, find, find_item, tap


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


@pytest.mark.slow
def test_nothing_this_station_can_take_ends_at_review_with_where_to_go(make_kiosk):
    """入学报名 of a child registered in 铁岭市昌图县 (属地 only): 核对 offers no 确认, says where to go
    and takes the resident home."""
    kiosk = make_kiosk()
    _, _, start_shown = _intro_then_review(kiosk, "school_enrolment")
    assert start_shown
    assert not find(kiosk, "reviewConfirmButton").isVisible()
    assert find(kiosk, "reviewHomeButton").isVisible()
    shown = " ".join(strings_in_tree(kiosk))
    assert "这件事本站不能办理" in shown and "铁岭市昌图县" in shown
    said = kiosk.shell.current_prompt()
    assert "铁岭市昌图县" in said and "回首页" in said
    tap(kiosk, "reviewHomeButton")
    assert kiosk.shell.property("screen") == "attract" and kiosk.journey.form is None
