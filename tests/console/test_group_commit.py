"""Group commit keeps every answer honest: a report answered 200 is in the database even when the
console is killed right after, a report the database refuses does not take its batch with it,
and `main.py console --workers N` serves one port from N processes and stops them together."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from console import fleetsim
from console import ingest as ingest_module
from console.ingest import Ingest, Refused
from console.store import Store
from sync import fleet_report

REPO = Path(__file__).resolve().parents[2]
PATH = "/api/v1/reports"


def _healthy_fleet(n: int, seed: int = 11) -> list[fleetsim.SimStation]:
    stations = fleetsim.make_fleet(n, seed=seed)
    for s in stations:
        s.profile.update(offline_h=0.0, bad_rate=0.0)
    return stations


def test_a_report_the_database_refuses_does_not_lose_its_batch(
    store: Store, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Six reports arrive together and are written as one batch (the writer lingers long enough
    here); one carries a seq beyond 64 bits, which the schema allows and the database cannot
    store. That one is refused (400); the five others are answered and recorded."""
    monkeypatch.setattr(ingest_module, "LINGER_S", 1.0)
    monkeypatch.setattr(ingest_module, "MAX_LINGER_S", 10.0)
    fleet = _healthy_fleet(6)
    store.upsert_stations([s.import_line() for s in fleet])
    bad = fleet[3].station_id
    requests_ = []
    for station in fleet:
        report = fleetsim.report(station, 1, clock())
        if station.station_id == bad:
            report["seq"] = 2**64
        body = fleet_report.encode(report)
        requests_.append((body, fleetsim.signed(station, body, clock(), PATH)))
    ingest = Ingest(store)
    start = threading.Barrier(len(requests_))
    answers: dict[str, object] = {}

    def send(body: bytes, headers: dict[str, str]) -> None:
        start.wait()
        try:
            answers[headers["X-Station-Id"]] = ingest.accept("POST", PATH, headers, body)
        except Refused as exc:
            answers[headers["X-Station-Id"]] = exc

    threads = [threading.Thread(target=send, args=r) for r in requests_]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        ingest.close()
    refused = answers.pop(bad)
    assert isinstance(refused, Refused) and refused.status == 400 and refused.error == "invalid_report"
    assert all(isinstance(a, dict) and a["accepted"] for a in answers.values()), answers
    recorded = {r["station_id"]: r["seq"] for r in store.query("SELECT station_id, seq FROM reports")}
    assert recorded == {sid: 1 for sid in answers}


def _start(pg_url: str, *extra: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, "main.py", "console", "--host", "127.0.0.1", "--port", "0", "--db", pg_url, *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the test can kill the parent and workers
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = proc.stdout.readline()
    found = re.search(r":(\d+)/", line)
    if found is None:
        proc.kill()
        pytest.fail(f"the console did not start: {line!r} {proc.stderr.read()}")
    return proc, int(found.group(1))


def _poster(port: int, stations: list[fleetsim.SimStation], answered: list, stop: threading.Event) -> None:
    """One keep-alive connection posting its stations' reports round by round (at least one
    round), until told to stop or the console goes away. Records (station_id, seq) of every 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    seq = 0
    try:
        while seq == 0 or not stop.is_set():
            seq += 1
            for station in stations:
                now = time.time()
                body = fleet_report.encode(fleetsim.report(station, seq, now))
                conn.request("POST", PATH, body=body, headers=fleetsim.signed(station, body, now, PATH))
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    answered.append((station.station_id, seq))
    except (OSError, http.client.HTTPException):
        return  # killed under us: whatever was not answered 200 was never promised
    finally:
        conn.close()


def test_every_report_answered_200_is_in_postgresql_when_the_console_is_killed(pg_url: str) -> None:
    """Two worker processes take reports from 12 connections at once; once 150 are answered the
    whole console (parent and workers) is killed with SIGKILL, mid-batch. Every report that got
    its 200 must be in the database: the answer is sent only after the batch's commit."""
    fleet = _healthy_fleet(36)
    setup = Store.open(url=pg_url)
    setup.upsert_stations([s.import_line() for s in fleet])
    setup.close()
    proc, port = _start(pg_url, "--workers", "2", "--threads", "8")
    answered: list[tuple[str, int]] = []
    stop = threading.Event()
    posters = [
        threading.Thread(target=_poster, args=(port, fleet[i::12], answered, stop), daemon=True)
        for i in range(12)
    ]
    try:
        for t in posters:
            t.start()
        deadline = time.monotonic() + 120
        while len(answered) < 150 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        stop.set()
        for t in posters:
            t.join(timeout=60)
        proc.wait(timeout=30)
    promised = set(answered)
    assert len(promised) >= 150, proc.stderr.read()
    check = Store.open(url=pg_url)
    try:
        stored = {(r["station_id"], r["seq"]) for r in check.query("SELECT station_id, seq FROM reports")}
    finally:
        check.close()
    assert promised - stored == set()


def test_workers_share_one_port_and_stop_together(pg_url: str, tmp_path: Path) -> None:
    fleet = _healthy_fleet(8, seed=12)
    setup = Store.open(url=pg_url)
    setup.upsert_stations([s.import_line() for s in fleet])
    setup.close()
    proc, port = _start(pg_url, "--workers", "2")
    try:
        answered: list[tuple[str, int]] = []
        stop = threading.Event()
        stop.set()  # one round each
        posters = [threading.Thread(target=_poster, args=(port, [s], answered, stop)) for s in fleet]
        for t in posters:
            t.start()
        for t in posters:
            t.join(timeout=60)
        assert sorted(answered) == sorted((s.station_id, 1) for s in fleet)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    assert code == 0, proc.stderr.read()
    with pytest.raises(OSError):  # no worker is left holding the port
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    refused = subprocess.run(
        [sys.executable, "main.py", "console", "--data", str(tmp_path / "c"), "--workers", "2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "PostgreSQL" in refused.stderr and "Traceback" not in refused.stderr
