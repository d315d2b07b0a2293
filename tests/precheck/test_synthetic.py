"""The synthetic papers and photographs: every type and layout renders, with truthful fields
(valid ID numbers and credit codes, the main person as the issue defines it), and photographs
record what they spoiled. No OCR here."""

from __future__ import annotations

import numpy as np
import pytest

from devices.precheck.people import RARE_GIVEN, make_person
from devices.precheck.synthetic import DOC_TYPES, LAYOUTS, Condition, photograph, render_document, sample
from forms.validators import check_id_number, check_uscc


@pytest.mark.parametrize(("doc_type", "layout"), [(t, lay) for t in DOC_TYPES for lay in LAYOUTS[t]])
def test_every_layout_renders_with_truthful_fields(doc_type, layout):
    rng = np.random.default_rng(3)
    page, truth = render_document(doc_type, rng, layout=layout)
    assert page.dtype == np.uint8 and page.ndim == 3 and min(page.shape[:2]) > 300
    assert truth.doc_type == doc_type and truth.layout == layout
    assert float(page.std()) > 0  # something was drawn
    fields = truth.fields
    assert set(fields) >= {"name", "id_number"}
    if fields["id_number"] is not None:
        assert check_id_number(fields["id_number"]) is None
    if doc_type == "birth_cert":  # the newborn's name, the mother's number
        assert fields["name"] == truth.people["child"].name
        assert fields["id_number"] == truth.people["mother"].id_number
        assert int(fields["father_id_number"][16]) % 2 == 1 and int(fields["id_number"][16]) % 2 == 0
    if doc_type == "business_license":
        assert check_uscc(fields["credit_code"]) is None and fields["id_number"] is None
    if doc_type in ("id_card_back", "other"):
        assert fields["name"] is None and fields["id_number"] is None
    for key, (x0, y0, x1, y1) in truth.boxes.items():
        assert 0 <= x0 < x1 <= page.shape[1] and 0 <= y0 < y1 <= page.shape[0], key


def test_same_seed_same_paper_and_photo():
    a = sample(np.random.default_rng(11), "hukou")
    b = sample(np.random.default_rng(11), "hukou")
    assert a[1].fields == b[1].fields and np.array_equal(a[0], b[0])


def test_photograph_reports_a_finger_over_the_name():
    rng = np.random.default_rng(5)
    page, truth = render_document("id_card_front", rng)
    x0, y0, x1, y1 = truth.boxes["name"]
    h, w = page.shape[:2]
    cover = (x0 / w - 0.02, y0 / h - 0.02, x1 / w + 0.02, y1 / h + 0.02)
    frame, shot = photograph(page, rng, Condition(occlude=cover), truth)
    assert "name" in shot.spoiled and "id_number" not in shot.spoiled
    assert frame.shape[:2] in ((1536, 2048), (2048, 1536))
    _, clean = photograph(page, rng, Condition(), truth)
    assert not clean.spoiled


def test_people_have_valid_numbers_and_rare_names_occur():
    rng = np.random.default_rng(0)
    people = [make_person(rng, rare=0.5) for _ in range(200)]
    assert all(check_id_number(p.id_number) is None for p in people)
    assert all((int(p.id_number[16]) % 2 == 1) == (p.sex == "男") for p in people)
    assert any(set(p.name) & set(RARE_GIVEN) for p in people)


def test_unknown_type_or_layout_is_refused_in_chinese():
    with pytest.raises(ValueError, match="未知的材料种类"):
        render_document("passport", np.random.default_rng(1))
    with pytest.raises(ValueError, match="没有 tilted 版式"):
        render_document("hukou", np.random.default_rng(1), layout="tilted")


@pytest.mark.parametrize("doc_type", ["birth_cert", "marriage_cert"])
def test_a_photo_that_ruins_the_main_number_says_so(doc_type):
    """fields.id_number of a 出生医学证明 is the mother's (of a 结婚证 the holder's): glare or a finger
    over that number spoils the main number, so the benchmark does not count it as a misread."""
    rng = np.random.default_rng(7)
    page, truth = render_document(doc_type, rng)
    key = "mother_id_number" if doc_type == "birth_cert" else "id_number"
    assert truth.boxes["id_number"] == truth.boxes[key]
    x0, y0, x1, y1 = truth.boxes["id_number"]
    h, w = page.shape[:2]
    cover = (x0 / w - 0.01, y0 / h - 0.01, x1 / w + 0.01, y1 / h + 0.01)
    _, shot = photograph(page, rng, Condition(occlude=cover), truth)
    assert "id_number" in shot.spoiled
