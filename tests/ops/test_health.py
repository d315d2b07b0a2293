"""The health endpoint over real HTTP on 127.0.0.1, and the `health` command against it."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kiosk.station.health import HealthReport, HealthServer, SnapshotCache

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_795_830_000.0


def get(url: str) -> tuple[int, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read().decode("utf-8"))


class QueueInSqlite:
    """A supplier that reads a real SQLite outbox on the server's thread, as the lead will wire it."""

    def __init__(self, path: Path, clock) -> None:
        self.path = path
        self.clock = clock
        with sqlite3.connect(path) as db:
            db.execute("create table outbox (id integer primary key, state text, created_at real)")
            db.execute("create table sync_log (at real)")

    def __call__(self) -> dict:
        with sqlite3.connect(self.path) as db:
            pending, oldest = db.execute(
                "select count(*), min(created_at) from outbox where state in ('queued','sending','failed')"
            ).fetchone()
            (last_sync,) = db.execute("select max(at) from sync_log").fetchone()
        return {"devices": {"id_reader": {"state": "ok"}, "receipt_printer": {"state": "ok"}},
                "queue": {"pending": pending,
                          "oldest_age_s": None if oldest is None else self.clock() - oldest},
                "last_sync_at": last_sync}


@pytest.fixture
def served(tmp_path):
    clock = [NOW]
    supplier = QueueInSqlite(tmp_path / "store.db", lambda: clock[0])
    report = HealthReport(supplier, version="0.1.0", station_id="210102-0001", data_dir=tmp_path,
                          min_free_bytes=1, clock=lambda: clock[0])
    server = HealthServer(report).start()
    yield server, supplier, clock
    server.stop()


def test_get_health_reports_queue_disk_devices_and_last_sync(served, tmp_path):
    server, supplier, clock = served
    status, doc = get(server.url)
    assert status == 200
    assert doc["status"] == "ok" and doc["problems"] == []
    assert doc["version"] == "0.1.0" and doc["station_id"] == "210102-0001"
    assert doc["queue"] == {"pending": 0, "failed": None, "oldest_age_s": None}
    assert doc["last_sync"] == {"at": None, "age_s": None}       # unknown, not a made-up zero
    assert doc["disk"]["path"] == str(tmp_path)
    assert doc["disk"]["free_bytes"] == pytest.approx(os.statvfs(tmp_path).f_bavail
                                                      * os.statvfs(tmp_path).f_frsize, rel=0.05)
    assert doc["devices"]["id_reader"] == {"state": "ok"}

    with sqlite3.connect(supplier.path) as db:
        db.executemany("insert into outbox (state, created_at) values (?, ?)",
                       [("queued", NOW - 420), ("sending", NOW - 60), ("delivered", NOW - 9000)])
        db.execute("insert into sync_log values (?)", (NOW - 300,))
    clock[0] += 10
    status, doc = get(server.url)
    assert status == 200
    assert doc["queue"] == {"pending": 2, "failed": None, "oldest_age_s": 430.0}
    assert doc["last_sync"]["age_s"] == 310.0 and doc["last_sync"]["at"].startswith("2026-")
    assert doc["uptime_s"] == 10.0


def test_problems_make_it_degraded_and_a_failing_supplier_is_a_503(tmp_path):
    cache = SnapshotCache({"devices": {"id_reader": {"state": "unplugged"}},
                           "queue": {"pending": 5, "oldest_age_s": 3 * 86400.0},
                           "last_sync_at": NOW - 2 * 86400})
    report = HealthReport(cache, version="0.1.0", station_id="210102-0001", data_dir=tmp_path,
                          min_free_bytes=1 << 62, clock=lambda: NOW)
    server = HealthServer(report).start()
    try:
        status, doc = get(server.url)
        assert status == 200 and doc["status"] == "degraded"
        text = " ".join(doc["problems"])
        assert "id_reader" in text and "unplugged" in text and "磁盘剩余空间不足" in text
        assert "72.0 小时" in text and "48.0 小时未与省平台同步" in text

        def broken() -> dict:
            raise sqlite3.OperationalError("database is locked")
        report.snapshot = broken
        status, doc = get(server.url)
        assert status == 503 and doc["status"] == "error"
        assert doc["problems"] == ["无法读取运行状态：OperationalError"]
        assert doc["disk"]["free_bytes"] is not None                    # what is known is still said

        status, doc = get(server.url.replace("/health", "/secrets"))
        assert status == 404
    finally:
        server.stop()


def test_loopback_only_and_a_taken_port_is_reported(tmp_path):
    report = HealthReport(dict, version="0", station_id="x", data_dir=tmp_path)
    with pytest.raises(ValueError):
        HealthServer(report, host="0.0.0.0")
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    try:
        with pytest.raises(OSError):
            HealthServer(report, port=blocker.getsockname()[1]).start()
    finally:
        blocker.close()


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, NO_PROXY="*"))


@pytest.mark.slow
def test_health_command_prints_the_running_kiosks_state_and_exits_by_status(served):
    server, supplier, clock = served
    with sqlite3.connect(supplier.path) as db:
        db.execute("insert into outbox (state, created_at) values ('queued', ?)", (NOW - 420,))
        db.execute("insert into sync_log values (?)", (NOW - 300,))
    result = _cli("health", "--port", str(server.port))
    assert result.returncode == 0, result.stderr
    assert "状态：正常" in result.stdout
    assert "待发：1 件，最早一件已等待 7 分钟" in result.stdout
    assert "设备：id_reader ok；receipt_printer ok" in result.stdout
    raw = _cli("health", "--port", str(server.port), "--json")
    assert json.loads(raw.stdout)["queue"]["pending"] == 1

    port = server.port
    server.stop()
    gone = _cli("health", "--port", str(port))
    assert gone.returncode == 3 and "无法连接" in gone.stderr and "Traceback" not in gone.stderr
    assert _cli("health", "--port", "70000").returncode == 2


def test_what_is_not_reported_is_a_problem_not_a_silent_ok(tmp_path):
    report = HealthReport(SnapshotCache(), version="0.1.0", station_id="210102-0001", data_dir=tmp_path,
                          min_free_bytes=1, clock=lambda: NOW)
    doc = report.build()
    assert doc["status"] == "degraded"
    assert doc["problems"] == ["没有设备状态报告", "待发队列状态未知"]
    assert doc["queue"] == {"pending": None, "failed": None, "oldest_age_s": None}


def test_snapshot_cache_hands_out_copies():
    cache = SnapshotCache()
    cache.update(devices={"camera": {"state": "ok"}})
    copy = cache()
    copy["devices"]["camera"]["state"] = "changed"
    assert cache()["devices"]["camera"]["state"] == "ok"
