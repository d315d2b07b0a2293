"""Both sides against console/console_api.yaml: every request a real station's reporter sent and
every answer the real console gave (accepted, stale, each refusal) validates; the validator
itself catches a broken request and a broken answer."""

from __future__ import annotations

import json
from pathlib import Path

import requests
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

from console import fleetsim
from console.store import Store
from sync import enrollment, fleet_report, signing
from sync.fleet_report import FleetReporter
from tests.console.helpers import running_console
from tests.sync.helpers import new_store, sample_payload

SPEC_PATH = Path(__file__).resolve().parents[2] / "console" / "console_api.yaml"


def _api(base: str) -> OpenAPI:
    spec = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    spec["servers"] = [{"url": base}]
    return OpenAPI.from_dict(spec)


class Recorder:
    """Every exchange through a requests.Session, as openapi-core wants to see it."""

    def __init__(self) -> None:
        self.exchanges: list[tuple[requests.PreparedRequest, requests.Response]] = []
        self.session = requests.Session()
        self.session.hooks["response"].append(lambda r, *a, **k: self.exchanges.append((r.request, r)))

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> requests.Response:
        return self.session.post(url, data=body, headers=headers, timeout=30)


def _mock(base: str, request: requests.PreparedRequest, response: requests.Response):
    host = base.split("/api/v1")[0]
    path = request.path_url
    mock_request = MockRequest(
        host, "post", path, headers=dict(request.headers), data=request.body, content_type="application/json"
    )
    mock_response = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type="application/json",
    )
    return mock_request, mock_response


def test_the_document_is_valid_openapi() -> None:
    validate(yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8")))


def test_station_requests_and_console_answers_follow_the_contract(tmp_path: Path, pg_store: Store) -> None:
    station_store, key_dir = new_store(tmp_path)
    station_store.set_setting("station_id", "211282-0099")
    done = station_store.submit(sample_payload())
    station_store.record_rating(done.submission_id, ["11000000000000001"], 2, ["操作太复杂"], "")
    key = enrollment.station_key(key_dir)
    pg_store.upsert_station("211282-0099", signing.b64(signing.raw_public(key.public_key())), "211282")
    fleet = fleetsim.make_fleet(2, seed=5)
    pg_store.upsert_station(**{k: v for k, v in fleet[0].import_line().items()})
    pg_store.start_rollout("catalogue", "2026.12.1", "admin", artifact="catalogue-2026.12.1.json")
    pg_store.promote_rollout(pg_store.rollouts()[0]["id"])
    recorder = Recorder()
    with running_console(pg_store) as base:
        reporter = FleetReporter(
            station_store,
            key,
            base,
            station_id="211282-0099",
            software_version="1.5.0",
            devices=lambda: {"id_reader": "ok", "receipt_printer": "paper_out"},
            session=recorder.session,
        )
        assert reporter.run_once(), reporter.last_error
        assert reporter.run_once(), reporter.last_error
        known, unknown = fleet
        now = pg_store.clock()
        good = fleet_report.encode(fleetsim.report(known, 3, now))
        url = f"{base}/reports"
        recorder.post(
            url,
            fleet_report.encode(fleetsim.report(known, 2, now)),
            fleetsim.signed(known, fleet_report.encode(fleetsim.report(known, 2, now)), now),
        )
        recorder.post(url, good, fleetsim.signed(known, good, now))
        stale = fleet_report.encode(fleetsim.report(known, 1, now))
        recorder.post(url, stale, fleetsim.signed(known, stale, now))  # 200, stale
        unknown_body = fleet_report.encode(fleetsim.report(unknown, 1, now))
        recorder.post(url, unknown_body, fleetsim.signed(unknown, unknown_body, now))  # 403
        recorder.post(url, good, fleetsim.signed(known, good, now - 3600))  # 401
        personal = fleet_report.encode(dict(fleetsim.report(known, 4, now), name="张三"))
        recorder.post(url, personal, fleetsim.signed(known, personal, now))  # 400
        huge = good + b" " * 70_000
        recorder.post(url, huge, fleetsim.signed(known, huge, now))  # 413
    station_store.close()
    api = _api(base)
    statuses = [r.status_code for _, r in recorder.exchanges]
    assert statuses == [200, 200, 200, 200, 200, 403, 401, 400, 413]
    problems = []
    for number, (request, response) in enumerate(recorder.exchanges):
        mock_request, mock_response = _mock(base, request, response)
        if response.status_code == 200:
            problems += [f"request {number}: {str(e)[:300]}" for e in api.iter_request_errors(mock_request)]
        problems += [
            f"response {number} ({response.status_code}): {str(e)[:300]}"
            for e in api.iter_response_errors(mock_request, mock_response)
        ]
    assert not problems, "\n".join(problems)
    first = recorder.exchanges[0][1].json()
    assert first["state"] == "fault"
    assert first["offers"] == [
        {"kind": "catalogue", "version": "2026.12.1", "artifact": "catalogue-2026.12.1.json"}
    ]
    assert recorder.exchanges[4][1].json()["stale"] is True


def test_the_validator_is_not_a_rubber_stamp(pg_store: Store) -> None:
    [station] = fleetsim.make_fleet(1, seed=9)
    pg_store.upsert_station(**station.import_line())
    recorder = Recorder()
    with running_console(pg_store) as base:
        body = fleet_report.encode(fleetsim.report(station, 1, pg_store.clock()))
        recorder.post(f"{base}/reports", body, fleetsim.signed(station, body, pg_store.clock()))
    api = _api(base)
    request, response = recorder.exchanges[0]
    mock_request, mock_response = _mock(base, request, response)
    assert not list(api.iter_request_errors(mock_request))
    broken = json.loads(response.content)
    del broken["state"]
    bad_response = MockResponse(
        json.dumps(broken).encode(),
        status_code=200,
        headers=dict(response.headers),
        content_type="application/json",
    )
    assert list(api.iter_response_errors(mock_request, bad_response))
    unsigned = dict(request.headers)
    del unsigned["X-Signature"]
    assert list(
        api.iter_request_errors(
            MockRequest(
                base.split("/api/v1")[0],
                "post",
                request.path_url,
                headers=unsigned,
                data=request.body,
                content_type="application/json",
            )
        )
    )
    extra = json.loads(request.body)
    extra["comment"] = "张三态度不好"
    assert list(
        api.iter_request_errors(
            MockRequest(
                base.split("/api/v1")[0],
                "post",
                request.path_url,
                headers=dict(request.headers),
                data=json.dumps(extra).encode(),
                content_type="application/json",
            )
        )
    )


def test_offers_artifacts_and_refusals_follow_contract_1_1(tmp_path: Path, sqlite_store: Store) -> None:
    """A release with its file: the reply's offer (sha256, size, artifact), the signed GET of the
    artifact and its answers, and a report carrying `offers_refused`, all against the document."""
    station_store, key_dir = new_store(tmp_path)
    key = enrollment.station_key(key_dir)
    platform = enrollment.station_key(tmp_path / "platform-keys")        # some platform's pinned key
    station_store.set_setting("platform_signing_key", signing.b64(signing.raw_public(platform.public_key())))
    sqlite_store.upsert_station("211282-0099", signing.b64(signing.raw_public(key.public_key())), "211282")
    release = sqlite_store.add_artifact("catalogue", "2099.1.1", b'{"version": "2099.1.1"}')
    sqlite_store.start_rollout("catalogue", "2099.1.1", "admin", artifact=release["artifact"])
    sqlite_store.promote_rollout(sqlite_store.rollouts()[0]["id"])
    recorder = Recorder()
    with running_console(sqlite_store) as base:
        host = base.split("/api/v1")[0]
        reporter = FleetReporter(station_store, key, base, station_id="211282-0099", software_version="1.5.0",
                                 session=recorder.session)
        assert reporter.run_once(), reporter.last_error          # the offer, then the GET of its file
        assert reporter.run_once(), reporter.last_error          # now with offers_refused (invalid)
        missing = "/api/v1/artifacts/" + "0" * 64
        now = sqlite_store.clock()
        recorder.session.get(host + missing, timeout=30,
                             headers=signing.sign_headers(key, "211282-0099", "GET", missing, b"", now))
        recorder.session.get(host + release["artifact"], timeout=30)               # unsigned
    station_store.close()
    api = _api(base)
    seen = [(q.method, s.status_code) for q, s in recorder.exchanges]
    assert seen == [("POST", 200), ("GET", 200), ("POST", 200), ("GET", 404), ("GET", 401)]
    offer = recorder.exchanges[0][1].json()["offers"][0]
    assert offer == {"kind": "catalogue", "version": "2099.1.1", "artifact": release["artifact"],
                     "sha256": release["sha256"], "size": release["size"]}
    assert json.loads(recorder.exchanges[2][0].body)["offers_refused"] == [
        {"kind": "catalogue", "version": "2099.1.1", "code": "invalid"}]
    problems = []
    for number, (request, response) in enumerate(recorder.exchanges):
        if request.method == "POST":
            mock_request, mock_response = _mock(base, request, response)
        else:
            mock_request = MockRequest(host, "get", request.path_url, headers=dict(request.headers))
            try:
                content = response.content
            except RuntimeError:            # the station streamed the file to its staging folder
                content = b'{"version": "2099.1.1"}'
            mock_response = MockResponse(content, status_code=response.status_code,
                                         headers=dict(response.headers),
                                         content_type=response.headers["Content-Type"])
        if response.status_code == 200:
            problems += [f"request {number}: {str(e)[:300]}" for e in api.iter_request_errors(mock_request)]
        problems += [f"response {number} ({response.status_code}): {str(e)[:300]}"
                     for e in api.iter_response_errors(mock_request, mock_response)]
    assert not problems, "\n".join(problems)
