"""forms/workbooks/*.xlsx are the source of the shipped catalogue: building each workbook gives
exactly the committed forms/catalogue/<id>.json and forms/examples/<id>.json, and every shipped
bundle has its workbook. When this fails, someone edited one side only: edit the workbook and run
`catalogue build` (forms/WORKBOOK.md, 编写流程), or — if the JSON had to change — bring the
workbook back with `catalogue export <id> --xlsx forms/workbooks/<id>.xlsx`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.catalogue import SHIPPED_DIR, load_catalogue
from forms.examples import EXAMPLES_DIR
from forms.workbook import build

WORKBOOKS = Path(__file__).resolve().parents[2] / "forms" / "workbooks"


def test_every_shipped_bundle_has_a_workbook_and_no_workbook_is_stray() -> None:
    shipped = {b.id for b in load_catalogue().bundles}
    books = {p.stem for p in WORKBOOKS.glob("*.xlsx")}
    assert shipped - books == set(), f"bundles without a workbook: {sorted(shipped - books)}"
    assert books - shipped == set(), f"workbooks of no shipped bundle: {sorted(books - shipped)}"


@pytest.mark.parametrize("book", sorted(WORKBOOKS.glob("*.xlsx")), ids=lambda p: p.stem)
def test_the_workbook_builds_the_committed_bundle(book: Path, tmp_path: Path) -> None:
    built = build([book], tmp_path / "out", tmp_path / "examples")
    (bundle_id,) = built.bundle_ids
    assert bundle_id == book.stem, "a workbook is named after its bundle: forms/workbooks/<id>.xlsx"
    made = json.loads((tmp_path / "out" / f"{bundle_id}.json").read_text(encoding="utf-8"))
    committed = json.loads((SHIPPED_DIR / f"{bundle_id}.json").read_text(encoding="utf-8"))
    assert made == committed, f"{book.name} and forms/catalogue/{bundle_id}.json differ"
    examples = EXAMPLES_DIR / f"{bundle_id}.json"
    made_examples = tmp_path / "examples" / f"{bundle_id}.json"
    assert examples.exists() == made_examples.exists()
    if examples.exists():
        assert json.loads(made_examples.read_text(encoding="utf-8")) == \
            json.loads(examples.read_text(encoding="utf-8")), f"{book.name} and forms/examples differ"
