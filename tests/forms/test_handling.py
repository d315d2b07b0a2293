"""通办 (forms.handling): every shipped item says where it can be handled; the one rule decides
per item whether this station takes it, who handles it, or where the resident must go."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms import FormSession, load_catalogue
from forms.handling import Place, decide, for_form, place_name, resident_place, with_handling
from forms.validators import id_check_digit

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "forms" / "catalogue"
STATION = "210102"          # 沈阳市和平区 (the demo station 210102-0001)


def id_number(prefix: str, birth: str = "19800101", seq: str = "123") -> str:
    first = prefix + birth + seq
    return first + id_check_digit(first)


def test_every_shipped_item_says_where_it_can_be_handled():
    missing = []
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        if path.name == "index.json":
            continue
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
            if item.get("handled_where") not in ("local", "city", "province", "country"):
                missing.append(f"{path.name}: {item['code']} {item['name']}")
    assert not missing, "items without handled_where:\n" + "\n".join(missing)
    loaded = {item.handled_where for bundle in load_catalogue().bundles for item in bundle.items}
    assert loaded <= {"local", "city", "province", "country"} and None not in loaded


def _item(bundle_id: str, code: str):
    return load_catalogue().bundle(bundle_id).item(code)


def test_a_province_wide_item_from_another_city_is_collected_here_for_the_residents_county():
    pension = _item("resident_pension", "002000701000")          # 全省通办
    decision = decide(pension, Place("210211", "household_answer"), STATION)   # 大连市甘井子区
    assert decision.here and decision.collected_here
    assert decision.division_code == "210211" and decision.division_name == "大连市甘井子区"
    assert decision.handled_by.startswith("大连市甘井子区人力资源和社会保障部门")
    assert "本站代收" in decision.sentence and "全省通办" in decision.sentence
    assert decision.payload()["division_code"] == "210211"


def test_a_local_item_is_taken_only_in_the_residents_own_county():
    hukou = _item("after_death", "000700202000")                  # 死亡户口注销, 属地
    home = decide(hukou, Place(STATION, "household_answer"), STATION)
    assert home.here and not home.collected_here and "本地沈阳市和平区" in home.sentence
    away = decide(hukou, Place("210103", "household_answer"), STATION)         # 沈阳市沈河区
    assert not away.here
    assert away.sentence == ("“死亡户口注销”只能在户籍所在地办理，本站不能代收。"
                             "这件事要到户籍所在地沈阳市沈河区的公安机关户籍管理部门办理。")


def test_city_and_country_levels():
    allowance = _item("senior_allowance", "000500201000")        # 全市通办
    assert decide(allowance, Place("210103", "id_card_address"), STATION).here
    refused = decide(allowance, Place("210211", "id_card_address"), STATION)
    assert not refused.here and "只能在户籍所在的市内办理" in refused.sentence
    assert "大连市甘井子区" in refused.sentence
    subsidy = _item("disability_subsidies", "000500301000")       # 跨省通办
    outside = decide(subsidy, Place("220000", "id_number"), STATION)           # 吉林省, only the province
    assert outside.here and outside.collected_here and outside.division_code == "220000"
    assert outside.handled_by.startswith("吉林省民政部门")
    pension = _item("resident_pension", "002000701000")
    assert not decide(pension, Place("220102", "id_number"), STATION).here


def test_a_place_known_only_to_the_city_does_not_pass_for_the_county():
    hukou = _item("after_death", "000700202000")
    assert not decide(hukou, Place("210100", "id_number"), STATION).here


def test_the_household_answer_wins_over_the_card_address_and_the_id_number():
    bundle = load_catalogue().bundle("resident_pension")
    card = {"name": "李明", "id_number": id_number("211302"), "address": "辽宁省大连市甘井子区红旗街1号"}
    assert resident_place(bundle, {}, card) == Place("210211", "id_card_address")
    answers = {"hukou_address": {"province": "210000", "city": "210100", "county": "210103", "detail": "x"}}
    assert resident_place(bundle, answers, card) == Place("210103", "household_answer")
    assert resident_place(bundle, {}, {"id_number": card["id_number"]}) == Place("211302", "id_number")
    # a county code that no longer exists keeps the city it names
    assert resident_place(bundle, {}, {"id_number": id_number("210199")}) == Place("210100", "id_number")
    assert resident_place(bundle, {}, {"id_number": id_number("810000")}) is None


@pytest.mark.parametrize("code,name", [("210102", "沈阳市和平区"), ("210100", "沈阳市"), ("220000", "吉林省"),
                                       ("210000", "辽宁省")])
def test_place_names(code, name):
    assert place_name(code) == name


def test_the_payload_carries_only_the_items_taken_here_each_with_its_division():
    bundle = load_catalogue().bundle("after_death")
    form = FormSession(bundle, applicant={"name": "李明", "id_number": id_number("210103"),
                                          "address": "辽宁省沈阳市沈河区北站路1号"})
    decisions = for_form(form, STATION, items=list(bundle.items))
    refused = [d for d in decisions if not d.here]
    assert [d.item_code for d in refused] == ["000700202000"]           # 死亡户口注销: 属地
    payload = with_handling({"item_codes": [i.code for i in bundle.items]}, decisions)
    assert "000700202000" not in payload["item_codes"] and len(payload["item_codes"]) == 5
    assert {h["division_code"] for h in payload["handling"]} == {"210103"}
    assert all(h["collected_by_other_division"] for h in payload["handling"])


ZHANG_SAN = {"name": "张三", "id_number": id_number("110101", "19500101"), "address": ""}   # 北京户籍, 76 岁


def _senior_card(**answers) -> FormSession:
    form = FormSession(load_catalogue().bundle("senior_card"), applicant=ZHANG_SAN)
    for field_id, value in {"applicant_phone": "13800240000", "for_self": True, **answers}.items():
        assert form.answer(field_id, value) == [], field_id
    return form


def test_a_local_residence_permit_lets_this_station_take_the_card_of_someone_registered_elsewhere():
    """优待证: 户籍在本省或常住（居住证）. The form asks about the 居住证 only of an elder registered
    outside Liaoning, and the one rule reads that answer."""
    asked_first = _senior_card()
    assert "has_residence_permit" not in [f.id for f in asked_first.visible_fields()]
    card = _item("senior_card", "004200101000")
    without = {d.item_code: d for d in for_form(_senior_card(hukou_in_province=False,
                                                             has_residence_permit=False), STATION)}
    assert not without[card.code].here and "北京市" in without[card.code].sentence
    assert without[card.code].final
    holder = _senior_card(hukou_in_province=False, has_residence_permit=True, want_e_card=True,
                          want_bus_card=True)
    assert "has_residence_permit" in [f.id for f in holder.visible_fields()]
    decisions = {d.item_code: d for d in for_form(holder, STATION)}
    assert decisions[card.code].here and decisions["004200102000"].here
    assert decisions[card.code].division_code == STATION and "居住证" in decisions[card.code].sentence
    assert not decisions["004200103000"].here       # 公交老年卡: 属地 by 户籍, no 居住证 clause
    payload = with_handling(holder.payload() if holder.is_complete() else
                            {"item_codes": [i.code for i in holder.applicable_items()]},
                            list(decisions.values()))
    assert payload["item_codes"] == ["004200101000", "004200102000"]
    materials = {m.material.id for m in holder.materials()}
    assert "residence_permit" in materials


def test_a_refusal_is_final_only_when_no_answer_to_come_can_change_it():
    """Before any question: 优待证 may still be taken on a 居住证 (not final); 死亡户口注销 reads the
    deceased's 户口 answer (not final); an item with neither is final from the card."""
    open_card = {d.item_code: d for d in for_form(_senior_card(), STATION)}
    assert not open_card["004200101000"].here and not open_card["004200101000"].final
    assert open_card["004200101000"].department == "民政部门（老龄工作机构）"
    deceased = FormSession(load_catalogue().bundle("after_death"), applicant=ZHANG_SAN)
    assert not any(d.final for d in for_form(deceased, STATION, list(deceased.bundle.items)))


@pytest.mark.parametrize("bundle_id, codes", [
    ("flexible_employment", ["003600101000"]),
    ("resident_medical", ["003800101000", "003800102000"]),
])
def test_insurance_in_the_place_of_residence_on_a_local_residence_permit(bundle_id, codes):
    """灵活就业 / 城乡居民医保: “户口不在本省的，持居住证也可以在这里参保”. The 户籍地址 takes another
    province; the 居住证 question shows only for one, and the rule reads it."""
    bundle = load_catalogue().bundle(bundle_id)
    form = FormSession(bundle, applicant=ZHANG_SAN)
    beijing = {"province": "110000", "detail": "北京市东城区景山街道1号"}
    assert form.answer("hukou_address", {"province": "210000", "city": "210100", "county": "210102",
                                         "detail": "南京北街1号"}) == []
    assert "has_residence_permit" not in [f.id for f in form.visible_fields()]
    assert form.answer("hukou_address", beijing) == []
    assert "has_residence_permit" in [f.id for f in form.visible_fields()]
    items = [bundle.item(code) for code in codes]
    assert form.answer("has_residence_permit", False) == []
    refused = for_form(form, STATION, items)
    assert not any(d.here for d in refused) and all(d.division_name == "北京市" for d in refused)
    assert form.answer("has_residence_permit", True) == []
    taken = for_form(form, STATION, items)
    assert all(d.here and d.division_code == STATION for d in taken)


def test_temporary_aid_where_one_lives_on_a_local_residence_permit():
    bundle = load_catalogue().bundle("temporary_aid")
    form = FormSession(bundle, applicant=ZHANG_SAN)
    urgent = [bundle.item("004000101000")]
    assert form.answer("hukou_status", "elsewhere") == []
    assert not for_form(form, STATION, urgent)[0].here
    assert form.answer("hukou_status", "permit") == []
    assert for_form(form, STATION, urgent)[0].here


def test_a_prefilled_household_answer_is_not_final_until_confirmed():
    """高龄津贴: the elder's 户籍地址 is prefilled from the son's card (营口); it may still become the
    elder's own: nothing is final until the resident confirms or changes it."""
    bundle = load_catalogue().bundle("senior_allowance")
    son = {"name": "张国强", "id_number": "210881198808085615",
           "address": "辽宁省营口市盖州市鼓楼街道明珠路5号"}
    form = FormSession(bundle, applicant=son)
    assert not any(d.final for d in for_form(form, STATION, list(bundle.items)))
