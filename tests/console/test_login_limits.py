"""Login limits per client address, the proxy's address header, the session cookie's attributes,
and `main.py console unlock`.

The pages through Flask's test client on SQLite and PostgreSQL (the limit is counted in the
database, so a second app on the same store — another console process — sees the same count);
the serving options and the command as real processes, the way a technician runs them.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from console.app import create_app
from console.pgtemp import free_port
from console.store import Store
from console.web import auth
from console.web.cli import configure_app

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "sheng-mima-2026"
OFFICE, OTHER = "10.21.3.7", "10.21.3.8"


@pytest.fixture
def accounts(store: Store) -> Store:
    auth.add_user(store, "sheng", PASSWORD, None, "省运维")
    return store


def _app(store: Store, **options: Any) -> Any:
    app = create_app(store)
    configure_app(app, argparse.Namespace(**options))
    return app


def _login(client: Any, username: str, password: str, addr: str = "127.0.0.1",
           headers: dict[str, str] | None = None) -> Any:
    environ = {"REMOTE_ADDR": addr}
    page = client.get("/login", environ_base=environ, headers=headers or {}).get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"csrf": token, "username": username, "password": password},
                       environ_base=environ, headers=headers or {})


def test_many_failures_from_one_address_make_it_wait_whichever_accounts(accounts: Store) -> None:
    store = accounts
    first, second = _app(store).test_client(), _app(store).test_client()     # two "processes"
    for n in range(auth.ADDRESS_MAX_FAILURES - 1):
        client = first if n % 2 else second
        assert _login(client, f"guess-{n}", "wrong-password").status_code == 401
    assert store.login_address("127.0.0.1")["failed_attempts"] == auth.ADDRESS_MAX_FAILURES - 1
    last = _login(first, "guess-last", "wrong-password")
    assert "这台电脑登录失败的次数过多" in last.get_data(as_text=True)
    refused = _login(second, "sheng", PASSWORD)                # the right password, from that address
    assert refused.status_code == 401 and "15 分钟后再试" in refused.get_data(as_text=True)
    assert _login(second, "sheng", PASSWORD, addr=OTHER).status_code == 302     # another address may
    assert store.user("sheng")["failed_attempts"] == 0          # no account was locked on the way
    actions = [(r["action"], r["remote_addr"]) for r in store.audit_log(limit=100)]
    assert ("login.address_locked", "127.0.0.1") in actions
    assert ("login.refused_address", "127.0.0.1") in actions
    store.clock.advance(auth.ADDRESS_LOCKOUT_S + 1)
    assert _login(first, "sheng", PASSWORD).status_code == 302


def test_old_failures_are_forgotten_and_a_success_does_not_clear_the_count(accounts: Store) -> None:
    store = accounts
    client = _app(store).test_client()
    for _ in range(3):
        _login(client, "nobody", "wrong-password", addr=OFFICE)
    assert _login(client, "sheng", PASSWORD, addr=OFFICE).status_code == 302
    assert store.login_address(OFFICE)["failed_attempts"] == 3
    client = _app(store).test_client()
    store.clock.advance(auth.ADDRESS_WINDOW_S + 1)
    _login(client, "nobody", "wrong-password", addr=OFFICE)
    assert store.login_address(OFFICE)["failed_attempts"] == 1


def test_the_proxy_header_counts_only_when_configured(accounts: Store) -> None:
    store = accounts
    forwarded = {"X-Forwarded-For": f"203.0.113.9, {OFFICE}"}     # made up by the client, then the proxy's
    plain = _app(store).test_client()
    _login(plain, "nobody", "wrong-password", headers=forwarded)
    assert store.audit_log(limit=1)[0]["remote_addr"] == "127.0.0.1"   # not configured: the connection's
    behind = _app(store, proxy_header="X-Forwarded-For").test_client()
    _login(behind, "nobody", "wrong-password", headers=forwarded)
    assert store.audit_log(limit=1)[0]["remote_addr"] == OFFICE
    assert store.login_address(OFFICE)["failed_attempts"] == 1
    assert store.login_address("203.0.113.9") is None
    _login(behind, "nobody", "wrong-password", headers={"X-Forwarded-For": "not-an-address"})
    assert store.audit_log(limit=1)[0]["remote_addr"] == "127.0.0.1"


def _session_cookie(response: Any) -> str:
    cookies = [v for k, v in response.headers.items()
               if k == "Set-Cookie" and v.startswith("console_session=")]
    assert len(cookies) == 1, response.headers
    return cookies[0]


def _attributes(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() + ("=" + part.split("=")[1].strip() if "samesite" in
            part.lower() else "") for part in cookie.split(";")[1:]}


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(sqlite_store: Store) -> None:
    auth.add_user(sqlite_store, "sheng", PASSWORD, None, "省运维")
    plain = _login(_app(sqlite_store).test_client(), "sheng", PASSWORD)
    assert plain.status_code == 302
    assert _attributes(_session_cookie(plain)) >= {"httponly", "samesite=Lax"}
    assert "secure" not in _attributes(_session_cookie(plain))
    https = {"X-Forwarded-Proto": "https"}
    ignored = _login(_app(sqlite_store).test_client(), "sheng", PASSWORD, headers=https)
    assert "secure" not in _attributes(_session_cookie(ignored))     # no proxy configured: not believed
    proxied = _login(_app(sqlite_store, proxy_header="X-Real-IP").test_client(), "sheng", PASSWORD,
                     headers={**https, "X-Real-IP": OFFICE})
    assert _attributes(_session_cookie(proxied)) >= {"httponly", "samesite=Lax", "secure"}
    flagged = _login(_app(sqlite_store, secure_cookies=True).test_client(), "sheng", PASSWORD)
    assert _attributes(_session_cookie(flagged)) >= {"httponly", "samesite=Lax", "secure"}


def test_the_serving_options_reach_a_real_console(tmp_path: Path) -> None:
    """`main.py console --secure-cookies --proxy-header X-Real-IP`: the cookie over the wire is
    Secure, and the audit log has the proxy's address for the login."""
    store = Store.open(data_dir=tmp_path)
    auth.add_user(store, "sheng", PASSWORD, None, "省运维")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "main.py", "console", "--host", "127.0.0.1", "--port", str(port),
                             "--data", str(tmp_path), "--secure-cookies", "--proxy-header", "X-Real-IP"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "管控平台已启动" in proc.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        with requests.Session() as session:
            session.trust_env = False
            page = session.get(f"{base}/login", timeout=30).text
            token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            # the login page's own cookie is Secure, so a client on http:// would not send it back
            # (a browser here); pass it by hand to reach the login itself
            cookie = session.cookies.get("console_session")
            answer = requests.post(f"{base}/login", data={"csrf": token, "username": "sheng",
                                                          "password": PASSWORD},
                                   headers={"X-Real-IP": OFFICE, "Cookie": f"console_session={cookie}"},
                                   allow_redirects=False, timeout=30)
        assert answer.status_code == 302, answer.text
        attributes = _attributes(answer.headers["Set-Cookie"])
        assert attributes >= {"httponly", "samesite=Lax", "secure"}
        assert [(r["action"], r["remote_addr"]) for r in store.audit_log(limit=1)] == [("login.ok", OFFICE)]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        store.close()


def unlock(data: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", "console", "unlock", *args, "--data", str(data)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def test_console_unlock_ends_an_account_lockout_and_an_address_wait(tmp_path: Path) -> None:
    store = Store.open(data_dir=tmp_path)
    try:
        auth.add_user(store, "faku-ops", "faku-mima-2026", "210124", "法库运维")
        for _ in range(auth.MAX_FAILURES):
            store.login_failed("faku-ops", auth.MAX_FAILURES, auth.LOCKOUT_S)
        for _ in range(auth.ADDRESS_MAX_FAILURES):
            store.address_failed(OFFICE, auth.ADDRESS_MAX_FAILURES, auth.ADDRESS_WINDOW_S,
                                 auth.ADDRESS_LOCKOUT_S)
        assert store.user("faku-ops")["locked_until"] and store.login_address(OFFICE)["locked_until"]

        done = unlock(tmp_path, "faku-ops")
        assert (done.returncode, done.stdout.strip()) == (0, "账号 faku-ops 已解除锁定，可以重新登录。")
        assert store.user("faku-ops")["locked_until"] is None
        again = unlock(tmp_path, "faku-ops")
        assert (again.returncode, again.stdout.strip()) == (0, "账号 faku-ops 没有被锁定，错误次数已清零。")
        done = unlock(tmp_path, "--address", OFFICE)
        assert (done.returncode, done.stdout.strip()) == (0, f"地址 {OFFICE} 已解除登录限制。")
        assert store.login_address(OFFICE) is None
        entries = [(r["action"], r["target"], r["detail"]) for r in store.audit_log(limit=3)]
        assert entries[0] == ("address.unlock", OFFICE, {"was_locked": True})
        assert ("user.unlock", "faku-ops", {"was_locked": True}) in entries
    finally:
        store.close()


def test_console_unlock_mistakes_are_one_sentence_with_their_exit_code(tmp_path: Path) -> None:
    Store.open(data_dir=tmp_path).close()
    nobody = unlock(tmp_path, "no-such-user")
    assert nobody.returncode == 1 and "没有账号 no-such-user" in nobody.stderr
    neither = unlock(tmp_path)
    assert neither.returncode == 2 and "二选一" in neither.stderr
    both = unlock(tmp_path, "faku-ops", "--address", OFFICE)
    assert both.returncode == 2 and "二选一" in both.stderr
    bad = unlock(tmp_path, "--address", "10.21.3")
    assert bad.returncode == 2 and "IP 地址" in bad.stderr
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    storage = unlock(blocked, "faku-ops")
    assert storage.returncode == 5
    for done in (nobody, neither, both, bad, storage):
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
