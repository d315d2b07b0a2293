"""Signed station reports into a real console (waitress on 127.0.0.1), on SQLite and PostgreSQL:
what is recorded, what is refused and why, and two console processes on one PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from console import fleetsim, states
from console.store import Store
from sync import fleet_report, signing
from tests.console.helpers import post, running_console

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def fleet() -> list[fleetsim.SimStation]:
    stations = fleetsim.make_fleet(3, seed=7)
    for s in stations:  # a known, healthy starting point
        s.profile.update(
            devices={"id_reader": "ok", "receipt_printer": "ok", "camera": "ok"},
            stuck_h=0.0,
            failed=0,
            disk_free_mb=80_000.0,
            offline_h=0.0,
            bad_rate=0.0,
        )
    return stations


def _import(store: Store, fleet: list[fleetsim.SimStation]) -> None:
    store.upsert_stations([s.import_line() for s in fleet])


def test_a_signed_report_is_recorded_and_drives_state_and_alerts(store: Store, fleet, clock) -> None:
    _import(store, fleet)
    station = fleet[0]
    with running_console(store) as base:
        first = post(base, station, fleetsim.report(station, 1, clock()), clock())
        assert first.status_code == 200, first.text
        reply = first.json()
        assert reply["accepted"] is True and reply["state"] == states.OK and reply["offers"] == []
        station.profile["devices"]["receipt_printer"] = "paper_out"
        clock.advance(60)
        second = post(base, station, fleetsim.report(station, 2, clock()), clock())
        assert second.json()["state"] == states.FAULT
    row = store.station(station.station_id)
    assert row["state"] == states.FAULT and row["label"] == "故障"
    assert row["devices"]["receipt_printer"] == "paper_out"
    assert [a["kind"] for a in store.alerts()] == ["paper_out"]
    history = store.station_history(station.station_id)
    assert [h["seq"] for h in history] == [2, 1]
    assert history[0]["report"]["devices"]["receipt_printer"] == "paper_out"


def test_bad_ratings_open_rectification_cases(store: Store, fleet, clock) -> None:
    _import(store, fleet)
    station = fleet[1]
    report = fleetsim.report(station, 1, clock())
    report["figures"]["ratings"] = {"newborn": {"5": 2, "1": 1}}
    report["bad_ratings"] = [
        {
            "id": "r-77",
            "rated_at": signing.rfc3339(clock() - 3600),
            "bundle": "newborn",
            "level": 1,
            "reasons": ["等待时间长", "其他"],
        }
    ]
    with running_console(store) as base:
        assert post(base, station, report, clock()).status_code == 200
    [case] = store.rectifications()
    assert (
        case["rating_ref"] == "r-77"
        and case["reasons"] == ["等待时间长", "其他"]
        and case["status"] == "open"
    )
    assert store.rating_summary(by="bundle")[0]["bad"] == 1


def test_refusals(store: Store, fleet, clock) -> None:
    _import(store, fleet[:2])
    known, unknown = fleet[0], fleet[2]
    now = clock()
    good = fleetsim.report(known, 1, now)
    body = fleet_report.encode(good)
    with running_console(store) as base:

        def refused(response: requests.Response, status: int, error: str) -> dict:
            assert response.status_code == status, response.text
            reply = response.json()
            assert reply["error"] == error and re.search(r"[\u4e00-\u9fff]", reply["message"])
            return reply

        refused(post(base, unknown, fleetsim.report(unknown, 1, now), now), 403, "station_unknown")
        refused(
            post(base, known, good, now, headers={"Content-Type": "application/json"}), 401, "bad_signature"
        )
        tampered = body.replace(b'"seq":1', b'"seq":9')
        refused(
            post(base, known, good, now, body=tampered, headers=fleetsim.signed(known, body, now)),
            401,
            "bad_signature",
        )
        other_key = fleet[1]
        forged = fleetsim.signed(other_key, body, now)
        forged["X-Station-Id"] = known.station_id
        refused(post(base, known, good, now, headers=forged), 401, "bad_signature")
        refused(
            post(base, known, good, now, headers=fleetsim.signed(known, body, now - 3600)),
            401,
            "bad_signature",
        )
        personal = dict(good, name="张三", id_number="11010519491231002X")
        reply = refused(post(base, known, personal, now), 400, "invalid_report")
        assert any("name" in p or "id_number" in p for p in reply["problems"])
        sneaky = json.loads(json.dumps(good))
        sneaky["bad_ratings"] = [
            {
                "id": "r1",
                "rated_at": signing.rfc3339(now),
                "bundle": "newborn",
                "level": 1,
                "reasons": ["张三 13800138000 态度差"],
            }
        ]
        refused(post(base, known, sneaky, now), 400, "invalid_report")
        mismatch = dict(good, station_id=fleet[1].station_id)
        refused(post(base, known, mismatch, now), 400, "station_mismatch")
        refused(post(base, known, good, now, body=b"{not json"), 400, "invalid_json")
        huge = dict(good, devices={f"d{i}": "ok" for i in range(10)})
        big_body = fleet_report.encode(huge) + b" " * 70_000
        refused(post(base, known, good, now, body=big_body), 413, "too_large")
    assert store.station_history(known.station_id) == []


def test_an_older_report_is_answered_stale(store: Store, fleet, clock) -> None:
    _import(store, fleet)
    station = fleet[0]
    with running_console(store) as base:
        assert post(base, station, fleetsim.report(station, 5, clock()), clock()).status_code == 200
        late = post(base, station, fleetsim.report(station, 4, clock()), clock())
    assert late.status_code == 200 and late.json()["stale"] is True


def test_a_pilot_station_is_offered_the_pilot_rollout(store: Store, fleet, clock) -> None:
    fleet[0].ring = "pilot"
    _import(store, fleet)
    store.start_rollout("software", "1.6.0", "admin", artifact="station-kiosk-1.6.0.update")
    with running_console(store) as base:
        pilot = post(base, fleet[0], fleetsim.report(fleet[0], 1, clock()), clock()).json()
        main = post(base, fleet[1], fleetsim.report(fleet[1], 1, clock()), clock()).json()
    assert pilot["offers"] == [
        {"kind": "software", "version": "1.6.0", "artifact": "station-kiosk-1.6.0.update"}
    ]
    assert main["offers"] == []


def _start_console(args: list[str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "main.py", "console", "--host", "127.0.0.1", "--port", "0", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, f"http://127.0.0.1:{match.group(1)}/api/v1"


def test_two_console_processes_share_one_postgresql(pg_url: str, fleet) -> None:
    """Stateless processes: reports through either process land in the one database, and alerts
    opened through one are closed through the other."""
    setup = Store.open(url=pg_url)
    _import(setup, fleet)
    setup.close()
    procs = [_start_console(["--db", pg_url]) for _ in range(2)]
    try:
        station = fleet[0]
        station.profile["devices"]["receipt_printer"] = "paper_low"
        for seq in range(1, 7):
            now = time.time()
            if seq == 4:
                station.profile["devices"]["receipt_printer"] = "ok"
            base = procs[seq % 2][1]
            response = post(base, station, fleetsim.report(station, seq, now), now)
            assert response.status_code == 200, response.text
        for other in fleet[1:]:
            for _proc, base in procs:
                now = time.time()
                assert post(base, other, fleetsim.report(other, int(now), now), now).status_code == 200
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(timeout=15)
    check = Store.open(url=pg_url)
    try:
        assert [h["seq"] for h in check.station_history(fleet[0].station_id)] == [6, 5, 4, 3, 2, 1]
        alerts = check.alerts(open_only=False, station_id=fleet[0].station_id)
        assert [(a["kind"], a["closed_at"] is not None) for a in alerts] == [("paper_low", True)]
        assert check.state_counts()["ok"] == 3
    finally:
        check.close()


def test_console_command_arguments(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "main.py", "console", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )

    for args in (
        ["--port", "70000", "--data", str(tmp_path)],
        ["--data", str(tmp_path), "--db", "postgresql://x/y"],
        ["--db", "mysql://x/y"],
        [],
    ):
        done = run(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and re.search(r"[\u4e00-\u9fff]", done.stderr), done.stderr
        assert "Traceback" not in done.stderr
    done = run("--db", "postgresql://console@127.0.0.1:1/nothing")  # no server there
    assert done.returncode == 5 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not re.search(r"[A-Za-z]{4,} [A-Za-z]{4,}", done.stderr.replace("postgresql://", "")), done.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run("--data", str(blocker / "inside"))
    assert done.returncode == 5 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_import_stations_command(tmp_path: Path) -> None:
    fleet = fleetsim.make_fleet(4, seed=3)
    lines = [json.dumps(s.import_line(), ensure_ascii=False) for s in fleet]
    lines.insert(2, '{"station_id": "bad", "public_key": "x"}')
    lines.append("not json")
    source = tmp_path / "stations.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = tmp_path / "console"
    done = subprocess.run(
        [sys.executable, "main.py", "console", "import-stations", str(source), "--data", str(data)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert "第 3 行未导入" in done.stderr and "第 6 行未导入" in done.stderr
    assert "已导入 4 个驿站" in done.stdout
    store = Store.open(data_dir=data)
    try:
        assert store.station_list().total == 4
        row = store.station(fleet[0].station_id)
        assert row["county"] == fleet[0].county and row["township"] == fleet[0].township
        assert store.audit_log()[0]["action"] == "stations.import"
    finally:
        store.close()
