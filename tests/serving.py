"""A station that serves a worked example's people (通办).

The tests that walk a bundle with its `catalogue example` answers are about the form, not about
通办: they run at a station in the county of the person the example concerns, decided by the one
rule (forms.handling.resident_place), so that 核对 offers 确认. The case of a resident who is not
local is tested on its own (tests/e2e/test_tongban_instant.py, tests/forms/test_handling.py).
"""

from __future__ import annotations

from forms.catalogue import load_catalogue
from forms.examples import example
from forms.handling import resident_place


def station_serving(bundle_id: str, variant: int = 0) -> str | None:
    """`[station] id` of a station in the example's resident's county; None: any station will do
    (the place cannot be told, so it is taken where it is asked)."""
    bundle = load_catalogue().bundle(bundle_id)
    sample = example(bundle_id, variant)
    place = resident_place(bundle, sample["answers"], sample.get("applicant"))
    return None if place is None else f"{place.code}-0001"
