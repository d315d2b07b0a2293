"""The station side of the fleet console: a real station store reports to a real console on
127.0.0.1; the report is queued durably (one row), survives the console being down without
touching the kiosk's outbox, and carries no personal data."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

from console.store import Store
from kiosk.station.config import ConfigError, load
from kiosk.station.status import fleet_device_states
from sync import enrollment, fleet_report, signing
from sync.fleet_report import FleetReporter
from tests.console.helpers import running_console
from tests.sync.helpers import PERSON_ID, PERSON_NAME, new_store, sample_payload

REPO = Path(__file__).resolve().parents[2]
STATION = "210124-0007"
DEVICES = {"id_reader": "ok", "receipt_printer": "paper_low", "camera": "ok"}


@pytest.fixture
def station(tmp_path: Path):
    store, key_dir = new_store(tmp_path)
    store.set_setting("station_id", STATION)
    first = store.submit(sample_payload("1"))
    store.submit(sample_payload("2"))
    store.record_rating(first.submission_id, ["11000000000000001"], 5, [], "")
    store.record_rating(
        first.submission_id, ["11000000000000001"], 1, ["等待时间长", "其他"], f"{PERSON_NAME} 说 {PERSON_ID}"
    )
    yield store, enrollment.station_key(key_dir)
    store.close()


@pytest.fixture
def console(sqlite_store: Store, station):
    _store, key = station
    sqlite_store.upsert_station(
        STATION,
        signing.b64(signing.raw_public(key.public_key())),
        "210124",
        township="叶茂台镇",
        name="叶茂台镇政务服务驿站",
    )
    return sqlite_store


def _reporter(station, url: str) -> FleetReporter:
    store, key = station
    return FleetReporter(
        store,
        key,
        url,
        station_id=STATION,
        software_version="1.5.0",
        devices=lambda: dict(DEVICES),
        catalogue_version=lambda: "2026.11.2",
        timeout_s=30,
    )


def test_a_station_reports_to_the_console(station, console: Store) -> None:
    rollout = console.start_rollout("software", "1.6.0", "admin", artifact="station-kiosk-1.6.0.update")
    console.promote_rollout(rollout)
    with running_console(console) as base:
        reporter = _reporter(station, base)
        assert reporter.run_once(), reporter.last_error
    assert reporter.last_reply["state"] == "attention"
    assert json.loads(station[0].setting(fleet_report.OFFERS)) == [
        {"kind": "software", "version": "1.6.0", "artifact": "station-kiosk-1.6.0.update"}
    ]
    row = console.station(STATION)
    assert row["label"] == "需关注" and row["software_version"] == "1.5.0"
    assert (
        row["catalogue_version"] == "2026.11.2" and row["queue_pending"] == 4
    )  # two applications, two ratings
    assert row["devices"]["receipt_printer"] == "paper_low"
    assert [a["kind"] for a in console.alerts()] == ["paper_low"]
    [case] = console.rectifications()
    assert case["bundle"] == "newborn" and case["level"] == 1 and case["reasons"] == ["等待时间长", "其他"]
    by_bundle = console.rating_summary(by="bundle")
    assert by_bundle == [
        {"key": "newborn", "levels": {1: 1, 2: 0, 3: 0, 4: 0, 5: 1}, "total": 2, "bad": 1, "good_rate": 0.5}
    ]
    [entry] = console.station_history(STATION)
    report = entry["report"]
    assert report["figures"]["submissions"] == {"newborn": 2}
    text = json.dumps(report, ensure_ascii=False)
    assert PERSON_NAME not in text and PERSON_ID not in text and "13800138000" not in text


def test_the_console_being_down_never_disturbs_the_kiosk(station, console: Store) -> None:
    store, _key = station
    before = store.pending_summary()
    dead = _reporter(station, "http://127.0.0.1:9/api/v1")
    assert not dead.run_once() and "管控平台" in dead.last_error
    assert not dead.run_once()
    seq, body = store.unsent_fleet_report()
    assert seq == 2 and json.loads(body)["seq"] == 2  # the newer report replaced the unsent one
    assert store._query("SELECT COUNT(*) AS n FROM fleet_reports")[0]["n"] == 1  # noqa: SLF001
    assert store.pending_summary() == before  # the outbox never saw a report
    with running_console(console) as base:
        back = _reporter(station, base)
        assert back.send()  # the queued report goes first, as it was
        assert store.unsent_fleet_report() is None
        assert back.run_once()
    assert [h["seq"] for h in console.station_history(STATION)] == [3, 2]


def test_a_rollback_is_counted_once_and_reported(station, console: Store) -> None:
    store, key = station
    rolled = {"at": None}
    reporter = FleetReporter(
        store,
        key,
        "http://127.0.0.1:9/api/v1",
        station_id=STATION,
        software_version="1.4.2",
        last_rollback_at=lambda: rolled["at"],
    )
    reporter.make()
    rolled["at"] = 1_790_000_000.0
    reporter.make()
    reporter.make()
    assert json.loads(store.unsent_fleet_report()[1])["rollbacks"] == 1
    rolled["at"] = 1_790_100_000.0
    reporter.make()
    assert json.loads(store.unsent_fleet_report()[1])["rollbacks"] == 2


def test_the_kiosk_devices_in_the_consoles_words() -> None:
    from devices.printer.status import PaperNearEnd, PaperOut

    health = {
        "id_reader": ("missing", "未连接"),
        "receipt_printer": ("ok", PaperNearEnd.message),
        "scan_engine": ("ok", "就绪"),
    }
    assert fleet_device_states(health) == {
        "id_reader": "missing",
        "receipt_printer": "paper_low",
        "scanner": "ok",
    }
    assert fleet_device_states({"receipt_printer": ("error", PaperOut.message)}) == {
        "receipt_printer": "paper_out"
    }
    assert fleet_device_states({"receipt_printer": ("error", "切刀故障")}) == {"receipt_printer": "fault"}


def test_the_rating_reasons_are_the_kiosks_list() -> None:
    """Three copies that must agree: the kiosk's buttons, the station's filter, the contract."""
    tree = ast.parse((REPO / "kiosk/ui/viewmodels/rating.py").read_text("utf-8"))
    kiosk = next(
        ast.literal_eval(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "REASONS" for t in node.targets)
    )
    spec = yaml.safe_load((REPO / "console/console_api.yaml").read_text("utf-8"))
    contract = spec["components"]["schemas"]["Report"]["properties"]["bad_ratings"]["items"]["properties"]
    assert list(fleet_report.RATING_REASONS) == kiosk == contract["reasons"]["items"]["enum"]


def test_console_section_in_station_config(tmp_path: Path) -> None:
    path = tmp_path / "station.toml"
    path.write_text('[console]\nurl = "http://10.21.0.5:8090/api/v1"\ninterval_s = 120\n', encoding="utf-8")
    config = load(path)
    assert (
        config.get("console", "url") == "http://10.21.0.5:8090/api/v1"
        and config.get("console", "interval_s") == 120
    )
    path.write_text('[console]\nurl = "10.21.0.5:8090"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[console\] 的 url"):
        load(path)
    path.write_text("[console]\ninterval_s = 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="interval_s"):
        load(path)


def test_keys_from_the_platform_let_an_enrolled_station_report(tmp_path: Path) -> None:
    """platform export-stations → console import-stations → the enrolled station's report is accepted."""
    import subprocess
    import sys

    from tests.sync.helpers import enrolled_store, start_platform

    platform = start_platform(tmp_path / "platform")
    try:
        store, key_dir = enrolled_store(tmp_path, platform, station_id="210124-0003")
    finally:
        platform.server.shutdown()
        platform.server.server_close()
    exported = subprocess.run(
        [sys.executable, "main.py", "platform", "export-stations", "--data", str(tmp_path / "platform")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    lines = tmp_path / "stations.jsonl"
    lines.write_text(exported.stdout, encoding="utf-8")
    imported = subprocess.run(
        [
            sys.executable,
            "main.py",
            "console",
            "import-stations",
            str(lines),
            "--data",
            str(tmp_path / "console"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    console = Store.open(data_dir=tmp_path / "console")
    try:
        assert console.station("210124-0003")["county"] == "法库县"
        with running_console(console) as base:
            reporter = FleetReporter(
                store,
                enrollment.station_key(key_dir),
                base,
                station_id="210124-0003",
                software_version="1.5.0",
                timeout_s=30,
            )
            assert reporter.run_once(), reporter.last_error
        assert console.station("210124-0003")["label"] == "正常"
    finally:
        console.close()
        store.close()
