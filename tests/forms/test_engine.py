"""The form engine against a small bundle that uses every field type and condition kind."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from forms import Catalogue, FormSession, IncompleteFormError, MaterialChoiceError, UnknownFieldError, fill

from .conftest import ADULT_ID, HASH_A, HASH_B, TODAY, YOUNG_ID, good_answers

CARD = {
    "name": "张三",
    "id_number": ADULT_ID,
    "sex": "1",
    "birth_date": "19491231",
    "address": "辽宁省大连市中山区人民路1号",
    "card_type": " ",
}


def session(mini: Catalogue, **kwargs) -> FormSession:
    kwargs.setdefault("applicant", CARD)
    return FormSession(mini.bundle("mini"), today=TODAY, **kwargs)


@pytest.mark.parametrize(
    "field_id, value, stored",
    [
        ("note", " 你好 ", "你好"),
        ("count", "3", 3),
        ("count", 4.0, 4),
        ("amount", "1,000", "1000.00"),
        ("amount", 12.5, "12.50"),
        ("start_date", "2026年3月5日", "2026-03-05"),
        ("colour", "蓝", "blue"),
        ("tags", "乙，甲", ["a", "b"]),
        ("want_extra", "是", True),
        ("want_extra", 0, False),
        ("mobile", "+86 138 0024 0000", "13800240000"),
        ("who", "买买提 • 艾力", "买买提·艾力"),
        ("who_id", "11010519491231002x", ADULT_ID),
    ],
)
def test_each_type_normalises(mini: Catalogue, field_id: str, value, stored) -> None:
    s = session(mini)
    assert s.answer(field_id, value) == []
    assert s.answers()[field_id] == stored


@pytest.mark.parametrize(
    "field_id, value, fragment",
    [
        ("note", "一二三四五六", "最多 5 个字"),
        ("count", "三", "数字"),
        ("count", 1.5, "整数"),
        ("count", 10, "不能大于 9"),
        ("amount", "12.345", "两位小数"),
        ("amount", "2000", "不能大于 1000"),
        ("amount", "-1", "不能小于 0"),
        ("start_date", "2026-02-30", "真实的日期"),
        ("start_date", "2024-01-01", "不能早于"),
        ("start_date", "2026-12-01", "不能晚于"),
        ("colour", "green", "红、蓝"),
        ("tags", [], None),
        ("tags", ["x"], "不是可选项"),
        ("want_extra", "maybe", "“是”或“否”"),
        ("mobile", "12345", "11 位"),
        ("who", "Tom", "不能有“T”"),
        ("who_id", "110105194912310021", "校验位"),
    ],
)
def test_each_type_explains_bad_input(mini: Catalogue, field_id: str, value, fragment) -> None:
    s = session(mini)
    errors = s.answer(field_id, value)
    if fragment is None:  # empty value: clears; then the required message appears
        assert errors == [] or "请选择" in errors[0]
        return
    assert len(errors) == 1 and fragment in errors[0], errors
    assert field_id not in s.answers()


def test_page_four_types(mini: Catalogue) -> None:
    s = session(mini)
    s.answer("tags", ["c"])
    assert s.answer("home", {"city": "210200", "county": "210299", "detail": "人民路1号"})[0].startswith(
        "请选择大连市"
    )
    assert s.answer("home", {"city": "210200", "county": "210202"}) == [
        "请填写详细地址（街道、村、门牌号）。"
    ]
    assert s.answer("home", {"province": "110000", "detail": "x"}) == ["这里只能填写辽宁省内的地址。"]
    assert s.answer("card", "6217001234567890123")[0].startswith("银行卡号校验不通过")
    assert s.answer("rel", "配偶") == []
    assert s.answers()["rel"] == "spouse"
    assert s.answer("sign", "not-a-hash") == ["请在屏幕上签名。"]
    assert s.answer("sign", HASH_A.upper()) == []
    assert s.answer("photo", [HASH_B, HASH_B]) == []
    assert s.answers()["photo"] == [HASH_B]
    assert s.answer("agree", False) == ["需要您同意后才能继续办理；如有疑问可请工作人员说明。"]
    assert s.answer("agree", True) == []


def test_prefill_from_the_card_and_from_earlier_answers(mini: Catalogue) -> None:
    s = session(mini)
    assert s.current.field_id == "who" and s.current.prefilled and s.current.value == "张三"
    s.answer("tags", ["c"])
    home = s.answers()["home"]
    assert home == {"province": "210000", "city": "210200", "county": "210202", "detail": "人民路1号"}
    assert s.answers()["same_home"] == home  # follows the earlier answer until the resident changes it
    s.answer("home", {"city": "210100", "county": "210102", "detail": "南京北街1号"})
    assert s.answers()["same_home"]["county"] == "210102"
    s.answer("same_home", {"city": "211300", "county": "211302", "detail": "新华路66号"})
    s.answer("home", {"city": "210100", "county": "210103", "detail": "青年大街1号"})
    assert s.answers()["same_home"]["county"] == "211302"
    summary = {e.field_id: e for p in s.summary() for e in p.entries}
    assert summary["who"].prefilled and not summary["same_home"].prefilled


def test_a_bad_prefill_is_dropped_but_named_not_called_missing(mini: Catalogue) -> None:
    """Issue 15: a mistyped card number came back as "请填写“身份证号码”", as if none was given."""
    s = session(mini, applicant={"name": "X1", "id_number": "123"})
    assert "who" not in s.answers() and "who_id" not in s.answers()
    assert s.errors()["who"].startswith("证件信息中的“姓名”有误：")
    assert s.errors()["who_id"].startswith("证件信息中的")
    assert "18 位" in s.errors()["who_id"] and "请填写" not in s.errors()["who_id"]
    s.answer("who", "")  # the resident cleared it themselves: now it is simply missing
    assert s.errors()["who"] == "请填写“姓名”。"


def test_navigation_one_question_at_a_time(mini: Catalogue) -> None:
    s = session(mini)
    assert s.current.field_id == "who"
    assert s.next().field_id == "who_id"
    assert s.next().field_id == "mobile"
    assert s.next().field_id == "mobile"  # required and unanswered: stays, with its error
    assert s.current.error == "请填写“电话”。"
    s.answer("mobile", "13800240000")
    assert s.next().field_id == "note"
    assert s.next().field_id == "count"
    assert s.previous().field_id == "note"
    assert s.previous().field_id == "mobile"
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    s.goto("colour")
    assert s.next().field_id == "tags"
    assert s.next().field_id == "want_extra"
    assert s.next().field_id == "old_only"  # extra_reason (item dropped) and blue_only (hidden) skipped
    assert s.next() is None and s.at_end
    assert s.previous().field_id == "old_only"
    with pytest.raises(UnknownFieldError):
        s.goto("nope")


def test_changing_an_earlier_answer_hides_later_ones_and_drops_them_from_the_payload(mini: Catalogue) -> None:
    s = session(mini)
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    s.answer("colour", "blue")
    s.answer("blue_only", "天蓝")
    s.answer("want_extra", True)
    s.answer("extra_reason", "需要")
    assert {"blue_only", "extra_reason"} <= set(s.answers())
    assert [i.code for i in s.applicable_items()] == ["000000001000", "000000002000"]
    s.answer("colour", "red")
    s.answer("want_extra", False)
    assert "blue_only" not in s.answers() and "extra_reason" not in s.answers()
    assert [i.code for i in s.applicable_items()] == ["000000001000"]
    assert [i.code for i in s.dropped_items()] == ["000000002000"]
    s.set_material("proof", "provided", [HASH_A])
    payload = s.payload()
    assert "blue_only" not in payload["answers"] and "extra_reason" not in payload["answers"]
    s.answer("colour", "blue")  # toggling back restores the kept answer
    assert s.answers()["blue_only"] == "天蓝"


def test_requiredness_condition_and_cross_field_check(mini: Catalogue) -> None:
    s = session(mini, applicant={"name": "李明", "id_number": YOUNG_ID})
    assert "old_only" not in s.errors()  # 36 years old: not required
    s2 = session(mini)
    assert s2.errors()["old_only"] == "请填写“老人说明”。"  # 76: required
    s2.answer("start_date", "2026-06-01")
    assert s2.answer("end_date", "2026-05-01") == ["结束日期不能早于开始日期。"]
    assert s2.answer("end_date", "2026-06-02") == []


def test_materials_statuses_and_rules(mini: Catalogue) -> None:
    s = session(mini)
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    lines = {m.material_id: m for m in s.materials()}
    assert set(lines) == {"idcard", "proof"}
    assert lines["idcard"].status == "held_by_government" and "电子证照" in lines["idcard"].held_reason
    assert lines["proof"].status == "missing" and lines["proof"].can_defer and lines["proof"].can_promise
    assert s.material_errors() == {
        "materials.proof": "请处理材料“证明”：可拍摄提交，或容缺后补（5 个工作日内），或签署告知承诺。"
    }
    assert not s.is_complete()
    with pytest.raises(MaterialChoiceError, match="请先拍摄"):
        s.set_material("proof", "provided")
    with pytest.raises(MaterialChoiceError, match="SHA-256"):
        s.set_material("proof", "provided", ["abc"])
    with pytest.raises(MaterialChoiceError, match="没有现成的电子版"):
        s.set_material("proof", "held_by_government")
    with pytest.raises(MaterialChoiceError, match="不需要提交"):
        s.set_material("extra_paper", "provided", [HASH_A])
    with pytest.raises(MaterialChoiceError, match="没有“ghost”"):
        s.set_material("ghost", "provided", [HASH_A])
    with pytest.raises(MaterialChoiceError, match="无效"):
        s.set_material("proof", "lost")
    s.set_material("proof", "deferred")
    line = {m.material_id: m for m in s.materials()}["proof"]
    assert line.due_date == date(2026, 12, 4)  # Friday + 5 working days
    s.set_material("proof", "promised")
    commitment = s.commitment()
    assert commitment["text"].endswith("1. 本人承诺证明内容属实。")
    assert commitment["text_sha256"] == hashlib.sha256(commitment["text"].encode()).hexdigest()
    assert s.is_complete()
    s.set_material("proof", None)
    assert not s.is_complete()


def test_dropped_item_rules_apply_to_shared_materials(mini: Catalogue) -> None:
    s = session(mini)
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    s.answer("want_extra", True)
    s.answer("extra_reason", "需要")
    lines = {m.material_id: m for m in s.materials()}
    assert lines["made"].status == "held_by_government" and "办理后产生" in lines["made"].held_reason
    assert lines["extra_paper"].status == "missing" and not lines["extra_paper"].can_defer
    # proof is needed only by the first item, which allows both: still allowed
    s.set_material("proof", "deferred")
    s.set_material("extra_paper", "provided", [HASH_B])
    assert s.is_complete()


def test_scan_field_provides_its_material(mini: Catalogue) -> None:
    s = session(mini)
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    s.answer("tags", ["a", "c"])
    assert {m.material_id: m for m in s.materials()}["photo_mat"].status == "missing"
    s.answer("photo", [HASH_A])
    line = {m.material_id: m for m in s.materials()}["photo_mat"]
    assert line.status == "provided" and line.attachments == (HASH_A,)


def test_receipt_facts_and_payload_shape(mini: Catalogue) -> None:
    s = session(mini, agent={"id_number": YOUNG_ID, "name": "李明", "authorisation": "本人书面委托"})
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    s.set_material("proof", "deferred")
    facts = s.receipt_facts()
    assert facts["items"][0]["promised_date"] == "2026-12-02"  # 3 working days after Friday 27 Nov
    assert facts["dropped_items"][0]["code"] == "000000002000"
    assert facts["deferred"] == [{"material_id": "proof", "name": "证明", "due_date": "2026-12-04"}]
    payload = s.payload()
    assert set(payload) == {
        "bundle_id",
        "bundle_version",
        "item_codes",
        "form_version",
        "applicant",
        "agent",
        "answers",
        "materials",
        "commitment",
    }
    assert payload["applicant"] == {
        "id_type": "resident_id_card",
        "id_number": ADULT_ID,
        "name": "张三",
        "phone": "13800240000",
        "verified_by_card": True,
    }
    assert payload["agent"]["name"] == "李明"
    assert payload["answers"]["who_age"] == 76
    assert payload["materials"] == [
        {"material_id": "idcard", "status": "held_by_government", "attachments": []},
        {"material_id": "proof", "status": "deferred", "attachments": [], "deferred_until": "2026-12-04"},
    ]
    assert payload["commitment"] is None


def test_payload_refuses_an_incomplete_form(mini: Catalogue) -> None:
    with pytest.raises(IncompleteFormError) as info:
        session(mini).payload()
    assert "mobile" in info.value.errors


def test_fill_reports_every_problem_in_chinese(mini: Catalogue) -> None:
    result = fill(
        "mini",
        {"mobile": "123", "ghost": 1, "who_age": 3},
        catalogue=mini,
        today=TODAY,
        material_choices={"proof": "lost", "idcard": 7},
    )
    assert not result.ok and result.payload is None
    assert result.errors["mobile"].startswith("手机号码应为 11 位")
    assert "没有“ghost”这个问题" in result.errors["ghost"]
    assert "who_age" not in result.errors  # computed values are recomputed, input ignored
    assert "无效" in result.errors["materials.proof"]
    assert "materials.idcard" in result.errors
    assert result.errors["who"] == "请填写“姓名”。"  # no card given: nothing prefilled


def test_fill_succeeds_with_attachments(mini: Catalogue) -> None:
    answers = dict(good_answers(), who="张三", who_id=ADULT_ID)
    result = fill("mini", answers, attachments={"proof": [HASH_A]}, catalogue=mini, today=TODAY)
    assert result.ok, result.errors
    assert result.payload["materials"][1] == {
        "material_id": "proof",
        "status": "provided",
        "attachments": [HASH_A],
    }
    assert result.payload["applicant"]["verified_by_card"] is False
    empty = fill("mini", {**answers, "want_extra": True}, catalogue=mini, today=TODAY)
    assert "extra_reason" in empty.errors


def test_no_item_applies_is_an_error(mini: Catalogue) -> None:
    doc = mini.document()
    doc["bundles"][0]["items"][0]["applies_if"] = 'colour == "blue"'
    other = Catalogue.from_document(doc)
    result = fill("mini", good_answers(), applicant=CARD, catalogue=other, today=TODAY)
    assert "items" in result.errors


def test_agent_is_checked_and_normalised(mini: Catalogue) -> None:
    answers = dict(good_answers(), who="张三", who_id=ADULT_ID)
    bad = fill(
        "mini",
        answers,
        attachments={"proof": [HASH_A]},
        catalogue=mini,
        today=TODAY,
        agent={"name": "A", "id_number": ADULT_ID, "authorisation": " "},
    )
    assert set(bad.errors) == {"agent.name", "agent.id_number", "agent.authorisation"}
    assert bad.errors["agent.id_number"].startswith("代办人不能是申请人本人")
    good = fill(
        "mini",
        answers,
        attachments={"proof": [HASH_A]},
        catalogue=mini,
        today=TODAY,
        agent={"name": " 李明 ", "id_number": "21010219900101231x", "authorisation": "本人书面委托 "},
    )
    assert good.ok and good.payload["agent"] == {
        "id_number": YOUNG_ID,
        "name": "李明",
        "authorisation": "本人书面委托",
    }


def test_platform_shared_data_prefills_and_is_confirmed(shipped: Catalogue) -> None:
    s = FormSession(
        shipped.bundle("retirement"),
        applicant=CARD,
        today=TODAY,
        prefill={"pension_insured_years": 35, "medical_insured_years": "abc"},
    )
    s.goto("insured_years")
    assert s.current.value == 35 and s.current.prefilled
    s.next()
    summary = {e.field_id: e for p in s.summary() for e in p.entries}
    assert not summary["insured_years"].prefilled  # moving on confirmed it
    s.answer("medical_insured", True)
    assert "medical_years" not in s.answers()  # a shared value that does not validate is not used


def test_draft_round_trip_keeps_hidden_and_invalid_answers(mini: Catalogue) -> None:
    s = session(mini)
    for field_id, value in good_answers().items():
        s.answer(field_id, value)
    s.answer("colour", "blue")
    s.answer("blue_only", "天蓝")
    s.answer("colour", "red")
    s.answer("count", "很多")
    s.set_material("proof", "deferred")
    s.goto("amount")
    draft = s.draft()
    assert draft["answers"]["blue_only"] == "天蓝" and draft["answers"]["count"] == "很多"
    assert "who" not in draft["answers"]  # prefilled from the card: comes back from the card
    again = FormSession.from_draft(mini.bundle("mini"), draft, applicant=CARD, today=TODAY)
    assert again.current.field_id == "amount"
    assert again.errors()["count"] == s.errors()["count"]
    assert again.answers() == s.answers()
    assert {m.material_id: m.status for m in again.materials()}["proof"] == "deferred"
    draft["answers"]["removed_field"] = 1
    draft["materials"]["ghost"] = {"status": "provided", "attachments": []}
    FormSession.from_draft(mini.bundle("mini"), draft, applicant=CARD, today=TODAY)


def test_forms_never_imports_qt_or_the_kiosk() -> None:
    import subprocess
    import sys

    code = (
        "import sys, forms, forms.cli, forms.credit, forms.examples, forms.outline; "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'kiosk', 'sync', 'devices'))]; "
        "assert not bad, bad"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        timeout=60,
        cwd=__import__("pathlib").Path(__file__).resolve().parents[2],
    )


@pytest.mark.parametrize("bundle_id, name_field, id_field", [
    ("senior_allowance", "elder_name", "elder_id_number"),
    ("disability_subsidies", "disabled_name", "disabled_id_number"),
])
def test_someone_elses_name_and_number_are_not_the_applicants(shipped: Catalogue, bundle_id, name_field,
                                                            id_field) -> None:
    """是否为自己申请 = 否: 老人姓名 and 老人身份证号码 were prefilled with the applicant's own, and the
    ID question opened already in error (the check says they must differ). `prefill_if` follows the
    applicant's answers only for oneself."""
    s = FormSession(shipped.bundle(bundle_id), applicant=CARD, today=TODAY)
    s.answer("for_self", False)
    s.goto(name_field)
    assert s.current.value is None and not s.current.prefilled
    s.goto(id_field)
    assert s.current.value is None and not s.current.prefilled
    assert s.errors()[id_field].startswith("请填写")             # not yet answered, not "wrong"
    s.answer("for_self", True)                                   # for oneself: still prefilled
    s.goto(name_field)
    assert s.current.value == CARD["name"] and s.current.prefilled


@pytest.mark.parametrize("bundle_id, name_field, id_field", [
    ("senior_allowance", "elder_name", "elder_id_number"),
    ("disability_subsidies", "disabled_name", "disabled_id_number"),
])
def test_turning_to_oneself_forgets_what_was_typed_for_someone_else(shipped: Catalogue, bundle_id,
                                                                  name_field, id_field) -> None:
    """The walk: 否, the mother's name and number typed, then 是 — her name stayed, in error."""
    s = FormSession(shipped.bundle(bundle_id), applicant=CARD, today=TODAY)
    s.answer("for_self", False)
    s.answer(name_field, "张桂兰")
    s.answer(id_field, "210213194202152824")
    s.answer("for_self", True)
    s.goto(name_field)
    assert s.current.value == CARD["name"] and s.current.prefilled
    s.goto(id_field)
    assert s.current.value == CARD["id_number"] and s.current.prefilled
    assert name_field not in s.errors() and id_field not in s.errors()
    s.answer("for_self", True)                                   # the same answer again: nothing lost
    s.answer(name_field, CARD["name"])
    s.answer("for_self", True)
    assert s.answers()[name_field] == CARD["name"]


def test_relation_questions_never_offer_oneself(shipped: Catalogue) -> None:
    """您是老人的 offered 本人 right after 是否为自己申请 = 否."""
    for bundle in shipped.bundles:
        for f in bundle.fields.values():
            if f.type == "relation":
                assert "本人" not in [o.label for o in f.options], (bundle.id, f.id)
                assert "self" not in [o.value for o in f.options], (bundle.id, f.id)


def test_a_missing_consent_names_the_button_by_its_words(mini: Catalogue) -> None:
    """The error said 点“我同意” while the button reads 我已阅读并同意."""
    from forms import fieldtypes
    from forms.engine import _required_message

    consent = next(f for f in mini.bundle("mini").fields.values() if f.type == "consent")
    assert "我已阅读并同意" in _required_message(consent)
    assert "我已阅读并同意" in fieldtypes.normalise(consent, "也许", TODAY)[1]
