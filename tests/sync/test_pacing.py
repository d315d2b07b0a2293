"""Pacing (contract 1.2) between the real worker and the real reference platform on 127.0.0.1:
the platform announces each station's delivery window and refuses beyond its capacity; the worker
retries a longer outage in its window, honours Retry-After with the announcement, and keeps the
old behaviour with a platform that does not pace. The fleet benchmark runs the same rule."""

from __future__ import annotations

import base64
import json
import random
import sys
import time

from sync import enrollment, pacing
from sync.pacing import Pacing, PlatformPacer
from sync.store import QUEUED
from sync.worker import PACING, Backoff, DeliveryWorker
from tests.sync.helpers import REPO, enrolled_store, sample_payload


class FrozenClock:
    """The kiosk's clock, moved only by the test (the worker's waits are then exact numbers)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _more_stations(platform, count: int) -> None:
    """Other enrolled stations of the fleet (they share the cycle with ours)."""
    for i in range(count):
        code = platform.service.new_enrollment_code()
        status, _ = platform.service.enroll({
            "station_id": f"210103-{i + 1:04d}", "enrollment_code": code,
            "public_key": base64.b64encode(bytes([i + 1]) * 32).decode()})
        assert status == 201


def _in_window(p: Pacing, platform_time: float) -> bool:
    return (platform_time - p.slot_s) % p.cycle_s <= p.window_s + 1e-6


def test_the_worker_retries_an_outage_in_the_window_the_heartbeat_announced(tmp_path, platform):
    platform.service.set_capacity(400)
    _more_stations(platform, 11)           # 12 stations: windows of cycle/12
    clock = FrozenClock()
    store, keys = enrolled_store(tmp_path, platform, clock=clock)
    client = enrollment.make_client(store, keys)
    # a base so large that even the first failure's backoff ceiling reaches the cycle
    worker = DeliveryWorker(store, client, backoff=Backoff(base_s=600.0), rng=random.Random(7))
    worker.run_once(force=True)
    announced = platform.service.pacing_for("210102-0001")
    assert worker.pacing == announced and announced.window_s == announced.cycle_s / 12
    assert Pacing.from_json(json.loads(store.setting(PACING))) == announced   # kept across restarts
    assert DeliveryWorker(store, client).pacing == announced

    platform.server.shutdown()
    platform.server.server_close()          # the network is gone: connection refused
    client.close()                          # (and the kept-alive connection with it)
    store.submit(sample_payload("outage"))
    for _ in range(3):
        report = worker.run_once(force=True)
        assert report.offline and report.delivered == 0
        next_try = client.platform_now() + (worker.not_before - clock.now)
        assert _in_window(announced, next_try), (next_try - announced.slot_s) % announced.cycle_s
        (row,) = [r for r in store.outbox_rows(masked=False) if r.state == QUEUED]
        row_due = client.platform_now() + (row.next_attempt_at - clock.now)
        assert abs((row_due - announced.slot_s) % announced.cycle_s) < 1e-3 \
            or abs((row_due - announced.slot_s) % announced.cycle_s - announced.cycle_s) < 1e-3
        assert row.next_attempt_at <= worker.not_before       # the row is due at the station's pass
        clock.now = worker.not_before


def test_without_pacing_the_worker_keeps_full_jitter_backoff(tmp_path, platform):
    platform.service.set_capacity(400)
    clock = FrozenClock()
    store, keys = enrolled_store(tmp_path, platform, clock=clock)
    client = enrollment.make_client(store, keys)
    worker = DeliveryWorker(store, client, backoff=Backoff(base_s=2.0), rng=random.Random(3))
    worker.run_once(force=True)
    assert worker.pacing is not None
    platform.service.set_capacity(None)      # now a platform of contract 1.1
    record = len(platform.records)
    worker.run_once(force=True)
    heartbeat = next(r for r in platform.records[record:] if r["target"].endswith("/heartbeat"))
    assert "pacing" not in json.loads(heartbeat["response_body"])
    assert worker.pacing is None and store.setting(PACING) == ""
    platform.server.shutdown()
    platform.server.server_close()
    client.close()
    for failures in (1, 2, 3):
        worker.run_once(force=True)
        assert 0 <= worker.not_before - clock.now <= 2.0 * 2 ** failures   # the old ceiling
        clock.now = worker.not_before


def test_beyond_capacity_the_platform_refuses_with_retry_after_and_the_window(tmp_path, platform):
    platform.service.set_capacity(400)
    clock = FrozenClock()
    store, keys = enrolled_store(tmp_path, platform, clock=clock)
    client = enrollment.make_client(store, keys)
    worker = DeliveryWorker(store, client, rng=random.Random(5))
    for i in range(3):
        store.submit(sample_payload(f"busy-{i}"))
    # a capacity of one request per second, every request counted in the same second
    platform.service.pacer = PlatformPacer(1, clock=lambda: 1_000_000.0)
    record = len(platform.records)
    report = worker.run_once(force=True)
    refused = [r for r in platform.records[record:] if r["status"] == 503]
    assert report.offline and refused
    body = json.loads(refused[0]["response_body"])
    retry_after = int(refused[0]["response_headers"]["Retry-After"])
    assert body["error"] == "overloaded" and body["retry_after"] == retry_after >= 1
    assert worker.pacing == Pacing.from_json(body["pacing"])     # learnt from the refusal
    assert worker.not_before - clock.now >= retry_after - 1e-6   # never before Retry-After
    served = [r for r in platform.records[record:] if r["status"] != 503]
    assert len(served) == 1                                       # one request, the second's capacity
    platform.service.set_capacity(400)
    clock.now = worker.not_before
    later = worker.run_once()
    assert report.delivered + later.delivered == 3 and not later.offline   # nothing lost or failed
    assert all(r.state != QUEUED for r in store.outbox_rows(masked=False))


def test_the_announcement_is_refused_when_not_understood():
    good = Pacing(300.0, 25.0, 0.5, 400.0)
    assert Pacing.from_json(good.to_json()) == good
    for bad in (None, {}, dict(good.to_json(), version=2), dict(good.to_json(), slot_s=300.0),
                dict(good.to_json(), cycle_s="nan"), dict(good.to_json(), capacity_per_s=0),
                dict(good.to_json(), cycle_s=1e9)):    # it would silence the station
        assert Pacing.from_json(bad) is None


def test_the_platform_sizes_the_cycle_from_its_capacity_stations_and_load():
    pacer = PlatformPacer(400, clock=lambda: 0.0)
    quiet = pacer.cycle(12_000, now=0.0)
    assert quiet == 12_000 * pacing.RETURN_REQUESTS / (400 * pacing.HEADROOM)
    for t in range(300):                  # a steady 100 requests per second seen for five minutes
        for _ in range(100):
            assert pacer.admit(float(t))
    busy = pacer.cycle(12_000, now=300.0)
    assert busy > quiet
    windows = [pacer.announce(rank, 12_000, now=300.0) for rank in range(12_000)]
    starts = sorted(w.slot_s for w in windows)
    assert starts[0] == 0 and all(b - a > 0 for a, b in zip(starts, starts[1:], strict=False))
    assert all(w.slot_s + w.window_s <= w.cycle_s + 1e-6 for w in windows)


def test_the_fleet_benchmark_runs_the_workers_rule_and_meets_its_targets():
    sys.path.insert(0, str(REPO))
    from benchmarks import fleet
    from sync import worker
    from sync.platform import service

    assert fleet.retry_delay is worker.retry_delay is pacing.retry_delay
    assert fleet.PlatformPacer is service.PlatformPacer
    queues = fleet._queues(3000, 1)     # a quarter of the province, a quarter of the capacity
    paced = fleet.simulate_ours(queues, capacity=100, seed=1, paced=True)
    assert paced.rejected == 0 and paced.peak <= 100
    assert paced.drained_at is not None and paced.drained_at <= 10 * 60
