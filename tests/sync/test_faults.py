"""Delivery through a fault-injecting proxy: refused, reset, dropped answers, timeouts, 500,
503/429 with Retry-After, a captive portal, and a kiosk clock hours off. Afterwards every
submission is on the platform exactly once."""

from __future__ import annotations

import threading
import time

import pytest

from sync import enrollment
from sync.client import CHUNK, Offline, PlatformClient, Transient
from sync.worker import Backoff, DeliveryWorker
from tests.sync.fault_proxy import FAULTS, FaultProxy
from tests.sync.helpers import enrolled_store, sample_payload


@pytest.fixture
def proxy(platform):
    p = FaultProxy(platform.server.server_address[1], hold_s=1.5)
    yield p
    p.close()


def test_everything_arrives_exactly_once_through_every_fault(tmp_path, platform, proxy):
    skewed = lambda: time.time() - 3 * 3600  # noqa: E731 - the kiosk's clock is 3 hours slow
    store, keys = enrolled_store(tmp_path, platform, clock=skewed)
    expected = {}
    for i in range(8):
        photo = (f"photo {i} ".encode() * 40_000)[: CHUNK + 5000 * i]  # some need two chunks
        done = store.submit(sample_payload(str(i), attachments=[store.put_attachment(photo)]))
        expected[done.submission_id] = done.local_reference
    store.record_rating(None, ["x"], 5)
    client = enrollment.make_client(store, keys, platform_url=proxy.url, timeout=0.7)
    worker = DeliveryWorker(store, client, batch_threshold=4, backoff=Backoff(base_s=0.01, cap_s=0.05))
    # every fault several times, interleaved with passes, before and during batches and uploads
    for _ in range(3):
        for fault in FAULTS:
            proxy.add(fault, "pass", fault)
    refused = threading.Thread(target=proxy.refuse_for, args=(0.3,))
    refused.start()
    offline_seen = worker.run_once(force=True).offline
    refused.join()
    for _ in range(200):
        report = worker.run_once(force=True)
        offline_seen |= report.offline
        if not store.due_rows(float("inf")) and not proxy.plan:
            break
    assert offline_seen
    assert not proxy.plan, "the plan was not used up"
    assert all(proxy.seen[f] >= 6 for f in FAULTS), proxy.seen
    rows = store.outbox_rows(masked=False)
    assert {r.state for r in rows} <= {"received", "delivered"}, [(r.state, r.last_error) for r in rows]
    on_platform = platform.service.submissions()
    assert sorted(s["submission_id"] for s in on_platform) == sorted(expected)
    assert {s["submission_id"]: s["local_reference"] for s in on_platform} == expected
    ratings = platform.service._conn().execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
    assert ratings == 1
    # the "dropped after commit" faults really hit committed requests: replays were counted
    assert any(r["status"] == 200 and r["method"] == "POST" for r in platform.records) or any(
        s["times_received"] > 1 for s in on_platform
    )
    assert abs(store.clock_offset_s - 3 * 3600) < 5


def test_retry_after_is_honoured(tmp_path, platform, proxy):
    store, keys = enrolled_store(tmp_path, platform)
    store.submit(sample_payload())
    client = enrollment.make_client(store, keys, platform_url=proxy.url, timeout=2)
    worker = DeliveryWorker(store, client, backoff=Backoff(base_s=0.001, cap_s=0.001))
    proxy.add("503")
    before = time.time()
    report = worker.run_once(force=True)
    assert report.offline and "繁忙" in report.error
    assert worker.not_before >= before + 1.0  # Retry-After: 1, although the backoff says 1 ms
    row = store.outbox_rows()[0]
    assert row.state == "queued" and row.next_attempt_at >= before + 1.0
    assert worker.run_once().delivered == 0  # too early: nothing is sent
    assert proxy.seen["pass"] == 0
    time.sleep(max(0.0, worker.not_before - time.time()) + 0.05)
    assert worker.run_once().delivered == 1


def test_captive_portal_is_offline_not_success(tmp_path, platform, proxy):
    store, keys = enrolled_store(tmp_path, platform)
    client = enrollment.make_client(store, keys, platform_url=proxy.url, timeout=2)
    proxy.add("captive")
    with pytest.raises(Offline, match="登录"):
        client.status_since("")
    store.submit(sample_payload())
    proxy.add("captive")
    report = DeliveryWorker(store, client).run_once(force=True)
    assert report.offline and store.outbox_rows()[0].state == "queued"
    assert platform.service.submissions() == []


def test_refused_connection_is_offline(tmp_path, platform, proxy):
    store, keys = enrolled_store(tmp_path, platform)
    client = PlatformClient(proxy.url, "210102-0001", enrollment.station_key(keys), timeout=1)
    t = threading.Thread(target=proxy.refuse_for, args=(0.5,))
    t.start()
    time.sleep(0.05)
    with pytest.raises(Offline):
        client.status_since("")
    t.join()
    assert client.status_since("").status == 200


def test_backoff_is_full_jitter_and_capped():
    import random

    rng = random.Random(1)
    b = Backoff(base_s=2, cap_s=60)
    waits = [b.delay(3, rng) for _ in range(2000)]
    assert 0 <= min(waits) < 1 and 15 < max(waits) <= 16  # uniform over [0, 16]
    assert max(b.delay(30, rng) for _ in range(200)) <= 60
    assert b.delay(0, rng, retry_after=7) >= 7


def test_timeout_is_transient(tmp_path, platform, proxy):
    store, keys = enrolled_store(tmp_path, platform)
    client = enrollment.make_client(store, keys, platform_url=proxy.url, timeout=0.3)
    proxy.add("timeout")
    with pytest.raises(Transient, match="超时"):
        client.status_since("")
