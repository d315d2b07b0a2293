"""Contract 1.2 (通办, 立等可取) against sync/platform_api.yaml, both sides: a station submits an
application of a resident registered in another Liaoning city with `handling` naming the
resident's division; the reference platform validates and stores it, refuses a malformed one,
and — configured to decide 即办件 at once — completes an all-immediate application with a signed
certificate the worker downloads, while one with a paper owed waits for an officer."""

from __future__ import annotations

import json

from forms import fill
from forms.examples import example
from forms.handling import decide_all, resident_place, with_handling
from sync import enrollment
from sync.platform.instant import handling_of
from sync.worker import DeliveryWorker
from tests.sync.helpers import enrolled_store, sample_payload
from tests.sync.test_openapi import build_api, to_openapi

STATION = "210102"


def pension_payload(variant: int = 0) -> dict:
    """resident_pension's example (a 48-year-old villager of 抚顺市新宾, both items 即办) as the
    kiosk submits it at a 沈阳市和平区 station: with the handling the one rule decides."""
    from forms import load_catalogue

    sample = example("resident_pension", variant)
    result = fill("resident_pension", sample["answers"], applicant=sample["applicant"],
                  material_choices=sample.get("materials"))
    assert result.ok, result.errors
    bundle = load_catalogue().bundle("resident_pension")
    place = resident_place(bundle, result.payload["answers"], sample["applicant"])
    items = [bundle.item(code) for code in result.payload["item_codes"]]
    return with_handling(result.payload, decide_all(items, place, STATION))


def test_handling_is_carried_validated_stored_and_immediate_items_decided_at_once(tmp_path, platform):
    platform.service.decide_immediate = True
    store, keys = enrolled_store(tmp_path, platform)
    body = pension_payload()
    assert [h["division_code"] for h in body["handling"]] == ["210422", "210422"]   # 新宾满族自治县
    for sha in [a for m in body["materials"] for a in m.get("attachments") or []]:
        store.put_attachment(b"stand-in " + sha.encode())
    body["materials"] = [dict(m, attachments=[]) if m["status"] != "provided" else
                         dict(m, attachments=[store.put_attachment(b"photo of " + m["material_id"].encode())])
                         for m in body["materials"]]
    done = store.submit(body)
    owed = dict(sample_payload("owed"), bundle_id="resident_pension", item_codes=body["item_codes"],
                handling=body["handling"])
    owed["materials"] = [{"material_id": "no_employee_pension", "status": "deferred", "attachments": []}]
    waiting = store.submit(owed)
    worker = DeliveryWorker(store, enrollment.make_client(store, keys))
    worker.run_once(force=True)                        # delivered; the platform decides the first
    worker.run_once(force=True)                        # statuses and the certificate pulled

    assert platform.service.find_submission(done.submission_id)["status"] == "completed"
    assert platform.service.find_submission(waiting.submission_id)["status"] == "received"   # owed
    stored = json.loads(platform.service.find_submission(done.submission_id)["body"])
    assert stored["handling"] == body["handling"]
    assert handling_of(stored)[0]["division_code"] == "210422"
    info = store.find(done.submission_id)
    assert info.statuses[-1]["status"] == "completed"
    (certificate,) = info.statuses[-1]["certificate_ids"]
    assert store.certificate(certificate).startswith(b"%PDF")            # signature checked at download

    client = enrollment.make_client(store, keys)
    broken = dict(sample_payload("broken"), submission_id="00000000-0000-4000-8000-0000000000b1",
                  local_reference="P47Y-NMJC", created_at="2026-01-01T00:00:00Z",
                  handling=[{"item_code": "nope", "handled_where": "galaxy", "division_code": "21",
                             "handled_by": ""}])
    reply = client.post_submission(broken["submission_id"], json.dumps(broken).encode())
    assert reply.error == "invalid_submission"
    fields = json.loads(platform.records[-1]["response_body"])["fields"]
    assert {"handling[0].item_code", "handling[0].handled_where", "handling[0].division_code",
            "handling[0].handled_by"} <= set(fields)

    api = build_api(platform.url)
    problems = []
    for record in platform.records:
        request, response = to_openapi(record, platform.url)
        if record["status"] != 422:          # the malformed one is meant to break the contract
            problems += [f"request {record['target']}: {e}" for e in api.iter_request_errors(request)]
        problems += [f"response {record['target']}: {e}" for e in api.iter_response_errors(request, response)]
    assert not problems, "\n".join(problems[:5])
    sent = next(r for r in platform.records if r["target"].endswith("/submissions") and r["status"] == 201)
    malformed = json.loads(sent["body"])
    malformed["handling"][0].pop("division_code")
    request, _ = to_openapi(dict(sent, body=json.dumps(malformed).encode()), platform.url)
    assert list(api.iter_request_errors(request))          # the contract itself requires the division
