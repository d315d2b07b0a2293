"""`status` and `audit verify` through the real command line, on a real store (SQLite file)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from kiosk.station.health import HealthReport, HealthServer, SnapshotCache
from kiosk.station.status import store_facts
from sync.store import Store

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, NO_PROXY="*"))


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dirs(tmp_path: Path) -> list[str]:
    return ["--data-dir", str(tmp_path / "data"), "--key-dir", str(tmp_path / "keys")]


def seeded_store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    store.set_setting("station_id", "210102-0001")
    store.set_setting("platform_url", "http://127.0.0.1:1/api/v1")
    for n in range(3):
        applicant = {"name": "张三", "id_number": "11010519491231002X"}
        store.submit({"bundle_id": "newborn", "applicant": applicant, "answers": {"n": n}})
    return store


def test_status_without_a_running_kiosk_reads_the_store_and_says_devices_unknown(tmp_path):
    seeded_store(tmp_path).close()
    result = cli("status", "--json", "--port", str(closed_port()), *dirs(tmp_path))
    assert result.returncode == 1, result.stderr          # devices unknown: degraded
    doc = json.loads(result.stdout)
    assert doc["queue"]["pending"] == 3 and doc["queue"]["failed"] == 0
    assert doc["queue"]["oldest_age_s"] is not None
    assert {d["state"] for d in doc["devices"].values()} == {"unknown"}
    assert doc["enrollment"] == {"enrolled": True, "station_id": "210102-0001",
                                 "platform_url": "http://127.0.0.1:1/api/v1"}
    assert doc["catalogue"]["version"] and doc["disk"]["free_bytes"] > 0
    table = cli("status", "--port", str(closed_port()), *dirs(tmp_path))
    assert table.returncode == 1
    assert "待发" in table.stdout and "3 件" in table.stdout and "终端程序未运行" in table.stdout
    assert "张三" not in table.stdout + result.stdout


def test_status_takes_devices_from_the_running_kiosk_and_agrees_with_its_endpoint(tmp_path):
    store = seeded_store(tmp_path)
    devices = SnapshotCache({"devices": {"id_reader": {"state": "ok"}, "receipt_printer": {"state": "ok"}}})
    report = HealthReport(lambda: {**devices(), **store_facts(store)}, version="0.1.0",
                          station_id="210102-0001", data_dir=tmp_path / "data")
    server = HealthServer(report).start()
    try:
        result = cli("status", "--json", "--port", str(server.port), *dirs(tmp_path))
        endpoint = report.build()
    finally:
        server.stop()
        store.close()
    assert result.returncode == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "ok" and doc["devices"]["id_reader"]["state"] == "ok"
    for key in ("catalogue", "enrollment", "devices", "version", "station_id", "data_dir"):
        assert doc[key] == endpoint[key], key
    # the queue's age is whole seconds: the command and the endpoint read it a moment apart
    assert {k: doc["queue"][k] for k in ("pending", "failed")} == \
        {k: endpoint["queue"][k] for k in ("pending", "failed")}
    assert abs(doc["queue"]["oldest_age_s"] - endpoint["queue"]["oldest_age_s"]) <= 2


def test_audit_verify_passes_then_catches_one_tampered_row(tmp_path):
    store = seeded_store(tmp_path)
    store.audit("staff_login", {"staff": "duty"})
    count = len(store.audit_entries())
    store.close()
    ok = cli("audit", "verify", *dirs(tmp_path))
    assert ok.returncode == 0, ok.stderr
    assert f"共 {count} 条" in ok.stdout and "完整" in ok.stdout

    with sqlite3.connect(tmp_path / "data" / "kiosk.db") as db:
        seq = db.execute("SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 1").fetchone()[0]
        db.execute("UPDATE audit SET detail = ? WHERE seq = ?", ('{"staff":"intruder"}', seq))
    bad = cli("audit", "verify", *dirs(tmp_path))
    assert bad.returncode == 1
    assert f"共 {count} 条" in bad.stdout
    assert f"第 {seq} 条" in bad.stderr and "Traceback" not in bad.stderr


def test_audit_verify_catches_a_deleted_row(tmp_path):
    store = seeded_store(tmp_path)
    store.close()
    with sqlite3.connect(tmp_path / "data" / "kiosk.db") as db:
        db.execute("DELETE FROM audit WHERE seq = (SELECT MIN(seq) FROM audit)")
    bad = cli("audit", "verify", *dirs(tmp_path))
    assert bad.returncode == 1 and "断开" in bad.stderr
