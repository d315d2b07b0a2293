"""The credit list (逢办必查) indexed in the store's SQLite file: built from the verified download,
replaced (not merged) by a newer version, never fed by a tampered or unreadable list, rebuilt for a
store that had the list before the index existed."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms.credit import CreditList, make_document, parse_document
from sync import documents, enrollment
from sync.client import DocumentRefused
from sync.store import Store
from tests.sync.helpers import enrolled_store, new_store

LISTED = "11010519491231002X"
OTHER = "21010219900101231X"
CLEAR = "110101199003070011"


def refresh(store, keys):
    client = enrollment.make_client(store, keys, timeout=5)
    try:
        return documents.refresh(store, client, "credit_list", enrollment.platform_key(store))
    finally:
        client.close()


def hit(store: Store, id_number: str):
    info = store.credit_index_info()
    return store.credit_entry(CreditList.digest(info["salt"], id_number))


def test_the_downloaded_list_is_indexed_and_a_newer_one_replaces_it(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    assert store.credit_index_info() is None                      # never downloaded
    platform.service.add_to_credit_list(LISTED, "dishonest_judgment_debtor", "失信被执行人")
    assert refresh(store, keys) == "updated"
    info = store.credit_index_info()
    assert info["current"] and info["count"] == 1
    assert info["version"] == store.document("credit_list")["version"]
    assert hit(store, LISTED.lower())["reason"] == "失信被执行人"
    assert hit(store, CLEAR) is None

    platform.service.add_to_credit_list(OTHER, "dishonest_judgment_debtor", "失信被执行人")
    assert refresh(store, keys) == "updated"
    assert store.credit_index_info()["count"] == 2 and hit(store, OTHER) and hit(store, LISTED)

    # the platform publishes a list without the first person: the index is replaced, not merged
    salt = json.loads(store.document("credit_list")["payload"])["salt"]
    person = {"id_number": OTHER, "reason": "失信被执行人", "measures": ["限制申领补贴"]}
    doc = make_document("9", salt, [person])
    (platform.service.data_dir / "credit_list.json").write_text(json.dumps(doc, ensure_ascii=False))
    assert refresh(store, keys) == "updated"
    assert hit(store, LISTED) is None and hit(store, OTHER)["measures"] == ["限制申领补贴"]
    assert store.credit_index_info() == {"version": "9", "salt": salt, "count": 1, "current": True}
    store.close()

    # it is a real file: the index is there after reopening, and no plain number is in it
    again = Store.open(store.data_dir, keys)
    assert hit(again, OTHER)["reason"] == "失信被执行人"
    raw = (store.data_dir / "kiosk.db").read_bytes()
    assert OTHER.encode() not in raw and LISTED.encode() not in raw
    again.close()


def test_a_tampered_or_unreadable_list_never_reaches_the_index(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    platform.service.add_to_credit_list(LISTED, "dishonest_judgment_debtor", "失信被执行人")
    refresh(store, keys)
    before = store.credit_index_info()

    real = platform.service.key
    platform.service.key = Ed25519PrivateKey.generate()           # signed by someone else
    platform.service.add_to_credit_list(OTHER, "dishonest_judgment_debtor", "失信被执行人")
    with pytest.raises(DocumentRefused, match="签名无效"):
        refresh(store, keys)
    platform.service.key = real
    assert store.credit_index_info() == before and hit(store, OTHER) is None

    # signed by the platform but not a credit list that can be read: refused the same way
    salt = before["salt"]
    bad = {"version": "99", "salt": salt, "entries": [CreditList.digest(salt, OTHER), "not-a-hash"]}
    (platform.service.data_dir / "credit_list.json").write_text(json.dumps(bad))
    with pytest.raises(DocumentRefused, match="信用名单内容有误"):
        refresh(store, keys)
    assert store.credit_index_info() == before and hit(store, OTHER) is None
    assert store.document("credit_list")["version"] == before["version"]
    assert store._query("SELECT COUNT(*) AS n FROM credit_index_next")[0]["n"] == 0  # noqa: SLF001
    store.close()


def test_a_list_stored_before_the_index_existed_is_indexed_on_demand(tmp_path):
    store, _ = new_store(tmp_path)
    people = [{"id_number": f"2101021990010{n:04d}", "reason": "失信被执行人", "measures": ["限制申领补贴"]}
              for n in range(25)] + [{"id_number": LISTED, "reason": "严重违法失信", "list": "market"}]
    doc = make_document("3", "salt-3", people)
    store.save_document("credit_list", "3", None, json.dumps(doc).encode(), "sig")  # as a v4 store had it
    assert store.credit_index_info() == {"version": None, "salt": "", "count": 0, "current": False}
    assert documents.index_credit_list(store)
    assert store.credit_index_info() == {"version": "3", "salt": "salt-3", "count": 26, "current": True}
    assert hit(store, LISTED)["list"] == "market"
    assert hit(store, "21010219900100007")["reason"] == "失信被执行人"
    assert documents.index_credit_list(store)                     # already current: nothing to do

    # built in small chunks the result is the same; two kinds of detail are stored once each
    _, salt, entries = parse_document(doc)
    assert store.save_credit_list("3", salt, entries, chunk=4)
    assert store._query("SELECT COUNT(*) AS n FROM credit_details")[0]["n"] == 2  # noqa: SLF001
    assert hit(store, LISTED)["reason"] == "严重违法失信"

    # an index built for a list that is no longer the stored one is not put in place
    _, salt, entries = parse_document(make_document("2", "old", people[:1]))
    assert not store.save_credit_list("2", salt, entries)
    assert store.credit_index_info()["version"] == "3"
    store.close()


def test_the_platform_serves_the_catalogue_with_the_credit_flags(tmp_path, platform):
    import forms

    store, keys = enrolled_store(tmp_path, platform)
    client = enrollment.make_client(store, keys, timeout=5)
    try:
        assert documents.refresh(store, client, "catalogue", enrollment.platform_key(store)) == "updated"
    finally:
        client.close()
    catalogue = forms.Catalogue.from_document(documents.load(store, "catalogue"))
    assert documents.version_key(catalogue.version) > documents.version_key("2026.11.1")
    assert catalogue.bundle("sole_proprietor").needs_credit_check
    assert not catalogue.bundle("newborn").needs_credit_check
    store.close()
