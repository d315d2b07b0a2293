"""The `precheck` object travels with the submission: built from a real pre-check, valid against
sync/platform_api.yaml, accepted by the reference platform when present, never required, and
refused when malformed. It carries no name and no ID number."""

from __future__ import annotations

import jsonschema
import yaml

from devices.precheck.checker import Expectation, ExpectedPerson, to_payload
from sync import enrollment
from sync.store import REJECTED
from sync.worker import DeliveryWorker
from tests.precheck.conftest import photo_of
from tests.sync.helpers import REPO, enrolled_store, sample_payload

RECEIVED = "received"  # the platform acknowledged the submission (sync/states.py)


def precheck_schema() -> dict:
    spec = yaml.safe_load((REPO / "sync" / "platform_api.yaml").read_text(encoding="utf-8"))
    return {"$ref": "#/components/schemas/Precheck", "components": spec["components"]}


def test_payload_from_a_real_check_is_valid_and_holds_no_personal_data(checker):
    frame, truth = photo_of("id_card_front", 31)
    result = checker.check(
        frame,
        Expectation(
            ("id_card_front", "id_card_back"), (ExpectedPerson("main", "王喆", "11010519491231002X"),)
        ),
        photo=True,
    )
    payload = to_payload(result)
    jsonschema.validate(payload, precheck_schema())
    assert payload["doc_type"] == "id_card_front" and payload["mismatch"] is True
    assert {"role": "main", "field": "id_number"} in payload["mismatches"]
    text = str(payload)
    for secret in (
        truth.fields["name"],
        truth.fields["id_number"],
        "王喆",
        "11010519491231002X",
        truth.fields["id_number"][-4:],
    ):
        assert secret not in text


def _deliver(tmp_path, platform, materials):  # noqa: ANN001, ANN202
    store, keys = enrolled_store(tmp_path, platform)
    sha = store.put_attachment(b"jpeg" * 1000)
    payload = sample_payload(attachments=[sha])
    for material in materials(sha):
        payload["materials"] = [dict(payload["materials"][0], **material)]
    store.submit(payload)
    DeliveryWorker(store, enrollment.make_client(store, keys, timeout=5)).run_once(force=True)
    return store.outbox_rows()[0]


GOOD = {
    "engine": "precheck-1",
    "doc_type": "birth_cert",
    "confidence": 0.97,
    "expected_doc_types": ["birth_cert"],
    "type_ok": True,
    "legible": True,
    "problems": [],
    "mismatch": True,
    "mismatches": [{"role": "mother", "field": "id_number"}],
    "findings": 1,
}


def test_the_platform_accepts_a_precheck_and_does_not_require_one(tmp_path, platform):
    jsonschema.validate(GOOD, precheck_schema())
    with_it = _deliver(tmp_path / "a", platform, lambda sha: [{"precheck": {sha: GOOD}}])
    assert with_it.state == RECEIVED
    without = _deliver(tmp_path / "b", platform, lambda sha: [{}])
    assert without.state == RECEIVED


def test_the_platform_refuses_a_malformed_precheck(tmp_path, platform):
    bad = dict(GOOD, doc_type="passport")
    row = _deliver(tmp_path, platform, lambda sha: [{"precheck": {sha: bad}}])
    assert row.state == REJECTED and "materials[0].precheck" in row.last_error
    stray = _deliver(tmp_path / "c", platform, lambda sha: [{"precheck": {"0" * 64: GOOD}}])
    assert stray.state == REJECTED and "不在 attachments" in stray.last_error
