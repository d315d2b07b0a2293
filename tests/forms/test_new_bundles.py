"""The rules the bundles of catalogue 2026.12.1 add, through fill() with their example answers
changed the way a resident might: who gets 特困 rather than 低保, the legal marriage age, one
household one homestead, 主动辞职 and 失业保险金, which utilities move with the house; and every
item of the new bundles says where it can be handled (通办), as the bundle file declares it."""

from __future__ import annotations

import json

import pytest

from forms import Catalogue
from forms.catalogue import SHIPPED_DIR
from forms.examples import example
from forms.filling import AnswersFile

NEW = ["school_enrolment", "social_card", "marriage_childbirth", "veteran", "hukou_move",
       "flexible_employment", "unemployment_benefit", "resident_medical", "social_assistance",
       "temporary_aid", "homestead",
       "senior_card", "family_planning_reward", "house_transfer", "restaurant"]


def _fill(shipped: Catalogue, bundle_id: str, variant: int = 0, unneeded: tuple[str, ...] = (), **answers):
    """The example with these answers changed; papers the change makes unneeded are left unsettled
    (settling a paper nobody needs is itself a mistake fill() reports)."""
    doc = example(bundle_id, variant, catalogue=shipped)
    doc["answers"].update(answers)
    for material_id in unneeded:
        doc["materials"].pop(material_id)
    return AnswersFile.from_document(doc).fill(catalogue=shipped)


def _items(result) -> list[str]:
    return [i.name for i in result.session.applicable_items()]


@pytest.mark.parametrize("bundle_id", NEW)
def test_every_item_of_the_new_bundles_says_where_it_is_handled(shipped: Catalogue, bundle_id: str) -> None:
    raw = json.loads((SHIPPED_DIR / f"{bundle_id}.json").read_text(encoding="utf-8"))
    assert {i.get("handled_where") for i in raw["items"]} <= {"local", "city", "province", "country"}
    assert all("handled_where" in i for i in raw["items"])
    assert bundle_id in {b.id for b in shipped.bundles}


def test_no_supporter_and_no_strength_means_tekun_not_dibao(shipped: Catalogue) -> None:
    tekun = _fill(shipped, "social_assistance", 0)
    assert tekun.ok, tekun.errors
    assert _items(tekun) == ["特困人员认定", "特困人员集中供养（入住敬老院）申请"]
    with_son = _fill(shipped, "social_assistance", 0, ("supporter_situation", "health_check"),
                     has_supporter=True)
    assert with_son.ok, with_son.errors
    assert _items(with_son) == ["最低生活保障审核确认"]
    assert "care_mode" not in with_son.payload["answers"]                  # the question went away


def test_the_legal_marriage_age_is_checked_on_both_sides(shipped: Catalogue) -> None:
    young = _fill(shipped, "marriage_childbirth", 0, spouse_id_number="210224200901012429")  # a girl of 17
    assert not young.ok
    assert young.errors["spouse_id_number"].startswith("对方还没到法定结婚年龄")
    same_sex = _fill(shipped, "marriage_childbirth", 0, spouse_id_number="210224199808192415")
    assert "民法典" in same_sex.errors["spouse_id_number"]


def test_a_second_homestead_needs_the_old_one_given_back(shipped: Catalogue) -> None:
    result = _fill(shipped, "homestead", 1, other_homestead=True, will_return=False)
    assert result.errors["other_homestead"].startswith("农村一户只能有一处宅基地")
    assert _fill(shipped, "homestead", 1, other_homestead=True, will_return=True).ok


def test_who_quit_is_told_at_the_question_not_at_the_window(shipped: Catalogue) -> None:
    result = _fill(shipped, "unemployment_benefit", 0, leave_reason="quit")
    assert set(result.errors) == {"leave_reason"}
    assert "主动辞职" in result.errors["leave_reason"] and "失业登记" in result.errors["leave_reason"]


def test_the_utilities_chosen_are_the_items_that_move_with_the_house(shipped: Catalogue) -> None:
    result = _fill(shipped, "house_transfer", 1, utilities=["gas"])
    assert result.ok, result.errors
    assert _items(result)[-1:] == ["燃气过户"]
    assert "供电过户" not in _items(result) and "power_account" not in result.payload["answers"]
    none = _fill(shipped, "house_transfer", 1, ("utility_settled",), utilities=[])
    assert none.ok and not {"供水过户", "供电过户", "燃气过户", "有线电视、宽带过户"} & set(_items(none))
