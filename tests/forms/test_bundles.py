"""Every shipped bundle walked with its example answer sets, through the interactive engine and
through fill(); each bundle has a variant that drops an item and one using 容缺 and 告知承诺."""

from __future__ import annotations

from datetime import date

import pytest

from forms import Catalogue, FormSession, fill, load_catalogue
from forms.examples import example, variant_titles
from forms.filling import AnswersFile

SHIPPED = load_catalogue()
CASES = [(b.id, n) for b in SHIPPED.bundles for n in range(len(variant_titles(b.id)))]
DAYS = [date(2026, 11, 27), date(2027, 2, 28), date(2028, 2, 29)]


@pytest.mark.parametrize("bundle_id, variant", CASES)
def test_every_example_fills_to_a_payload(shipped: Catalogue, bundle_id: str, variant: int) -> None:
    for today in DAYS:
        doc = example(bundle_id, variant, catalogue=shipped, today=today)
        result = AnswersFile.from_document(doc).fill(catalogue=shipped, today=today)
        assert result.ok, (today, result.errors)
        payload = result.payload
        bundle = shipped.bundle(bundle_id)
        assert payload["bundle_id"] == bundle_id and payload["bundle_version"] == bundle.version
        assert payload["item_codes"] and set(payload["item_codes"]) <= {i.code for i in bundle.items}
        assert payload["applicant"]["verified_by_card"] is True
        statuses = {m["status"] for m in payload["materials"]}
        assert statuses <= {"provided", "held_by_government", "deferred", "promised"}
        assert ("promised" in statuses) == (payload["commitment"] is not None)
        for m in payload["materials"]:
            assert (m["status"] == "provided") == bool(m["attachments"])
            assert ("deferred_until" in m) == (m["status"] == "deferred")
            if m["status"] == "deferred":
                assert m["deferred_until"] > today.isoformat()


@pytest.mark.parametrize("bundle_id", [b.id for b in SHIPPED.bundles])
def test_each_bundle_has_a_dropping_and_a_deferral_commitment_variant(
    shipped: Catalogue, bundle_id: str
) -> None:
    bundle = shipped.bundle(bundle_id)
    drops, both = False, False
    for variant in range(len(variant_titles(bundle_id))):
        payload = fill(
            bundle_id, **_kwargs(example(bundle_id, variant, catalogue=shipped)), catalogue=shipped
        ).payload
        drops |= len(payload["item_codes"]) < len(bundle.items)
        statuses = {m["status"] for m in payload["materials"]}
        both |= {"deferred", "promised"} <= statuses
    assert drops and both


def _kwargs(doc: dict) -> dict:
    return {"answers": doc["answers"], "material_choices": doc["materials"], "applicant": doc["applicant"]}


@pytest.mark.parametrize("bundle_id", [b.id for b in SHIPPED.bundles])
def test_walk_each_bundle_one_question_at_a_time(shipped: Catalogue, bundle_id: str) -> None:
    """Drive FormSession like the touch UI: answer the current question, press next, until the end."""
    doc = example(bundle_id, 0, catalogue=shipped)
    session = FormSession(shipped.bundle(bundle_id), applicant=doc["applicant"])
    seen = []
    while (question := session.current) is not None:
        seen.append(question.field_id)
        if question.field_id in doc["answers"]:
            assert session.answer(question.field_id, doc["answers"][question.field_id]) == []
        assert question.error is None or question.field_id in doc["answers"]
        moved = session.next()
        assert moved is None or moved.field_id != question.field_id, session.current.error
        assert len(seen) < 200
    for material_id, choice in doc["materials"].items():
        status = choice if isinstance(choice, str) else choice["status"]
        session.set_material(material_id, status, [] if isinstance(choice, str) else choice["attachments"])
    assert session.is_complete(), session.all_errors()
    assert seen == [f.id for f in session.visible_fields()]
    assert [p.page_id for p in session.summary()] == [p.id for p in session.visible_pages()]
    facts = session.receipt_facts()
    assert [i["code"] for i in facts["items"]] == session.payload()["item_codes"]
    assert all((i["kind"] == "immediate") == (i["promised_date"] is None) for i in facts["items"])


def test_invalid_answers_in_a_real_bundle_get_chinese_messages(shipped: Catalogue) -> None:
    doc = example("newborn", 0, catalogue=shipped)
    doc["answers"].update(
        other_parent_id_number="21010219900101231X",
        baby_birth_date="2020-01-01",
        applicant_phone="0241234",
        birth_certificate_number="Q12",
    )
    result = AnswersFile.from_document(doc).fill(catalogue=shipped)
    assert not result.ok
    assert result.errors["other_parent_id_number"] == "父母双方的证件号码不能相同，请核对另一方的证件号码。"
    assert "不能早于" in result.errors["baby_birth_date"]
    assert "11 位" in result.errors["applicant_phone"]
    assert "birth_certificate_number" not in result.errors  # hidden question: its bad answer is ignored


def test_changing_the_death_cause_swaps_the_required_paper(shipped: Catalogue) -> None:
    doc = example("after_death", 0, catalogue=shipped)
    doc["answers"]["death_cause"] = "unnatural"
    result = AnswersFile.from_document(doc).fill(catalogue=shipped)
    assert "materials.police_death_proof" in result.errors
    assert "death_medical_certificate" not in {m.material_id for m in result.session.materials()}


def test_a_hong_kong_parent_must_show_the_permit(shipped: Catalogue) -> None:
    doc = example("newborn", 0, catalogue=shipped)
    doc["answers"]["other_parent_id_number"] = "810000199408230021"
    result = AnswersFile.from_document(doc).fill(catalogue=shipped)
    assert set(result.errors) == {"materials.other_parent_permit"}
    assert "拍摄提交" in result.errors["materials.other_parent_permit"]


def test_self_or_on_behalf_must_match_the_numbers(shipped: Catalogue) -> None:
    doc = example("senior_allowance", 0, catalogue=shipped)
    doc["answers"]["elder_id_number"] = doc["applicant"]["id_number"]  # on behalf, but own number typed
    result = AnswersFile.from_document(doc).fill(catalogue=shipped)
    assert result.errors["elder_id_number"].startswith("为自己申请时")


def test_public_names_are_not_shadowed_by_submodules():
    """Importing every submodule must leave `forms.fill` etc. the functions and classes."""
    import importlib
    import pkgutil

    import forms

    for module in pkgutil.iter_modules(forms.__path__):
        importlib.import_module(f"forms.{module.name}")
    assert callable(forms.fill) and not isinstance(forms.fill, type(forms))
    for name in forms.__all__:
        assert not isinstance(getattr(forms, name), type(forms)), name
