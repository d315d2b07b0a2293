"""The one table from the catalogue's materials to what the pre-check should expect of a photo.

For each (bundle, material id) of forms/catalogue/*.json that is a paper the pre-check knows: the
document types that fit it, who it is about (by role on the paper, with the form fields that hold
that person's name and ID number) and which of its fields may fill which form answers. Materials
not listed (a 委托书, a bank card, a death certificate) get no type or person check: the pre-check
then only says whether the photo can be read.

`expectation_for(bundle, material, answers)` turns a row into an `Expectation` for the current
answers; the UI calls it when the resident photographs that material.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from devices.precheck.checker import Expectation, ExpectedPerson

ID_CARD = ("id_card_front", "id_card_back")


@dataclass(frozen=True)
class Who:
    """A person the paper should show: the role on the paper ("main", "mother", "any" …) and the
    form fields with their name and ID number. `when` = (field, value): only when that answer
    holds (e.g. the mother is the applicant only when applicant_relation is "mother")."""

    role: str
    name_field: str | None
    id_field: str | None
    when: tuple[str, Any] | None = None


@dataclass(frozen=True)
class MaterialCheck:
    doc_types: tuple[str, ...]
    people: tuple[Who, ...] = ()
    fills: Mapping[str, str] = field(default_factory=dict)  # paper field → form field
    one_of: bool = False  # the paper is one of `people`'s, not all of theirs


APPLICANT = Who("main", "applicant_name", "applicant_id_number")

MATERIALS: dict[tuple[str, str], MaterialCheck] = {
    # 新生儿出生一件事
    ("newborn", "parents_id_cards"): MaterialCheck(
        ID_CARD,
        (
            Who("main", "applicant_name", "applicant_id_number"),
            Who("main", "other_parent_name", "other_parent_id_number"),
        ),
        one_of=True,
    ),
    ("newborn", "birth_certificate"): MaterialCheck(
        ("birth_cert",),
        (
            Who("child", "baby_name", None),
            Who("mother", "applicant_name", "applicant_id_number", ("applicant_relation", "mother")),
            Who("father", "applicant_name", "applicant_id_number", ("applicant_relation", "father")),
            Who("mother", "other_parent_name", "other_parent_id_number", ("applicant_relation", "father")),
            Who("father", "other_parent_name", "other_parent_id_number", ("applicant_relation", "mother")),
        ),
        {
            "name": "baby_name",
            "birth_date": "baby_birth_date",
            "certificate_number": "birth_certificate_number",
            "issuer": "hospital_name",
        },
    ),
    ("newborn", "hukou_book"): MaterialCheck(("hukou",), ()),  # 落户一方: either parent's household
    ("newborn", "marriage_certificate"): MaterialCheck(
        ("marriage_cert",),
        (
            Who("any", "applicant_name", "applicant_id_number"),
            Who("any", "other_parent_name", "other_parent_id_number"),
        ),
        {"spouse_name": "other_parent_name", "spouse_id_number": "other_parent_id_number"},
    ),
    # 身后一件事
    ("after_death", "applicant_id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("after_death", "deceased_id_card"): MaterialCheck(
        ID_CARD,
        (Who("main", "deceased_name", "deceased_id_number"),),
        {"name": "deceased_name", "id_number": "deceased_id_number"},
    ),
    ("after_death", "hukou_book"): MaterialCheck(
        ("hukou",),
        (Who("main", "deceased_name", "deceased_id_number"),),
        {"name": "deceased_name", "id_number": "deceased_id_number"},
    ),
    # 残疾人两项补贴
    ("disability_subsidies", "id_card"): MaterialCheck(
        ID_CARD, (Who("main", "disabled_name", "disabled_id_number"),)
    ),
    ("disability_subsidies", "disability_certificate"): MaterialCheck(
        ("disability_cert",),
        (Who("main", "disabled_name", "disabled_id_number"),),
        {
            "name": "disabled_name",
            "id_number": "disabled_id_number",
            "certificate_number": "disability_cert_number",
        },
    ),
    ("disability_subsidies", "hukou_book"): MaterialCheck(
        ("hukou",), (Who("main", "disabled_name", "disabled_id_number"),)
    ),
    # 城乡居民养老保险, 退休
    ("resident_pension", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("resident_pension", "hukou_book"): MaterialCheck(("hukou",), (APPLICANT,)),
    ("retirement", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    # 老年人津贴
    ("senior_allowance", "elder_id_card"): MaterialCheck(
        ID_CARD,
        (Who("main", "elder_name", "elder_id_number"),),
        {"name": "elder_name", "id_number": "elder_id_number"},
    ),
    ("senior_allowance", "hukou_book"): MaterialCheck(
        ("hukou",), (Who("main", "elder_name", "elder_id_number"),)
    ),
    # 个体工商户开办
    ("sole_proprietor", "operator_id_card"): MaterialCheck(
        ID_CARD, (Who("main", "operator_name", "operator_id_number"),)
    ),
    ("sole_proprietor", "family_relation_proof"): MaterialCheck(("hukou", "marriage_cert"), ()),
    ("sole_proprietor", "business_licence"): MaterialCheck(
        ("business_license",), (Who("operator", "operator_name", None),), {"business_name": "shop_name"}
    ),
    # 教育入学一件事
    ("school_enrolment", "parent_id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("school_enrolment", "hukou_book"): MaterialCheck(
        ("hukou",), (Who("main", "child_name", "child_id_number"),)  # the child's page
    ),
    ("school_enrolment", "birth_certificate"): MaterialCheck(
        ("birth_cert",),
        (
            Who("child", "child_name", None),
            Who("mother", "applicant_name", "applicant_id_number", ("applicant_relation", "mother")),
            Who("father", "applicant_name", "applicant_id_number", ("applicant_relation", "father")),
        ),
        {"name": "child_name"},
    ),
    # 社会保障卡居民服务一件事
    ("social_card", "holder_id_card"): MaterialCheck(
        ID_CARD,
        (Who("main", "holder_name", "holder_id_number"),),
        {"name": "holder_name", "id_number": "holder_id_number"},
    ),
    # 公民婚育一件事
    ("marriage_childbirth", "applicant_id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("marriage_childbirth", "spouse_id_card"): MaterialCheck(
        ID_CARD,
        (Who("main", "spouse_name", "spouse_id_number"),),
        {"name": "spouse_name", "id_number": "spouse_id_number"},
    ),
    ("marriage_childbirth", "hukou_books"): MaterialCheck(
        ("hukou",), (APPLICANT, Who("main", "spouse_name", "spouse_id_number")), one_of=True
    ),
    # 军人退役、户口迁移、灵活就业、失业保险金、城乡居民医保
    ("veteran", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("hukou_move", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("hukou_move", "hukou_book"): MaterialCheck(("hukou",), (APPLICANT,)),
    ("hukou_move", "marriage_certificate"): MaterialCheck(
        ("marriage_cert",), (Who("any", "applicant_name", "applicant_id_number"),)
    ),
    ("flexible_employment", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("unemployment_benefit", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("resident_medical", "id_card"): MaterialCheck((*ID_CARD, "hukou"), (APPLICANT,)),  # 身份证或户口簿
    # 低保特困、临时救助
    ("social_assistance", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("social_assistance", "hukou_book"): MaterialCheck(("hukou",), ()),  # the household: any member's page
    ("social_assistance", "disability_certificate"): MaterialCheck(("disability_cert",), ()),  # any member
    ("temporary_aid", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    # 农村村民住宅建设
    ("homestead", "id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("homestead", "hukou_book"): MaterialCheck(("hukou",), (APPLICANT,)),
    # 老年人优待证
    ("senior_card", "elder_id_card"): MaterialCheck(
        ID_CARD,
        (Who("main", "elder_name", "elder_id_number"),),
        {"name": "elder_name", "id_number": "elder_id_number"},
    ),
    # 独生子女父母奖励扶助
    ("family_planning_reward", "id_card"): MaterialCheck(
        ID_CARD, (APPLICANT, Who("main", "spouse_name", "spouse_id_number")), one_of=True
    ),
    ("family_planning_reward", "hukou_book"): MaterialCheck(("hukou",), (APPLICANT,)),
    ("family_planning_reward", "marriage_certificate"): MaterialCheck(
        ("marriage_cert",), (Who("any", "applicant_name", "applicant_id_number"),)
    ),
    ("family_planning_reward", "child_disability_certificate"): MaterialCheck(("disability_cert",), ()),
    # 二手房转移登记
    ("house_transfer", "buyer_id_card"): MaterialCheck(ID_CARD, (APPLICANT,)),
    ("house_transfer", "seller_id_card"): MaterialCheck(
        ID_CARD,
        (Who("main", "seller_name", "seller_id_number"),),
        {"name": "seller_name", "id_number": "seller_id_number"},
    ),
    # 开办餐饮店
    ("restaurant", "operator_id_card"): MaterialCheck(
        ID_CARD, (Who("main", "operator_name", "operator_id_number"),)
    ),
}


def expectation_for(bundle: str, material: str, answers: Mapping[str, Any]) -> Expectation:
    """What to expect of a photo of `material` in `bundle`, given the form's current answers.
    People whose fields are still empty are left out (nothing to compare yet)."""
    row = MATERIALS.get((bundle, material))
    if row is None:
        return Expectation(None, (), {}, answers)
    people = []
    for who in row.people:
        if who.when is not None and answers.get(who.when[0]) != who.when[1]:
            continue
        name = answers.get(who.name_field) if who.name_field else None
        id_number = answers.get(who.id_field) if who.id_field else None
        if name or id_number:
            people.append(
                ExpectedPerson(
                    who.role, str(name) if name else None, str(id_number).upper() if id_number else None
                )
            )
    if row.one_of:
        return Expectation(row.doc_types, (), dict(row.fills), answers, one_of=tuple(people))
    return Expectation(row.doc_types, tuple(people), dict(row.fills), answers)
