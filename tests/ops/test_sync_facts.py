"""What the health report learns from talking to the platform, over real HTTP on 127.0.0.1: the
platform's `Date` header on its own (skewed) clock corrects the kiosk's clock offset, every
successful exchange counts as "last successful sync" (an empty queue included), and the
platform's `min_app_version` turns the status degraded with a Chinese reason for staff."""

from __future__ import annotations

import email.utils
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from kiosk.station.health import HealthReport, outdated_reason, version_older
from kiosk.station.status import LAST_SYNC_OK_AT, MIN_APP_VERSION, last_sync_at, store_facts
from sync import enrollment, worker
from sync.platform.server import start_in_thread
from sync.platform.service import PlatformService
from sync.store import Store
from sync.worker import DeliveryWorker
from tests.sync.helpers import sample_payload

ROOT = Path(__file__).resolve().parents[2]
SKEW_S = 2 * 3600.0


@pytest.fixture
def platform(tmp_path):
    """The reference platform; its clock is `service.clock` (tests skew it)."""
    skew = {"s": 0.0}
    service = PlatformService(tmp_path / "platform", clock=lambda: time.time() + skew["s"])
    records: list[dict] = []
    server = start_in_thread(service, recorder=records.append)
    yield service, server, records, skew
    server.shutdown()
    server.server_close()


def enrolled(tmp_path: Path, service: PlatformService, server) -> Store:  # noqa: ANN001
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    enrollment.enroll(store, tmp_path / "keys", server.url, "210102-0001", service.new_enrollment_code())
    return store


def worker_for(store: Store, tmp_path: Path, **kw) -> DeliveryWorker:  # noqa: ANN003
    return DeliveryWorker(store, enrollment.make_client(store, tmp_path / "keys", timeout=5), **kw)


def test_the_date_header_follows_the_platform_clock(platform):
    service, server, _, skew = platform
    skew["s"] = SKEW_S
    response = requests.get(server.url + "/nowhere", timeout=5, proxies={"http": None})
    sent = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
    assert abs(sent - (time.time() + SKEW_S)) < 5


def test_a_skewed_platform_clock_is_learnt_through_the_date_header(tmp_path, platform):
    service, server, records, skew = platform
    store = enrolled(tmp_path, service, server)
    skew["s"] = SKEW_S                            # the platform's clock runs two hours ahead
    store.submit(sample_payload())
    report = worker_for(store, tmp_path).run_once(force=True)
    assert report.delivered == 1, report
    assert abs(store.clock_offset_s - SKEW_S) < 5
    assert any(r["status"] == 401 and b"clock_skew" in r["response_body"] for r in records)
    # once learnt, the next application carries the offset and is signed right the first time
    refusals = sum(r["status"] == 401 for r in records)
    store.submit(sample_payload("2"))
    assert worker_for(store, tmp_path).run_once(force=True).delivered == 1
    assert sum(r["status"] == 401 for r in records) == refusals
    bodies = service._conn().execute("SELECT body FROM submissions").fetchall()  # noqa: SLF001
    offsets = sorted(json.loads(b["body"])["clock_offset_s"] for b in bodies)
    assert offsets[0] == 0 and abs(offsets[1] - SKEW_S) < 5
    store.close()


def test_a_heartbeat_with_an_empty_queue_is_a_successful_sync(tmp_path, platform):
    service, server, records, _ = platform
    store = enrolled(tmp_path, service, server)
    w = worker_for(store, tmp_path)
    assert w.run_once(force=True).error is None     # documents fetched: nothing is stale after this
    # from here on only the heartbeat talks to the platform: the queue is empty, documents current
    store.set_setting(LAST_SYNC_OK_AT, "")
    store._conn.execute("UPDATE documents SET fetched_at = 0")  # noqa: SLF001 - an old exchange
    assert last_sync_at(store) == 0
    assert store.pending_summary()["pending"] == 0
    w._next_heartbeat = 0.0                            # noqa: SLF001 - the heartbeat is due,
    w._next_documents = float("inf")                   # noqa: SLF001 - the weekly check is not
    del records[:]
    before = time.time()
    report = w.run_once()
    assert report.error is None
    assert [r["target"].rsplit("/", 1)[-1] for r in records] == ["heartbeat"]
    recorded = last_sync_at(store)
    assert recorded is not None and before - 1 <= recorded <= time.time() + 1
    doc = HealthReport(lambda: {"devices": {"id_reader": {"state": "ok"}}, **store_facts(store)},
                       version="0.1.0", station_id="210102-0001", data_dir=tmp_path).build()
    assert doc["last_sync"]["at"] is not None and doc["last_sync"]["age_s"] < 60
    store.close()


def test_an_unreachable_platform_records_no_sync(tmp_path, platform):
    service, server, _, _ = platform
    store = enrolled(tmp_path, service, server)
    store.set_setting(LAST_SYNC_OK_AT, "")
    server.shutdown()
    server.server_close()
    report = worker_for(store, tmp_path).run_once(force=True)
    assert report.offline
    assert not store.setting(LAST_SYNC_OK_AT)
    store.close()


def test_the_constants_match_the_worker():
    assert (LAST_SYNC_OK_AT, MIN_APP_VERSION) == (worker.LAST_SYNC_OK_AT, worker.MIN_APP_VERSION)


@pytest.mark.parametrize(("version", "minimum", "older"), [
    ("0.1.0", "0.2.0", True), ("0.1.9", "0.1.10", True), ("0.1.10", "0.1.9", False),
    ("0.2.0", "0.2.0", False), ("1.0", "0.9.9", False), ("0.1", "0.1.1", True),
    ("0.1.0", None, False), (None, "0.2.0", False), ("0.1.0", "", False),
])
def test_versions_compare_as_numbers(version, minimum, older):
    assert version_older(version, minimum) is older


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, NO_PROXY="*"))


def test_min_app_version_from_the_heartbeat_degrades_status_for_staff(tmp_path, platform):
    service, server, _, _ = platform
    store = enrolled(tmp_path, service, server)
    from kiosk.station.version import app_version

    service.min_app_version = "99.0.0"
    worker_for(store, tmp_path).run_once(force=True)
    assert store.setting(MIN_APP_VERSION) == "99.0.0"
    store.close()
    result = cli("status", "--json", "--data-dir", str(tmp_path / "data"), "--key-dir",
                 str(tmp_path / "keys"), "--port", "1", "--timeout", "0.2")
    doc = json.loads(result.stdout)
    reason = f"软件版本过旧，平台要求至少 99.0.0（本机 {app_version()}）"
    assert result.returncode == 1 and doc["status"] == "degraded"
    assert doc["min_app_version"] == "99.0.0"
    assert any(p.startswith(reason) for p in doc["problems"]), doc["problems"]
    table = cli("status", "--data-dir", str(tmp_path / "data"), "--key-dir", str(tmp_path / "keys"),
                "--port", "1", "--timeout", "0.2")
    assert reason in table.stdout and "上次同步成功：无记录" not in table.stdout

    # the platform lowers it again: the warning goes with the next heartbeat
    service.min_app_version = app_version()
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    worker_for(store, tmp_path).run_once(force=True)
    facts = store_facts(store)
    store.close()
    doc = HealthReport(lambda: {"devices": {"id_reader": {"state": "ok"}}, **facts},
                       version=app_version(), station_id="210102-0001", data_dir=tmp_path).build()
    assert not any("软件版本过旧" in p for p in doc["problems"])
    assert outdated_reason(app_version(), facts["min_app_version"]) is None
