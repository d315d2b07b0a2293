"""社会保障卡信息变更: each change asks for its new value and needs only its own papers — a new
phone number needs nothing from the police; a new name, number or sex needs their 变更证明."""

from __future__ import annotations

import pytest

from forms import FormSession, load_catalogue

HOLDER = {"name": "赵淑琴", "id_number": "211381195304111023"}
ASKS = {"phone": "new_phone", "name": "new_name", "id_number": "new_id_number", "sex": "new_sex"}


def _update(what: list[str]) -> FormSession:
    form = FormSession(load_catalogue().bundle("social_card"), applicant=HOLDER)
    for field_id, value in (("applicant_phone", "13942100000"), ("for_self", True), ("service", "update"),
                            ("update_what", what)):
        assert form.answer(field_id, value) == [], field_id
    return form


@pytest.mark.parametrize("change", ["phone", "name", "id_number", "sex"])
def test_each_change_asks_for_its_new_value(change):
    visible = {f.id for f in _update([change]).visible_fields()}
    assert ASKS[change] in visible
    assert not (set(ASKS.values()) - {ASKS[change]}) & visible


def test_a_new_phone_number_needs_no_police_certificate():
    form = _update(["phone"])
    assert form.answer("new_phone", "13904240000") == []
    assert "change_proof" not in {m.material.id for m in form.materials()}
    assert "new_phone" not in form.errors()
    for change in ("name", "id_number", "sex"):
        assert "change_proof" in {m.material.id for m in _update([change, "phone"]).materials()}, change


def test_the_new_phone_is_required_and_checked():
    form = _update(["phone"])
    assert "new_phone" in form.errors()
    assert form.answer("new_phone", "1390424") != []
