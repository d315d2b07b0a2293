"""Property-based fuzzing of the answer parsers: whatever arrives (from a touch keyboard, an
answers file or a tampered draft), fill() answers with Chinese messages and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import fill, load_catalogue
from forms.examples import example

SHIPPED = load_catalogue()
STATUSES = ["provided", "held_by_government", "deferred", "promised"]
FIELDS = {b.id: sorted(b.fields) for b in SHIPPED.bundles}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=True)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8,
)


@st.composite
def bundle_and_answers(draw):  # noqa: ANN001, ANN201
    bundle_id = draw(st.sampled_from(sorted(FIELDS)))
    base = example(bundle_id, 0, catalogue=SHIPPED)
    answers = dict(base["answers"])
    for field_id in draw(st.lists(st.sampled_from(FIELDS[bundle_id]), max_size=6)):
        answers[field_id] = draw(json_values)
    materials = dict(base["materials"])
    for material_id in draw(
        st.lists(st.sampled_from([m.id for m in SHIPPED.bundle(bundle_id).materials]), max_size=3)
    ):
        materials[material_id] = draw(
            json_values
            | st.sampled_from(STATUSES)
            | st.fixed_dictionaries(
                {"status": st.sampled_from(STATUSES) | json_values, "attachments": json_values}
            )
        )
    return bundle_id, answers, materials, base["applicant"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundle_and_answers())
def test_fill_never_raises_and_always_explains(case) -> None:
    bundle_id, answers, materials, applicant = case
    result = fill(bundle_id, answers, material_choices=materials, applicant=applicant, catalogue=SHIPPED)
    if result.ok:
        assert result.payload is not None and not result.errors
    else:
        assert result.payload is None and result.errors
        assert all(isinstance(m, str) and m for m in result.errors.values())
