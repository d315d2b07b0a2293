"""Credit check (逢办必查) against a hashed list: hits by hash, no plain ID numbers kept."""

from __future__ import annotations

import hashlib
import json

import pytest

from forms.credit import CreditList, CreditListError, make_document

LISTED = "11010519491231002X"


def test_hits_by_salted_hash_and_keeps_no_plain_numbers() -> None:
    doc = make_document(
        "2026-11-27.1",
        "s@lt",
        [
            {
                "id_number": LISTED,
                "list": "dishonest_judgment_debtor",
                "reason": "失信被执行人",
                "measures": ["限制享受补贴"],
            }
        ],
    )
    assert LISTED not in json.dumps(doc)
    assert doc["entries"][0]["hash"] == hashlib.sha256(("s@lt" + LISTED).encode()).hexdigest()
    credit = CreditList.from_document(json.loads(json.dumps(doc)))
    entry = credit.hit("11010519491231002x ")
    assert entry is not None and entry.message == "失信被执行人（限制享受补贴）"
    assert credit.hit("21010219900101231X") is None
    assert credit.hit("") is None
    assert LISTED not in repr(credit) and len(credit) == 1


def test_bare_hash_entries_are_accepted() -> None:
    digest = CreditList.digest("x", LISTED)
    assert CreditList.from_document({"version": "1", "salt": "x", "entries": [digest.upper()]}).hit(LISTED)


@pytest.mark.parametrize(
    "doc, fragment",
    [
        ([], "JSON 对象"),
        ({"entries": []}, "salt"),
        ({"salt": "x", "entries": {}}, "列表"),
        ({"salt": "x", "entries": [{"hash": "zz"}]}, "第 1 条"),
        ({"salt": "x", "entries": [3]}, "缺少 hash"),
    ],
)
def test_malformed_lists_are_refused(doc, fragment: str) -> None:
    with pytest.raises(CreditListError, match=fragment):
        CreditList.from_document(doc)
