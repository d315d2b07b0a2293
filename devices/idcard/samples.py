"""Sample cards of fictional people for the demo, the simulator and the tests.

Every number carries a valid check digit, computed here rather than typed in, so a sample can
never drift into an invalid number. The names exercise what breaks naive code: rare characters
(喆, 堃), a long-term validity (长期), a foreigner's Chinese name with a middle dot, and an English
name longer than 35 characters (the 2023 card splits it in two places).
"""

from __future__ import annotations

import hashlib

from devices.idcard.card import CardType, IdCard

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def gb11643_check_digit(first17: str) -> str:
    """The 18th character of a GB 11643 number (also used by 81/82/83 and '9' foreign numbers)."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def with_check_digit(first17: str) -> str:
    return first17 + gb11643_check_digit(first17)


def fake_photo(seed: str) -> bytes:
    """1024 deterministic bytes standing in for a WLT photo (no encoder for WLT is public)."""
    out = b""
    counter = 0
    while len(out) < 1024:
        out += hashlib.sha256(f"{seed}:{counter}".encode()).digest()
        counter += 1
    return out[:1024]


def sample_cards() -> dict[str, IdCard]:
    """Named samples; keys are what `--card` accepts (a card type picks its first sample)."""
    return {
        "resident": IdCard(
            card_type="resident", name="王喆", name_en=None, sex="男", ethnicity="汉",
            birth_date="1987-03-15", address="辽宁省沈阳市和平区南湖街道文化路17号2单元301室",
            id_number=with_check_digit("21010219870315003"), issuer="沈阳市公安局和平分局",
            valid_from="2016-06-01", valid_to="2036-06-01", photo=fake_photo("resident"),
        ),
        "resident_long_term": IdCard(
            card_type="resident", name="李堃", name_en=None, sex="女", ethnicity="满",
            birth_date="1952-11-08", address="辽宁省抚顺市新宾满族自治县永陵镇赫图阿拉村3组",
            id_number=with_check_digit("21042219521108004"), issuer="新宾满族自治县公安局",
            valid_from="2012-04-20", valid_to="长期", photo=fake_photo("resident_long_term"),
        ),
        "resident_zhang": IdCard(
            card_type="resident", name="张晓明", name_en=None, sex="男", ethnicity="朝鲜",
            birth_date="1975-07-30", address="辽宁省丹东市振兴区站前街道六纬路8号",
            id_number=with_check_digit("21060319750730211"), issuer="丹东市公安局振兴分局",
            valid_from="2019-01-10", valid_to="2039-01-10", photo=fake_photo("resident_zhang"),
        ),
        "hk_mo_tw": IdCard(
            card_type="hk_mo_tw", name="陈嘉欣", name_en=None, sex="女", ethnicity=None,
            birth_date="1996-05-20", address="辽宁省大连市中山区人民路街道港湾街9号",
            id_number=with_check_digit("81000019960520002"), issuer="大连市公安局",
            valid_from="2021-09-01", valid_to="2026-09-01", pass_number="H60123456",
            issue_count=2, photo=fake_photo("hk_mo_tw"),
        ),
        "foreign_permanent": IdCard(
            card_type="foreign_permanent", name="约翰·史密斯", name_en="SMITH, JOHN WILLIAM",
            sex="男", ethnicity=None, birth_date="1970-02-14", address=None,
            id_number="USA210070021401", issuer="2100", valid_from="2018-03-01",
            valid_to="2028-03-01", nationality="USA", photo=fake_photo("foreign_permanent"),
        ),
        "foreign_2023": IdCard(
            card_type="foreign_2023", name="玛丽亚·加西亚", name_en="GARCIA LOPEZ, MARIA FERNANDA ISABELLA",
            sex="女", ethnicity=None, birth_date="1990-04-12", address=None,
            id_number=with_check_digit("92172419900412001"), issuer=None,
            valid_from="2024-01-15", valid_to="2034-01-15", issue_count=0, nationality="ESP",
            photo=fake_photo("foreign_2023"),
        ),
    }


def sample_for(name_or_type: str) -> IdCard | None:
    """A sample by name, or the first sample of a card type."""
    cards = sample_cards()
    return cards.get(name_or_type)


def sample_types() -> tuple[CardType, ...]:
    return ("resident", "hk_mo_tw", "foreign_permanent", "foreign_2023")
