"""The console's database: one small API over SQLite (a county's PC) or PostgreSQL (a province).

Why plain SQL with a dialect switch and no ORM: the schema is a dozen tables, the hot paths
(ingest, the 12 000-station list) want exact SQL, and both engines speak the same SQL here except
for a few words (`?` vs `%s`, the identity column, `FOR UPDATE`). Times are epoch seconds
(REAL / DOUBLE PRECISION), calendar days are 'YYYY-MM-DD' text, JSON is text.

Every process keeps no state of its own beyond connections (one per thread), so several console
processes can run side by side on one PostgreSQL database. Every listing takes `county`: a
6-digit division code limits it to that county's stations (county staff), None is the province.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from console import states
from forms.workdays import add_working_days

SCHEMA_VERSION = 2  # 2: station_state.state_since, login_addresses
ARTIFACT_PATH = "/api/v1/artifacts"  # GET <this>/<sha256>: a release's file (console/artifacts.py)
DB_FILE = "console.sqlite3"
CALLBACK_WORKING_DAYS = 15  # 差评整改: a call-back within 15 working days of the rating
BAD_LEVELS = (1, 2)  # 不满意, 非常不满意

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stations (
    station_id TEXT PRIMARY KEY,
    division_code TEXT NOT NULL,         -- the county's 6-digit GB/T 2260 code: the staff scope
    city TEXT NOT NULL DEFAULT '',
    county TEXT NOT NULL DEFAULT '',
    township TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    public_key TEXT NOT NULL,            -- base64 raw Ed25519, the key the station enrolled with
    ring TEXT NOT NULL DEFAULT 'main',   -- 'pilot' stations get a rollout first
    added_at {real} NOT NULL
);
CREATE INDEX IF NOT EXISTS stations_division ON stations (division_code, township);
CREATE TABLE IF NOT EXISTS station_state (
    station_id TEXT PRIMARY KEY REFERENCES stations (station_id),
    last_seen {real} NOT NULL,           -- when the console received the last report
    heartbeat_at {real},
    seq BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL,                 -- ok / attention / fault (offline is decided at read time)
    state_since {real},                  -- when `state` began (the list's order within a state)
    alerts TEXT NOT NULL DEFAULT '[]',   -- the open alert kinds, JSON list
    software_version TEXT NOT NULL DEFAULT '',
    catalogue_version TEXT NOT NULL DEFAULT '',
    queue_pending INTEGER NOT NULL DEFAULT 0,
    queue_failed INTEGER NOT NULL DEFAULT 0,
    queue_oldest_age_s {real},
    last_sync_at {real},
    disk_free_mb {real},
    devices TEXT NOT NULL DEFAULT '{{}}',
    rollbacks INTEGER NOT NULL DEFAULT 0,
    figures_hash TEXT NOT NULL DEFAULT '' -- the day's figures last written (unchanged: not rewritten)
);
CREATE INDEX IF NOT EXISTS station_state_last_seen ON station_state (last_seen);
CREATE TABLE IF NOT EXISTS reports (
    id {serial},
    station_id TEXT NOT NULL,
    received_at {real} NOT NULL,
    seq BIGINT NOT NULL,
    state TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_station_time ON reports (station_id, received_at);
CREATE TABLE IF NOT EXISTS alerts (
    id {serial},
    station_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    opened_at {real} NOT NULL,
    closed_at {real},
    acknowledged_at {real},
    acknowledged_by TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_one_open ON alerts (station_id, kind) WHERE closed_at IS NULL;
CREATE INDEX IF NOT EXISTS alerts_open ON alerts (closed_at, opened_at);
CREATE TABLE IF NOT EXISTS alert_notes (
    id {serial},
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    at {real} NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_notes_alert ON alert_notes (alert_id);
CREATE TABLE IF NOT EXISTS daily_submissions (
    station_id TEXT NOT NULL, day TEXT NOT NULL, bundle TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (station_id, day, bundle)
);
CREATE TABLE IF NOT EXISTS ratings (
    station_id TEXT NOT NULL, day TEXT NOT NULL, bundle TEXT NOT NULL, level INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (station_id, day, bundle, level)
);
CREATE INDEX IF NOT EXISTS ratings_day ON ratings (day);
CREATE TABLE IF NOT EXISTS rectifications (
    id {serial},
    station_id TEXT NOT NULL,
    rating_ref TEXT NOT NULL,            -- the station's own opaque id of the rating
    bundle TEXT NOT NULL,
    level INTEGER NOT NULL,
    reasons TEXT NOT NULL DEFAULT '[]',
    rated_at {real} NOT NULL,
    due_date TEXT NOT NULL,              -- call-back due: 15 working days after the rating
    status TEXT NOT NULL DEFAULT 'open', -- open / called_back / closed
    called_back_at {real},
    callback_note TEXT NOT NULL DEFAULT '',
    measures TEXT NOT NULL DEFAULT '',
    closed_at {real},
    handled_by TEXT NOT NULL DEFAULT '',
    UNIQUE (station_id, rating_ref)
);
CREATE INDEX IF NOT EXISTS rectifications_due ON rectifications (status, due_date);
CREATE TABLE IF NOT EXISTS releases (
    kind TEXT NOT NULL,                  -- software / catalogue
    version TEXT NOT NULL,
    artifact TEXT NOT NULL DEFAULT '',   -- the signed update or catalogue file
    sha256 TEXT NOT NULL DEFAULT '',
    released_at {real} NOT NULL,
    PRIMARY KEY (kind, version)
);
CREATE TABLE IF NOT EXISTS artifacts (   -- the bytes of each release, served to signed stations
    sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    size BIGINT NOT NULL,
    content {blob} NOT NULL,
    added_at {real} NOT NULL
);
CREATE TABLE IF NOT EXISTS rollouts (
    id {serial},
    kind TEXT NOT NULL,
    version TEXT NOT NULL,
    artifact TEXT NOT NULL DEFAULT '',
    ring TEXT NOT NULL DEFAULT 'pilot',  -- pilot → all
    state TEXT NOT NULL DEFAULT 'active',-- active / halted / completed
    created_at {real} NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    updated_at {real} NOT NULL,
    halted_reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    display_name TEXT NOT NULL DEFAULT '',
    county_code TEXT,                    -- NULL: province staff, else the county they see
    role TEXT NOT NULL DEFAULT 'staff',
    password_hash TEXT NOT NULL,         -- scrypt, written by the login code (console.web)
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until {real},
    created_at {real} NOT NULL,
    last_login_at {real}
);
CREATE TABLE IF NOT EXISTS login_addresses (
    remote_addr TEXT PRIMARY KEY,        -- wrong passwords per client address, across accounts
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    window_start {real} NOT NULL,        -- the counting window began (failures older are forgotten)
    locked_until {real}
);
CREATE TABLE IF NOT EXISTS audit_log (
    id {serial},
    at {real} NOT NULL,
    username TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{{}}',
    remote_addr TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
"""

_DIALECT = {
    "sqlite": {"real": "REAL", "serial": "INTEGER PRIMARY KEY", "blob": "BLOB"},
    "postgresql": {
        "real": "DOUBLE PRECISION",
        "blob": "BYTEA",
        "serial": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    },
}


# Statements that bring a database of schema version N up to N + 1 (the tables new in N + 1
# come from _SCHEMA's CREATE … IF NOT EXISTS; only changes to existing tables are here).
_MIGRATIONS: dict[int, list[str]] = {
    # a state's start was not kept before: the last report is the best guess there is
    1: ["ALTER TABLE station_state ADD COLUMN state_since {real}",
        "UPDATE station_state SET state_since = last_seen"],
}

# The station list's default order, worst first: 故障, then 离线, then 需关注, then 正常.
WORST_FIRST = (states.FAULT, states.OFFLINE, states.ATTENTION, states.OK)

_VALUES = re.compile(r"VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)")


_TARGET = re.compile(r"INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.IGNORECASE)


def _insert_target(head: str) -> tuple[str, list[str]]:
    found = _TARGET.search(head)
    if found is None:
        raise ValueError(f"not an INSERT INTO table (columns): {head[:80]}")
    return found.group(1), [c.strip() for c in found.group(2).split(",")]


def _figures_hash(item: dict[str, Any]) -> str:
    """What identifies a report's day figures (counts and bad ratings): equal → nothing to write."""
    text = json.dumps(
        [
            item.get("day"),
            item.get("submissions"),
            item.get("ratings"),
            [b["id"] for b in item.get("bad_ratings") or ()],
        ],
        sort_keys=True,
    )
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _last_per_key(rows: list[tuple], width: int) -> list[tuple]:
    """Rows with the same first `width` values collapse to the last one (a batch may carry two
    reports of one station; the later one wins, as it would one after the other)."""
    return list({row[:width]: row for row in rows}.values())


def _alert_rows(
    events: dict[tuple[str, str], list[tuple[str, float]]],
) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """A batch's alert openings and closings, in report order, as three sets of rows: closings of
    alerts open before the batch, alerts opened and closed within it, alerts left open."""
    close_rows, past_rows, open_rows = [], [], []
    for (sid, kind), happened in events.items():
        opened_at: float | None = None
        for what, at in happened:
            if what == "open":
                opened_at = at
            elif opened_at is None:
                close_rows.append((at, sid, kind))
            else:
                past_rows.append((sid, kind, opened_at, at))
                opened_at = None
        if opened_at is not None:
            open_rows.append((sid, kind, opened_at))
    return close_rows, past_rows, open_rows



def _where(*filters: tuple[str, list[Any]] | None) -> tuple[str, list[Any]]:
    """The WHERE clause of the filters asked for (None: not asked for) and their parameters, in
    order: the list, alert, rating and 差评整改 queries each filter the same way."""
    given = [f for f in filters if f is not None]
    params = [value for _, values in given for value in values]
    return ("WHERE " + " AND ".join(cond for cond, _ in given)) if given else "", params

class StoreError(Exception):
    """The console's database cannot be opened or used (message in Chinese)."""


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int


def schema_sql(dialect: str) -> list[str]:
    """The schema's statements for one dialect (also what the tests read)."""
    text = _SCHEMA.format(**_DIALECT[dialect])
    lines = [line.split("--")[0].rstrip() for line in text.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _today(ts: float) -> date:
    return datetime.fromtimestamp(ts).date()


class Store:
    """Open with `Store.open(data_dir=…)` (SQLite) or `Store.open(url="postgresql://…")`."""

    def __init__(
        self,
        dialect: str,
        connect: Callable[[], Any],
        clock: Callable[[], float] = time.time,
        where: str = "",
    ) -> None:
        self.dialect = dialect
        self._connect = connect
        self.clock = clock
        self.where = where
        self._local = threading.local()
        self._types: dict[str, dict[str, str]] = {}
        self._all_conns: list[Any] = []
        self._lock = threading.Lock()
        self._create_schema()

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        data_dir: Path | str | None = None,
        url: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Store:
        if url:
            return cls._open_postgres(url, clock)
        if data_dir is None:
            raise StoreError("需要 --data 目录或 --db 数据库地址。")
        folder = Path(data_dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from sync.cli import os_error_text

            raise StoreError(f"数据目录 {folder} 无法创建：{os_error_text(exc)}。") from None
        if not folder.is_dir():
            raise StoreError(f"数据目录 {folder} 不是文件夹。")
        path = folder / DB_FILE

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            return conn

        try:
            return cls("sqlite", connect, clock, str(path))
        except sqlite3.Error:
            raise StoreError(
                f"数据库 {path} 无法打开（文件损坏、磁盘已满或没有读写权限），请检查数据目录。"
            ) from None

    @classmethod
    def _open_postgres(cls, url: str, clock: Callable[[], float]) -> Store:
        import psycopg
        from psycopg.rows import dict_row

        def connect() -> Any:
            return psycopg.connect(url, row_factory=dict_row, autocommit=True, connect_timeout=10)

        try:
            return cls("postgresql", connect, clock, url)
        except psycopg.OperationalError as exc:
            text = str(exc)
            why = (
                "账号、密码或数据库名不对"
                if "authentication" in text or "does not exist" in text
                else "服务器没有应答或拒绝连接"
            )
            raise StoreError(
                f"无法连接数据库 {_hide_password(url)}：{why}，请检查地址、端口和数据库是否已启动。"
            ) from None
        except psycopg.Error as exc:
            raise StoreError(
                f"数据库 {_hide_password(url)} 无法使用（错误代码 {exc.sqlstate or '未知'}），"
                "请联系数据库管理员。"
            ) from None

    def close(self) -> None:
        with self._lock:
            for conn in self._all_conns:
                with contextlib.suppress(Exception):
                    conn.close()
            self._all_conns.clear()
        self._local = threading.local()

    # -- plumbing --------------------------------------------------------------------------
    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(conn, "closed", False):
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._all_conns.append(conn)
        return conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """One transaction on this thread's connection; yields a cursor-like `execute` target."""
        conn = self._conn()
        if self.dialect == "postgresql":
            with conn.transaction():
                yield conn
        else:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _pipeline(self, conn: Any) -> contextlib.AbstractContextManager:
        """psycopg's pipeline mode on PostgreSQL (one round trip for a batch's statements)."""
        return conn.pipeline() if self.dialect == "postgresql" else contextlib.nullcontext()

    def _exec(self, conn: Any, sql: str, params: Iterable[Any] = ()) -> Any:
        return conn.execute(self._sql(sql), tuple(params))

    def _many(self, conn: Any, sql: str, rows: list[tuple]) -> None:
        """Run `sql` for every row, in as few statements as the engine allows: a round trip (or,
        in psycopg, a parse of thousands of placeholders) per row is what would make ingest slow.
        PostgreSQL: an INSERT … VALUES (?, …) becomes INSERT … SELECT FROM unnest(one array per
        column); SQLite: multi-row VALUES. Rows of one call must not hit the same key of an
        ON CONFLICT DO UPDATE twice (callers dedupe)."""
        if not rows:
            return
        found = _VALUES.search(sql)
        if found is None:
            if self.dialect == "postgresql":
                with conn.cursor() as cur:
                    cur.executemany(self._sql(sql), rows)
            else:
                conn.executemany(sql, rows)
            return
        head, tail = sql[: found.start()], sql[found.end() :]
        if self.dialect == "postgresql":
            table, columns = _insert_target(head)
            types = self._column_types(conn, table)
            arrays = ", ".join(f"%b::{types[c]}[]" for c in columns)  # binary: no escaping
            columns_data = [list(col) for col in zip(*rows, strict=True)]
            conn.execute(f"{head}SELECT * FROM unnest({arrays}){tail}", columns_data)
            return
        group = found.group(0)[len("VALUES") :].strip()
        per_chunk = max(1, 4000 // max(1, group.count("?")))
        for start in range(0, len(rows), per_chunk):
            chunk = rows[start : start + per_chunk]
            statement = f"{head}VALUES {', '.join([group] * len(chunk))}{tail}"
            conn.execute(statement, [value for row in chunk for value in row])

    def _among(self, column: str, values: list[Any]) -> tuple[str, list[Any]]:
        """`column` is one of `values`: on PostgreSQL `= ANY(one array)`, so the statement's text
        is the same for every batch (psycopg converts it once and prepares it after a few runs;
        an `IN (?, ?, …)` of each batch's length would be parsed and planned anew every time)."""
        if self.dialect == "postgresql":
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN ({','.join('?' * len(values))})", list(values)

    def _column_types(self, conn: Any, table: str) -> dict[str, str]:
        cached = self._types.get(table)
        if cached is None:
            rows = conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
                (table,),
            ).fetchall()
            cached = {r["column_name"]: r["data_type"] for r in rows}
            self._types[table] = cached
        return cached

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts (SQL written with `?` placeholders, either engine)."""
        cur = self._exec(self._conn(), sql, params)
        return [dict(r) for r in cur.fetchall()]

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def _create_schema(self) -> None:
        with self.transaction() as conn:
            if self.dialect == "postgresql":
                # several console processes may start at once on one database
                conn.execute("SELECT pg_advisory_xact_lock(190019)")
            for statement in schema_sql(self.dialect):
                conn.execute(statement)
            self._exec(
                conn,
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING",
                (str(SCHEMA_VERSION),),
            )
            version = int(self._exec(conn, "SELECT value FROM meta WHERE key = 'schema_version'")
                          .fetchone()["value"])
            for step in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step]:
                    conn.execute(statement.format(**_DIALECT[self.dialect]))
            if version < SCHEMA_VERSION:
                self._exec(conn, "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                           (str(SCHEMA_VERSION),))

    def schema_version(self) -> int:
        row = self._one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row["value"]) if row else 0

    # -- stations --------------------------------------------------------------------------
    def upsert_station(
        self,
        station_id: str,
        public_key: str,
        division_code: str,
        *,
        city: str = "",
        county: str = "",
        township: str = "",
        name: str = "",
        address: str = "",
        ring: str = "main",
    ) -> None:
        """Add or update a station the console accepts reports from (console.keys imports them)."""
        self.upsert_stations(
            [
                dict(
                    station_id=station_id,
                    public_key=public_key,
                    division_code=division_code,
                    city=city,
                    county=county,
                    township=township,
                    name=name,
                    address=address,
                    ring=ring,
                )
            ]
        )

    def upsert_stations(self, stations: list[dict[str, Any]]) -> int:
        now = self.clock()
        rows = [
            (
                s["station_id"],
                s["division_code"],
                s.get("city", ""),
                s.get("county", ""),
                s.get("township", ""),
                s.get("name", ""),
                s.get("address", ""),
                s["public_key"],
                s.get("ring", "main"),
                now,
            )
            for s in stations
        ]
        with self.transaction() as conn:
            self._many(
                conn,
                """
                INSERT INTO stations (station_id, division_code, city, county, township, name, address,
                                      public_key, ring, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (station_id) DO UPDATE SET division_code = excluded.division_code,
                    city = excluded.city, county = excluded.county, township = excluded.township,
                    name = excluded.name, address = excluded.address, public_key = excluded.public_key,
                    ring = excluded.ring""",
                rows,
            )
        return len(rows)

    def public_keys(self, station_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(station_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {
            r["station_id"]: r["public_key"]
            for r in self.query(
                f"SELECT station_id, public_key FROM stations WHERE station_id IN ({marks})", ids
            )
        }

    def station_keys(self) -> list[dict[str, Any]]:
        """Every station's {station_id, public_key, ring} (ingest keeps a copy)."""
        return self.query("SELECT station_id, public_key, ring FROM stations")

    def station_key(self, station_id: str) -> dict[str, Any] | None:
        """{public_key, ring} of a known station (ingest verifies signatures with it), or None."""
        return self._one("SELECT public_key, ring FROM stations WHERE station_id = ?", [station_id])

    def set_ring(self, station_id: str, ring: str) -> None:
        with self.transaction() as conn:
            self._exec(conn, "UPDATE stations SET ring = ? WHERE station_id = ?", (ring, station_id))

    def counties(self, county: str | None = None) -> list[dict[str, Any]]:
        """Counties with stations: division_code, city, county, stations (count)."""
        where, params = ("WHERE division_code = ?", [county]) if county else ("", [])
        return self.query(
            f"""SELECT division_code, city, county, COUNT(*) AS stations FROM stations {where}
                              GROUP BY division_code, city, county ORDER BY division_code""",
            params,
        )

    def townships(self, county: str) -> list[str]:
        return [
            r["township"]
            for r in self.query(
                "SELECT DISTINCT township FROM stations WHERE division_code = ? ORDER BY township", [county]
            )
        ]

    def _state_expr(self) -> str:
        return f"CASE WHEN s.last_seen IS NULL OR s.last_seen < ? THEN '{states.OFFLINE}' ELSE s.state END"

    def station_list(
        self,
        county: str | None = None,
        township: str | None = None,
        state: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        now: float | None = None,
        version: str | None = None,
        order: str = "worst",
    ) -> Page:
        """The station list: stations with their current state, offline decided now.

        Each row: station_id, division_code, city, county, township, name, address, ring,
        state (ok/attention/fault/offline), label (正常 / 需关注 / 故障 / 离线 N 小时), last_seen,
        state_since, software_version, catalogue_version, queue_pending, queue_failed,
        queue_oldest_age_s, last_sync_at, disk_free_mb, devices (dict), alerts (list of kinds),
        rollbacks. `search` matches the id, name, township or address (substring); `version` is a
        software version (exact).

        Order (`order="worst"`, the default): 故障, 离线, 需关注, 正常 (WORST_FIRST); within a
        state the one that has been so longest first (offline: the oldest last report; the others:
        the oldest `state_since`), stations that never reported last among the offline; then the
        station id. That is a total order, so pages follow on without repeats or gaps while
        nothing changes. `order="area"`: by county, township, station.
        """
        now = self.clock() if now is None else now
        cutoff = now - states.OFFLINE_AFTER_S
        where, filtered = _where(
            ("t.division_code = ?", [county]) if county else None,
            ("t.township = ?", [township]) if township else None,
            (f"({self._state_expr()}) = ?", [cutoff, state]) if state else None,
            ("s.software_version = ?", [version]) if version else None,
            ("(t.station_id LIKE ? OR t.name LIKE ? OR t.township LIKE ? OR t.address LIKE ?)",
             [f"%{search}%"] * 4) if search else None,
        )
        paging = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
        if order == "area":
            keys = f"""SELECT t.station_id AS station_id, t.division_code AS k1, t.township AS k2,
                              t.station_id AS k3
                       FROM stations t LEFT JOIN station_state s ON s.station_id = t.station_id {where}"""
            key_params = filtered
        elif order == "worst":
            rank = " ".join(f"WHEN '{st}' THEN {n}" for n, st in enumerate(WORST_FIRST))
            since = f"CASE WHEN state = '{states.OFFLINE}' THEN last_seen ELSE state_since END"
            keys = f"""SELECT station_id, CASE state {rank} END AS k1, CASE WHEN {since} IS NULL
                              THEN 1 ELSE 0 END AS k2, {since} AS k3
                       FROM (SELECT t.station_id, {self._state_expr()} AS state, s.last_seen, s.state_since
                             FROM stations t LEFT JOIN station_state s ON s.station_id = t.station_id
                             {where}) w"""
            key_params = [cutoff, *filtered]
        else:
            raise ValueError(f"unknown order {order!r}")
        # The sort reads only the keys (one narrow row per station), the page's rows are joined
        # after. Why: the last page sorts all 12 000 stations, and whole rows (devices JSON and
        # all) cost several times more to sort than their keys.
        sql = f"""SELECT t.station_id, t.division_code, t.city, t.county, t.township, t.name, t.address,
                         t.ring, {self._state_expr()} AS state, s.last_seen, s.heartbeat_at, s.state_since,
                         s.software_version, s.catalogue_version, s.queue_pending, s.queue_failed,
                         s.queue_oldest_age_s, s.last_sync_at, s.disk_free_mb, s.devices, s.alerts,
                         s.rollbacks
                  FROM ({keys} ORDER BY k1, k2, k3, station_id{paging}) k
                  JOIN stations t ON t.station_id = k.station_id
                  LEFT JOIN station_state s ON s.station_id = t.station_id
                  ORDER BY k.k1, k.k2, k.k3, k.station_id"""
        rows = self.query(sql, [cutoff, *key_params])
        for row in rows:
            row["devices"] = json.loads(row["devices"]) if row["devices"] else {}
            row["alerts"] = json.loads(row["alerts"]) if row["alerts"] else []
            row["label"] = states.label(row["state"], row["last_seen"], now)
        if limit is not None or offset:
            total = self._one(
                f"SELECT COUNT(*) AS n FROM stations t LEFT JOIN station_state s "
                f"ON s.station_id = t.station_id {where}",
                filtered,
            )["n"]
        else:
            total = len(rows)
        return Page(rows, int(total))

    def state_counts(self, county: str | None = None, now: float | None = None) -> dict[str, int]:
        """How many stations are in each state (offline decided now), for the overview."""
        now = self.clock() if now is None else now
        where, params = ("WHERE t.division_code = ?", [county]) if county else ("", [])
        rows = self.query(
            f"""SELECT {self._state_expr()} AS state, COUNT(*) AS n FROM stations t
                              LEFT JOIN station_state s ON s.station_id = t.station_id {where}
                              GROUP BY 1""",
            [now - states.OFFLINE_AFTER_S, *params],
        )
        counts = dict.fromkeys(states.STATES, 0)
        counts.update({r["state"]: int(r["n"]) for r in rows})
        return counts

    def station(self, station_id: str, county: str | None = None) -> dict[str, Any] | None:
        """One station's row as in station_list, or None (also when outside `county`)."""
        now = self.clock()
        conds, params = ["t.station_id = ?"], [now - states.OFFLINE_AFTER_S, station_id]
        if county:
            conds.append("t.division_code = ?")
            params.append(county)
        found = self.query(
            f"""SELECT t.*, {self._state_expr()} AS state, s.last_seen, s.heartbeat_at,
                         s.software_version, s.catalogue_version, s.queue_pending, s.queue_failed,
                         s.queue_oldest_age_s, s.last_sync_at, s.disk_free_mb, s.devices, s.alerts,
                         s.rollbacks, s.state_since
                  FROM stations t LEFT JOIN station_state s ON s.station_id = t.station_id
                  WHERE {" AND ".join(conds)}""",
            params,
        )
        if not found:
            return None
        row = found[0]
        row["devices"] = json.loads(row["devices"]) if row["devices"] else {}
        row["alerts"] = json.loads(row["alerts"]) if row["alerts"] else []
        row["label"] = states.label(row["state"], row["last_seen"], now)
        return row

    def station_history(self, station_id: str, since: float | None = None, limit: int = 500) -> list[dict]:
        """The station's reports, newest first: id, received_at, seq, state, report (dict)."""
        since = 0.0 if since is None else since
        rows = self.query(
            """SELECT id, received_at, seq, state, body FROM reports
                             WHERE station_id = ? AND received_at >= ?
                             ORDER BY received_at DESC, id DESC LIMIT ?""",
            [station_id, since, int(limit)],
        )
        for row in rows:
            row["report"] = json.loads(row.pop("body"))
        return rows

    # -- ingest ----------------------------------------------------------------------------
    def record_reports(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Apply a batch of verified, validated reports in one transaction.

        Each item is console.ingest.facts_of(...): station_id, seq, received_at, heartbeat_at,
        software_version, catalogue_version, queue_pending, queue_failed, queue_oldest_age_s,
        last_sync_at, disk_free_mb, devices, rollbacks, day, submissions {bundle: n},
        ratings {bundle: {level: n}}, bad_ratings [{id, rated_at, bundle, level, reasons}], body.
        A report older than (or as old as) the station's last one (by `seq`) is kept in the history
        but changes nothing else. Returns per item {station_id, state, alerts, opened, closed,
        stale}, in the order given. Halts an active pilot rollout when a pilot station rolls back.
        """
        if not items:
            return []
        results: list[dict[str, Any]] = []
        with self.transaction() as conn:
            ids = sorted({i["station_id"] for i in items})
            among, among_params = self._among("station_id", ids)
            lock = " FOR UPDATE OF s" if self.dialect == "postgresql" else ""
            prev = {
                r["station_id"]: dict(r)
                for r in self._exec(
                    conn,
                    f"""
                SELECT s.station_id, s.seq, s.alerts, s.rollbacks, s.figures_hash, t.ring FROM station_state s
                JOIN stations t ON t.station_id = s.station_id
                WHERE s.{among} ORDER BY s.station_id{lock}""",
                    among_params,
                ).fetchall()
            }
            rings = (
                {}
                if len(prev) == len(ids)
                else {
                    r["station_id"]: r["ring"]
                    for r in self._exec(
                        conn, f"SELECT station_id, ring FROM stations WHERE {among}", among_params
                    ).fetchall()
                }
            )
            report_rows, state_rows = [], []
            events: dict[tuple[str, str], list[tuple[str, float]]] = {}
            sub_rows, rating_rows, rect_rows = [], [], []
            pilot_rollbacks: list[tuple[str, str]] = []
            for item in items:
                sid = item["station_id"]
                before = prev.get(sid)
                stale = before is not None and item["seq"] <= before["seq"]
                derived = states.derive(item, None if before is None else before["rollbacks"])
                report_rows.append((sid, item["received_at"], item["seq"], derived.state, item["body"]))
                if stale:
                    results.append(
                        {
                            "station_id": sid,
                            "state": derived.state,
                            "alerts": list(derived.alerts),
                            "opened": [],
                            "closed": [],
                            "stale": True,
                        }
                    )
                    continue
                old_alerts = set(json.loads(before["alerts"])) if before else set()
                new_alerts = set(derived.alerts)
                opened, closed = sorted(new_alerts - old_alerts), sorted(old_alerts - new_alerts)
                for kind in opened:
                    events.setdefault((sid, kind), []).append(("open", item["received_at"]))
                for kind in closed:
                    events.setdefault((sid, kind), []).append(("close", item["received_at"]))
                ring = before["ring"] if before else rings.get(sid, "main")
                figures = _figures_hash(item)
                if "rolled_back" in opened and ring == "pilot":
                    pilot_rollbacks.append((sid, item["software_version"]))
                state_rows.append(
                    (
                        sid,
                        item["received_at"],
                        item["heartbeat_at"],
                        item["seq"],
                        derived.state,
                        json.dumps(list(derived.alerts)),
                        item["software_version"],
                        item["catalogue_version"] or "",
                        item["queue_pending"],
                        item["queue_failed"],
                        item["queue_oldest_age_s"],
                        item["last_sync_at"],
                        item["disk_free_mb"],
                        json.dumps(item["devices"], sort_keys=True),
                        item["rollbacks"],
                        figures,
                        item["received_at"],  # state_since, if the state changes (see the SQL)
                    )
                )
                prev[sid] = {
                    "station_id": sid,
                    "seq": item["seq"],
                    "rollbacks": item["rollbacks"],
                    "alerts": json.dumps(list(derived.alerts)),
                    "ring": ring,
                    "figures_hash": figures,
                }
                day = item.get("day")
                # the day's figures as last written (most reports of a quiet hour): nothing to write
                changed = figures != (before or {}).get("figures_hash")
                if changed and day:
                    sub_rows += [(sid, day, b, int(n)) for b, n in (item.get("submissions") or {}).items()]
                    rating_rows += [
                        (sid, day, b, int(level), int(n))
                        for b, levels in (item.get("ratings") or {}).items()
                        for level, n in levels.items()
                    ]
                for bad in (item.get("bad_ratings") or ()) if changed else ():
                    due = add_working_days(_today(bad["rated_at"]), CALLBACK_WORKING_DAYS).isoformat()
                    rect_rows.append(
                        (
                            sid,
                            bad["id"],
                            bad["bundle"],
                            int(bad["level"]),
                            json.dumps(bad.get("reasons") or [], ensure_ascii=False),
                            bad["rated_at"],
                            due,
                        )
                    )
                results.append(
                    {
                        "station_id": sid,
                        "state": derived.state,
                        "alerts": list(derived.alerts),
                        "opened": opened,
                        "closed": closed,
                        "stale": False,
                    }
                )
            back = sorted({sid for sid in ids if sid in prev})
            with self._pipeline(conn):  # PostgreSQL: the writes go out without waiting for each answer
                if back:  # a station that reports is no longer offline
                    among, among_params = self._among("station_id", back)
                    self._exec(
                        conn,
                        "UPDATE alerts SET closed_at = ? WHERE kind = 'offline' AND closed_at IS NULL "
                        f"AND {among}",
                        [items[-1]["received_at"], *among_params],
                    )
                self._many(
                    conn,
                    "INSERT INTO reports (station_id, received_at, seq, state, body) VALUES (?, ?, ?, ?, ?)",
                    report_rows,
                )
                # the last report of a station in the batch wins: rows are applied in order
                self._many(
                    conn,
                    f"""
                    INSERT INTO station_state (station_id, last_seen, heartbeat_at, seq, state, alerts,
                        software_version, catalogue_version, queue_pending, queue_failed, queue_oldest_age_s,
                        last_sync_at, disk_free_mb, devices, rollbacks, figures_hash, state_since)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (station_id) DO UPDATE SET
                        state_since = CASE WHEN station_state.state = excluded.state
                            AND station_state.last_seen >= excluded.last_seen - {states.OFFLINE_AFTER_S}
                            THEN station_state.state_since ELSE excluded.state_since END,
                        last_seen = excluded.last_seen,
                        heartbeat_at = excluded.heartbeat_at, seq = excluded.seq, state = excluded.state,
                        figures_hash = excluded.figures_hash,
                        alerts = excluded.alerts, software_version = excluded.software_version,
                        catalogue_version = excluded.catalogue_version,
                        queue_pending = excluded.queue_pending, queue_failed = excluded.queue_failed,
                        queue_oldest_age_s = excluded.queue_oldest_age_s,
                        last_sync_at = excluded.last_sync_at, disk_free_mb = excluded.disk_free_mb,
                        devices = excluded.devices, rollbacks = excluded.rollbacks""",
                    sorted(_last_per_key(state_rows, 1)),  # one lock order for every writer
                )
                close_rows, past_rows, open_rows = _alert_rows(events)
                self._many(
                    conn,
                    "UPDATE alerts SET closed_at = ? WHERE station_id = ? AND kind = ? AND closed_at IS NULL",
                    close_rows,
                )
                self._many(
                    conn,
                    "INSERT INTO alerts (station_id, kind, opened_at, closed_at) VALUES (?, ?, ?, ?)",
                    past_rows,
                )
                self._many(
                    conn,
                    "INSERT INTO alerts (station_id, kind, opened_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (station_id, kind) WHERE closed_at IS NULL DO NOTHING",
                    open_rows,
                )
                self._many(
                    conn,
                    """INSERT INTO daily_submissions (station_id, day, bundle, count)
                                    VALUES (?, ?, ?, ?) ON CONFLICT (station_id, day, bundle)
                                    DO UPDATE SET count = excluded.count""",
                    sorted(_last_per_key(sub_rows, 3)),
                )
                self._many(
                    conn,
                    """INSERT INTO ratings (station_id, day, bundle, level, count)
                                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (station_id, day, bundle, level)
                                    DO UPDATE SET count = excluded.count""",
                    sorted(_last_per_key(rating_rows, 4)),
                )
                self._many(
                    conn,
                    """INSERT INTO rectifications (station_id, rating_ref, bundle, level, reasons,
                                        rated_at, due_date) VALUES (?, ?, ?, ?, ?, ?, ?)
                                    ON CONFLICT (station_id, rating_ref) DO NOTHING""",
                    rect_rows,
                )
                for sid, version in pilot_rollbacks:
                    self._halt_pilot_rollouts(conn, sid, version, items[0]["received_at"])
        return results

    def _halt_pilot_rollouts(self, conn: Any, station_id: str, version: str, now: float) -> None:
        reason = f"试点驿站 {station_id} 更新后回退（现运行 {version or '未知版本'}），已自动暂停。"
        self._exec(
            conn,
            """UPDATE rollouts SET state = 'halted', halted_reason = ?, updated_at = ?
                            WHERE kind = 'software' AND state = 'active' AND ring = 'pilot'""",
            (reason, now),
        )

    def sweep_offline(self, now: float | None = None) -> int:
        """Open an `offline` alert for every station silent for OFFLINE_ALERT_AFTER_S (its next
        report closes it). Idempotent, so every console process may run it (console.app does,
        each minute); returns how many were opened."""
        now = self.clock() if now is None else now
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """INSERT INTO alerts (station_id, kind, opened_at)
                   SELECT s.station_id, 'offline', s.last_seen + ? FROM station_state s
                   WHERE s.last_seen < ? AND NOT EXISTS (SELECT 1 FROM alerts a
                       WHERE a.station_id = s.station_id AND a.kind = 'offline' AND a.closed_at IS NULL)
                   ON CONFLICT (station_id, kind) WHERE closed_at IS NULL DO NOTHING""",
                (states.OFFLINE_AFTER_S, now - states.OFFLINE_ALERT_AFTER_S),
            )
            return max(0, cur.rowcount)

    def load_states(self, rows: list[dict[str, Any]]) -> int:
        """Fast path for page tests and the simulator: write current states directly (no reports,
        no alerts history). Each row: the station_state columns (devices dict, alerts list);
        `state_since` defaults to `last_seen`."""
        data = [
            (
                r["station_id"],
                r["last_seen"],
                r.get("heartbeat_at", r["last_seen"]),
                r.get("seq", 1),
                r["state"],
                json.dumps(list(r.get("alerts") or [])),
                r.get("software_version", ""),
                r.get("catalogue_version", ""),
                r.get("queue_pending", 0),
                r.get("queue_failed", 0),
                r.get("queue_oldest_age_s"),
                r.get("last_sync_at"),
                r.get("disk_free_mb"),
                json.dumps(r.get("devices") or {}, sort_keys=True),
                r.get("rollbacks", 0),
                r.get("state_since", r["last_seen"]),
            )
            for r in rows
        ]
        with self.transaction() as conn:
            self._many(
                conn,
                """
                INSERT INTO station_state (station_id, last_seen, heartbeat_at, seq, state, alerts,
                    software_version, catalogue_version, queue_pending, queue_failed, queue_oldest_age_s,
                    last_sync_at, disk_free_mb, devices, rollbacks, state_since)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (station_id) DO UPDATE SET last_seen = excluded.last_seen, state = excluded.state,
                    state_since = excluded.state_since,
                    alerts = excluded.alerts, software_version = excluded.software_version,
                    catalogue_version = excluded.catalogue_version, devices = excluded.devices""",
                data,
            )
            alert_rows = [
                (r["station_id"], kind, r["last_seen"]) for r in rows for kind in r.get("alerts") or ()
            ]
            self._many(
                conn,
                "INSERT INTO alerts (station_id, kind, opened_at) VALUES (?, ?, ?) "
                "ON CONFLICT (station_id, kind) WHERE closed_at IS NULL DO NOTHING",
                alert_rows,
            )
        return len(data)

    # -- alerts ----------------------------------------------------------------------------
    def alerts(
        self,
        county: str | None = None,
        open_only: bool = True,
        station_id: str | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Alerts, newest first: id, station_id, kind, label, opened_at, closed_at, acknowledged_at,
        acknowledged_by, county, township, name, notes (count)."""
        where, params = _where(
            ("a.closed_at IS NULL", []) if open_only else None,
            ("t.division_code = ?", [county]) if county else None,
            ("a.station_id = ?", [station_id]) if station_id else None,
        )
        rows = self.query(
            f"""SELECT a.*, t.division_code, t.county, t.township, t.name,
                                (SELECT COUNT(*) FROM alert_notes n WHERE n.alert_id = a.id) AS notes
                              FROM alerts a JOIN stations t ON t.station_id = a.station_id {where}
                              ORDER BY a.opened_at DESC, a.id DESC LIMIT {int(limit)} OFFSET {int(offset)}""",
            params,
        )
        for row in rows:
            row["label"] = states.ALERTS.get(row["kind"], (row["kind"], ""))[0]
        return rows

    def alert(self, alert_id: int) -> dict[str, Any] | None:
        row = self._one(
            """SELECT a.*, t.division_code, t.county, t.township, t.name FROM alerts a
                           JOIN stations t ON t.station_id = a.station_id WHERE a.id = ?""",
            [alert_id],
        )
        if row:
            row["label"] = states.ALERTS.get(row["kind"], (row["kind"], ""))[0]
            row["notes"] = self.query(
                "SELECT at, author, text FROM alert_notes WHERE alert_id = ? ORDER BY at, id", [alert_id]
            )
        return row

    def acknowledge_alert(self, alert_id: int, username: str, note: str = "") -> bool:
        """Mark an alert seen (once; the first acknowledgement stays); an optional note is added."""
        now = self.clock()
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ?
                                      WHERE id = ? AND acknowledged_at IS NULL""",
                (now, username, alert_id),
            )
            changed = cur.rowcount > 0
            if note.strip():
                self._exec(
                    conn,
                    "INSERT INTO alert_notes (alert_id, at, author, text) VALUES (?, ?, ?, ?)",
                    (alert_id, now, username, note.strip()),
                )
        return changed

    def add_alert_note(self, alert_id: int, username: str, text: str) -> None:
        with self.transaction() as conn:
            self._exec(
                conn,
                "INSERT INTO alert_notes (alert_id, at, author, text) VALUES (?, ?, ?, ?)",
                (alert_id, self.clock(), username, text.strip()),
            )

    # -- 好差评 and 差评整改 ------------------------------------------------------------------
    def rating_summary(
        self,
        by: str = "station",
        county: str | None = None,
        since_day: str | None = None,
        until_day: str | None = None,
    ) -> list[dict[str, Any]]:
        """Ratings grouped by 'station' or 'bundle': key, total, levels {1..5: n}, bad (levels 1–2),
        good_rate (levels 4–5 / total). Days are inclusive 'YYYY-MM-DD'."""
        key = {"station": "r.station_id", "bundle": "r.bundle"}[by]
        where, params = _where(
            ("t.division_code = ?", [county]) if county else None,
            ("r.day >= ?", [since_day]) if since_day else None,
            ("r.day <= ?", [until_day]) if until_day else None,
        )
        rows = self.query(
            f"""SELECT {key} AS key, r.level, SUM(r.count) AS n FROM ratings r
                              JOIN stations t ON t.station_id = r.station_id {where}
                              GROUP BY {key}, r.level ORDER BY 1""",
            params,
        )
        out: dict[str, dict[str, Any]] = {}
        for row in rows:
            entry = out.setdefault(row["key"], {"key": row["key"], "levels": dict.fromkeys(range(1, 6), 0)})
            entry["levels"][int(row["level"])] += int(row["n"])
        for entry in out.values():
            total = sum(entry["levels"].values())
            entry["total"] = total
            entry["bad"] = sum(entry["levels"][lv] for lv in BAD_LEVELS)
            entry["good_rate"] = (entry["levels"][4] + entry["levels"][5]) / total if total else None
        return list(out.values())

    def rectifications(
        self,
        county: str | None = None,
        status: str | None = None,
        overdue_only: bool = False,
        today: date | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """差评整改 records, oldest due first: id, station_id, rating_ref, bundle, level, reasons (list),
        rated_at, due_date, status, called_back_at, callback_note, measures, closed_at, handled_by,
        county, township, name, overdue (no call-back yet and the due day has passed)."""
        today_s = (today or _today(self.clock())).isoformat()
        where, params = _where(
            ("t.division_code = ?", [county]) if county else None,
            ("r.status = ?", [status]) if status else None,
            ("r.status = 'open' AND r.due_date < ?", [today_s]) if overdue_only else None,
        )
        rows = self.query(
            f"""SELECT r.*, t.division_code, t.county, t.township, t.name FROM rectifications r
                              JOIN stations t ON t.station_id = r.station_id {where}
                              ORDER BY r.due_date, r.id LIMIT {int(limit)} OFFSET {int(offset)}""",
            params,
        )
        for row in rows:
            row["reasons"] = json.loads(row["reasons"])
            row["overdue"] = row["status"] == "open" and row["due_date"] < today_s
        return rows

    def record_callback(self, rectification_id: int, username: str, note: str) -> bool:
        """The call-back to the resident was made (open → called_back)."""
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE rectifications SET status = 'called_back', called_back_at = ?,
                                      callback_note = ?, handled_by = ? WHERE id = ? AND status = 'open'""",
                (self.clock(), note.strip(), username, rectification_id),
            )
            return cur.rowcount > 0

    def close_rectification(self, rectification_id: int, username: str, measures: str) -> bool:
        """The fix is recorded and the case closed (called_back → closed)."""
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE rectifications SET status = 'closed', closed_at = ?,
                                      measures = ?, handled_by = ? WHERE id = ? AND status = 'called_back'""",
                (self.clock(), measures.strip(), username, rectification_id),
            )
            return cur.rowcount > 0

    # -- versions and rollouts ---------------------------------------------------------------
    def version_distribution(self, kind: str = "software", county: str | None = None) -> list[dict[str, Any]]:
        """How many stations run each version: [{version, stations}], most stations first."""
        column = {"software": "s.software_version", "catalogue": "s.catalogue_version"}[kind]
        where, params = ("WHERE t.division_code = ?", [county]) if county else ("", [])
        return [
            {"version": r["version"], "stations": int(r["n"])}
            for r in self.query(
                f"""SELECT {column} AS version, COUNT(*) AS n FROM station_state s
                JOIN stations t ON t.station_id = s.station_id {where}
                GROUP BY {column} ORDER BY 2 DESC, 1""",
                params,
            )
        ]

    def add_release(self, kind: str, version: str, artifact: str = "", sha256: str = "") -> None:
        with self.transaction() as conn:
            self._exec(
                conn,
                """INSERT INTO releases (kind, version, artifact, sha256, released_at)
                                VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, version) DO UPDATE SET
                                artifact = excluded.artifact, sha256 = excluded.sha256""",
                (kind, version, artifact, sha256, self.clock()),
            )

    def add_artifact(self, kind: str, version: str, content: bytes) -> dict[str, Any]:
        """Keep a release's file (a signed update package or catalogue) and register the release
        pointing at it, in one transaction. The bytes live in the database, not a folder: several
        console processes on one PostgreSQL serve the same files with nothing shared but it.
        Returns the release ({kind, version, artifact, sha256, size})."""
        digest = hashlib.sha256(content).hexdigest()
        artifact = f"{ARTIFACT_PATH}/{digest}"
        with self.transaction() as conn:
            self._exec(
                conn,
                """INSERT INTO artifacts (sha256, kind, version, size, content, added_at)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING""",
                (digest, kind, version, len(content), content, self.clock()),
            )
            self._exec(
                conn,
                """INSERT INTO releases (kind, version, artifact, sha256, released_at)
                                VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, version) DO UPDATE SET
                                artifact = excluded.artifact, sha256 = excluded.sha256""",
                (kind, version, artifact, digest, self.clock()),
            )
        return {"kind": kind, "version": version, "artifact": artifact, "sha256": digest,
                "size": len(content)}

    def artifact(self, sha256: str) -> bytes | None:
        """A release's file by its SHA-256, or None."""
        row = self._one("SELECT content FROM artifacts WHERE sha256 = ?", [sha256])
        return bytes(row["content"]) if row else None

    def releases(self, kind: str | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE kind = ?", [kind]) if kind else ("", [])
        return self.query(f"SELECT * FROM releases {where} ORDER BY released_at DESC, version DESC", params)

    def start_rollout(self, kind: str, version: str, username: str, artifact: str = "") -> int:
        """A staged rollout starts on the pilot ring."""
        now = self.clock()
        with self.transaction() as conn:
            row = self._exec(
                conn,
                """INSERT INTO rollouts (kind, version, artifact, ring, state, created_at,
                                      created_by, updated_at) VALUES (?, ?, ?, 'pilot', 'active', ?, ?, ?)
                                      RETURNING id""",
                (kind, version, artifact, now, username, now),
            ).fetchone()
        return int(row["id"] if isinstance(row, dict) else row[0])

    def promote_rollout(self, rollout_id: int) -> bool:
        """pilot → all; a halted rollout is never promoted."""
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE rollouts SET ring = 'all', updated_at = ? WHERE id = ?
                                      AND state = 'active' AND ring = 'pilot'""",
                (self.clock(), rollout_id),
            )
            return cur.rowcount > 0

    def halt_rollout(self, rollout_id: int, reason: str) -> bool:
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE rollouts SET state = 'halted', halted_reason = ?,
                                      updated_at = ? WHERE id = ? AND state = 'active'""",
                (reason, self.clock(), rollout_id),
            )
            return cur.rowcount > 0

    def resume_rollout(self, rollout_id: int) -> bool:
        """halted → active again (staff decided the rollback was not the update's fault)."""
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE rollouts SET state = 'active', halted_reason = '', updated_at = ?
                                      WHERE id = ? AND state = 'halted'""",
                (self.clock(), rollout_id),
            )
            return cur.rowcount > 0

    def complete_rollout(self, rollout_id: int) -> bool:
        with self.transaction() as conn:
            cur = self._exec(
                conn,
                """UPDATE rollouts SET state = 'completed', updated_at = ?
                                      WHERE id = ? AND state = 'active' AND ring = 'all'""",
                (self.clock(), rollout_id),
            )
            return cur.rowcount > 0

    def rollouts(self) -> list[dict[str, Any]]:
        """Every rollout, newest first, with `on_version`: stations of its ring already running it
        (and `ring_size`)."""
        rows = self.query("SELECT * FROM rollouts ORDER BY created_at DESC, id DESC")
        for row in rows:
            column = "software_version" if row["kind"] == "software" else "catalogue_version"
            ring_cond = "AND t.ring = 'pilot'" if row["ring"] == "pilot" else ""
            counts = self._one(
                f"""SELECT COUNT(*) AS size,
                                     SUM(CASE WHEN s.{column} = ? THEN 1 ELSE 0 END) AS on_version
                                   FROM stations t LEFT JOIN station_state s ON s.station_id = t.station_id
                                   WHERE 1 = 1 {ring_cond}""",
                [row["version"]],
            )
            row["ring_size"] = int(counts["size"] or 0)
            row["on_version"] = int(counts["on_version"] or 0)
        return rows

    def active_rollouts(self) -> list[dict[str, Any]]:
        """The newest active rollout of each kind (what ingest offers to stations of its ring),
        with its release's `sha256` and `size` when the file was registered (`add_artifact`)."""
        newest: dict[str, dict[str, Any]] = {}
        for row in self.query(
            """SELECT r.*, a.sha256 AS sha256, a.size AS size FROM rollouts r
               LEFT JOIN releases rel ON rel.kind = r.kind AND rel.version = r.version
               LEFT JOIN artifacts a ON a.sha256 = rel.sha256
               WHERE r.state = 'active' ORDER BY r.created_at DESC, r.id DESC"""
        ):
            newest.setdefault(row["kind"], row)
        return list(newest.values())

    def rollout_for(self, station_id: str, kind: str = "software") -> dict[str, Any] | None:
        """The active rollout that applies to a station now (its ring is in), or None."""
        station = self._one("SELECT ring FROM stations WHERE station_id = ?", [station_id])
        if station is None:
            return None
        rings = ("pilot", "all") if station["ring"] == "pilot" else ("all",)
        return self._one(
            f"""SELECT * FROM rollouts WHERE kind = ? AND state = 'active'
                             AND ring IN ({",".join("?" * len(rings))}) ORDER BY created_at DESC, id DESC""",
            [kind, *rings],
        )

    # -- users and audit ---------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        password_hash: str,
        county_code: str | None = None,
        display_name: str = "",
        role: str = "staff",
    ) -> None:
        with self.transaction() as conn:
            self._exec(
                conn,
                """INSERT INTO users (username, display_name, county_code, role, password_hash,
                                created_at) VALUES (?, ?, ?, ?, ?, ?)
                                ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                                county_code = excluded.county_code, role = excluded.role,
                                password_hash = excluded.password_hash""",
                (username, display_name, county_code, role, password_hash, self.clock()),
            )

    def user(self, username: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM users WHERE username = ?", [username])

    def users(self) -> list[dict[str, Any]]:
        return self.query("SELECT * FROM users ORDER BY username")

    def login_failed(self, username: str, max_failures: int, lockout_s: float) -> dict[str, Any] | None:
        """Count a wrong password; lock the account for `lockout_s` at `max_failures`. Returns the row."""
        now = self.clock()
        with self.transaction() as conn:
            self._exec(
                conn,
                """UPDATE users SET failed_attempts = failed_attempts + 1 WHERE username = ?""",
                (username,),
            )
            self._exec(
                conn,
                """UPDATE users SET locked_until = ?, failed_attempts = 0
                                WHERE username = ? AND failed_attempts >= ?""",
                (now + lockout_s, username, max_failures),
            )
        return self.user(username)

    def login_address(self, remote_addr: str) -> dict[str, Any] | None:
        """The wrong-password count of one client address: failed_attempts, window_start, locked_until."""
        return self._one("SELECT * FROM login_addresses WHERE remote_addr = ?", [remote_addr])

    def address_failed(
        self, remote_addr: str, max_failures: int, window_s: float, lockout_s: float
    ) -> dict[str, Any]:
        """Count a failed login from `remote_addr`, whichever account it tried. Failures older than
        `window_s` are forgotten; the `max_failures`-th within the window makes the address wait
        `lockout_s`. Counted in the database, so every console process counts together (one
        statement: two processes counting at once both count). Returns the row."""
        now = self.clock()
        with self.transaction() as conn:
            self._exec(
                conn,
                """INSERT INTO login_addresses (remote_addr, failed_attempts, window_start)
                   VALUES (?, 1, ?) ON CONFLICT (remote_addr) DO UPDATE SET
                   failed_attempts = CASE WHEN login_addresses.window_start < ? THEN 1
                                          ELSE login_addresses.failed_attempts + 1 END,
                   window_start = CASE WHEN login_addresses.window_start < ? THEN excluded.window_start
                                       ELSE login_addresses.window_start END""",
                (remote_addr, now, now - window_s, now - window_s),
            )
            self._exec(
                conn,
                """UPDATE login_addresses SET locked_until = ?, failed_attempts = 0, window_start = ?
                   WHERE remote_addr = ? AND failed_attempts >= ?""",
                (now + lockout_s, now, remote_addr, max_failures),
            )
        return self.login_address(remote_addr) or {}

    def unlock_address(self, remote_addr: str) -> bool:
        """Forget an address's failures and end its wait; True if it was waiting."""
        with self.transaction() as conn:
            row = self._exec(
                conn, "SELECT locked_until FROM login_addresses WHERE remote_addr = ?", (remote_addr,)
            ).fetchone()
            self._exec(conn, "DELETE FROM login_addresses WHERE remote_addr = ?", (remote_addr,))
        return bool(row and row["locked_until"] and row["locked_until"] > self.clock())

    def unlock_user(self, username: str) -> bool:
        """End an account's lockout and forget its failures; True if it was locked."""
        with self.transaction() as conn:
            row = self._exec(
                conn, "SELECT locked_until FROM users WHERE username = ?", (username,)
            ).fetchone()
            self._exec(
                conn,
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = ?",
                (username,),
            )
        return bool(row and row["locked_until"] and row["locked_until"] > self.clock())

    def login_succeeded(self, username: str) -> None:
        with self.transaction() as conn:
            self._exec(
                conn,
                """UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login_at = ?
                                WHERE username = ?""",
                (self.clock(), username),
            )

    def audit(
        self,
        action: str,
        username: str = "",
        target: str = "",
        detail: dict | None = None,
        remote_addr: str = "",
    ) -> None:
        with self.transaction() as conn:
            self._exec(
                conn,
                """INSERT INTO audit_log (at, username, action, target, detail, remote_addr)
                                VALUES (?, ?, ?, ?, ?, ?)""",
                (
                    self.clock(),
                    username,
                    action,
                    target,
                    json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
                    remote_addr,
                ),
            )

    def audit_log(
        self, limit: int = 200, offset: int = 0, username: str | None = None
    ) -> list[dict[str, Any]]:
        where, params = ("WHERE username = ?", [username]) if username else ("", [])
        rows = self.query(
            f"SELECT * FROM audit_log {where} ORDER BY at DESC, id DESC "
            f"LIMIT {int(limit)} OFFSET {int(offset)}",
            params,
        )
        for row in rows:
            row["detail"] = json.loads(row["detail"])
        return rows

    # -- housekeeping --------------------------------------------------------------------------
    def prune_reports(self, keep_all_days: float = 2, keep_hourly_days: float = 90) -> int:
        """Thin the history: every report of the last `keep_all_days`, then the first report of
        each station and hour up to `keep_hourly_days`, nothing older. Why: 12 000 stations every
        minute are 17 million reports a day; the alerts keep every opening and closing, so an
        hourly sample is enough to read a station's past. Returns how many reports went."""
        now = self.clock()
        all_cutoff = now - keep_all_days * 86400
        hourly_cutoff = now - keep_hourly_days * 86400
        # the hour a report fell in (SQLite's CAST truncates; PostgreSQL's would round)
        hour = (
            "FLOOR(received_at / 3600)"
            if self.dialect == "postgresql"
            else "CAST(received_at / 3600 AS INTEGER)"
        )
        with self.transaction() as conn:
            gone = self._exec(conn, "DELETE FROM reports WHERE received_at < ?", (hourly_cutoff,)).rowcount
            gone += self._exec(
                conn,
                f"""DELETE FROM reports WHERE received_at < ? AND id NOT IN (
                       SELECT MIN(id) FROM reports WHERE received_at < ?
                       GROUP BY station_id, {hour})""",
                (all_cutoff, all_cutoff),
            ).rowcount
        return max(0, gone)


def _hide_password(url: str) -> str:
    import re

    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
