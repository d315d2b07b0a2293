"""The console store on both engines: schema, stations and state, alerts, ratings and 差评整改,
rollouts, users and audit."""

from __future__ import annotations

from datetime import date, datetime

from console import states
from console.store import Store, schema_sql


def _station(store: Store, sid: str = "210102-0001", county: str = "210102", ring: str = "main") -> None:
    store.upsert_station(
        sid,
        "A" * 43 + "=",
        county,
        city="沈阳市",
        county="和平区",
        township="南湖街道",
        name=f"驿站 {sid}",
        ring=ring,
    )


def _facts(store: Store, sid: str = "210102-0001", seq: int = 1, **over) -> dict:
    facts = {
        "station_id": sid,
        "seq": seq,
        "received_at": store.clock(),
        "heartbeat_at": store.clock(),
        "software_version": "1.4.0",
        "catalogue_version": "2026.11",
        "queue_pending": 0,
        "queue_failed": 0,
        "queue_oldest_age_s": None,
        "last_sync_at": store.clock(),
        "disk_free_mb": 50_000.0,
        "devices": {"id_reader": "ok", "receipt_printer": "ok", "camera": "ok"},
        "rollbacks": 0,
        "day": "2026-12-07",
        "submissions": {},
        "ratings": {},
        "bad_ratings": [],
        "body": "{}",
    }
    facts.update(over)
    return facts


def test_schema_is_the_same_tables_on_both_engines() -> None:
    def tables(dialect: str) -> list[str]:
        return sorted(s.split()[5] for s in schema_sql(dialect) if s.startswith("CREATE TABLE"))

    assert tables("sqlite") == tables("postgresql")
    assert {
        "stations",
        "station_state",
        "reports",
        "alerts",
        "alert_notes",
        "ratings",
        "rectifications",
        "releases",
        "rollouts",
        "users",
        "audit_log",
    } <= set(tables("sqlite"))


def test_opening_twice_keeps_the_data(store: Store) -> None:
    _station(store)
    again = (
        Store.open(url=store.where, clock=store.clock)
        if store.dialect == "postgresql"
        else Store.open(data_dir=store.where.rsplit("/", 1)[0], clock=store.clock)
    )
    try:
        assert again.schema_version() == 2
        assert again.public_keys(["210102-0001"]) == {"210102-0001": "A" * 43 + "="}
    finally:
        again.close()


def test_a_report_sets_the_state_and_opens_and_closes_alerts(store: Store) -> None:
    _station(store)
    low = {"receipt_printer": "paper_low", "id_reader": "ok"}
    [first] = store.record_reports([_facts(store, devices=low)])
    assert first["state"] == states.ATTENTION and first["opened"] == ["paper_low"]
    row = store.station("210102-0001")
    assert row["state"] == states.ATTENTION and row["label"] == "需关注"
    assert [a["kind"] for a in store.alerts()] == ["paper_low"]

    store.clock.advance(60)
    [second] = store.record_reports([_facts(store, seq=2, devices={"receipt_printer": "paper_out"})])
    assert second["state"] == states.FAULT
    assert second["opened"] == ["paper_out"] and second["closed"] == ["paper_low"]
    assert [a["kind"] for a in store.alerts()] == ["paper_out"]
    assert {a["kind"] for a in store.alerts(open_only=False)} == {"paper_low", "paper_out"}

    store.clock.advance(60)
    [third] = store.record_reports([_facts(store, seq=3)])
    assert third["state"] == states.OK and store.alerts() == []
    assert [h["seq"] for h in store.station_history("210102-0001")] == [3, 2, 1]


def test_an_older_report_changes_nothing_but_the_history(store: Store) -> None:
    _station(store)
    store.record_reports([_facts(store, seq=5)])
    [old] = store.record_reports([_facts(store, seq=4, devices={"camera": "missing"})])
    assert old["stale"] and store.station("210102-0001")["state"] == states.OK
    assert store.alerts() == []
    assert len(store.station_history("210102-0001")) == 2


def test_offline_is_decided_when_read(store: Store) -> None:
    _station(store)
    _station(store, "210102-0002")
    store.record_reports([_facts(store)])
    store.clock.advance(3 * 3600 + 10)
    page = store.station_list()
    by_id = {r["station_id"]: r for r in page.rows}
    assert by_id["210102-0001"]["state"] == states.OFFLINE
    assert by_id["210102-0001"]["label"] == "离线 3 小时"
    assert by_id["210102-0002"]["label"] == "从未上报"
    assert store.state_counts() == {"ok": 0, "attention": 0, "fault": 0, "offline": 2}
    assert store.station_list(state=states.OFFLINE).total == 2


def test_listing_filters_by_county_township_and_search(store: Store) -> None:
    _station(store)
    store.upsert_station(
        "210124-0007",
        "B" * 43 + "=",
        "210124",
        city="沈阳市",
        county="法库县",
        township="叶茂台镇",
        name="叶茂台镇驿站",
    )
    assert [r["station_id"] for r in store.station_list(county="210124").rows] == ["210124-0007"]
    assert store.station_list(township="南湖街道").total == 1
    assert [r["station_id"] for r in store.station_list(search="叶茂").rows] == ["210124-0007"]
    page = store.station_list(limit=1, offset=1)
    assert page.total == 2 and [r["station_id"] for r in page.rows] == ["210124-0007"]
    assert store.station("210124-0007", county="210102") is None
    assert [c["county"] for c in store.counties()] == ["和平区", "法库县"]


def test_alert_acknowledge_and_notes(store: Store) -> None:
    _station(store)
    store.record_reports([_facts(store, devices={"id_reader": "missing"})])
    [alert] = store.alerts()
    assert alert["label"] == "身份证阅读器未连接"
    assert store.acknowledge_alert(alert["id"], "zhang", "已电话通知驿站")
    assert not store.acknowledge_alert(alert["id"], "li")
    store.add_alert_note(alert["id"], "li", "明天上门更换")
    full = store.alert(alert["id"])
    assert full["acknowledged_by"] == "zhang"
    assert [n["text"] for n in full["notes"]] == ["已电话通知驿站", "明天上门更换"]


def test_ratings_and_the_rectification_workflow(store: Store) -> None:
    _station(store)
    rated = datetime(2026, 12, 4, 10, 0).timestamp()  # a Friday
    store.record_reports(
        [
            _facts(
                store,
                ratings={"新生儿出生": {"5": 3, "2": 1}, "退休": {"1": 1}},
                bad_ratings=[
                    {
                        "id": "r-1",
                        "rated_at": rated,
                        "bundle": "新生儿出生",
                        "level": 2,
                        "reasons": ["等候时间长"],
                    }
                ],
            )
        ]
    )
    by_bundle = {r["key"]: r for r in store.rating_summary(by="bundle")}
    assert by_bundle["新生儿出生"]["total"] == 4 and by_bundle["新生儿出生"]["bad"] == 1
    assert by_bundle["新生儿出生"]["good_rate"] == 0.75
    [case] = store.rectifications()
    assert case["due_date"] == "2026-12-25" and case["reasons"] == ["等候时间长"]
    assert not store.rectifications(today=date(2026, 12, 25))[0]["overdue"]
    assert store.rectifications(today=date(2026, 12, 28), overdue_only=True)[0]["overdue"]
    # the same bad rating reported again is one case
    store.record_reports(
        [
            _facts(
                store,
                seq=2,
                bad_ratings=[{"id": "r-1", "rated_at": rated, "bundle": "新生儿出生", "level": 2}],
            )
        ]
    )
    assert len(store.rectifications()) == 1
    assert not store.close_rectification(case["id"], "zhang", "too early")
    assert store.record_callback(case["id"], "zhang", "已回访，群众表示理解")
    assert store.close_rectification(case["id"], "zhang", "增加高峰时段窗口")
    assert store.rectifications(today=date(2026, 12, 28), overdue_only=True) == []


def test_a_pilot_rollback_halts_the_pilot_rollout(store: Store) -> None:
    _station(store, ring="pilot")
    _station(store, "210102-0002")
    store.record_reports([_facts(store, software_version="1.4.0")])
    rollout = store.start_rollout("software", "1.5.0", "admin")
    [entry] = store.rollouts()
    assert entry["ring"] == "pilot" and entry["ring_size"] == 1 and entry["on_version"] == 0
    assert store.rollout_for("210102-0001")["id"] == rollout
    assert store.rollout_for("210102-0002") is None
    store.record_reports([_facts(store, seq=2, rollbacks=1, software_version="1.4.0")])
    [entry] = store.rollouts()
    assert entry["state"] == "halted" and "210102-0001" in entry["halted_reason"]
    assert not store.promote_rollout(rollout)


def test_rollout_promotion_and_version_distribution(store: Store) -> None:
    _station(store, ring="pilot")
    _station(store, "210102-0002")
    store.record_reports(
        [_facts(store, software_version="1.5.0"), _facts(store, "210102-0002", software_version="1.4.0")]
    )
    rollout = store.start_rollout("software", "1.5.0", "admin")
    assert store.promote_rollout(rollout)
    assert store.rollout_for("210102-0002")["id"] == rollout
    [entry] = store.rollouts()
    assert entry["ring_size"] == 2 and entry["on_version"] == 1
    assert store.version_distribution() == [
        {"version": "1.4.0", "stations": 1},
        {"version": "1.5.0", "stations": 1},
    ]
    assert store.complete_rollout(rollout)


def test_users_lockout_and_audit(store: Store) -> None:
    store.add_user("zhang", "scrypt$x", county_code="210102", display_name="张科员")
    for _ in range(4):
        store.login_failed("zhang", max_failures=5, lockout_s=900)
    assert store.user("zhang")["failed_attempts"] == 4
    row = store.login_failed("zhang", max_failures=5, lockout_s=900)
    assert row["locked_until"] == store.clock() + 900 and row["failed_attempts"] == 0
    store.login_succeeded("zhang")
    assert store.user("zhang")["locked_until"] is None
    store.audit("login", "zhang", detail={"ok": True}, remote_addr="127.0.0.1")
    [entry] = store.audit_log()
    assert entry["action"] == "login" and entry["detail"] == {"ok": True}


def test_load_states_fast_path(store: Store) -> None:
    _station(store)
    store.load_states(
        [
            {
                "station_id": "210102-0001",
                "last_seen": store.clock(),
                "state": states.FAULT,
                "alerts": ["paper_out"],
                "software_version": "1.3.0",
                "devices": {"receipt_printer": "paper_out"},
            }
        ]
    )
    row = store.station("210102-0001")
    assert row["state"] == states.FAULT and row["devices"] == {"receipt_printer": "paper_out"}
    assert [a["kind"] for a in store.alerts()] == ["paper_out"]


def test_a_silent_station_gets_an_offline_alert_until_it_reports(store: Store) -> None:
    _station(store)
    _station(store, "210102-0002")
    store.record_reports([_facts(store), _facts(store, "210102-0002")])
    store.clock.advance(1800)
    assert store.sweep_offline() == 0
    store.record_reports([_facts(store, "210102-0002", seq=2)])
    store.clock.advance(1900)
    assert store.sweep_offline() == 1 and store.sweep_offline() == 0
    [alert] = store.alerts()
    assert alert["station_id"] == "210102-0001" and alert["label"] == "驿站离线超过 1 小时"
    store.record_reports([_facts(store, seq=2)])
    assert store.alerts() == []
    assert [a["kind"] for a in store.alerts(open_only=False)] == ["offline"]


def test_the_history_is_thinned_to_one_report_an_hour_then_dropped(store: Store) -> None:
    _station(store)
    start = store.clock()
    hour = (int(start) // 3600 + 1) * 3600  # a whole hour, so the samples fall in 3 hours
    for minute in range(0, 180, 20):
        store.clock.now = hour + minute * 60
        store.record_reports([_facts(store, seq=minute + 1)])
    store.clock.now = hour + 3 * 86400
    assert store.prune_reports(keep_all_days=2, keep_hourly_days=90) == 6
    kept = store.station_history("210102-0001")
    assert [h["seq"] for h in kept] == [121, 61, 1]
    store.clock.now = hour + 91 * 86400
    assert store.prune_reports() == 3 and store.station_history("210102-0001") == []
    assert store.station("210102-0001")["software_version"] == "1.4.0"  # the current state stays


def test_the_list_is_worst_first_and_longest_first_within_a_state(store: Store) -> None:
    """故障, then 离线 (longest first, never reported last), then 需关注, then 正常; within a state
    the station that has been so longest first. The states' starts come from ingest itself."""
    ids = {name: f"210102-{n:04d}" for n, name in enumerate("ABCDEFGHIJ", start=1)}
    for sid in ids.values():
        _station(store, sid)
    paper = {"id_reader": "ok", "receipt_printer": "paper_out", "camera": "ok"}
    low = {"id_reader": "ok", "receipt_printer": "paper_low", "camera": "ok"}
    start = store.clock()

    def at(offset: float, *reports: tuple[str, dict | None]) -> None:
        store.clock.now = start + offset
        store.record_reports([
            _facts(store, ids[name], seq=int(offset + 10_000), **({"devices": devices} if devices else {}))
            for name, devices in reports
        ])

    at(-7200, ("F", None), ("I", None))
    at(-3600, ("G", None))
    at(100, ("A", None), ("C", low))
    at(110, ("J", low))
    at(150, ("E", paper))
    at(160, ("B", None))
    at(200, ("D", paper))
    at(250, ("C", paper))                        # 需关注 → 故障: its 故障 began now
    # everyone online reports again; I is back after two hours away: its 正常 begins now
    at(400, ("A", None), ("B", None), ("C", paper), ("D", paper), ("E", paper), ("I", None), ("J", low))
    expected = [ids[n] for n in "EDCFGHJABI"]
    assert store.station(ids["C"])["state_since"] == start + 250
    listing = store.station_list()
    assert [r["station_id"] for r in listing.rows] == expected
    assert [r["label"] for r in listing.rows] == (
        ["故障"] * 3 + ["离线 2 小时", "离线 1 小时", "从未上报", "需关注"] + ["正常"] * 3
    )
    paged = [r["station_id"] for offset in range(0, 10, 3)
             for r in store.station_list(limit=3, offset=offset).rows]
    assert paged == expected                     # pages follow on: no repeats, no gaps
    assert [r["station_id"] for r in store.station_list(state=states.FAULT).rows] == expected[:3]
    area = [r["station_id"] for r in store.station_list(order="area").rows]
    assert area == sorted(ids.values())


def test_a_database_of_schema_1_is_brought_up_to_date(tmp_path) -> None:  # noqa: ANN001
    """A county's console made before states had a start (schema 1) opens, and its stations'
    states start at their last report (the best guess there is)."""
    import sqlite3

    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(folder / "console.sqlite3")
    for statement in schema_sql("sqlite"):
        statement = statement.replace("    state_since REAL,\n", "")
        if "login_addresses" not in statement:
            conn.execute(statement)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO stations (station_id, division_code, public_key, added_at) "
                 "VALUES ('210102-0001', '210102', 'k', 1)")
    conn.execute("INSERT INTO station_state (station_id, last_seen, state) "
                 "VALUES ('210102-0001', 1234.5, 'ok')")
    conn.commit()
    assert "state_since" not in {r[1] for r in conn.execute("PRAGMA table_info(station_state)")}
    conn.close()
    store = Store.open(data_dir=folder)
    try:
        assert store.schema_version() == 2
        assert store.station_list(now=1300).rows[0]["state_since"] == 1234.5
        assert store.query("SELECT COUNT(*) AS n FROM login_addresses")[0]["n"] == 0
    finally:
        store.close()
