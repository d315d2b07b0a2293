"""The console's pages in Debian's Chromium (selenium + chromium-driver, nothing downloaded),
against a real PostgreSQL with 12 000 simulated stations and TWO console processes on different
ports sharing that database: staff log in on one and act on the other (the processes are
stateless). At desktop (1366×768, 1920×1080) and tablet (820×1180) widths, with screenshots.

One browser for the module (each Chromium start costs seconds). Screenshots go to the test's
temporary folder, and to $CONSOLE_SHOTS_DIR as well when it is set (for a person to look at).
What is checked: the right states and counts, no sideways scrolling at tablet width, county
scoping by URL, an alert acknowledged and noted, a bad rating called back and closed with the
overdue flag, a staged rollout halted by a pilot's rollback (a real signed report over HTTP) and
resumed, a lockout that holds on the other process, an address made to wait after too many
failed logins until `console unlock --address`, and the station list worst first.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from console import fleetsim
from console.pgtemp import TempPostgres, free_port
from console.store import Store
from tests.console.helpers import post

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
STATIONS = 12_000
PROVINCE = ("sheng-admin", "sheng-mima-2026")
COUNTY = ("faku-ops", "faku-mima-2026")
LOCKME = ("lock-test", "lock-mima-2026")
DESKTOP, WIDE, TABLET = (1366, 768), (1920, 1080), (820, 1180)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--lang=zh-CN"]


class Console:
    """One `main.py console` process on a free port."""

    def __init__(self, url: str) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", "console", "--host", "127.0.0.1", "--port", str(self.port),
             "--db", url],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if "管控平台已启动" not in line:
            self.proc.kill()
            raise RuntimeError(f"console did not start: {line} {self.proc.stderr.read()}")
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _add_user(url: str, username: str, password: str, *scope: str) -> None:
    done = subprocess.run([sys.executable, "main.py", "console", "add-user", username, *scope, "--db", url,
                           "--password-stdin"], cwd=REPO, input=password + "\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"账号 {username} 已设置" in done.stdout


@pytest.fixture(scope="module")
def fleet_db(pg_server: TempPostgres) -> Iterator[dict[str, Any]]:
    """12 000 stations' current states in a fresh PostgreSQL database, and three accounts."""
    url = pg_server.create_database()
    store = Store.open(url=url)
    fleet = fleetsim.make_fleet(STATIONS, seed=1)
    fleetsim.load_into(store, fleet, time.time())
    counts = store.state_counts()
    store.add_artifact("software", "1.6.0", b"the 1.6.0 package")   # only a registered release is offered
    store.close()
    faku = next(s for s in fleet if s.county == "法库县")
    _add_user(url, *PROVINCE, "--province", "--name", "省运维 李明")
    _add_user(url, *COUNTY, "--county", faku.division_code, "--name", "法库运维 王芳")
    _add_user(url, *LOCKME, "--county", faku.division_code)
    yield {"url": url, "fleet": fleet, "counts": counts, "faku": faku}
    pg_server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(scope="module")
def consoles(fleet_db: dict[str, Any]) -> Iterator[tuple[Console, Console]]:
    first, second = Console(fleet_db["url"]), Console(fleet_db["url"])
    yield first, second
    first.stop()
    second.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console-shots")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    os.environ["SE_OFFLINE"] = "true"           # selenium-manager must never fetch a browser or driver
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def find(driver: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css)


def find_all(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def submit(driver: Any, css: str) -> None:
    """Press a form's button and wait for the page it leads to (the old page goes stale)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = find(driver, "html")
    find(driver, css).click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(page))


def login(driver: Any, base: str, username: str, password: str) -> None:
    driver.get(f"{base}/login")
    if not find_all(driver, "input[name=username]"):      # still logged in: log out first
        submit(driver, ".who button")
        driver.get(f"{base}/login")
    find(driver, "input[name=username]").send_keys(username)
    find(driver, "input[name=password]").send_keys(password)
    submit(driver, ".login button[type=submit]")


def snap(driver: Any, shots: Path, name: str, size: tuple[int, int]) -> Path:
    """A full-page screenshot at this width (the window grows to the page's height, up to 3000 px),
    copied to $CONSOLE_SHOTS_DIR when set."""
    driver.set_window_size(*size)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(size[0], min(max(size[1], height + 140), 3000))
    path = shots / f"{name}-{size[0]}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(*size)
    if os.environ.get("CONSOLE_SHOTS_DIR"):
        target = Path(os.environ["CONSOLE_SHOTS_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)
    return path


def no_sideways_scroll(driver: Any) -> bool:
    """Neither the page nor any of its tables has to be scrolled sideways to be read."""
    return driver.execute_script(
        "const fits = e => e.scrollWidth <= e.clientWidth + 1;"
        "return fits(document.documentElement) && [...document.querySelectorAll('.table-box')].every(fits)")


def post_report(console: Console, station: fleetsim.SimStation, seq: int, **change: Any) -> dict[str, Any]:
    """A real signed report from a simulated station, over HTTP, as a station sends it."""
    now = time.time()
    doc = fleetsim.report(station, seq, now, random.Random(seq))
    doc.update(change)
    reply = post(f"{console.base}/api/v1", station, doc, now)
    assert reply.status_code == 200, reply.text
    return doc


def test_states_counts_and_county_scope_at_desktop_and_tablet(
        consoles: tuple[Console, Console], fleet_db: dict, browser: Any, shots: Path) -> None:
    first, second = consoles
    browser.set_window_size(*DESKTOP)
    login(browser, first.base, *PROVINCE)
    counts = fleet_db["counts"]
    shown = {el.get_attribute("data-state"): int(el.text) for el in find_all(browser, "#state-counts .n")}
    assert shown["all"] == STATIONS
    assert {k: shown[k] for k in counts} == counts
    assert counts["fault"] > 0 and counts["offline"] > 0 and counts["attention"] > 0
    assert len(find_all(browser, "#stations tbody tr")) == 50
    assert "故障的排在最前" in find(browser, "#order-note").text
    assert {el.text for el in find_all(browser, "#stations .state")} == {"故障"}   # worst first
    snap(browser, shots, "stations", DESKTOP)
    browser.get(f"{first.base}/overview")
    areas = find_all(browser, "#areas tbody tr")
    assert len(areas) == len({s.division_code for s in fleet_db["fleet"]})
    snap(browser, shots, "overview", DESKTOP)
    browser.set_window_size(*WIDE)
    browser.get(f"{first.base}/stations?state=attention")
    assert no_sideways_scroll(browser)
    snap(browser, shots, "stations-attention", WIDE)
    # the province user's cookie is good on the other process: filter to 故障 there
    browser.get(f"{second.base}/stations?state=fault")
    chips = [el.text for el in find_all(browser, "#stations .state")]
    assert chips and set(chips) == {"故障"}
    browser.get(f"{second.base}/stations?state=offline")
    assert all(t.startswith("离线") for t in (el.text for el in find_all(browser, "#stations .state")))
    browser.set_window_size(*TABLET)
    browser.get(f"{second.base}/stations")
    assert no_sideways_scroll(browser)
    snap(browser, shots, "stations", TABLET)
    faku = fleet_db["faku"]
    browser.get(f"{first.base}/stations/{faku.station_id}")
    assert faku.name in find(browser, "#station-name").text
    assert no_sideways_scroll(browser)
    snap(browser, shots, "station", TABLET)

    other = next(s for s in fleet_db["fleet"] if s.division_code != faku.division_code)
    browser.set_window_size(*DESKTOP)
    login(browser, second.base, *COUNTY)
    rows = find_all(browser, "#stations tbody tr")
    assert rows and all(r.get_attribute("data-station").startswith(faku.division_code) for r in rows)
    rank = {"fault": 0, "offline": 1, "attention": 2, "ok": 3}
    shown = [rank[el.get_attribute("class").split()[-1]] for el in find_all(browser, "#stations .state")]
    assert shown == sorted(shown) and shown[0] < 3       # 故障, 离线, 需关注, 正常 in that order
    assert int(find(browser, "#state-counts .n[data-state=all]").text) == \
        sum(1 for s in fleet_db["fleet"] if s.division_code == faku.division_code)
    assert not find_all(browser, "select[name=county]")
    browser.get(f"{first.base}/stations/{other.station_id}")
    assert "没有这个记录" in find(browser, "#message").text
    browser.get(f"{first.base}/stations?county={other.division_code}&q={other.station_id}")
    assert not find_all(browser, f"tr[data-station='{other.station_id}']")
    snap(browser, shots, "county-stations", DESKTOP)


def test_alert_acknowledged_and_noted_across_processes(consoles: tuple[Console, Console], fleet_db: dict,
                                                       browser: Any, shots: Path) -> None:
    first, second = consoles
    station = next(s for s in fleet_db["fleet"] if s.ring == "main" and not s.profile["offline_h"]
                   and s.profile["devices"]["receipt_printer"] == "ok")
    post_report(first, station, 2, devices={**station.profile["devices"], "receipt_printer": "paper_out"})
    browser.set_window_size(*DESKTOP)
    login(browser, first.base, *PROVINCE)
    browser.get(f"{second.base}/alerts?station={station.station_id}")
    row = find(browser, "#alerts tbody tr")
    assert "凭条纸已用完" in row.text and "未确认" not in row.text
    submit(browser, "#alerts tbody tr .ack-button")
    assert "已确认：省运维 李明" in find(browser, "#alerts tbody tr").text
    find(browser, "#alerts tbody tr details summary").click()
    find(browser, "#alerts tbody tr details input[name=text]").send_keys("已电话通知驿站管理员补纸")
    submit(browser, "#alerts tbody tr details button")
    browser.get(f"{first.base}/alerts?station={station.station_id}")
    assert "已电话通知驿站管理员补纸" in find(browser, "#alerts tbody tr").text
    snap(browser, shots, "alerts", DESKTOP)
    post_report(second, station, 3)                      # paper refilled: ingest closes the alert
    browser.get(f"{first.base}/alerts?station={station.station_id}&status=all")
    assert "已恢复" in find(browser, "#alerts tbody tr").text or \
        "关闭于" in find(browser, "#alerts tbody tr").text
    browser.get(f"{second.base}/stations/{station.station_id}")
    history = [row.text for row in find_all(browser, "#history tbody tr")]
    assert len(history) == 2 and "故障" in history[1] and "凭条打印机缺纸" in history[1]
    assert "正常" in history[0] and "均正常" in history[0]
    snap(browser, shots, "station-history", DESKTOP)
    browser.set_window_size(*TABLET)
    browser.get(f"{first.base}/alerts")
    assert no_sideways_scroll(browser)
    snap(browser, shots, "alerts", TABLET)


def test_bad_rating_follow_up_with_overdue_flag(consoles: tuple[Console, Console], fleet_db: dict,
                                                browser: Any, shots: Path) -> None:
    first, second = consoles
    faku = fleet_db["faku"]
    old = time.time() - 40 * 86400                      # rated six weeks ago: past 15 working days
    rated = datetime.fromtimestamp(old).astimezone().isoformat(timespec="seconds")
    post_report(first, faku, 4, bad_ratings=[
        {"id": "browser-late-1", "rated_at": rated, "bundle": "newborn", "level": 1,
         "reasons": ["等待时间长"]}])
    browser.set_window_size(*DESKTOP)
    login(browser, second.base, *COUNTY)
    assert "差评回访已超期" in find(browser, ".banner-overdue").text
    browser.get(f"{first.base}/followups?overdue=1")
    assert "超过回访期限" in find(browser, "#overdue-banner").text
    row = find(browser, "#followups tr.overdue")
    assert "已超期" in row.text and "新生儿出生一件事" in row.text and "等待时间长" in row.text
    snap(browser, shots, "followups-overdue", DESKTOP)
    case = row.get_attribute("data-rating")
    callback = find(browser, f"tr[data-rating='{case}'] form.callback input[name=text]")
    callback.send_keys("已电话回访，群众反映排队久")
    submit(browser, f"tr[data-rating='{case}'] form.callback button")
    browser.get(f"{second.base}/followups?status=called_back")
    find(browser, f"tr[data-rating='{case}'] form.rectify input[name=text]").send_keys("高峰时段增派帮办员")
    submit(browser, f"tr[data-rating='{case}'] form.rectify button")
    browser.get(f"{first.base}/followups?status=closed")
    done = find(browser, f"tr[data-rating='{case}']")
    assert "高峰时段增派帮办员" in done.text and "已电话回访" in done.text and "已超期" not in done.text
    browser.set_window_size(*TABLET)
    assert no_sideways_scroll(browser)
    snap(browser, shots, "followups-closed", TABLET)
    browser.get(f"{first.base}/ratings")
    assert find_all(browser, "#ratings-by-bundle tbody tr")
    assert no_sideways_scroll(browser)
    snap(browser, shots, "ratings", TABLET)


def test_rollout_halted_by_a_pilot_rollback_and_resumed(consoles: tuple[Console, Console], fleet_db: dict,
                                                        browser: Any, shots: Path) -> None:
    first, second = consoles
    browser.set_window_size(*DESKTOP)
    login(browser, first.base, *PROVINCE)
    browser.get(f"{first.base}/rollouts")
    find(browser, "#new-rollout input[name=version]").send_keys("1.6.0")
    submit(browser, "#new-rollout button")
    assert "试点中" in find(browser, "#rollout-stage").text
    rollout_url = browser.current_url.replace(first.base, second.base)
    pilots = [s for s in fleet_db["fleet"] if s.ring == "pilot" and not s.profile["offline_h"]]
    post_report(second, pilots[0], 5, software_version="1.6.0")
    post_report(first, pilots[1], 5, rollbacks=1)         # a pilot rolled the update back
    browser.get(rollout_url)
    assert "已暂停" in find(browser, "#rollout-stage").text
    assert pilots[1].station_id in find(browser, "#halted-banner").text
    assert not find_all(browser, "#advance")
    snap(browser, shots, "rollout-halted", DESKTOP)
    submit(browser, "#resume")
    assert "试点中" in find(browser, "#rollout-stage").text
    submit(browser, "#advance")
    assert "全部发布中" in find(browser, "#rollout-stage").text
    browser.get(f"{second.base}/versions")
    assert find_all(browser, "#software-versions tbody tr")
    browser.set_window_size(*TABLET)
    assert no_sideways_scroll(browser)
    snap(browser, shots, "versions", TABLET)


def test_lockout_holds_on_the_other_process(consoles: tuple[Console, Console], browser: Any,
                                            shots: Path) -> None:
    first, second = consoles
    browser.set_window_size(*DESKTOP)
    for _ in range(5):
        login(browser, first.base, LOCKME[0], "wrong-password-1")
    assert "已锁定" in find(browser, "#login-error").text
    login(browser, second.base, *LOCKME)
    assert "已锁定" in find(browser, "#login-error").text
    snap(browser, shots, "login-locked", TABLET)
    login(browser, second.base, *PROVINCE)
    browser.get(f"{first.base}/audit")
    entries = [row.text for row in find_all(browser, "#audit tbody tr")]
    assert any(LOCKME[0] in e and "账号被锁定" in e for e in entries)
    assert any(LOCKME[0] in e and "锁定期间尝试登录" in e for e in entries)
    snap(browser, shots, "audit", DESKTOP)


def test_an_address_with_too_many_failures_waits_until_unlocked(consoles: tuple[Console, Console],
                                                                fleet_db: dict, browser: Any,
                                                                shots: Path) -> None:
    """Failed logins from this browser's address, across accounts and both processes, until the
    address is made to wait; even the right password then waits; `console unlock --address` on
    the PostgreSQL database ends it."""
    from console.web import auth

    first, second = consoles
    browser.set_window_size(*DESKTOP)
    for n in range(auth.ADDRESS_MAX_FAILURES):
        login(browser, (first, second)[n % 2].base, f"guess-{n}", "wrong-password-1")
        if "这台电脑登录失败的次数过多" in find(browser, "#login-error").text:
            break
    login(browser, second.base, *PROVINCE)
    assert "这台电脑登录失败的次数过多" in find(browser, "#login-error").text
    snap(browser, shots, "login-address-waits", TABLET)
    done = subprocess.run([sys.executable, "main.py", "console", "unlock", "--address", "127.0.0.1",
                           "--db", fleet_db["url"]], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "地址 127.0.0.1 已解除登录限制。"), done.stderr
    login(browser, first.base, *PROVINCE)
    assert find_all(browser, "#stations")
