"""Certificate validity (contract 1.1): the reference platform revokes (`platform revoke-certificate`),
supersedes and, when an application is refused (`platform advance REF --to rejected`), withdraws
certificates; the kiosk's status pull keeps what it was told; `CertificateDesk` checks the
certificate and its application at print time — online when the platform answers, else the last
pulled state, saying which — and prints nothing that is no longer true (the one rule, `verdict`)."""

from __future__ import annotations

import json

import pytest

from devices.printer.a4 import open_a4_printer
from kiosk.station.certificates import CertificateDesk, CertificateRefused, Known, verdict
from sync import enrollment
from sync.states import CERTIFICATE_STATES, PLATFORM_STATES
from sync.worker import DeliveryWorker
from tests.sync.helpers import enrolled_store, sample_payload
from tests.sync.test_cli import main


def test_the_rule_prints_only_a_valid_certificate_of_an_approved_application():
    for application in (None, *PLATFORM_STATES):
        for state in (*CERTIFICATE_STATES, "unknown", "suspended"):
            judged = verdict(Known(application, state, "原因甲"))
            assert judged.printable == (state == "valid" and application in ("approved", "completed"))
            assert judged.printable or (judged.why.count("。") == 1 and judged.why.endswith("。")
                                        and "不能打印" in judged.why)     # one sentence: why, what to do
    assert "原因甲" in verdict(Known("completed", "revoked", "原因甲")).why
    assert "不予受理" in verdict(Known("rejected", "valid")).why       # even if the platform kept it valid


def test_platform_commands_revoke_and_withdraw_and_the_pull_keeps_it(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    first, second = store.submit(sample_payload("1")), store.submit(sample_payload("2"))
    worker = DeliveryWorker(store, enrollment.make_client(store, keys), status_interval_s=3600)
    worker.run_once(force=True)
    data = str(tmp_path / "platform")
    issued = json.loads(main("platform", "advance", first.local_reference, "--to", "approved",
                             "--certificate", "--data", data).stdout)
    (old,) = issued["certificate_ids"]
    (new,) = json.loads(main("platform", "advance", first.local_reference, "--to", "completed",
                             "--certificate", "--data", data).stdout)["certificate_ids"]
    revoked = json.loads(main("platform", "revoke-certificate", new, "--reason", "发证信息有误",
                              "--data", data).stdout)
    assert revoked["status"] == "revoked" and revoked["reason"] == "发证信息有误"
    assert revoked["application_status"] == "completed"
    (refused_cert,) = platform.service.advance(second.local_reference, "approved",
                                               certificate=True)["certificate_ids"]
    withdrawn = json.loads(main("platform", "advance", second.local_reference, "--to", "rejected",
                                "--message", "经复核不符合条件", "--data", data).stdout)
    assert withdrawn["certificates"] == [{"certificate_id": refused_cert, "status": "withdrawn",
                                          "reason": "经复核不符合条件",
                                          "changed_at": withdrawn["certificates"][0]["changed_at"],
                                          "superseded_by": None}]
    unknown = main("platform", "revoke-certificate", "CERT-NONE-9", "--reason", "x", "--data", data,
                   check=False)
    assert unknown.returncode == 1 and "找不到证照 CERT-NONE-9" in unknown.stderr
    reasonless = main("platform", "revoke-certificate", new, "--reason", " ", "--data", data, check=False)
    assert reasonless.returncode == 2 and "撤销原因" in reasonless.stderr

    worker.run_once(force=True)
    states = {cid: (store.certificate_state(cid) or {}).get("status") for cid in (old, new, refused_cert)}
    assert states == {old: "superseded", new: "revoked", refused_cert: "withdrawn"}
    assert store.certificate_state(new)["reason"] == "发证信息有误"
    assert store.certificate_ids_missing() == []           # none of them is fetched again
    assert store.find(second.submission_id).statuses[-1]["status"] == "rejected"


@pytest.fixture
def desk_station(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    worker = DeliveryWorker(store, enrollment.make_client(store, keys), status_interval_s=3600)
    folder = tmp_path / "a4"
    urls = {"url": platform.url}

    def client(_url):  # noqa: ANN202 - as kiosk.ui.staff_wiring makes it, for the URL the test sets
        return enrollment.make_client(store, keys, platform_url=urls["url"], timeout=5)

    desk = CertificateDesk(store, lambda: open_a4_printer("pdf", folder), client)
    yield store, worker, desk, folder, urls
    store.close()


def test_the_desk_checks_online_at_print_time(desk_station, platform):
    store, worker, desk, folder, _ = desk_station
    done = store.submit(sample_payload())
    worker.run_once(force=True)
    (cid,) = platform.service.advance(done.local_reference, "completed", certificate=True)["certificate_ids"]
    worker.run_once(force=True)
    printed = desk.print(done.submission_id, cid)
    assert "刚和省平台核对过" in printed.message and len(list(folder.glob("*.pdf"))) == 1

    platform.service.revoke_certificate(cid, "发证信息有误")          # not pulled yet
    with pytest.raises(CertificateRefused, match="撤销") as refused:
        desk.print(done.submission_id, cid)
    assert refused.value.no_longer_valid and "发证信息有误" in str(refused.value)
    assert "同步" not in str(refused.value)                          # the platform's word, just now
    assert len(list(folder.glob("*.pdf"))) == 1                       # nothing more printed
    assert store.certificate_state(cid)["source"] == "print_check"   # kept for when it is offline
    detail = [e["detail"] for e in store.audit_entries() if e["event"] == "certificate_print_refused"]
    assert detail and cid in detail[-1] and '"checked_online":true' in detail[-1]


def test_offline_the_last_pulled_state_decides_and_the_screen_says_so(desk_station, platform):
    store, worker, desk, folder, urls = desk_station
    done = store.submit(sample_payload())
    worker.run_once(force=True)
    ref = done.local_reference
    (cid,) = platform.service.advance(ref, "approved", certificate=True)["certificate_ids"]
    worker.run_once(force=True)
    platform.service.advance(ref, "rejected", message="经复核不符合条件")
    worker.run_once(force=True)                                     # the refusal is pulled
    urls["url"] = "http://127.0.0.1:9"                              # then the network is gone
    with pytest.raises(CertificateRefused, match="不予受理") as refused:
        desk.print(done.submission_id, cid)
    assert "按本机" in str(refused.value) and "从省平台收到的消息" in str(refused.value)
    assert not list(folder.glob("*.pdf"))


def test_the_demo_timer_never_undoes_an_officers_change_made_meanwhile(tmp_path, platform):
    """demo_step read 'received', an officer then set 'completed', and the step wrote 'accepted'
    over it (seen once in the every-bundle test: the status pulled back ended at 已受理)."""
    store, keys = enrolled_store(tmp_path, platform)
    submitted = store.submit(sample_payload("1"))
    DeliveryWorker(store, enrollment.make_client(store, keys), status_interval_s=3600).run_once(force=True)
    service = platform.service
    reference = submitted.local_reference
    service.advance(reference, "completed", certificate=True, message="已办结")
    # the timer's step, as it would run on what it read before the officer's change
    assert service.advance(reference, "accepted", only_from="received") is None
    assert service.find_submission(reference)["status"] == "completed"
    assert service.demo_step() == 0                      # nothing unfinished is left to move on
    assert service.find_submission(reference)["status"] == "completed"
