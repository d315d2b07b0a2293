"""Kiosk ↔ reference platform over real HTTP on 127.0.0.1: delivery, idempotency, attachments,
batching, statuses, certificates, signed documents, clock skew."""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest
import requests

from sync import documents, enrollment, signing
from sync.client import CHUNK, DocumentRefused, Offline
from sync.store import DELIVERED, FAILED, REJECTED
from sync.worker import DeliveryWorker
from tests.sync.helpers import enrolled_store, sample_payload, sha


def worker_for(store, key_dir, **kw):
    return DeliveryWorker(store, enrollment.make_client(store, key_dir, timeout=5), **kw)


def test_delivers_with_attachments_exactly_once(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    big = bytes(range(256)) * (CHUNK // 256 * 2 + 300)  # > 2 MiB: three chunks
    a = store.put_attachment(big)
    done = store.submit(sample_payload(attachments=[a]))
    report = worker_for(store, keys).run_once(force=True)
    assert report.delivered == 1 and not report.offline
    row = store.outbox_rows()[0]
    assert row.state == "received" and row.platform_reference
    assert platform.service.attachment_bytes(a) == big
    subs = platform.service.submissions()
    assert [(s["submission_id"], s["local_reference"], s["times_received"]) for s in subs] == [
        (done.submission_id, done.local_reference, 1)
    ]
    # a second pass sends nothing new
    worker_for(store, keys).run_once(force=True)
    assert len(platform.service.submissions()) == 1


def test_upload_resumes_from_the_platform_offset(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    data = b"x" * (CHUNK + 1000)
    a = store.put_attachment(data)
    client = enrollment.make_client(store, keys)
    # first chunk only, as if the connection died after it
    status, _, offset = platform.service.patch_attachment(a, 0, len(data), data[:CHUNK])
    assert (status, offset) == (204, CHUNK)
    assert client.attachment_offset(a) == (CHUNK, len(data))
    patches = []
    platform.records.clear()
    client.upload_attachment(a, lambda: data, len(data))
    patches = [r for r in platform.records if r["method"] == "PATCH"]
    assert [r["headers"]["Upload-Offset"] for r in patches] == [str(CHUNK)]
    assert client.attachment_offset(a) == (len(data), None)


def test_hash_mismatch_drops_the_partial_file(tmp_path, platform):
    status, body, _ = platform.service.patch_attachment("0" * 64, 0, 3, b"abc")
    assert (status, body["error"]) == (422, "hash_mismatch")
    assert platform.service.attachment_state("0" * 64) is None


def test_batching_when_many_are_queued(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    for i in range(12):
        store.submit(sample_payload(str(i), attachments=[store.put_attachment(f"photo {i}".encode())]))
    report = worker_for(store, keys, batch_threshold=5).run_once(force=True)
    assert report.delivered == 12
    posts = [r for r in platform.records if r["method"] == "POST" and "submissions" in r["target"]]
    assert [r["target"] for r in posts] == ["/api/v1/submissions:batch"]
    assert len(platform.service.submissions()) == 12


def test_replay_reuse_in_progress_and_missing_key(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    store.submit(sample_payload())
    row = store.outbox_rows()[0]
    body = store.request_body(row)
    client = enrollment.make_client(store, keys)
    first = client.post_submission(row.idempotency_key, body)
    again = client.post_submission(row.idempotency_key, body)
    assert (first.status, again.status) == (201, 200)
    assert again.content == first.content  # exactly the first response body
    other = json.loads(body)
    other["answers"]["marker"] = "changed"
    reused = client.post_submission(row.idempotency_key, json.dumps(other).encode())
    assert (reused.status, reused.error) == (422, "idempotency_key_reused")
    assert platform.service.submissions()[0]["times_received"] == 2
    # missing key
    headers = signing.sign_headers(
        enrollment.station_key(keys), "210102-0001", "POST", "/api/v1/submissions", body, time.time()
    )
    resp = requests.post(platform.url + "/submissions", data=body, headers=headers, timeout=5)
    assert resp.status_code == 400 and resp.json()["error"] == "idempotency_key_missing"


def test_in_progress_gives_409_then_the_retry_succeeds(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    store.submit(sample_payload())
    row = store.outbox_rows()[0]
    body = store.request_body(row)
    platform.service.processing_delay_s = 1.5  # wide enough for a loaded CI machine
    results = {}
    slow = threading.Thread(
        target=lambda: results.setdefault(
            "first", enrollment.make_client(store, keys).post_submission(row.idempotency_key, body)
        )
    )
    slow.start()
    for _ in range(100):  # wait until the platform has claimed the key
        if platform.service._conn().execute("SELECT 1 FROM idem").fetchone():
            break
        time.sleep(0.01)
    from sync.client import Transient

    with pytest.raises(Transient, match="仍在处理"):
        enrollment.make_client(store, keys).post_submission(row.idempotency_key, body)
    assert any(r["status"] == 409 for r in platform.records)
    slow.join()
    platform.service.processing_delay_s = 0
    assert results["first"].status == 201
    assert enrollment.make_client(store, keys).post_submission(row.idempotency_key, body).status == 200


def test_invalid_submission_is_rejected_and_kept(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    store.submit(sample_payload(id_number="110105194912310021"))  # wrong check digit
    report = worker_for(store, keys).run_once(force=True)
    row = store.outbox_rows()[0]
    assert report.rejected == 1 and row.state == REJECTED
    assert "身份证号码校验不通过" in row.last_error
    assert store.request_body(row)  # the resident's data is still there


def test_unlisted_4xx_fails_the_row_with_the_message(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    store.record_rating(None, ["x"], 5)
    store._conn.execute(
        "UPDATE ratings SET body=?",
        (
            store._keys.encrypt(
                json.dumps({"rating_id": "r", "score": 9}).encode(),
                b"rating|" + store.outbox_rows()[0].ref_id.encode(),
            ),
        ),
    )
    worker_for(store, keys).run_once(force=True)
    row = store.outbox_rows()[0]
    assert row.state == FAILED and "评分应为 1 到 5" in row.last_error


def test_ratings_and_heartbeat_go_through(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    store.record_rating(None, ["11000000000000001"], 4, ["方便"], "很好")
    report = worker_for(store, keys).run_once(force=True)
    assert report.delivered == 1 and store.outbox_rows()[0].state == DELIVERED
    beat = json.loads(platform.service._conn().execute("SELECT body FROM heartbeats").fetchone()[0])
    assert beat["queue"] == {"pending": 0, "failed": 0, "oldest_pending_age_s": 0}


def test_statuses_cursor_and_signed_certificate(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    done = store.submit(sample_payload())
    worker = worker_for(store, keys)
    worker.run_once(force=True)
    platform.service.advance(done.local_reference, "accepted")
    platform.service.advance(done.local_reference, "approved", certificate=True)
    report = worker.run_once(force=True)
    assert report.statuses == 2 and report.certificates == 1
    info = store.find(done.local_reference)
    assert info.state == "approved" and [s["status"] for s in info.statuses] == [
        "received",
        "accepted",
        "approved",
    ]
    cid = info.statuses[-1]["certificate_ids"][0]
    pdf = store.certificate(cid)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    cursor = store.setting("status_cursor")
    assert worker.run_once(force=True).statuses == 0 and store.setting("status_cursor") == cursor


def test_tampered_certificate_is_refused(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    done = store.submit(sample_payload())
    worker = worker_for(store, keys)
    worker.run_once(force=True)
    result = platform.service.advance(done.local_reference, "approved", certificate=True)
    cid = result["certificate_ids"][0]
    conn = platform.service._conn()
    pdf = conn.execute("SELECT pdf FROM certificates").fetchone()[0]
    forged = pdf[:len(pdf) // 2] + bytes([pdf[len(pdf) // 2] ^ 0x01]) + pdf[len(pdf) // 2 + 1:]
    conn.execute(
        "UPDATE certificates SET pdf=?, sha256=?", (forged, sha(forged))
    )  # hash fixed, signature not
    with pytest.raises(DocumentRefused, match="签名无效"):
        enrollment.make_client(store, keys).certificate(cid, enrollment.platform_key(store))
    report = worker.run_once(force=True)
    assert report.refused_documents and store.certificate(cid) is None


def test_signed_documents_etag_tamper_and_rollback(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    pkey = enrollment.platform_key(store)
    client = enrollment.make_client(store, keys)
    (platform.service.data_dir / "catalogue.json").write_text(
        json.dumps({"version": "2026.10", "bundles": []})
    )
    assert documents.refresh(store, client, "catalogue", pkey) == "updated"
    assert documents.refresh(store, client, "catalogue", pkey) == "unchanged"
    assert any(r["status"] == 304 for r in platform.records)
    # an older version is refused, the current one kept
    (platform.service.data_dir / "catalogue.json").write_text(
        json.dumps({"version": "2026.9", "bundles": []})
    )
    with pytest.raises(DocumentRefused, match="旧"):
        documents.refresh(store, client, "catalogue", pkey)
    assert store.document("catalogue")["version"] == "2026.10"
    # a document signed by another key is refused
    (platform.service.data_dir / "catalogue.json").write_text(
        json.dumps({"version": "2027.1", "bundles": [1]})
    )
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    real = platform.service.key
    platform.service.key = Ed25519PrivateKey.generate()
    with pytest.raises(DocumentRefused, match="签名无效"):
        documents.refresh(store, client, "catalogue", pkey)
    platform.service.key = real
    assert documents.load(store, "catalogue") == {"version": "2026.10", "bundles": []}
    # signed by the platform but not a catalogue `catalogue validate` accepts: refused too
    with pytest.raises(DocumentRefused, match="内容有误"):
        documents.refresh(store, client, "catalogue", pkey)
    assert documents.load(store, "catalogue") == {"version": "2026.10", "bundles": []}
    assert documents.refused_catalogue(store)["version"] == "2027.1"
    (platform.service.data_dir / "catalogue.json").write_text(
        json.dumps({"version": "2027.2", "bundles": []})
    )
    assert documents.refresh(store, client, "catalogue", pkey) == "updated"
    assert documents.refused_catalogue(store) is None
    assert documents.refresh(store, client, "credit_list", pkey) == "updated"
    credit = documents.load(store, "credit_list")
    assert "salt" in credit and credit["entries"] == []


def test_verify_document_rejects_a_changed_payload():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    payload = b'{"version":"3"}'
    body = {
        "payload": base64.b64encode(payload).decode(),
        "signature": signing.b64(key.sign(payload)),
        "version": "3",
    }
    raw = signing.raw_public(key.public_key())
    assert documents.verify_document("catalogue", body, raw, "2")[0] == "3"
    body["payload"] = base64.b64encode(b'{"version":"4"}').decode()
    with pytest.raises(DocumentRefused):
        documents.verify_document("catalogue", body, raw, "2")


def test_kiosk_clock_hours_off_is_corrected_from_date(tmp_path, platform):
    skewed = lambda: time.time() + 5 * 3600  # noqa: E731 - a clock
    store, keys = enrolled_store(tmp_path, platform, clock=skewed)
    store.submit(sample_payload())
    report = worker_for(store, keys).run_once(force=True)
    assert report.delivered == 1
    assert -5 * 3600 - 5 < store.clock_offset_s < -5 * 3600 + 5
    assert any(r["status"] == 401 and b"clock_skew" in r["response_body"] for r in platform.records)


def test_unknown_station_and_bad_signature(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    client = enrollment.make_client(store, keys)
    from sync.client import StationRefused

    client.station_id = "210102-0099"
    with pytest.raises(StationRefused):
        client.status_since("")
    client.station_id = "210102-0001"
    client._key = enrollment.signing.load_or_create_signing_key(tmp_path / "other.key")
    with pytest.raises(StationRefused):
        client.status_since("")
    platform.service.disable_station("210102-0001")
    store.submit(sample_payload())
    report = worker_for(store, keys).run_once(force=True)
    assert report.offline and "平台拒绝本机" in report.error
    assert store.outbox_rows()[0].state == "queued"  # a station problem never fails the row


def test_enrollment_code_is_single_use(tmp_path, platform):
    code = platform.service.new_enrollment_code()
    from tests.sync.helpers import new_store

    a, ka = new_store(tmp_path, "a")
    enrollment.enroll(a, ka, platform.url, "210102-0001", code)
    b, kb = new_store(tmp_path, "b")
    with pytest.raises(enrollment.EnrollmentError, match="注册码无效"):
        enrollment.enroll(b, kb, platform.url, "210102-0002", code)


def test_nothing_listening_is_offline(tmp_path):
    from tests.sync.helpers import new_store

    store, keys = new_store(tmp_path)
    with pytest.raises(enrollment.EnrollmentError, match="无法连接"):
        enrollment.enroll(store, keys, "http://127.0.0.1:9/api/v1", "210102-0001", "X")
    store.set_setting("station_id", "210102-0001")
    store.set_setting("platform_url", "http://127.0.0.1:9/api/v1")
    with pytest.raises(Offline):
        enrollment.make_client(store, keys, timeout=2).status_since("")


def test_retry_after_as_http_date_and_seconds():
    from email.utils import formatdate

    from sync.client import parse_retry_after

    now = 1_800_000_000.0
    assert parse_retry_after("120", now) == 120
    assert 89 <= parse_retry_after(formatdate(now + 90, usegmt=True), now) <= 91
    assert parse_retry_after("soon", now) is None and parse_retry_after(None, now) is None


def test_attachment_over_20_mib_fails_the_row_with_a_message(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    big = store.put_attachment(b"\0" * (20 * 1024 * 1024 + 1))
    store.submit(sample_payload(attachments=[big]))
    worker_for(store, keys).run_once(force=True)
    row = store.outbox_rows()[0]
    assert row.state == FAILED and "20 MiB" in row.last_error
    assert platform.service.submissions() == []


def test_worker_thread_reports_status_and_stops(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    seen = []
    worker = worker_for(store, keys, on_status=seen.append)
    worker.start(poll_s=0.05)
    store.submit(sample_payload())
    worker.wake()
    for _ in range(500):
        if seen and seen[-1].pending == 0 and store.outbox_rows()[0].state != "queued":
            break
        time.sleep(0.02)
    worker.stop()
    # "received" comes with a status pull: in the same pass when the submit beat the first pass
    assert store.outbox_rows()[0].state in ("delivered", "received")
    assert seen[-1].online and seen[-1].pending == 0


def test_downloaded_documents_work_with_the_form_engine(tmp_path, platform):
    import forms
    from forms.credit import CreditList

    store, keys = enrolled_store(tmp_path, platform)
    platform.service.add_to_credit_list("11010519491231002X", "失信被执行人", "测试")
    worker_for(store, keys).run_once(force=True)
    catalogue = forms.Catalogue.from_document(documents.load(store, "catalogue"))
    assert catalogue.bundle("newborn")
    credit = CreditList.from_document(documents.load(store, "credit_list"))
    assert credit.hit("11010519491231002x") and credit.hit("110101199003070011") is None
    assert "11010519491231002X" not in json.dumps(documents.load(store, "credit_list"))
