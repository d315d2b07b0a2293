"""The table from catalogue materials to pre-check expectations stays true to the catalogue."""

from __future__ import annotations

import json
from pathlib import Path

from devices.precheck.materials import MATERIALS, expectation_for
from devices.precheck.understand import DOC_TYPES

CATALOGUE = Path(__file__).resolve().parents[2] / "forms" / "catalogue"


def _form_fields(bundle: dict) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "id" in node and "type" in node:
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(bundle["form"])
    return found


def test_every_row_names_a_real_material_and_real_form_fields():
    bundles = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in CATALOGUE.glob("*.json")
        if p.stem != "index"
    }
    for (bundle_id, material_id), row in MATERIALS.items():
        bundle = bundles[bundle_id]
        assert material_id in {m["id"] for m in bundle["materials"]}, (bundle_id, material_id)
        assert set(row.doc_types) <= set(DOC_TYPES)
        fields = _form_fields(bundle)
        for who in row.people:
            for name in (who.name_field, who.id_field, who.when[0] if who.when else None):
                assert name is None or name in fields, (bundle_id, material_id, name)
        assert set(row.fills.values()) <= fields, (bundle_id, material_id)


def test_the_mother_is_whoever_the_answers_say():
    answers = {
        "applicant_relation": "father",
        "applicant_name": "李强",
        "applicant_id_number": "210102198001011232",
        "other_parent_name": "张丽",
        "other_parent_id_number": "210102198502021543",
        "baby_name": "",
    }
    expect = expectation_for("newborn", "birth_certificate", answers)
    roles = {p.role: p.name for p in expect.people}
    assert roles == {"father": "李强", "mother": "张丽"}  # the empty baby name is not compared
    assert expect.doc_types == ("birth_cert",)
    parents_cards = expectation_for("newborn", "parents_id_cards", answers)
    assert not parents_cards.people and {p.name for p in parents_cards.one_of} == {"李强", "张丽"}
    assert expectation_for("newborn", "baby_photo", answers).doc_types == ()
