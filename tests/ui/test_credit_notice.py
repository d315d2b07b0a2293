"""逢办必查 on the kiosk, by touch, on a real store holding a credit list signed by a platform key
and kept exactly as the delivery worker keeps it (verified, then indexed): the three outcomes, the
notice skipped for bundles without a credit-checked item, and the resident's ID number in neither
the audit log nor the logs."""

from __future__ import annotations

import base64
import json
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms.credit import make_document
from kiosk.ui.viewmodels.credit import ANNOUNCED
from sync import documents, signing
from tests.ui.credit_touch import wait_for_credit_result
from tests.ui.test_form_flow import find, identify_by_hand, tap

RESIDENT = {"name": "王秀英", "id_number": "11010519491231002X"}
SOMEONE_ELSE = "21010219900101231X"
RECORD = {"list": "dishonest_judgment_debtor", "reason": "失信被执行人", "measures": ["限制申领补贴"],
          "since": "2025-03-01"}


@pytest.fixture(autouse=True)
def pinyin_user_dictionary(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def store_signed_list(store, people: list[str], version: str = "2026-11-28.1", index: bool = True) -> None:
    """As the worker does: the platform signs the payload, the kiosk verifies it with the pinned
    key and keeps it (indexing it); index=False keeps it as a store from before the index did."""
    key = Ed25519PrivateKey.generate()
    doc = make_document(version, "salt-" + version, [{"id_number": p, **RECORD} for p in people])
    payload = json.dumps(doc, ensure_ascii=False).encode()
    body = {"payload": base64.b64encode(payload).decode(), "signature": signing.b64(key.sign(payload)),
            "version": version}
    version, payload, parsed = documents.verify_document(
        "credit_list", body, signing.raw_public(key.public_key()), None)
    if index:
        documents.save_verified(store, "credit_list", version, '"e1"', payload, body["signature"], parsed)
    else:
        store.save_document("credit_list", version, '"e1"', payload, body["signature"])


def to_notice(kiosk, bundle_id: str = "senior_allowance") -> str:
    identify_by_hand(kiosk, RESIDENT["name"], RESIDENT["id_number"])
    tap(kiosk, "startButton")
    tap(kiosk, f"bundle_{bundle_id}")
    assert kiosk.shell.property("screen") == "credit_notice"
    return wait_for_credit_result(kiosk)


def audited(kiosk) -> list[dict]:
    return [json.loads(e["detail"]) for e in kiosk.store.audit_entries() if e["event"] == "credit_check"]


def no_id_number_kept(kiosk, caplog) -> None:
    entries = json.dumps(kiosk.store.audit_entries(), ensure_ascii=False)
    for form in (RESIDENT["id_number"], RESIDENT["id_number"].lower(), RESIDENT["id_number"][:17]):
        assert form not in entries and form not in caplog.text
    assert RESIDENT["name"] not in entries and RESIDENT["name"] not in caplog.text


def test_no_record_says_so_calmly_and_goes_on(make_kiosk, caplog):
    caplog.set_level(logging.DEBUG)
    kiosk = make_kiosk()
    store_signed_list(kiosk.store, [SOMEONE_ELSE])
    assert to_notice(kiosk) == "clear"
    message = find(kiosk, "creditMessage").property("text")
    assert message == "已按“逢办必查”查询信用记录：未发现影响办理的记录。"
    assert kiosk.voice.last_text == ANNOUNCED["clear"]
    assert not find(kiosk, "creditDeclineButton").isVisible()
    kiosk.shell.speak()
    assert "未发现影响办理的记录" in kiosk.voice.last_text
    tap(kiosk, "creditContinueButton")
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert audited(kiosk) == [{"bundle_id": "senior_allowance", "list_version": "2026-11-28.1",
                               "outcome": "clear"}]
    assert kiosk.store.verify_audit() is None
    no_id_number_kept(kiosk, caplog)


def test_a_record_is_shown_only_when_asked_and_the_resident_may_go_on_or_leave(make_kiosk, caplog):
    caplog.set_level(logging.DEBUG)
    kiosk = make_kiosk()
    store_signed_list(kiosk.store, [SOMEONE_ELSE, RESIDENT["id_number"].lower()])
    assert to_notice(kiosk, "sole_proprietor") == "hit"
    assert "有一条信用记录，可能影响" in find(kiosk, "creditMessage").property("text")
    assert "失信" not in kiosk.voice.last_text                    # said aloud: only "look at the screen"
    assert not find(kiosk, "creditRecord").isVisible()
    tap(kiosk, "creditDetailsButton")
    assert find(kiosk, "creditRecord").isVisible()
    assert find(kiosk, "creditRecord").property("text") == "失信被执行人（限制申领补贴）"
    assert "工作人员会和您联系" in find(kiosk, "creditNextSteps").property("text")
    objection = find(kiosk, "creditObjection").property("text")
    assert "12345" in objection and "信用" in objection
    kiosk.shell.speak()                                             # 朗读: the resident asked
    assert "失信被执行人（限制申领补贴）" in kiosk.voice.last_text
    tap(kiosk, "creditDeclineButton")                               # 不办了，返回首页
    assert kiosk.shell.property("screen") == "attract" and kiosk.journey.bundle is None

    assert to_notice(kiosk, "sole_proprietor") == "hit"             # the next time: 继续办理
    assert find(kiosk, "creditContinueButton").property("text") == "继续办理"
    tap(kiosk, "creditContinueButton")
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert [a["outcome"] for a in audited(kiosk)] == ["hit", "hit"]
    assert {a["bundle_id"] for a in audited(kiosk)} == {"sole_proprietor"}
    no_id_number_kept(kiosk, caplog)


def test_no_list_yet_leaves_the_check_to_staff(make_kiosk, caplog):
    caplog.set_level(logging.DEBUG)
    kiosk = make_kiosk()
    assert to_notice(kiosk, "disability_subsidies") == "unavailable"
    assert "工作人员受理您的申请时会按“逢办必查”查询" in find(kiosk, "creditMessage").property("text")
    assert kiosk.voice.last_text == ANNOUNCED["unavailable"]
    tap(kiosk, "creditContinueButton")
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert audited(kiosk) == [{"bundle_id": "disability_subsidies", "list_version": None,
                               "outcome": "unavailable"}]
    no_id_number_kept(kiosk, caplog)


def test_a_list_kept_before_the_index_existed_is_indexed_for_the_check(make_kiosk):
    kiosk = make_kiosk()
    store_signed_list(kiosk.store, [RESIDENT["id_number"]], index=False)
    assert kiosk.store.credit_index_info()["current"] is False
    assert to_notice(kiosk) == "hit"
    assert kiosk.store.credit_index_info()["current"] is True


def test_bundles_without_a_credit_checked_item_skip_the_notice(make_kiosk):
    kiosk = make_kiosk()
    store_signed_list(kiosk.store, [RESIDENT["id_number"]])
    identify_by_hand(kiosk, RESIDENT["name"], RESIDENT["id_number"])
    tap(kiosk, "startButton")
    tap(kiosk, "bundle_newborn")
    assert kiosk.shell.property("screen") == "bundle_intro"
    kiosk.shell.back()                                              # 返回 goes to the tiles, not the notice
    assert kiosk.shell.property("screen") == "choose_bundle"
    assert audited(kiosk) == []


def test_the_flag_is_where_the_catalogue_says():
    from forms import load_catalogue

    checked = {b.id for b in load_catalogue().bundles if b.needs_credit_check}
    assert checked == {"sole_proprietor", "senior_allowance", "disability_subsidies",       # forms/README.md
                       "restaurant",                                  # market entry, as sole_proprietor
                       "flexible_employment", "homestead", "family_planning_reward"}  # subsidies paid out


def test_from_the_platform_to_the_notice_by_card(qapp, qtbot, tmp_path, caplog):
    """The whole way: the reference platform on 127.0.0.1 lists the resident (`platform
    credit-add`), the delivery worker downloads, verifies and indexes the signed list, the card goes
    on the (pty) reader, and the notice tells the record."""
    from forms.examples import example
    from tests.e2e.test_every_bundle import Station, identify_by_card

    caplog.set_level(logging.DEBUG)
    station = Station(tmp_path, qtbot)
    try:
        applicant = example("sole_proprietor")["applicant"]
        version = station.platform().add_to_credit_list(applicant["id_number"], "market", "严重违法失信主体")
        station.sync.worker.run_once(force=True)
        assert station.sync.store.credit_index_info()["version"] == version
        kiosk = station.kiosk
        identify_by_card(station, applicant)
        tap(kiosk, "startButton")
        tap(kiosk, "bundle_sole_proprietor")
        assert wait_for_credit_result(kiosk) == "hit"
        tap(kiosk, "creditDetailsButton")
        assert find(kiosk, "creditRecord").property("text") == "严重违法失信主体"
        tap(kiosk, "creditContinueButton")
        assert kiosk.shell.property("screen") == "bundle_intro"
        entries = json.dumps(station.sync.store.audit_entries(), ensure_ascii=False)
        assert applicant["id_number"] not in entries and applicant["id_number"] not in caplog.text
        assert json.loads([e for e in station.sync.store.audit_entries()
                           if e["event"] == "credit_check"][-1]["detail"]) == {
            "bundle_id": "sole_proprietor", "list_version": version, "outcome": "hit"}
    finally:
        station.close()
    assert not station.kiosk.qml_warnings
