"""Console accounts: the scrypt hash, and `main.py console add-user` with its mistakes.

The command runs as a real process (the way a technician types it), on the embedded SQLite
default; the login itself is tested through the pages (test_pages.py) and the browser.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from console.store import Store
from console.web import auth

REPO = Path(__file__).resolve().parents[2]


def add_user(data: Path, *args: str, password: str = "mima-2026-ok") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", "console", "add-user", *args, "--data", str(data),
                           "--password-stdin"], cwd=REPO, input=password + "\n", capture_output=True,
                          text=True, timeout=60)


def test_a_hash_checks_only_its_own_password_and_carries_its_cost() -> None:
    stored = auth.hash_password("zheng-que-mima")
    kind, n, r, p, _salt, _digest = stored.split("$")
    assert (kind, int(n), int(r), int(p)) == ("scrypt", auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    assert auth.check_password("zheng-que-mima", stored)
    assert not auth.check_password("zheng-que-mimA", stored)
    assert not auth.check_password("zheng-que-mima", "not a hash")
    assert auth.hash_password("zheng-que-mima") != stored          # a fresh salt each time


def test_add_user_makes_a_county_account_and_resets_it(tmp_path: Path) -> None:
    done = add_user(tmp_path, "faku-ops", "--county", "210124", "--name", "法库运维")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "账号 faku-ops 已设置：县级（210124）。"
    store = Store.open(data_dir=tmp_path)
    try:
        row = store.user("faku-ops")
        assert row["county_code"] == "210124" and row["display_name"] == "法库运维"
        assert "mima-2026-ok" not in row["password_hash"] and auth.check_password("mima-2026-ok",
                                                                                   row["password_hash"])
        first_hash = row["password_hash"]
        assert add_user(tmp_path, "faku-ops", "--province", password="xin-mima-2027").returncode == 0
        row = store.user("faku-ops")
        assert row["county_code"] is None and row["password_hash"] != first_hash
        assert [r["action"] for r in store.audit_log()].count("user.set") == 2
    finally:
        store.close()


def test_add_user_mistakes_are_one_chinese_sentence_and_exit_2(tmp_path: Path) -> None:
    bad_county = add_user(tmp_path, "x-ops", "--county", "2101")
    assert bad_county.returncode == 2 and "6 位数字" in bad_county.stderr
    short = add_user(tmp_path, "x-ops", "--province", password="short")
    assert short.returncode == 2 and "至少 10 个字符" in short.stderr
    empty = add_user(tmp_path, "x-ops", "--province", password="")
    assert empty.returncode == 2 and "密码" in empty.stderr
    no_scope = add_user(tmp_path, "x-ops")
    assert no_scope.returncode == 2 and "参数有误" in no_scope.stderr
    for done in (bad_county, short, empty, no_scope):
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    store = Store.open(data_dir=tmp_path)
    try:
        assert store.user("x-ops") is None
    finally:
        store.close()
