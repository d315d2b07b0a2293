"""Console staff accounts: scrypt password hashes, lockout, signed sessions, CSRF and scope.

Why these choices:
- Passwords are scrypt hashes (hashlib.scrypt, a random salt each, 16 MiB so a GPU guesses
  slowly) kept in the console database's `users` table, so every console process sees the same
  accounts and the same lockout: the processes behind a load balancer keep no state of their own.
- Lockout per account (MAX_FAILURES wrong passwords lock it for LOCKOUT_S), counted in the
  database (Store.login_failed) so that trying on the other process does not reset it.
  An unknown account costs the same scrypt as a known one and gets the same answer.
- A limit per client address as well (ADDRESS_MAX_FAILURES failed logins within ADDRESS_WINDOW_S,
  whichever accounts they tried, make the address wait ADDRESS_LOCKOUT_S), also counted in the
  database (Store.address_failed). Why both: the account lockout stops guessing one password, the
  address limit stops one machine trying a few passwords on every account. A success does not
  clear the address's count (one known account must not buy more guesses at the others).
  The address is the connection's, or behind a reverse proxy the configured header's
  (client_address); `console unlock` ends either wait.
- The session cookie is HttpOnly and SameSite=Lax always, and Secure whenever the console is
  served over HTTPS (`--secure-cookies`, or a configured proxy that says X-Forwarded-Proto: https):
  SessionInterface below decides per request.
- Sessions are Flask's signed cookies. The signing secret lives in the database's `meta` table,
  created by whichever process starts first, so a session made on one process is valid on all.
  A session carries the account name and a fingerprint of its password hash: changing the
  password (add-user again) logs out every old session.
- Every form carries a per-session CSRF token (also the login form, before anyone logs in).
- Scope: `county_code` NULL is province staff (everything); a county code limits every query to
  that county's stations. The pages pass `user.county` to every store call; the UI hiding other
  counties is a consequence, not the protection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask.sessions import SecureCookieSessionInterface

from console.store import Store

# scrypt cost: n=2**14, r=8, p=1 (16 MiB, ~50 ms): slow for a guesser, quick for one login.
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
MAX_FAILURES = 5
LOCKOUT_S = 15 * 60
ADDRESS_MAX_FAILURES = 20       # failed logins from one address within the window …
ADDRESS_WINDOW_S = 15 * 60
ADDRESS_LOCKOUT_S = 15 * 60     # … make it wait this long
MIN_PASSWORD_LENGTH = 10
# app.config keys `main.py console` sets from its options (console.web.cli.configure_app)
PROXY_HEADER = "CONSOLE_PROXY_HEADER"     # e.g. "X-Forwarded-For"; None: the connection's address
SECRET_META_KEY = "web_session_secret"


class AccountError(ValueError):
    """An account cannot be made as asked (message in Chinese, one sentence)."""


def _scrypt(password: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=64 * 1024 * 1024, dklen=SCRYPT_LEN)


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash` (base64): the parameters travel with the hash, so they can rise."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        wanted = base64.b64decode(digest)
        got = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(wanted, got)


_DUMMY_HASH = hash_password(secrets.token_hex(16))


def check_password_rule(password: str) -> str | None:
    """None if acceptable, else the reason (one Chinese sentence)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 个字符。"
    if len(set(password)) < 4:
        return "密码太简单，请混用字母、数字和符号。"
    return None


def password_fingerprint(stored_hash: str) -> str:
    """A short tag of the stored hash: sessions made before a password change stop working."""
    return hashlib.sha256(stored_hash.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    county: str | None          # 6-digit division code; None: province staff
    county_name: str
    role: str

    @property
    def is_province(self) -> bool:
        return self.county is None

    @property
    def scope_label(self) -> str:
        return "省级" if self.county is None else (self.county_name or self.county)

    def can_see(self, division_code: str) -> bool:
        return self.county is None or self.county == division_code


def add_user(store: Store, username: str, password: str, county_code: str | None, display_name: str = "",
             role: str = "staff") -> None:
    """Create or replace an account (replacing sets a new password and ends its old sessions)."""
    username = username.strip()
    if not username or len(username) > 64 or not username.isprintable() or " " in username:
        raise AccountError("账号不能为空、不能有空格，且不超过 64 个字符。")
    if county_code is not None and (len(county_code) != 6 or not county_code.isdigit()):
        raise AccountError("县级账号的行政区划代码应为 6 位数字（如 210124），省级账号不填。")
    problem = check_password_rule(password)
    if problem:
        raise AccountError(problem)
    store.add_user(username, hash_password(password), county_code, display_name or username, role)
    store.audit("user.set", username="(console add-user)", target=username,
                detail={"county_code": county_code, "role": role})


@dataclass(frozen=True)
class LoginResult:
    user: dict[str, Any] | None
    message: str               # empty when the login succeeded


def client_address(connection_addr: str, headers: Mapping[str, str], proxy_header: str | None) -> str:
    """Who is logging in, for the address limit and the audit log.

    Without a configured proxy header: the connection's address (a header could be made up by
    anyone). With one (the console is reachable only through that proxy): the header's last
    entry, the one the proxy itself wrote (X-Forwarded-For: "client, proxy1" lists what the
    client sent first). A missing or unreadable value falls back to the connection's address."""
    if proxy_header:
        value = headers.get(proxy_header, "")
        entries = [part.strip() for part in value.split(",") if part.strip()]
        if entries:
            try:
                return str(ipaddress.ip_address(entries[-1]))
            except ValueError:
                pass
    return connection_addr


def forwarded_https(headers: Mapping[str, str], proxy_header: str | None) -> bool:
    """A configured proxy says the browser spoke HTTPS to it (X-Forwarded-Proto: https)."""
    if not proxy_header:
        return False
    entries = [p.strip().lower() for p in headers.get("X-Forwarded-Proto", "").split(",") if p.strip()]
    return bool(entries) and entries[-1] == "https"


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with `Secure` decided per request: always with
    `--secure-cookies` (SESSION_COOKIE_SECURE), else when this request came over HTTPS (the WSGI
    scheme, or a configured proxy's X-Forwarded-Proto). Why per request: one console may be
    reached both through the county's HTTPS proxy and, by a technician, on 127.0.0.1."""

    def get_cookie_secure(self, app: Any) -> bool:
        from flask import request

        if app.config.get("SESSION_COOKIE_SECURE"):
            return True
        return request.scheme == "https" or forwarded_https(request.headers, app.config.get(PROXY_HEADER))


def _address_wait(store: Store, remote_addr: str, now: float) -> int | None:
    """Minutes this address still waits, or None."""
    row = store.login_address(remote_addr) if remote_addr else None
    if row and row.get("locked_until") and row["locked_until"] > now:
        return max(1, round((row["locked_until"] - now) / 60))
    return None


def _address_message(minutes: int) -> str:
    return f"这台电脑登录失败的次数过多，请 {minutes} 分钟后再试；急用请联系省级管理员解除。"


def authenticate(store: Store, username: str, password: str, remote_addr: str) -> LoginResult:
    """Check one login; always audited (never the password)."""
    now = store.clock()
    waiting = _address_wait(store, remote_addr, now)
    if waiting is not None:
        store.audit("login.refused_address", username=username, remote_addr=remote_addr)
        return LoginResult(None, _address_message(waiting))
    result = _check_account(store, username, password, remote_addr, now)
    if result.user is None and remote_addr:
        row = store.address_failed(remote_addr, ADDRESS_MAX_FAILURES, ADDRESS_WINDOW_S, ADDRESS_LOCKOUT_S)
        if row.get("locked_until") and row["locked_until"] > now:
            store.audit("login.address_locked", username=username, remote_addr=remote_addr,
                        detail={"failures": ADDRESS_MAX_FAILURES, "minutes": ADDRESS_LOCKOUT_S // 60})
            return LoginResult(None, _address_message(ADDRESS_LOCKOUT_S // 60))
    return result


def _check_account(store: Store, username: str, password: str, remote_addr: str, now: float) -> LoginResult:
    """The account's own checks: its lockout, then the password."""
    row = store.user(username) if username else None
    if row is not None and row.get("locked_until") and row["locked_until"] > now:
        minutes = max(1, round((row["locked_until"] - now) / 60))
        store.audit("login.refused_locked", username=username, remote_addr=remote_addr)
        return LoginResult(None, f"密码错误次数过多，账号已锁定，请 {minutes} 分钟后再试。")
    ok = check_password(password, row["password_hash"] if row else _DUMMY_HASH)
    if row is None or not ok:
        if row is not None:
            row = store.login_failed(username, MAX_FAILURES, LOCKOUT_S)
        store.audit("login.failed", username=username, remote_addr=remote_addr,
                    detail={"known": row is not None})
        if row is not None and row.get("locked_until") and row["locked_until"] > now:
            store.audit("login.locked", username=username, remote_addr=remote_addr,
                        detail={"minutes": LOCKOUT_S // 60})
            return LoginResult(None, f"密码错误次数过多，账号已锁定 {LOCKOUT_S // 60} 分钟。")
        left = MAX_FAILURES - int(row["failed_attempts"]) if row is not None else None
        if left is not None and left <= 2:
            return LoginResult(None, f"账号或密码不正确，再错 {left} 次账号将被锁定。")
        return LoginResult(None, "账号或密码不正确，请重新输入。")
    store.login_succeeded(username)
    store.audit("login.ok", username=username, remote_addr=remote_addr)
    return LoginResult(row, "")


def session_secret(store: Store) -> bytes:
    """The cookie-signing secret shared by every console process on this database."""
    rows = store.query("SELECT value FROM meta WHERE key = ?", [SECRET_META_KEY])
    if not rows:
        with store.transaction() as conn:
            sql = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
            if store.dialect == "postgresql":
                sql = sql.replace("?", "%s")
            conn.execute(sql, (SECRET_META_KEY, secrets.token_hex(32)))
        rows = store.query("SELECT value FROM meta WHERE key = ?", [SECRET_META_KEY])
    return bytes.fromhex(rows[0]["value"])


def load_user(store: Store, username: str, fingerprint: str) -> User | None:
    """The logged-in account from a session's name and fingerprint, or None (gone, changed, locked)."""
    row = store.user(username)
    if row is None or not hmac.compare_digest(password_fingerprint(row["password_hash"]), fingerprint):
        return None
    if row.get("locked_until") and row["locked_until"] > store.clock():
        return None
    county = row.get("county_code") or None
    names = store.counties(county=county) if county else []
    return User(row["username"], row.get("display_name") or row["username"], county,
                names[0]["county"] if names else "", row.get("role") or "staff")
