"""Both sides against sync/platform_api.yaml: every request the kiosk sent and every response the
reference platform gave in a full session (happy paths and error paths) validates."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from sync import documents, enrollment, signing
from sync.client import Transient
from sync.pacing import Pacing, PlatformPacer
from sync.worker import DeliveryWorker
from tests.sync.helpers import REPO, enrolled_store, sample_payload

SPEC_PATH = REPO / "sync" / "platform_api.yaml"


def build_api(base_url: str) -> OpenAPI:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": base_url}]
    return OpenAPI.from_dict(spec)


def to_openapi(record: dict, base_url: str) -> tuple[MockRequest, MockResponse]:
    split = urlsplit(record["target"])
    host = base_url.split("/api/v1")[0]
    args = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    req_ct = record["headers"].get("Content-Type", "application/json")
    request = MockRequest(
        host,
        record["method"].lower(),
        split.path,
        args=args,
        headers=record["headers"],
        data=record["body"] or None,
        content_type=req_ct,
    )
    resp_ct = record["response_headers"].get("Content-Type", "application/json")
    response = MockResponse(
        record["response_body"],
        status_code=record["status"],
        headers=record["response_headers"],
        content_type=resp_ct,
    )
    return request, response


def session(tmp_path, platform) -> None:
    """A full kiosk session plus the error paths the contract names."""
    store, keys = enrolled_store(tmp_path, platform)
    a = store.put_attachment(b"photo" * 300_000)  # two chunks
    done = store.submit(sample_payload(attachments=[a]))
    store.record_rating(done.submission_id, ["11000000000000001"], 5, ["方便"], "")
    worker = DeliveryWorker(store, enrollment.make_client(store, keys))
    worker.run_once(force=True)
    for i in range(6):
        store.submit(sample_payload(str(i)))
    worker.run_once(force=True)  # a batch
    (first,) = platform.service.advance(done.local_reference, "approved", certificate=True)["certificate_ids"]
    worker.run_once(force=True)  # status + certificate + documents
    client = enrollment.make_client(store, keys)
    # contract 1.1: certificate validity in status changes and at print time
    assert client.certificate_status(first)["status"] == "valid"
    completed = platform.service.advance(done.local_reference, "completed", certificate=True)
    (newer,) = completed["certificate_ids"]
    platform.service.revoke_certificate(newer, "发证信息有误")
    refused = store.outbox_rows(masked=False)[3].local_reference
    platform.service.advance(refused, "approved", certificate=True)
    platform.service.advance(refused, "rejected", message="经复核不符合条件")
    worker.run_once(force=True)  # superseded, revoked, withdrawn: pulled
    assert client.certificate_status(newer)["status"] == "revoked"
    assert client.certificate_status("CERT-NONE-1") == {"certificate_id": "CERT-NONE-1", "status": "unknown"}
    other, other_keys = enrolled_store(tmp_path, platform, name="other", station_id="210102-0002")
    taken = sample_payload("taken")
    taken.update(submission_id="00000000-0000-4000-8000-000000000003", local_reference=done.local_reference,
                 created_at="2026-01-01T00:00:00Z")
    assert enrollment.make_client(other, other_keys).post_submission(
        taken["submission_id"], json.dumps(taken).encode()).error == "local_reference_taken"
    pkey = enrollment.platform_key(store)
    documents.refresh(store, client, "catalogue", pkey)  # 304
    row = store.outbox_rows(masked=False)[0]
    body = store.request_body(row)
    client.post_submission(row.idempotency_key, body)  # replay 200
    changed = json.loads(body)
    changed["answers"] = {"x": 1}
    client.post_submission(row.idempotency_key, json.dumps(changed).encode())  # 422 reused
    bad = sample_payload("bad", id_number="110105194912310021")
    bad.update(
        submission_id="00000000-0000-4000-8000-000000000001",
        local_reference="P47Y-NMJC",
        created_at="2026-01-01T00:00:00Z",
    )
    client.post_submission(bad["submission_id"], json.dumps(bad).encode())  # 422 invalid
    missing = dict(bad, submission_id="00000000-0000-4000-8000-000000000002")
    missing["applicant"] = {"id_type": "resident_id", "id_number": "11010519491231002X", "name": "甲"}
    missing["materials"] = [{"material_id": "m", "status": "provided", "attachments": ["1" * 64]}]
    client.post_submission(missing["submission_id"], json.dumps(missing).encode())  # 422 missing
    client.attachment_offset("2" * 64)  # 404
    resp = client._send(
        "PATCH",
        f"/attachments/{a}",
        b"x",
        {"Upload-Offset": "5", "Upload-Length": "9", "Content-Type": "application/offset+octet-stream"},
    )
    assert resp.status_code == 409
    client.offset_s = 0
    skewed = signing.sign_headers(
        enrollment.station_key(keys), "210102-0001", "GET", "/api/v1/status?since=", b"", time.time() + 3600
    )
    assert requests.get(platform.url + "/status?since=", headers=skewed, timeout=5).status_code == 401
    # contract 1.2: a pacing platform's heartbeat answer, and its refusal beyond capacity
    platform.service.pacer = PlatformPacer(1, clock=lambda: 1_000_000.0)   # one request a second
    client.offset_s = store.clock_offset_s
    assert Pacing.from_json(client.heartbeat(worker.heartbeat_body()).body["pacing"]) is not None
    with pytest.raises(Transient) as busy:
        client.status_since("")
    assert busy.value.retry_after and Pacing.from_json(busy.value.pacing) is not None
    platform.service.set_capacity(None)
    with pytest.raises(Transient):
        pass_through = enrollment.make_client(store, keys)
        pass_through.station_id = "210102-0009"
        try:
            pass_through.status_since("")
        except Exception as exc:
            raise Transient(str(exc)) from exc


def test_kiosk_requests_and_platform_responses_follow_the_contract(tmp_path, platform):
    session(tmp_path, platform)
    api = build_api(platform.url)
    statuses = {r["status"] for r in platform.records}
    assert {201, 200, 204, 207, 304, 401, 403, 404, 409, 422, 503} <= statuses
    assert any(r["status"] == 200 and r["target"].endswith("/heartbeat") and b'"pacing"' in r["response_body"]
               for r in platform.records)
    problems = []
    for record in platform.records:
        request, response = to_openapi(record, platform.url)
        if record["status"] not in (401, 403):  # refused requests may lack a valid identity
            for err in api.iter_request_errors(request):
                problems.append(f"request {record['method']} {record['target']}: {str(err)[:300]}")
        for err in api.iter_response_errors(request, response):
            problems.append(
                f"response {record['status']} {record['method']} {record['target']}: {str(err)[:300]}"
            )
    assert not problems, "\n".join(problems[:10])


def test_the_validator_is_not_a_rubber_stamp(tmp_path, platform):
    session(tmp_path, platform)
    api = build_api(platform.url)
    record = next(r for r in platform.records if r["status"] == 201 and r["target"].endswith("/submissions"))
    broken = dict(record, response_body=json.dumps({"submission_id": "x"}).encode())
    request, response = to_openapi(broken, platform.url)
    assert list(api.iter_response_errors(request, response))
    bad_request = dict(record, headers={k: v for k, v in record["headers"].items() if k != "Idempotency-Key"})
    request, _ = to_openapi(bad_request, platform.url)
    assert list(api.iter_request_errors(request))


def test_the_contract_checks_the_pacing_fields(tmp_path, platform):
    """Contract 1.2: a heartbeat answer or a 503 body whose `pacing` breaks the schema is caught."""
    session(tmp_path, platform)
    api = build_api(platform.url)
    for status, path in ((200, "/heartbeat"), (503, "/status")):
        record = next(r for r in platform.records
                      if r["status"] == status and path in r["target"] and b'"pacing"' in r["response_body"])
        body = json.loads(record["response_body"])
        request, response = to_openapi(record, platform.url)
        assert not list(api.iter_response_errors(request, response))
        for broken in ({**body["pacing"], "version": 2}, {**body["pacing"], "cycle_s": 0},
                       {k: v for k, v in body["pacing"].items() if k != "slot_s"}):
            bad = dict(record, response_body=json.dumps({**body, "pacing": broken}).encode())
            request, response = to_openapi(bad, platform.url)
            assert list(api.iter_response_errors(request, response)), broken
