"""The one number pad's rule (kiosk.ui.viewmodels.keypad) and its one QML component."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk.ui.viewmodels.keypad import BACK, CLEAR, KINDS, press

KEYS = st.sampled_from(list("0123456789X.-") + [BACK, CLEAR, "٤", "a", ""])
QML = Path(__file__).resolve().parents[2] / "kiosk" / "ui" / "qml" / "components" / "NumericKeypad.qml"


@given(st.sampled_from(sorted(KINDS)), st.lists(KEYS, max_size=40))
def test_whatever_is_pressed_the_typed_number_keeps_the_kinds_shape(kind, keys):
    typed = ""
    for key in keys:
        typed = press(typed, key, kind)
        pad = KINDS[kind]
        assert len(typed) <= pad.limit
        assert all(c.isascii() and (c.isdigit() or c == pad.extra) for c in typed)
        if kind == "id":
            assert "X" not in typed[:-1] and ("X" not in typed or len(typed) == 18)
        if pad.extra in ".-":
            assert typed.count(pad.extra) <= 1 if pad.extra else True


def test_the_keys_do_what_they_say():
    assert press("11010519491231002", "X", "id") == "11010519491231002X"
    assert press("1101", "X", "id") == "1101"
    assert press("", ".", "decimal") == "0." and press("12.5", ".", "decimal") == "12.5"
    assert press("024", "-", "phone") == "024-" and press("", "-", "phone") == ""
    assert press("138", "-", "mobile") == "138"
    assert press("123", BACK, "pin") == "12" and press("123", CLEAR, "staff") == ""


def test_the_qml_pad_offers_the_extra_key_each_kind_has():
    text = QML.read_text(encoding="utf-8")
    shown = dict(re.findall(r'kind === "(\w+)" \? "(.)"', text))
    assert shown == {kind: pad.extra for kind, pad in KINDS.items() if pad.extra}
