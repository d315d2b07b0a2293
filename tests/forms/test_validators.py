"""Chinese data validators: each returns None or a Chinese message that says how to fix it."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms import validators as v
from forms.divisions import PROVINCES

TODAY = date(2026, 11, 27)


def make_id(prefix: str, born: str, seq: str) -> str:
    body = prefix + born + seq
    return body + v.id_check_digit(body)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "11010519491231002x",
        " 110105 19491231 002X ",
        "２１０１０２１９９００１０１２３１Ｘ",
        make_id("210102", "20000229", "123"),
    ],
)
def test_valid_resident_ids(number: str) -> None:
    assert v.check_id_number(number, today=TODAY) is None


@pytest.mark.parametrize(
    "number, fragment",
    [
        ("", "请填写"),
        ("110105194912310", "15 位"),
        ("1101051949123100", "18 位"),
        ("11010519491231002Y", "数字或字母 X"),
        ("110105194912310021", "校验位"),
        (make_id("990105", "19491231", "002"), "省级"),
        (make_id("710105", "19491231", "002"), "省级"),
        (make_id("210102", "19490231", "002"), "真实的日期"),
        (make_id("210102", "20300101", "002"), "晚于今天"),
        (make_id("210102", "18800101", "002"), "1890"),
        (make_id("810000", "19900101", "002"), "港澳台"),
    ],
)
def test_invalid_resident_ids_say_why(number: str, fragment: str) -> None:
    message = v.check_id_number(number, today=TODAY)
    assert message is not None and fragment in message


def test_hmt_permits() -> None:
    assert v.check_hmt_permit("810000199408230021", today=TODAY) is None
    assert v.check_hmt_permit("830000199201300022", today=TODAY) is None
    assert v.check_hmt_permit(make_id("820000", "19800101", "001"), today=TODAY) is None
    assert "810000" in v.check_hmt_permit(make_id("840000", "19800101", "001"), today=TODAY)
    assert "校验位" in v.check_hmt_permit("810000199408230022", today=TODAY)


def test_foreign_permanent_residence_both_versions() -> None:
    assert v.check_foreign_permanent_residence("USA330112345678") is None  # 2017: 3 letters + 12 digits
    new = "9" + "11" + "840" + "19800101" + "001"
    assert v.check_foreign_permanent_residence(new + v.id_check_digit(new), today=TODAY) is None
    assert "校验位" in v.check_foreign_permanent_residence(
        new + ("0" if v.id_check_digit(new) != "0" else "1")
    )
    bad_province = "9" + "99" + "840" + "19800101" + "001"
    assert "省级" in v.check_foreign_permanent_residence(bad_province + v.id_check_digit(bad_province))
    assert "18 位" in v.check_foreign_permanent_residence("US330112345678")


def test_any_id_picks_the_validator_by_shape() -> None:
    assert v.id_kind("810000199408230021") == "hmt"
    assert v.id_kind("USA330112345678") == "foreign"
    assert v.id_kind("11010519491231002X") == "resident"
    assert v.check_any_id("810000199408230021", ("resident",)) is not None
    assert v.check_any_id("810000199408230021", ("resident", "hmt")) is None
    assert v.check_any_id("123", ("hmt",)) is not None


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_id_validators_never_raise(text: str) -> None:
    for check in (v.check_id_number, v.check_hmt_permit, v.check_foreign_permanent_residence, v.check_any_id):
        result = check(text)
        assert result is None or isinstance(result, str)


@given(
    st.sampled_from(sorted(p[:2] for p in PROVINCES if p[:2] not in ("71", "81", "82"))),
    st.dates(date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)
@settings(max_examples=200, deadline=None)
def test_every_generated_valid_id_passes(province: str, born: date, seq: int) -> None:
    number = make_id(province + "0102", born.strftime("%Y%m%d"), f"{seq:03d}")
    assert v.check_id_number(number, today=TODAY) is None


def test_uscc() -> None:
    assert v.check_uscc("91350100M000100Y43") is None
    assert v.check_uscc("91210200MA0Y1B2C38") is None
    assert "校验位" in v.check_uscc("91210200MA0Y1B2C37")
    assert "I、O、Z、S、V" in v.check_uscc("91210200MA0Y1B2CO8")
    assert "18 位" in v.check_uscc("9121020")
    assert "行政区划" in v.check_uscc("91990200MA0Y1B2C3" + v.uscc_check_char("91990200MA0Y1B2C3"))


def test_phones() -> None:
    assert v.check_mobile("13800240000") is None
    assert v.check_mobile("+86 138-0024-0000") is None
    assert v.normalise_mobile("+86 138-0024-0000") == "13800240000"
    assert "11 位" in v.check_mobile("1380024000")
    assert "13 至 19" in v.check_mobile("12800240000")
    assert "数字" in v.check_mobile("1380024000a")
    assert v.check_landline("024-22222222") is None
    assert v.check_landline("0421-3812345") is None
    assert v.check_landline("22222222") is not None


def test_bank_cards() -> None:
    assert v.check_bank_card("6217001234567890122") is None
    assert v.check_bank_card("6217 0012 3456 7890 122") is None
    assert "校验" in v.check_bank_card("6217001234567890123")
    assert v.check_bank_card("6217001234567890123", luhn=False) is None
    assert "16 至 19" in v.check_bank_card("12345")


@pytest.mark.parametrize(
    "name", ["王喆", "张堃", "李昇", "刘淼", "买买提·艾力", "阿依古丽•买买提", "欧阳娜娜", "𠀀明", "\ue000华"]
)
def test_names_accept_rare_characters_and_the_middle_dot(name: str) -> None:
    assert v.check_name(name) is None


def test_name_normalisation_and_errors() -> None:
    assert v.normalise_name(" 买买提 • 艾力 ") == "买买提·艾力"
    assert "间隔号" in v.check_name("·艾力")
    assert "间隔号" in v.check_name("买买提··艾力")
    assert "数字" in v.check_name("王1")
    assert "两个字" in v.check_name("王")
    assert v.check_name("John Smith", allow_latin=True) is None
    assert v.check_name("John") is not None
    # pinyin left over (the newcomer saw 姓名中不能有“l”, an l that reads as I or 1)
    assert "拼音字母没有选成汉字" in v.check_name("王l")
    assert "30" in v.check_name("王" * 31)


def test_money_and_dates() -> None:
    assert v.normalise_money("1,234.5") == "1234.50"
    assert v.normalise_money("１２元") == "12.00"
    assert v.normalise_money("1.234") is None
    assert v.normalise_money("abc") is None
    assert v.normalise_money(True) is None
    assert v.parse_date("2024年3月5日") == date(2024, 3, 5)
    assert v.parse_date("2024/3/5") == date(2024, 3, 5)
    assert v.parse_date("20240305") == date(2024, 3, 5)
    assert v.parse_date("2023-02-29") is None
    assert v.check_date("2024-03-05", earliest=date(2024, 4, 1)) is not None
    assert v.check_date("2024-03-05", latest=date(2024, 3, 1)) is not None
    assert v.check_date_range("2024-03-05", "2024-03-01") is not None
    assert v.check_date_range("2024-03-01", "2024-03-05") is None


def test_money_beyond_any_fee_is_not_an_amount():
    from forms.validators import normalise_money

    assert normalise_money("1e30") is None
    assert normalise_money("123456789012345678901234567890") is None
    assert normalise_money("1,234.5") == "1234.50"


# ---- issue 15: one digit rule, NFKC then ASCII 0-9 only ----------------------------------------
VALID = "210402197802193429"


@pytest.mark.parametrize("digit", ["፬", "٤", "۴", "४", "৪"])
def test_digits_that_are_not_ascii_after_nfkc_are_refused(digit):
    """Ethiopic ፬ crashed int(); Arabic-Indic ٤ passed the check and reached the payload."""
    assert unicodedata.normalize("NFKC", digit) != "4"
    problem = v.check_id_number(VALID[:15] + digit + VALID[16:])
    assert problem is not None and "0–9" in problem and digit in problem
    assert v.check_mobile("1380024000" + digit) is not None
    assert v.check_bank_card("622202100011223344" + digit) is not None
    assert v.normalise_money("12" + digit) is None


@pytest.mark.parametrize("digit", ["４", "𝟒", "⁴", "④"])
def test_digits_that_nfkc_makes_ascii_are_accepted(digit):
    assert unicodedata.normalize("NFKC", digit) == "4"
    assert v.check_id_number(VALID[:15] + digit + VALID[16:]) is None


def test_full_width_digits_still_count():
    assert v.check_id_number("２１０４０２１９７８０２１９３４２９") is None
    assert v.check_mobile("１３８００２４００００") is None
    assert v.is_ascii_digits("0123456789") and not v.is_ascii_digits("٤") and not v.is_ascii_digits("")


def test_an_ethiopic_digit_in_an_answers_file_is_an_error_not_a_crash():
    import forms
    from forms.examples import example

    for where in ("answers", "applicant"):
        doc = example("resident_pension", 0)
        doc["answers"].pop("applicant_id_number", None)
        doc["applicant"]["id_number"] = VALID
        target = doc["answers"] if where == "answers" else doc["applicant"]
        target["applicant_id_number" if where == "answers" else "id_number"] = "210402197802193፬29"
        result = forms.AnswersFile.from_document(doc).fill("resident_pension")
        assert not result.ok and "0–9" in result.errors["applicant_id_number"]
        doc["answers"]["applicant_id_number"] = "210402197802193٤29"
        result = forms.AnswersFile.from_document(doc).fill("resident_pension")
        assert not result.ok and "٤" in result.errors["applicant_id_number"]


def test_numbers_and_conditions_take_only_ascii_digits():
    from forms.conditions import parse
    from forms.errors import ConditionSyntaxError

    with pytest.raises(ConditionSyntaxError):
        parse("age >= ٦٠")
