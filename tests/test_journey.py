"""The journey object: one application, one signature answering the form's signature question."""

from __future__ import annotations

from forms import load_catalogue
from kiosk.ui.journey import Journey


def test_signature_answers_the_forms_signature_question():
    journey = Journey(load_catalogue())
    journey.identify({"name": "王喆", "id_number": "210102198703150031"})
    form = journey.choose("sole_proprietor")
    assert "operator_signature" not in form.answers()
    sha = journey.sign(b"\x89PNG stroke data")
    assert form.answers()["operator_signature"] == sha
    assert "operator_signature" not in form.errors()
    journey.wipe()
    assert journey.form is None and journey.signature_png is None and journey.applicant is None
