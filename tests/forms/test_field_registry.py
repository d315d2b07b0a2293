"""Every question type is registered once (forms.fieldtypes.TYPES) with all its parts: a
validator, a display, a QML widget that exists, a number pad the UI knows, a placeholder where
the widget has an input box. Adding a type means one registry entry; this says what is missing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from forms import fieldtypes
from forms.catalogue import Field
from kiosk.ui.viewmodels.keypad import KINDS

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_TYPES = json.loads((ROOT / "forms" / "catalogue.schema.json").read_text(encoding="utf-8"))
WIDGETS = ROOT / "kiosk" / "ui" / "qml" / "fields"
WITH_INPUT_BOX = {"TextAnswer", "KeypadAnswer", "AddressAnswer"}


def _schema_type_enum() -> list[str]:
    found: list[list[str]] = []

    def walk(node):  # noqa: ANN001, ANN202
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, dict) and "text" in kind.get("enum", ()):
                found.append(kind["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SCHEMA_TYPES)
    assert found, "the catalogue schema lists no field types"
    return found[0]


def test_the_registry_and_the_catalogue_schema_name_the_same_types():
    assert set(fieldtypes.TYPES) == set(_schema_type_enum())


@pytest.mark.parametrize("name", sorted(fieldtypes.TYPES))
def test_each_type_has_every_part(name):
    kind = fieldtypes.TYPES[name]
    assert callable(kind.validate) and callable(kind.show)
    assert (WIDGETS / f"{kind.widget}.qml").is_file(), f"{name}: no widget {kind.widget}.qml"
    for rules in ({}, {"accept_landline": True}):
        field = Field(id="f", type=name, label="问题", page_id="p", rules=rules,
                      options=())
        pad = kind.keypad_for(field)
        assert pad == "" or pad in KINDS, f"{name}: the number pad {pad!r} is unknown to the UI"
    if kind.widget in WITH_INPUT_BOX:
        assert kind.placeholder, f"{name}: its input box needs a placeholder"
    from kiosk.ui.viewmodels.handwriting import CONTEXTS

    assert kind.writes in ("", *CONTEXTS), f"{name}: the handwriting pad knows no {kind.writes!r}"
    if kind.widget == "TextAnswer":
        assert kind.writes, f"{name}: a Chinese text answer needs what the handwriting pad expects"


def test_a_registered_type_is_what_validation_and_display_use():
    field = Field(id="n", type="number", label="人数", page_id="p", rules={"unit": "人"}, options=())
    assert fieldtypes.normalise(field, "3", date(2026, 1, 1)) == (3, None)
    assert fieldtypes.display(field, 3) == "3人"
