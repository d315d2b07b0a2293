"""The console's pages through Flask's test client, on SQLite and on a real PostgreSQL.

What is checked here (the browser tests check the same pages in Chromium, fewer of them):
login and lockout with their audit rows, CSRF on every form, county scoping enforced by the
queries (a county user gets 404 for another county's station, alert or 差评 record, even by URL),
alerts acknowledged and noted, the 差评整改 steps with the overdue flag after 15 working days,
and a staged rollout created, advanced, halted by a pilot's rollback at ingest, and resumed.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from console.app import create_app
from console.ingest import facts_of
from console.store import Store
from console.web import auth

FAKU, XINMIN = "210124", "210181"
PROVINCE_PW, COUNTY_PW = "sheng-mima-2026", "faku-mima-2026"


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def report(station_id: str, seq: int, at: float, **over: Any) -> dict[str, Any]:
    """A report as a station sends it (console_api.yaml's Report)."""
    body = {"contract": "1", "station_id": station_id, "seq": seq, "heartbeat_at": _iso(at),
            "software_version": "1.3.0", "catalogue_version": "2026.11",
            "queue": {"pending": 0, "failed": 0, "oldest_age_s": None}, "last_sync_at": _iso(at - 60),
            "devices": {"receipt_printer": "ok", "id_reader": "ok", "camera": "ok"},
            "disk_free_mb": 40000, "rollbacks": 0, "day": datetime.fromtimestamp(at).date().isoformat(),
            "figures": {"submissions": {}, "ratings": {}}, "bad_ratings": []}
    body.update(over)
    return body


def ingest(store: Store, *reports: dict[str, Any]) -> None:
    store.record_reports([facts_of(r, store.clock(), json.dumps(r, ensure_ascii=False)) for r in reports])


@pytest.fixture
def fleet(store: Store) -> Store:
    """Four stations in two counties (one pilot in each), users for the province and 法库县."""
    stations = []
    counties = [(FAKU, "法库县"), (FAKU, "法库县"), (XINMIN, "新民市"), (XINMIN, "新民市")]
    for n, (county, name) in enumerate(counties):
        stations.append({"station_id": f"{county}-{n:04d}", "division_code": county, "city": "沈阳市",
                         "county": name, "township": f"{name[:2]}镇{n % 2}", "name": f"{name[:2]}驿站{n}",
                         "public_key": "unused-here", "ring": "pilot" if n % 2 == 0 else "main"})
    store.upsert_stations(stations)
    now = store.clock()
    ingest(store,
           report(f"{FAKU}-0000", 1, now),
           report(f"{FAKU}-0001", 1, now, devices={"receipt_printer": "paper_out", "id_reader": "ok"}),
           report(f"{XINMIN}-0002", 1, now, devices={"receipt_printer": "ok", "id_reader": "missing"}),
           report(f"{XINMIN}-0003", 1, now, figures={"submissions": {"newborn": 3},
                                                       "ratings": {"newborn": {"5": 2, "1": 1}}},
                  bad_ratings=[{"id": "r-1", "rated_at": _iso(now - 600), "bundle": "newborn", "level": 1,
                                "reasons": ["等待时间长"]}]))
    auth.add_user(store, "sheng", PROVINCE_PW, None, "省运维")
    auth.add_user(store, "faku", COUNTY_PW, FAKU, "法库运维")
    return store


class Browser:
    """Flask's test client with the CSRF token of the last page read."""

    def __init__(self, store: Store) -> None:
        self.client = create_app(store).test_client()
        self.csrf = ""

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        assert 'name="csrf" value=""' not in response.get_data(as_text=True)    # every form has its token
        found = re.search(r'name="csrf" value="([^"]+)"', response.get_data(as_text=True))
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, **form: str) -> Any:
        return self.client.post(path, data={"csrf": self.csrf, **form})

    def login(self, username: str, password: str) -> Any:
        self.get("/login")
        response = self.post("/login", username=username, password=password, next="/stations")
        if response.status_code == 302:
            self.get("/stations")          # a new session has a new CSRF token
        return response


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def test_pages_need_a_login_and_a_wrong_password_locks_the_account(fleet: Store) -> None:
    web = Browser(fleet)
    first = web.get("/stations")
    assert first.status_code == 302 and "/login" in first.headers["Location"]
    login_page = web.get("/login")
    assert "frame-ancestors 'none'" in login_page.headers["Content-Security-Policy"]
    assert login_page.headers["Cache-Control"] == "no-store"
    for _ in range(auth.MAX_FAILURES - 1):
        assert web.login("faku", "not-the-password").status_code == 401
    last = web.login("faku", "not-the-password")
    assert "已锁定" in text(last)
    refused = web.login("faku", COUNTY_PW)             # the right password, while locked
    assert refused.status_code == 401 and "已锁定" in text(refused)
    assert web.get("/stations").status_code == 302
    actions = [row["action"] for row in fleet.audit_log(username="faku")]
    assert actions.count("login.failed") == auth.MAX_FAILURES
    assert "login.locked" in actions and "login.refused_locked" in actions
    fleet.clock.advance(auth.LOCKOUT_S + 1)
    assert web.login("faku", COUNTY_PW).status_code == 302
    assert web.get("/stations").status_code == 200


def test_an_unknown_account_gets_the_same_answer_as_a_wrong_password(fleet: Store) -> None:
    web = Browser(fleet)
    assert "账号或密码不正确" in text(web.login("nobody", "whatever-it-is"))
    assert "账号或密码不正确" in text(web.login("sheng", "whatever-it-is"))


def test_a_form_without_its_csrf_token_changes_nothing(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    alert_id = fleet.alerts()[0]["id"]
    forged = web.client.post(f"/alerts/{alert_id}/ack", data={"csrf": "forged"})
    assert forged.status_code == 400
    assert fleet.alert(alert_id)["acknowledged_at"] is None


def test_county_staff_see_only_their_county_even_by_url(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("faku", COUNTY_PW)
    page = text(web.get("/stations"))
    assert f"{FAKU}-0000" in page and f"{XINMIN}-0002" not in page
    assert 'name="county"' not in page                 # no county picker for county staff
    assert web.get(f"/stations/{XINMIN}-0002").status_code == 404
    assert f"{XINMIN}-0002" not in text(web.get(f"/stations?county={XINMIN}"))
    xinmin_alert = fleet.alerts(county=XINMIN)[0]["id"]
    assert web.post(f"/alerts/{xinmin_alert}/ack").status_code == 404
    assert fleet.alert(xinmin_alert)["acknowledged_at"] is None
    case = fleet.rectifications()[0]["id"]
    assert web.post(f"/followups/{case}/callback", text="打过电话").status_code == 404
    assert fleet.rectifications()[0]["status"] == "open"
    assert "新民" not in text(web.get("/followups"))
    assert web.get(f"/ratings?station={XINMIN}-0003").status_code == 404
    denied = [row["action"] for row in fleet.audit_log(username="faku")]
    assert {"station.denied", "alert.denied", "followup.denied"} <= set(denied)
    own = text(web.get("/audit"))                       # county staff read only their own entries
    assert "打开非本县驿站（已拒绝）" in own and "sheng" not in own


def test_alerts_are_acknowledged_and_noted_once(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    page = text(web.get("/alerts"))
    assert "凭条纸已用完" in page and "身份证阅读器未连接" in page
    alert_id = next(a["id"] for a in fleet.alerts() if a["kind"] == "paper_out")
    assert web.post(f"/alerts/{alert_id}/ack", back="/alerts").status_code == 302
    assert web.post(f"/alerts/{alert_id}/note", text="已通知驿站补纸", back="/alerts").status_code == 302
    page = text(web.get("/alerts"))
    assert "已确认：省运维" in page and "已通知驿站补纸" in page
    assert web.post(f"/alerts/{alert_id}/ack").status_code == 302
    assert "已经有人确认过了" in text(web.get("/alerts"))
    assert fleet.alert(alert_id)["acknowledged_by"] == "省运维"
    actions = [row["action"] for row in fleet.audit_log(username="sheng")]
    assert actions.count("alert.acknowledge") == 1 and "alert.note" in actions
    assert "确认告警" in text(web.get("/audit"))


def test_bad_ratings_are_called_back_and_closed_and_flagged_when_overdue(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    page = text(web.get("/followups"))
    assert "非常不满意" in page and "等待时间长" in page and "已超期" not in page
    fleet.clock.advance(timedelta(days=30).total_seconds())     # well past 15 working days
    page = text(web.get("/followups"))
    assert "已超期" in page and "条已超过回访期限" in page
    assert "差评回访已超期" in text(web.get("/stations"))
    case = fleet.rectifications()[0]["id"]
    assert web.post(f"/followups/{case}/rectify", text="先整改").status_code == 302
    assert "请先记录回访" in text(web.get("/followups"))
    web.post(f"/followups/{case}/callback", text="已电话回访，群众说明了排队情况")
    web.post(f"/followups/{case}/rectify", text="高峰时段增派一名帮办员")
    done = fleet.rectifications()[0]
    assert done["status"] == "closed" and done["measures"] == "高峰时段增派一名帮办员"
    assert "已超期" not in text(web.get("/followups"))
    closed = text(web.get("/followups?status=closed"))
    assert "高峰时段增派一名帮办员" in closed and "已电话回访" in closed


def test_ratings_page_counts_levels_per_bundle(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    page = text(web.get("/ratings"))
    assert "新生儿出生一件事" in page
    row = re.search(r"新生儿出生一件事</td>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r'<td class="num">(\d+)</td>', row)
    assert cells == ["2", "0", "0", "0", "1", "3"]      # 非常满意 … 非常不满意, 合计
    assert "33.3%" in row


def test_a_rollout_halts_when_a_pilot_rolls_back_and_staff_resume_it(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    refused = web.post("/rollouts/new", kind="software", version="1.4.0")
    assert refused.headers["Location"].endswith("/rollouts") and fleet.rollouts() == []
    assert "还没有登记发布文件" in text(web.get("/rollouts"))
    fleet.add_artifact("software", "1.4.0", b"the 1.4.0 package")     # console add-release
    created = web.post("/rollouts/new", kind="software", version="1.4.0")
    rollout_path = created.headers["Location"]
    rollout_id = int(rollout_path.rsplit("/", 1)[1])
    assert "试点中" in text(web.get(rollout_path))
    now = fleet.clock()
    ingest(fleet, report(f"{FAKU}-0000", 2, now, software_version="1.4.0"))
    assert "1 / 2 已更新" in text(web.get(rollout_path))
    ingest(fleet, report(f"{XINMIN}-0002", 2, now, software_version="1.3.0", rollbacks=1))
    page = text(web.get(rollout_path))
    assert "已暂停" in page and f"{XINMIN}-0002" in page and "更新后已回退" in page
    assert 'id="advance"' not in page
    web.post(f"/rollouts/{rollout_id}/resume")
    assert "试点中" in text(web.get(rollout_path))
    web.post(f"/rollouts/{rollout_id}/advance")
    assert "全部发布中" in text(web.get(rollout_path))
    web.post(f"/rollouts/{rollout_id}/complete")
    assert "已完成" in text(web.get(rollout_path))
    actions = [row["action"] for row in fleet.audit_log(username="sheng")]
    assert {"rollout.start", "rollout.resume", "rollout.advance", "rollout.complete"} <= set(actions)
    county = Browser(fleet)
    county.login("faku", COUNTY_PW)
    assert 'id="halt"' not in text(county.get(rollout_path))
    assert county.post(f"/rollouts/{rollout_id}/halt").status_code == 403


def test_station_page_shows_history_devices_and_filters_find_it(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    page = text(web.get(f"/stations/{FAKU}-0001"))
    assert "凭条打印机" in page and "缺纸" in page and "凭条纸已用完" in page
    assert 'id="history"' in page
    assert f"{FAKU}-0001" in text(web.get("/stations?state=fault"))
    assert f"{FAKU}-0000" not in text(web.get("/stations?state=fault"))
    assert f"{FAKU}-0001" in text(web.get("/stations?q=法库驿站1"))
    assert f"{FAKU}-0000" not in text(web.get("/stations?version=1.2.0"))
    fleet.clock.advance(3 * 3600)
    assert "离线 3 小时" in text(web.get("/stations"))


def test_a_session_ends_when_the_password_is_reset(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("faku", COUNTY_PW)
    assert web.get("/stations").status_code == 200
    auth.add_user(fleet, "faku", "another-mima-2027", FAKU, "法库运维")
    assert web.get("/stations").status_code == 302


def test_overview_counts_each_county_or_township_worst_first(fleet: Store) -> None:
    web = Browser(fleet)
    web.login("sheng", PROVINCE_PW)
    page = text(web.get("/overview"))
    rows = re.findall(r'<tr data-area="(\d+)">(.*?)</tr>', page, re.S)
    assert [code for code, _ in rows] == [FAKU, XINMIN] or [code for code, _ in rows] == [XINMIN, FAKU]
    cells = {code: re.findall(r">(\d+)<", body) for code, body in rows}
    assert cells[FAKU] == ["2", "1", "0", "1", "0"]          # 驿站, 正常, 需关注, 故障, 离线
    assert cells[XINMIN] == ["2", "1", "0", "1", "0"]
    fleet.clock.advance(3600)                               # everyone offline now
    county = Browser(fleet)
    county.login("faku", COUNTY_PW)
    page = text(county.get("/overview"))
    assert "各乡镇（街道）概况" in page and "新民" not in page
    assert re.findall(r'<tr data-area="(\d{6})([^"]+)">', page) == [(FAKU, "法库镇0"), (FAKU, "法库镇1")]
    assert "state=offline" in page


def test_a_database_restart_is_one_sentence_then_the_page_works_again(pg_store: Store, pg_url: str) -> None:
    import psycopg

    auth.add_user(pg_store, "sheng", PROVINCE_PW, None, "省运维")
    app = create_app(pg_store)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    web = Browser(pg_store)
    web.client = app.test_client()
    web.login("sheng", PROVINCE_PW)
    with psycopg.connect(pg_url, autocommit=True) as killer:       # as a restart would
        killer.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    broken = web.client.get("/stations")
    assert broken.status_code == 500
    assert "管控平台暂时读不到数据库" in text(broken) and "Traceback" not in text(broken)
    assert web.client.get("/stations").status_code == 200
