"""The kiosk's local store: one SQLite file (WAL) plus encrypted, content-addressed attachment files.

What the kiosk (Qt layer), the command line and the delivery worker call:

    store = Store.open(data_dir, key_dir, crypto="aes")      # or "sm4"
    store.save_draft(session_id, answers) / load_draft / discard_draft
    sha = store.put_attachment(photo_bytes)
    done = store.submit(payload, attachments=[sha, ...], signature_png=png_or_None)
        -> Submitted(submission_id, local_reference)          # returns only after the commit
    store.submissions_for(id_number) / store.find(reference)  # 查进度
    store.outbox_rows()                                       # masked, for the queue screen
    store.record_rating(...)
    store.retry(reference)

Why it is built this way:
- Submitting is ONE transaction with `synchronous=FULL`: the submission, its attachment links, the
  outbox row, the reference counter and the audit entry commit together or not at all, so the
  screen never says "saved" for something a power cut can take back.
- The request body is frozen at submit time (exact bytes, encrypted): every resend carries the
  same bytes, so the platform's idempotency check (same key + same body hash) always recognises it.
- Personal data is never stored in clear: bodies, drafts, ratings, certificates and attachment
  files are sealed with per-record keys (sync.crypto). The only searchable trace of an ID number is
  a keyed hash. `temp_store=MEMORY` keeps SQLite from spilling pages to temporary files.
- sqlite-utils opens the database and builds the schema (sync/migrations.py); writes are SQL
  statements on its connection inside our own `BEGIN IMMEDIATE … COMMIT`, because its table
  helpers wrap themselves in `with conn:`, which would commit the submit transaction half way.
- All access goes through one connection guarded by a lock, so the GUI thread and the delivery
  worker can share a Store; network I/O never happens while the lock is held.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync import integrity, migrations
from sync.crypto import CryptoError, Keyring
from sync.durable import write_atomic
from sync.errors import (  # noqa: F401 - re-exported: callers catch these from sync.store
    IntegrityError,
    KeyMismatch,
    LedgerMismatch,
    StorageFullError,
    StoreDamaged,
    StoreError,
)
from sync.integrity import GENESIS, Head
from sync.local_reference import PER_STATION, UNCONFIGURED_STATION
from sync.local_reference import make as make_reference
from sync.local_reference import normalise as normalise_reference
from sync.signing import rfc3339
from sync.states import (  # noqa: F401 - re-exported: the store's callers use these names
    CERTIFICATE_STATES,
    DELIVERED,
    FAILED,
    KIND_RATING,
    KIND_SUBMISSION,
    PENDING_STATES,
    PLATFORM_STATES,
    QUEUED,
    REJECTED,
    SENDING,
    STATE_LABELS,
    mask_id,
    mask_name,
)

log = logging.getLogger("sync.store")

if TYPE_CHECKING:  # sqlite-utils takes 0.14 s to import: loaded when a store is opened
    import sqlite_utils



@dataclass(frozen=True)
class Submitted:
    submission_id: str
    local_reference: str


@dataclass(frozen=True)
class OutboxRow:
    """One queued request as the queue screen and the worker see it (no personal data in clear)."""

    id: int
    kind: str
    ref_id: str
    idempotency_key: str
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    created_at: float
    local_reference: str | None = None
    platform_reference: str | None = None
    bundle_id: str | None = None
    masked_name: str | None = None
    masked_id: str | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


@dataclass(frozen=True)
class SubmissionInfo:
    submission_id: str
    local_reference: str
    platform_reference: str | None
    bundle_id: str
    state: str
    created_at: float
    last_error: str | None = None
    statuses: list[dict[str, Any]] = field(default_factory=list)


def _text(value: Any) -> str | None:
    """A value from the platform as text for a TEXT column (whatever JSON type it came as)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def canonical_json(value: Any) -> bytes:
    """The one serialisation of request bodies: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return isinstance(exc, sqlite3.Error) and ("full" in text or "disk i/o error" in text)


PURGED_LABEL = "（已按期删除）"
_FULL_MESSAGE = "存储空间已满，本次内容没有保存。请联系工作人员清理空间后再试，已保存的申请不受影响。"


def storage_error(exc: BaseException, data_dir: Path | str, doing: str = "读写") -> StoreError:
    """One Chinese sentence (and the right class) for an OS or SQLite error of the store.

    Why here once: the same fault reaches the store through open(2), SQLite or a rename, in
    English and with errno numbers; staff get what it means and what to do, never the text."""
    if _is_disk_full(exc):
        return StorageFullError(_FULL_MESSAGE)
    text = str(exc).lower()
    err = getattr(exc, "errno", None)
    if err == errno.EROFS or "readonly" in text or "read-only" in text:
        return StoreError(f"数据目录 {data_dir} 是只读的，无法{doing}本地数据：磁盘可能已损坏或被设为只读，"
                          "请联系县级运维检查磁盘，已保存的申请不受影响。")
    if err in (errno.EACCES, errno.EPERM) or "unable to open database" in text:
        return StoreError(f"没有权限{doing}数据目录 {data_dir}：请确认终端程序以 kiosk 用户运行、"
                          "目录属于该用户（installer/README.md）。")
    if isinstance(exc, sqlite3.DatabaseError) and (
            "malformed" in text or "not a database" in text or "corrupt" in text):
        return StoreDamaged(f"本地数据库 {Path(data_dir) / 'kiosk.db'} 已损坏，程序停止以免弄乱已保存的申请："
                            f"请联系县级运维按 installer/README.md 的“数据与密钥的恢复”处理。")
    if err == errno.EIO or "disk i/o" in text:
        return StoreDamaged(f"读写数据目录 {data_dir} 时磁盘出错（I/O 错误）："
                            "磁盘可能已损坏，请联系县级运维。")
    return StoreError(f"本地数据{doing}失败（{type(exc).__name__}），请联系县级运维。")


class Store:
    """See the module docstring. Make one with `Store.open`."""

    def __init__(
        self, db: sqlite_utils.Database, data_dir: Path, keyring: Keyring, clock: Callable[[], float],
        ledger: integrity.LedgerKeeper | None = None, station_id: str | None = None,
    ) -> None:
        self._db = db
        self._configured_station = station_id
        self._conn: sqlite3.Connection = db.conn
        self._lock = threading.RLock()
        self.data_dir = data_dir
        self.attachment_dir = data_dir / "attachments"
        self._keys = keyring
        self._clock = clock
        self._credit_build = threading.Lock()   # one credit-list index built at a time
        self._ledger = ledger
        self._closed = False

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        data_dir: Path | str,
        key_dir: Path | str,
        crypto: str = "aes",
        clock: Callable[[], float] = time.time,
        reanchor: str | None = None,
        station_id: str | None = None,
    ) -> Store:
        """Open (or create) the store, after checking that the data and the keys belong together and
        that the database is the one the signed ledger describes (sync/integrity.py). Raises a
        StoreError subclass with one Chinese sentence: StorageFullError, StoreDamaged,
        KeyMismatch / LedgerMismatch (IntegrityError), or StoreError (read-only, permissions).

        `reanchor` (the technician's `store accept --reason …`, installer/README.md): take the
        database as it is as the station's record even though it is behind the ledger — a new
        store identity, an audit entry with the old ledger's facts. The key checks still apply.

        `station_id`: the configured station id (`[station] id`), the station component of the
        references made before the station is enrolled (`reference_station`)."""
        data_dir, key_dir = Path(data_dir), Path(key_dir)
        try:
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            (data_dir / "attachments").mkdir(exist_ok=True, mode=0o700)
            if hasattr(os, "statvfs") and os.statvfs(data_dir).f_flag & os.ST_RDONLY:
                raise OSError(errno.EROFS, "read-only file system")
        except OSError as exc:
            raise storage_error(exc, data_dir, "创建") from None
        # One opener at a time per data directory, across processes: the kiosk and the sync
        # service often start together on a new station, and a second opener must never see a
        # store half made (data and keys but no ledger yet) and take it for a damaged one.
        from filelock import FileLock, Timeout

        try:
            opening = FileLock(str(data_dir / ".store-open.lock"), timeout=60)
            opening.acquire()
        except Timeout:
            raise StoreError(f"数据目录 {data_dir} 正被另一个程序打开，等了 60 秒仍未完成，"
                             "请稍后再试。") from None
        except OSError as exc:
            raise storage_error(exc, data_dir, "打开") from None
        try:
            try:
                integrity.check_key_dir(key_dir)
                has_data = integrity.data_present(data_dir)
                if has_data and not (key_dir / integrity.STATION_KEY_FILE).exists():
                    integrity.refuse_missing_key(key_dir, data_dir, "加密密钥")
                keyring = Keyring.load_or_create(key_dir, data_dir, crypto, create=not has_data)
                ledger = integrity.Ledger.read(key_dir)
                replaced = ledger if reanchor is not None else None
                ledger = None if reanchor is not None else ledger
                if ledger is not None and integrity.database_empty(data_dir):
                    # an emptied or missing database under a ledger: refuse before SQLite writes a new one
                    integrity.check_against_ledger(ledger, db_store_id=None, head=None, hash_at={},
                                                   public_raw=b"", key_dir=key_dir, data_dir=data_dir)
            except CryptoError as exc:
                raise KeyMismatch(str(exc)) from None
            except OSError as exc:
                raise storage_error(exc, key_dir, "读取密钥目录") from None
            try:
                conn = sqlite3.connect(
                    str(data_dir / "kiosk.db"), isolation_level=None, check_same_thread=False, timeout=30
                )
            except sqlite3.Error as exc:
                raise storage_error(exc, data_dir, "打开") from None
            try:
                conn.execute("PRAGMA busy_timeout=30000")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA temp_store=MEMORY")
                conn.execute("PRAGMA foreign_keys=ON")
                import sqlite_utils

                db = sqlite_utils.Database(conn)
                try:
                    migrations.migrate(db)
                except RuntimeError as exc:           # a database newer than this program
                    raise StoreError(str(exc)) from None
                os.chmod(data_dir / "kiosk.db", 0o600)  # SQLite gives -wal and -shm the same mode
                store = cls(db, data_dir, keyring, clock, station_id=station_id)
                store._ledger = store._check_identity(key_dir, ledger, has_data, reanchor is not None)
                if reanchor is not None:
                    store.reidentify("reanchored", {
                        "reason": reanchor[:200],
                        "ledger_seq": replaced.head.seq if replaced else None,
                        "ledger_store_id": replaced.head.store_id if replaced else None})
            except (sqlite3.Error, OSError) as exc:
                conn.close()
                raise storage_error(exc, data_dir, "打开") from None
            except BaseException:
                conn.close()
                raise
        finally:
            opening.release()
        return store

    def _check_identity(
        self, key_dir: Path, ledger: integrity.Ledger | None, has_data: bool, reanchor: bool = False
    ) -> integrity.LedgerKeeper:
        """The data/key/ledger checks of sync/integrity.py on the open database; a database without
        an identity and no ledger (new, or made before these checks) is given one here."""
        from sync.signing import load_or_create_signing_key, raw_public

        settings = {r["key"]: r["value"] for r in self._query(
            "SELECT key, value FROM settings WHERE key IN "
            "('store_id', 'key_fingerprint', 'station_public_key')")}
        store_id = settings.get("store_id")
        signing_path = key_dir / integrity.SIGNING_KEY_FILE
        if store_id is not None:
            if settings.get("key_fingerprint") != self._keys.fingerprint():
                raise KeyMismatch(
                    f"密钥目录 {key_dir} 中的密钥不是数据目录 {self.data_dir} 的（可能是另一台终端的密钥），"
                    f"程序停止（{integrity.RECOVERY}）。")
            if not signing_path.exists():
                integrity.refuse_missing_key(key_dir, self.data_dir, "签名密钥")
        key = load_or_create_signing_key(signing_path)
        public = raw_public(key.public_key())
        from sync.signing import b64

        if store_id is not None and settings.get("station_public_key") not in (None, b64(public)):
            raise KeyMismatch(
                f"密钥目录 {key_dir} 中的签名密钥不是这台终端的，程序停止（{integrity.RECOVERY}）。")
        head = self.audit_head(store_id or "")
        hash_at = {0: GENESIS}
        if ledger is not None and ledger.head.seq:
            hash_at.update((r["seq"], r["hash"]) for r in self._query(
                "SELECT seq, hash FROM audit WHERE seq=?", (ledger.head.seq,)))
        if not reanchor:
            integrity.check_against_ledger(ledger, db_store_id=store_id, head=head if store_id else None,
                                           hash_at=hash_at, public_raw=public, key_dir=key_dir,
                                           data_dir=self.data_dir)
        if store_id is None:                          # a new database, or one from before the ledger
            store_id = str(uuid.uuid4())
            with self._tx(durable=True) as conn:
                for k, v in (("store_id", store_id), ("key_fingerprint", self._keys.fingerprint()),
                             ("station_public_key", b64(public))):
                    conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (k, v))
                self._audit(conn, "store_identity", {"store_id": store_id, "had_data": has_data})
        keeper = integrity.LedgerKeeper(self.data_dir, key_dir, key)
        if not reanchor:
            keeper.seal(self.audit_head(store_id))
        return keeper

    def reference_station(self) -> str:
        """The station component of the references this store makes (sync/local_reference.py): the
        id the platform enrolled this station under, else the configured one (`Store.open`'s
        `station_id`, from `[station] id`), else UNCONFIGURED_STATION (a scratch store). Why the
        enrolled one first: the platform checked it at enrollment; a configuration left at its
        default would make another station's references."""
        return self.setting("station_id") or self._configured_station or UNCONFIGURED_STATION

    # Provisional references a lost timeline may have printed: skipped after a restore or a
    # re-anchor, so no two applications ever carry the same one (sync/local_reference.py).
    REFERENCE_SKIP = 100_000

    def reidentify(self, event: str, detail: dict[str, Any]) -> str:
        """Give the store a new identity after a restore from backup or an accepted rollback.

        Why: the platform keeps the highest audit head per station and store identity; this
        database is behind what it may have seen, which is now known and intended. The reference
        counter jumps REFERENCE_SKIP ahead, past anything the lost copy may have printed."""
        old = self.store_id
        new = str(uuid.uuid4())
        with self._tx(durable=True) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key='reference_counter'").fetchone()
            counter = int(row[0]) if row else 0
            conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('reference_counter', ?)",
                         (str(counter + self.REFERENCE_SKIP),))
            conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES ('store_id', ?)", (new,))
            conn.execute("DELETE FROM settings WHERE key='audit_anchor_problem'")
            self._audit(conn, event, {**detail, "previous_store_id": old, "store_id": new})
        if self._ledger is not None:
            self._ledger.sealed_seq = None
            self._ledger.seal(self.audit_head(new), replace=True)
        return new

    def snapshot_to(self, path: Path) -> Head:
        """A consistent copy of the database at `path` (SQLite's online backup, under the store's
        lock: the copy holds every committed transaction and nothing half done). Returns the audit
        head the copy ends with, for its own ledger."""
        with self._lock:
            try:
                target = sqlite3.connect(str(path))
                try:
                    self._conn.backup(target)
                finally:
                    target.close()
            except sqlite3.Error as exc:
                raise storage_error(exc, self.data_dir, "备份") from None
            return self.audit_head()

    def check(self) -> None:
        """SQLite's quick_check of the whole file (`status`): a damaged page raises StoreDamaged.
        Not done on every open: it reads every page (a credit list makes the file ~300 MB)."""
        try:
            with self._lock:
                rows = self._conn.execute("PRAGMA quick_check(5)").fetchall()
        except sqlite3.Error as exc:
            raise storage_error(exc, self.data_dir, "检查") from None
        if [r[0] for r in rows] != ["ok"]:
            raise StoreDamaged(
                f"本地数据库 {self.data_dir / 'kiosk.db'} 已损坏（数据库自检未通过），"
                "请联系县级运维按 installer/README.md 的“数据与密钥的恢复”处理。")

    @property
    def store_id(self) -> str:
        return self.setting("store_id") or ""

    def audit_head(self, store_id: str | None = None) -> Head:
        """The head of the audit chain (seq 0 and the genesis hash when it is empty)."""
        rows = self._query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        sid = self.store_id if store_id is None else store_id
        return Head(sid, rows[0]["seq"], rows[0]["hash"]) if rows else Head(sid, 0, GENESIS)

    def signed_audit_head(self) -> dict[str, Any]:
        """The heartbeat's `audit_head`: the current head signed with the station key."""
        if self._ledger is None:
            raise StoreError("本地数据没有签名密钥，无法签署审计链。")
        return self.audit_head().signed(self._ledger._key)  # noqa: SLF001 - the keeper holds the key

    def seal_ledger(self) -> bool:
        """Record the current audit head in the key directory's ledger (sync/integrity.py): after
        durable commits, at the end of each delivery pass, and on close. Never raises for a
        ledger that cannot be written (it lags, which is safe)."""
        if self._ledger is None or self._closed:
            return False
        try:
            with self._lock:
                return self._ledger.seal(self.audit_head())
        except StoreError as exc:
            log.warning("ledger not sealed: %s", exc)
            return False

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self.seal_ledger()
            self._closed = True
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def crypto_suite(self) -> str:
        return self._keys.suite.name

    def now(self) -> float:
        return self._clock()

    @contextlib.contextmanager
    def _tx(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction. `durable` = synchronous FULL for this commit (the resident was told)."""
        with self._lock:
            conn = self._conn
            try:
                if durable:
                    conn.execute("PRAGMA synchronous=FULL")
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as exc:
                raise storage_error(exc, self.data_dir, "写入") from None
            finally:
                if durable:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA synchronous=NORMAL")
            if durable:
                self.seal_ledger()

    def _query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cur = self._conn.execute(sql, params)
                cols = [d[0] for d in cur.description]
                return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
            except sqlite3.Error as exc:
                raise storage_error(exc, self.data_dir, "读取") from None

    # ------------------------------------------------------------------ settings and audit
    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = self._query("SELECT value FROM settings WHERE key=?", (key,))
        return rows[0]["value"] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))

    @property
    def clock_offset_s(self) -> float:
        """Best estimate of (platform time − kiosk time), learnt from the platform's Date header."""
        return float(self.setting("clock_offset_s", "0") or 0)

    def set_clock_offset(self, offset: float) -> None:
        self.set_setting("clock_offset_s", f"{offset:.3f}")

    def _audit(self, conn: sqlite3.Connection, event: str, detail: dict[str, Any]) -> int:
        """Append to the hash chain (inside the caller's transaction); returns the entry's seq.
        No personal data here."""
        last = conn.execute("SELECT hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else "0" * 64
        at = self._clock()
        text = canonical_json(detail).decode()
        digest = hashlib.sha256(f"{prev}|{at:.6f}|{event}|{text}".encode()).hexdigest()
        cursor = conn.execute(
            "INSERT INTO audit(at, event, detail, prev_hash, hash) VALUES (?,?,?,?,?)",
            (at, event, text, prev, digest),
        )
        return int(cursor.lastrowid)

    def audit(self, event: str, detail: dict[str, Any]) -> int:
        """Append one event to the audit chain, durably; returns its seq (an event's identity,
        e.g. the 求助 call a later answer refers to)."""
        with self._tx() as conn:
            return self._audit(conn, event, detail)

    def verify_audit(self) -> int | None:
        """None when the chain is intact, else the seq of the first entry that does not fit."""
        prev = "0" * 64
        for row in self._query("SELECT * FROM audit ORDER BY seq"):
            digest = hashlib.sha256(
                f"{prev}|{row['at']:.6f}|{row['event']}|{row['detail']}".encode()
            ).hexdigest()
            if row["prev_hash"] != prev or row["hash"] != digest:
                return row["seq"]
            prev = row["hash"]
        return None

    def audit_entries(self) -> list[dict[str, Any]]:
        return self._query("SELECT seq, at, event, detail FROM audit ORDER BY seq")

    def audit_events(self, events: Iterable[str], since: float = 0.0) -> list[dict[str, Any]]:
        """The audit entries of these kinds recorded at or after `since`, oldest first, with
        their detail decoded: a station event's history (求助 calls and their answers,
        kiosk.station.help_calls) without reading the whole chain into Python."""
        kinds = list(events)
        marks = ",".join("?" * len(kinds))
        rows = self._query(f"SELECT seq, at, event, detail FROM audit WHERE at >= ? AND event IN ({marks}) "  # noqa: S608 - marks only
                           "ORDER BY seq", (since, *kinds))
        return [{**dict(r), "detail": json.loads(r["detail"] or "{}")} for r in rows]

    # ------------------------------------------------------------------ drafts
    def save_draft(self, session_id: str, answers: dict[str, Any]) -> None:
        """Autosave on every answer (normal durability: a lost last keystroke is acceptable)."""
        body = self._keys.encrypt(canonical_json(answers), b"draft|" + session_id.encode())
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO drafts(session_id, body, updated_at) VALUES (?,?,?)",
                (session_id, body, self._clock()),
            )

    def load_draft(self, session_id: str) -> dict[str, Any] | None:
        rows = self._query("SELECT body FROM drafts WHERE session_id=?", (session_id,))
        if not rows:
            return None
        return json.loads(self._keys.decrypt(rows[0]["body"], b"draft|" + session_id.encode()))

    def discard_draft(self, session_id: str) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM drafts WHERE session_id=?", (session_id,))

    # ------------------------------------------------------------------ attachments
    def _attachment_path(self, sha: str) -> Path:
        return self.attachment_dir / f"{sha}.enc"

    def put_attachment(self, data: bytes) -> str:
        """Store a photo/scan/signature encrypted, named by the SHA-256 of its plain bytes.

        The file is written to a temporary name, fsynced and renamed, so a crash leaves either the
        whole file or none. An attachment no submission names is harmless and can be pruned.
        """
        sha = hashlib.sha256(data).hexdigest()
        path = self._attachment_path(sha)
        if not path.exists():
            sealed = self._keys.encrypt(data, b"attachment|" + sha.encode())
            try:
                write_atomic(path, sealed, 0o600)
            except OSError as exc:
                raise storage_error(exc, self.data_dir, "保存附件到") from None
        with self._tx() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO attachments(sha256, size, created_at) VALUES (?,?,?)",
                (sha, len(data), self._clock()),
            )
        return sha

    def read_attachment(self, sha: str) -> bytes:
        try:
            sealed = self._attachment_path(sha).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"附件 {sha[:12]}… 不在本机。") from None
        data = self._keys.decrypt(sealed, b"attachment|" + sha.encode())
        if hashlib.sha256(data).hexdigest() != sha:
            raise StoreError(f"附件 {sha[:12]}… 已损坏。")
        return data

    def attachment_size(self, sha: str) -> int:
        rows = self._query("SELECT size FROM attachments WHERE sha256=?", (sha,))
        if not rows:
            raise StoreError(f"附件 {sha[:12]}… 不在本机。")
        return rows[0]["size"]

    def attachment_uploaded(self, sha: str) -> bool:
        rows = self._query("SELECT uploaded_at FROM attachments WHERE sha256=?", (sha,))
        return bool(rows and rows[0]["uploaded_at"])

    def mark_attachment_uploaded(self, sha: str, uploaded: bool = True) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE attachments SET uploaded_at=? WHERE sha256=?",
                (self._clock() if uploaded else None, sha),
            )

    # ------------------------------------------------------------------ submitting
    def submit(
        self,
        payload: dict[str, Any],
        attachments: list[str] | tuple[str, ...] = (),
        signature_png: bytes | None = None,
        receipt: dict[str, Any] | None = None,
    ) -> Submitted:
        """Freeze and queue one application. Returns only after the durable commit.

        `receipt`: the receipt's facts (kiosk/station/receipts.py), kept encrypted with it in the
        same transaction so every reprint states what the first receipt stated.
        `payload` is the form engine's POST /submissions body without submission_id,
        local_reference, created_at and clock_offset_s; for a commitment form its `commitment`
        holds {"text", "text_sha256"} and gets signed_at and signature_attachment here.
        `attachments` are SHA-256s from `put_attachment` (those named in materials are added too).
        """
        body = json.loads(json.dumps(payload))  # a private deep copy, JSON-only
        named = set(attachments)
        for material in body.get("materials") or []:
            named.update(material.get("attachments") or [])
        signature_sha = self.put_attachment(signature_png) if signature_png else None
        if signature_sha:
            named.add(signature_sha)
        commitment = body.get("commitment")
        if isinstance(commitment, dict):
            commitment.pop("text", None)
            commitment.setdefault("signed_at", rfc3339(self._clock() + self.clock_offset_s))
            if signature_sha:
                commitment["signature_attachment"] = signature_sha
        known = {r["sha256"] for r in self._query("SELECT sha256 FROM attachments")}
        missing = sorted(named - known)
        if missing:
            raise StoreError(f"有 {len(missing)} 个附件未保存到本机，请重新拍照。")
        applicant = body.get("applicant") or {}
        id_number = str(applicant.get("id_number") or "")
        submission_id = str(uuid.uuid4())
        now = self._clock()
        body["submission_id"] = submission_id
        body["created_at"] = rfc3339(now)
        body["clock_offset_s"] = round(self.clock_offset_s, 3)
        station = self.reference_station()
        with self._tx(durable=True) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key='reference_counter'").fetchone()
            counter = int(row[0]) + 1 if row else 1
            if counter >= PER_STATION:
                raise StoreError("本机的受理编号已经用完，无法保存新的申请。请联系县级运维。")
            local_reference = make_reference(station, counter)
            conn.execute(
                "INSERT OR REPLACE INTO settings(key, value) VALUES ('reference_counter', ?)", (str(counter),)
            )
            body["local_reference"] = local_reference
            sealed = self._keys.encrypt(canonical_json(body), b"submission|" + submission_id.encode())
            receipt_sealed = None if receipt is None else self._keys.encrypt(
                canonical_json(receipt), b"receipt|" + submission_id.encode())
            conn.execute(
                "INSERT INTO submissions(submission_id, local_reference, id_hash, bundle_id, body, "
                "created_at, receipt) VALUES (?,?,?,?,?,?,?)",
                (
                    submission_id,
                    local_reference,
                    self._keys.lookup_hash(id_number) if id_number else None,
                    str(body.get("bundle_id") or ""),
                    sealed,
                    now,
                    receipt_sealed,
                ),
            )
            conn.executemany(
                "INSERT INTO submission_attachments(submission_id, sha256) VALUES (?,?)",
                [(submission_id, sha) for sha in sorted(named)],
            )
            conn.execute(
                "INSERT INTO outbox(kind, ref_id, idempotency_key, state, attempts, next_attempt_at, "
                "created_at, updated_at) VALUES (?,?,?,?,0,0,?,?)",
                (KIND_SUBMISSION, submission_id, submission_id, QUEUED, now, now),
            )
            self._audit(
                conn, "submitted", {"local_reference": local_reference, "bundle_id": body.get("bundle_id")}
            )
        return Submitted(submission_id, local_reference)

    def record_rating(
        self,
        submission_id: str | None,
        item_codes: list[str],
        score: int,
        tags: list[str] | None = None,
        comment: str = "",
    ) -> str:
        """好差评: queued like a submission, sent through the same outbox with its own key."""
        if not 1 <= int(score) <= 5:
            raise StoreError("评分应为 1 到 5。")
        rating_id = str(uuid.uuid4())
        now = self._clock()
        body = {
            "rating_id": rating_id,
            "submission_id": submission_id,
            "item_codes": list(item_codes),
            "score": int(score),
            "tags": list(tags or []),
            "comment": comment or "",
            "created_at": rfc3339(now + self.clock_offset_s),
        }
        sealed = self._keys.encrypt(canonical_json(body), b"rating|" + rating_id.encode())
        with self._tx(durable=True) as conn:
            conn.execute(
                "INSERT INTO ratings(rating_id, submission_id, body, created_at) VALUES (?,?,?,?)",
                (rating_id, submission_id, sealed, now),
            )
            conn.execute(
                "INSERT INTO outbox(kind, ref_id, idempotency_key, state, attempts, next_attempt_at, "
                "created_at, updated_at) VALUES (?,?,?,?,0,0,?,?)",
                (KIND_RATING, rating_id, rating_id, QUEUED, now, now),
            )
            self._audit(conn, "rated", {"rating_id": rating_id, "score": int(score)})
        return rating_id

    # ------------------------------------------------------------------ reading back
    def receipt_record(self, submission_id: str) -> dict[str, Any] | None:
        """The receipt's facts saved with the application (None for one saved before they were
        kept, or unknown here)."""
        rows = self._query("SELECT receipt FROM submissions WHERE submission_id=?", (submission_id,))
        if not rows or not rows[0]["receipt"]:
            return None
        return json.loads(self._keys.decrypt(rows[0]["receipt"], b"receipt|" + submission_id.encode()))

    def request_body(self, row: OutboxRow) -> bytes:
        """The frozen bytes of the row's request (decrypted)."""
        if row.kind == KIND_SUBMISSION:
            rows = self._query("SELECT body FROM submissions WHERE submission_id=?", (row.ref_id,))
            aad = b"submission|" + row.ref_id.encode()
        else:
            rows = self._query("SELECT body FROM ratings WHERE rating_id=?", (row.ref_id,))
            aad = b"rating|" + row.ref_id.encode()
        if not rows:
            raise StoreError("队列记录缺少内容。")
        if not rows[0]["body"]:
            raise StoreError("这件申请的个人信息已按保存期限删除，无法再发送。")
        return self._keys.decrypt(rows[0]["body"], aad)

    def submission_attachments(self, submission_id: str) -> list[str]:
        return [
            r["sha256"]
            for r in self._query(
                "SELECT sha256 FROM submission_attachments WHERE submission_id=? ORDER BY sha256",
                (submission_id,),
            )
        ]

    _ROW_SQL = (
        "SELECT o.*, s.local_reference, s.platform_reference AS s_platform_reference, s.bundle_id, "
        "s.purged_at "
        "FROM outbox o LEFT JOIN submissions s ON (o.kind='submission' AND s.submission_id=o.ref_id) "
    )

    def _row(self, r: dict[str, Any], masked: bool = False) -> OutboxRow:
        name = idn = None
        if masked and r.get("purged_at"):
            name = idn = PURGED_LABEL
        elif masked and r["kind"] == KIND_SUBMISSION:
            try:
                body = json.loads(
                    self.request_body(
                        OutboxRow(
                            r["id"], r["kind"], r["ref_id"], r["idempotency_key"], r["state"], 0, 0, None, 0
                        )
                    )
                )
                applicant = body.get("applicant") or {}
                name, idn = mask_name(applicant.get("name", "")), mask_id(applicant.get("id_number", ""))
            except (CryptoError, StoreError, ValueError):
                name = idn = "（无法解密）"
        return OutboxRow(
            id=r["id"],
            kind=r["kind"],
            ref_id=r["ref_id"],
            idempotency_key=r["idempotency_key"],
            state=r["state"],
            attempts=r["attempts"] or 0,
            next_attempt_at=r["next_attempt_at"] or 0.0,
            last_error=r["last_error"],
            created_at=r["created_at"] or 0.0,
            local_reference=r.get("local_reference"),
            platform_reference=r.get("platform_reference") or r.get("s_platform_reference"),
            bundle_id=r.get("bundle_id"),
            masked_name=name,
            masked_id=idn,
        )

    def outbox_rows(self, masked: bool = True) -> list[OutboxRow]:
        """Every row, oldest first, with masked name and ID number (for staff and `queue list`)."""
        return [self._row(r, masked) for r in self._query(self._ROW_SQL + "ORDER BY o.id")]

    def due_rows(self, now: float, limit: int = 200) -> list[OutboxRow]:
        """Rows the worker may try now. A row left in `sending` by a crash is due again: its
        idempotency key makes the resend safe."""
        return [
            self._row(r)
            for r in self._query(
                self._ROW_SQL + "WHERE o.state IN ('queued','sending') AND o.next_attempt_at <= ? "
                "ORDER BY o.id LIMIT ?",
                (now, limit),
            )
        ]

    def next_due_at(self) -> float | None:
        """When the earliest pending row may be tried (for the worker's sleep)."""
        rows = self._query("SELECT MIN(next_attempt_at) AS t FROM outbox WHERE state IN ('queued','sending')")
        return rows[0]["t"] if rows and rows[0]["t"] is not None else None

    def has_submissions(self) -> bool:
        return bool(self._query("SELECT 1 AS x FROM submissions LIMIT 1"))

    def pending_summary(self) -> dict[str, Any]:
        rows = self._query("SELECT state, created_at FROM outbox")
        pending = [r["created_at"] for r in rows if r["state"] in PENDING_STATES]
        return {
            "pending": len(pending),
            "failed": sum(r["state"] == FAILED for r in rows),
            "oldest_pending_age_s": int(max(0.0, self._clock() - min(pending))) if pending else 0,
        }

    def find(self, ref: str) -> SubmissionInfo | None:
        """By provisional reference (typed loosely) or by the platform's reference."""
        local = normalise_reference(ref)
        rows = self._query(
            "SELECT s.*, o.state, o.last_error FROM submissions s JOIN outbox o ON o.ref_id=s.submission_id "
            "WHERE s.local_reference=? OR s.platform_reference=? OR s.submission_id=?",
            (local or ref, ref.strip(), ref.strip()),
        )
        return self._info(rows[0]) if rows else None

    def submissions_for(self, id_number: str) -> list[SubmissionInfo]:
        rows = self._query(
            "SELECT s.*, o.state, o.last_error FROM submissions s JOIN outbox o ON o.ref_id=s.submission_id "
            "WHERE s.id_hash=? ORDER BY s.created_at DESC",
            (self._keys.lookup_hash(id_number),),
        )
        return [self._info(r) for r in rows]

    def _info(self, r: dict[str, Any]) -> SubmissionInfo:
        statuses = self._query(
            "SELECT status, updated_at, message, required_materials, certificate_ids, pulled_at "
            "FROM statuses WHERE submission_id=? ORDER BY seq",
            (r["submission_id"],),
        )
        for s in statuses:
            s["required_materials"] = json.loads(s["required_materials"] or "[]")
            s["certificate_ids"] = json.loads(s["certificate_ids"] or "[]")
        return SubmissionInfo(
            r["submission_id"],
            r["local_reference"],
            r["platform_reference"],
            r["bundle_id"],
            r["state"],
            r["created_at"],
            r["last_error"],
            statuses,
        )

    # ------------------------------------------------------------------ worker bookkeeping
    def mark_sending(self, row_id: int) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE outbox SET state=?, attempts=attempts+1, updated_at=? WHERE id=? "
                "AND state IN ('queued','sending')",
                (SENDING, self._clock(), row_id),
            )

    def mark_sending_many(self, row_ids: list[int]) -> None:
        with self._tx() as conn:
            now = self._clock()
            conn.executemany(
                "UPDATE outbox SET state=?, attempts=attempts+1, updated_at=? WHERE id=? "
                "AND state IN ('queued','sending')",
                [(SENDING, now, i) for i in row_ids],
            )

    def mark_delivered(self, row: OutboxRow, response: dict[str, Any]) -> None:
        """A definite success per the contract: record the platform's reference with it."""
        self.mark_delivered_many([(row, response)])

    def mark_delivered_many(self, delivered: list[tuple[OutboxRow, dict[str, Any]]]) -> None:
        """Several successes (a batch answer) in one transaction."""
        with self._tx() as conn:
            now = self._clock()
            for row, response in delivered:
                platform_ref = _text(response.get("platform_reference"))
                conn.execute(
                    "UPDATE outbox SET state=?, delivered_at=?, updated_at=?, last_error=NULL, "
                    "platform_reference=? WHERE id=? AND state IN ('queued','sending')",
                    (DELIVERED, now, now, platform_ref, row.id),
                )
                if row.kind == KIND_SUBMISSION and platform_ref:
                    conn.execute(
                        "UPDATE submissions SET platform_reference=? WHERE submission_id=?",
                        (platform_ref, row.ref_id),
                    )
                if row.kind == KIND_SUBMISSION:
                    # statuses pulled before our own confirmation (e.g. after a USB import) count
                    latest = conn.execute(
                        "SELECT status FROM statuses WHERE submission_id=? ORDER BY seq DESC LIMIT 1",
                        (row.ref_id,),
                    ).fetchone()
                    if latest:
                        conn.execute("UPDATE outbox SET state=? WHERE id=?", (latest[0], row.id))
                self._audit(
                    conn,
                    "delivered",
                    {"kind": row.kind, "id": row.ref_id, "platform_reference": platform_ref},
                )

    def mark_retry(self, row_id: int, next_attempt_at: float, error: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE outbox SET state=?, next_attempt_at=?, last_error=?, updated_at=? "
                "WHERE id=? AND state IN ('queued','sending')",
                (QUEUED, next_attempt_at, error, self._clock(), row_id),
            )

    def mark_failed(self, row: OutboxRow, message: str, state: str = FAILED) -> None:
        """Terminal: kept for staff with the platform's message, never dropped."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE outbox SET state=?, last_error=?, updated_at=? WHERE id=?",
                (state, message, self._clock(), row.id),
            )
            self._audit(conn, state, {"kind": row.kind, "id": row.ref_id, "message": message[:200]})

    def retry(self, ref: str) -> bool:
        """Staff put a failed row back in the queue (`queue retry REF`)."""
        info = self.find(ref)
        target = info.submission_id if info else ref.strip()
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE outbox SET state=?, attempts=0, next_attempt_at=0, updated_at=? "
                "WHERE ref_id=? AND state IN ('failed','queued','sending')",
                (QUEUED, self._clock(), target),
            )
            if cur.rowcount:
                self._audit(conn, "retry", {"id": target})
            return cur.rowcount > 0

    def apply_status_changes(self, changes: list[dict[str, Any]], next_cursor: str) -> int:
        """Pulled statuses and the new cursor in one transaction (a crash re-pulls, never skips)."""
        applied = 0
        with self._tx() as conn:
            now = self._clock()
            for ch in changes:
                sid = ch.get("submission_id")
                status = ch.get("status")
                if status not in PLATFORM_STATES or not isinstance(sid, str) or not sid:
                    continue
                certificates = ch.get("certificate_ids")
                certificates = (
                    [c for c in certificates if isinstance(c, str) and c]
                    if isinstance(certificates, list)
                    else []
                )
                conn.execute(
                    "INSERT INTO statuses(submission_id, status, updated_at, message, required_materials, "
                    "certificate_ids, pulled_at) VALUES (?,?,?,?,?,?,?)",
                    (
                        sid,
                        status,
                        _text(ch.get("updated_at")),
                        _text(ch.get("message")),
                        json.dumps(ch.get("required_materials") or [], ensure_ascii=False),
                        json.dumps(certificates),
                        now,
                    ),
                )
                if ch.get("platform_reference"):
                    conn.execute(
                        "UPDATE submissions SET platform_reference=? WHERE submission_id=?",
                        (_text(ch["platform_reference"]), sid),
                    )
                stated = ch.get("certificates")      # contract 1.1: validity changes, in order
                for state in stated if isinstance(stated, list) else []:
                    self._note_certificate_state(conn, sid, state, "pull", now)
                cur = conn.execute(
                    "UPDATE outbox SET state=?, updated_at=? WHERE ref_id=? AND kind='submission' "
                    "AND state NOT IN ('queued','sending','failed')",
                    (status, now, sid),
                )
                applied += cur.rowcount
            conn.execute(
                "INSERT OR REPLACE INTO settings(key, value) VALUES ('status_cursor', ?)", (next_cursor,)
            )
        return applied

    def _note_certificate_state(self, conn: sqlite3.Connection, submission_id: str, state: Any, source: str,
                                now: float, application_status: str | None = None) -> bool:
        """Record one certificate's validity as the platform stated it (contract 1.1); anything
        that is not a known state of a named certificate is ignored (the platform's hiccup)."""
        if not isinstance(state, dict) or state.get("status") not in CERTIFICATE_STATES:
            return False
        cid = state.get("certificate_id")
        if not isinstance(cid, str) or not cid:
            return False
        conn.execute(
            "INSERT OR REPLACE INTO certificate_states(certificate_id, submission_id, status, reason, "
            "changed_at, superseded_by, application_status, source, learnt_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (cid, submission_id, state["status"], _text(state.get("reason")) or "",
             _text(state.get("changed_at")), _text(state.get("superseded_by")),
             application_status if application_status in PLATFORM_STATES else None, source, now))
        return True

    def note_certificate_check(self, submission_id: str, answer: dict[str, Any]) -> bool:
        """What GET /certificates/{id}/status answered at print time: the certificate's validity
        and its application's status, kept so that offline the kiosk knows what it last heard."""
        with self._tx() as conn:
            return self._note_certificate_state(conn, submission_id, answer, "print_check", self._clock(),
                                                _text(answer.get("application_status")))

    def certificate_state(self, certificate_id: str) -> dict[str, Any] | None:
        """The last validity the platform stated for this certificate ({"status", "reason",
        "changed_at", "superseded_by", "application_status", "source", "learnt_at"}), or None when
        it never said anything after issuing it (valid as issued)."""
        rows = self._query("SELECT * FROM certificate_states WHERE certificate_id=?", (certificate_id,))
        return rows[0] if rows else None

    def certificate_ids_missing(self) -> list[tuple[str, str]]:
        """(submission_id, certificate_id) named by pulled statuses but not yet downloaded (a
        certificate the platform has since revoked, superseded or withdrawn is not fetched)."""
        have = {r["certificate_id"] for r in self._query("SELECT certificate_id FROM certificates")}
        have |= {r["certificate_id"] for r in self._query(
            "SELECT certificate_id FROM certificate_states WHERE status <> 'valid'")}
        out = []
        for r in self._query("SELECT submission_id, certificate_ids FROM statuses"):
            for cid in json.loads(r["certificate_ids"] or "[]"):
                if cid not in have and (r["submission_id"], cid) not in out:
                    out.append((r["submission_id"], cid))
        return out

    def save_certificate(self, certificate_id: str, submission_id: str, pdf: bytes) -> None:
        sealed = self._keys.encrypt(pdf, b"certificate|" + certificate_id.encode())
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO certificates(certificate_id, submission_id, sha256, body, "
                "verified_at) VALUES (?,?,?,?,?)",
                (certificate_id, submission_id, hashlib.sha256(pdf).hexdigest(), sealed, self._clock()),
            )
            self._audit(conn, "certificate", {"certificate_id": certificate_id})

    def certificate(self, certificate_id: str) -> bytes | None:
        rows = self._query("SELECT body FROM certificates WHERE certificate_id=?", (certificate_id,))
        if not rows:
            return None
        return self._keys.decrypt(rows[0]["body"], b"certificate|" + certificate_id.encode())

    def certificate_record(self, certificate_id: str) -> dict[str, Any] | None:
        """What is known of a downloaded certificate without decrypting it: the hash whose platform
        signature was checked at download, and when (for the print-time check)."""
        rows = self._query(
            "SELECT certificate_id, submission_id, sha256, verified_at FROM certificates "
            "WHERE certificate_id=?",
            (certificate_id,),
        )
        return rows[0] if rows else None

    # ------------------------------------------------------------------ the day's figures (staff)
    def submissions_per_bundle(self, since: float) -> dict[str, int]:
        """Applications saved at this terminal since `since` (epoch seconds), per bundle, most first."""
        rows = self._query(
            "SELECT bundle_id, COUNT(*) AS n FROM submissions WHERE created_at >= ? "
            "GROUP BY bundle_id ORDER BY n DESC, bundle_id",
            (since,),
        )
        return {r["bundle_id"]: r["n"] for r in rows}

    def ratings_per_score(self, since: float) -> dict[int, int]:
        """好差评 given since `since`, counted per score 5 (非常满意) … 1 (非常不满意). The score is
        inside the sealed body, so each rating of the period is opened (a day is a few dozen)."""
        counts = dict.fromkeys(range(5, 0, -1), 0)
        for r in self._query("SELECT rating_id, body FROM ratings WHERE created_at >= ?", (since,)):
            try:
                body = json.loads(self._keys.decrypt(r["body"], b"rating|" + r["rating_id"].encode()))
                score = int(body["score"])
            except (CryptoError, ValueError, KeyError, TypeError):
                continue
            if score in counts:
                counts[score] += 1
        return counts

    def ratings_per_bundle(self, since: float) -> tuple[dict[str, dict[str, int]], list[dict[str, Any]]]:
        """好差评 since `since` per bundle and score ({bundle: {"5": n, …}}), and the bad ones
        (scores 1–2) as [{id, created_at (epoch), bundle, score, tags}]: what the fleet console's
        report says (sync/fleet_report.py). A rating without an application counts as "unknown".
        The comment is never read out: it is free text and may name someone."""
        counts: dict[str, dict[str, int]] = {}
        bad: list[dict[str, Any]] = []
        rows = self._query(
            "SELECT r.rating_id, r.body, r.created_at, s.bundle_id FROM ratings r "
            "LEFT JOIN submissions s ON s.submission_id = r.submission_id WHERE r.created_at >= ? "
            "ORDER BY r.created_at", (since,))
        for r in rows:
            try:
                body = json.loads(self._keys.decrypt(r["body"], b"rating|" + r["rating_id"].encode()))
                score = int(body["score"])
            except (CryptoError, ValueError, KeyError, TypeError):
                continue
            if not 1 <= score <= 5:
                continue
            bundle = r["bundle_id"] or "unknown"
            per = counts.setdefault(bundle, {})
            per[str(score)] = per.get(str(score), 0) + 1
            if score <= 2:
                bad.append({"id": r["rating_id"], "created_at": r["created_at"], "bundle": bundle,
                            "score": score, "tags": [str(t) for t in body.get("tags") or []]})
        return counts, bad

    def last_sync_at(self) -> float | None:
        """The latest moment the platform answered: the delivery worker's `last_sync_ok_at`
        setting, else (stores written before it) the newest delivery, status pull or document."""
        rows = [
            self._query("SELECT MAX(delivered_at) AS t FROM outbox"),
            self._query("SELECT MAX(pulled_at) AS t FROM statuses"),
            self._query("SELECT MAX(fetched_at) AS t FROM documents"),
        ]
        times = [r[0]["t"] for r in rows if r and r[0]["t"] is not None]
        recorded = self.setting("last_sync_ok_at")
        if recorded:
            with contextlib.suppress(ValueError):       # a hand-edited setting: ignore it
                times.append(float(recorded))
        return max(times) if times else None

    # ------------------------------------------------------------------ the fleet console's report
    def queue_fleet_report(self, make: Callable[[int], bytes]) -> int:
        """Keep `make(seq)` as the one report to send, replacing whatever was there (sent or not):
        the newest report says everything an older one did. Returns its seq (one more than the
        last one made, so the console can tell newer from older)."""
        with self._tx() as conn:
            row = conn.execute("SELECT MAX(seq) FROM fleet_reports").fetchone()
            seq = int(row[0] or 0) + 1
            body = make(seq)
            conn.execute("DELETE FROM fleet_reports")
            conn.execute("INSERT INTO fleet_reports(seq, body, created_at, sent_at) VALUES (?,?,?,NULL)",
                         (seq, body, self._clock()))
        return seq

    def unsent_fleet_report(self) -> tuple[int, bytes] | None:
        rows = self._query("SELECT seq, body FROM fleet_reports WHERE sent_at IS NULL "
                           "ORDER BY seq DESC LIMIT 1")
        return (int(rows[0]["seq"]), bytes(rows[0]["body"])) if rows else None

    def fleet_report_sent(self, seq: int) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE fleet_reports SET sent_at=? WHERE seq=?", (self._clock(), seq))

    # ------------------------------------------------------------------ signed documents
    def document(self, kind: str) -> dict[str, Any] | None:
        """The verified catalogue / credit list in use: {"version", "etag", "payload": bytes}."""
        rows = self._query("SELECT version, etag, payload FROM documents WHERE kind=?", (kind,))
        return rows[0] if rows else None

    def document_info(self, kind: str) -> dict[str, Any] | None:
        """{"version", "etag", "signature"} of the document in use, without its payload (a credit
        list of 1.7 million entries is ~300 MB: not read to learn its version)."""
        rows = self._query("SELECT version, etag, signature FROM documents WHERE kind=?", (kind,))
        return rows[0] if rows else None

    def save_document(
        self, kind: str, version: str, etag: str | None, payload: bytes, signature: str
    ) -> None:
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO documents(kind, version, etag, payload, signature, fetched_at) "
                "VALUES (?,?,?,?,?,?)",
                (kind, version, etag, payload, signature, self._clock()),
            )
            self._audit(conn, "document", {"kind": kind, "version": version})

    # ------------------------------------------------------------------ credit list index (逢办必查)
    def save_credit_list(
        self,
        version: str,
        salt: str,
        entries: Iterable[Any],
        document: tuple[str | None, bytes, str] | None = None,
        chunk: int = 5_000,
    ) -> bool:
        """Index a VERIFIED credit list: `entries` have .hash (64 hex), .list, .reason, .measures,
        .since (forms.credit.parse_document). With `document` = (etag, payload, signature) the
        document row is saved in the same commit that puts the index in place, so the list in use
        and its index never disagree. Without it (re-indexing the stored list), the index is put in
        place only if the stored list is still `version`. Returns whether it was put in place.

        Why built aside in chunks: 1.7 million rows take seconds to insert; one transaction would
        hold the store (and the resident's autosave on the GUI thread) that long. Each chunk is its
        own short transaction into the *_next tables; the switch is one short transaction of
        renames. A crash half way leaves the old index in use and the next build starts afresh.
        What the entries raise (forms.credit.CreditListError) comes through, nothing switched."""
        from sync.migrations import CREDIT_INDEX_TABLES

        with self._credit_build:
            self._empty_credit_next(chunk)          # what a crash half way may have left
            try:
                count = self._fill_credit_next(entries, chunk)
            except BaseException:
                with contextlib.suppress(StoreError):   # no half list lies about
                    self._empty_credit_next(chunk)
                raise
            with self._tx() as conn:
                if document is None:
                    row = conn.execute("SELECT version FROM documents WHERE kind='credit_list'").fetchone()
                    if row is None or row[0] != version:
                        return False
                else:
                    etag, payload, signature = document
                    conn.execute(
                        "INSERT OR REPLACE INTO documents(kind, version, etag, payload, signature, "
                        "fetched_at) VALUES ('credit_list',?,?,?,?,?)",
                        (version, etag, payload, signature, self._clock()),
                    )
                    self._audit(conn, "document", {"kind": "credit_list", "version": version})
                for name in CREDIT_INDEX_TABLES:      # swap names: the old index becomes the spare
                    conn.execute(f"ALTER TABLE {name} RENAME TO {name}_old")
                    conn.execute(f"ALTER TABLE {name}_next RENAME TO {name}")
                    conn.execute(f"ALTER TABLE {name}_old RENAME TO {name}_next")
                for key, value in (("credit_index_version", version), ("credit_index_salt", salt),
                                   ("credit_index_count", str(count))):
                    conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, value))
            self._empty_credit_next(chunk)          # the old index, emptied a chunk at a time
            return True

    def _empty_credit_next(self, chunk: int) -> None:
        """Empty the spare index tables in short transactions (dropping a table of 1.7 million
        rows at once would hold the store for seconds)."""
        while True:
            with self._tx() as conn:
                gone = conn.execute(
                    "DELETE FROM credit_index_next WHERE hash IN "
                    "(SELECT hash FROM credit_index_next LIMIT ?)", (chunk,)
                ).rowcount
            if gone < chunk:
                break
        with self._tx() as conn:
            conn.execute("DELETE FROM credit_details_next")

    def _fill_credit_next(self, entries: Iterable[Any], chunk: int) -> int:
        """Insert the entries into the *_next tables, `chunk` rows per transaction; returns the count."""
        details: dict[tuple[str, str, tuple[str, ...]], int] = {}
        count = 0
        batch: list[tuple[bytes, int, str]] = []

        def flush() -> None:
            batch.sort()                            # neighbouring keys: fewer B-tree pages touched
            with self._tx() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO credit_index_next(hash, detail, since) VALUES (?,?,?)", batch
                )
            batch.clear()

        for entry in entries:
            key = (entry.list, entry.reason, tuple(entry.measures))
            detail = details.get(key)
            if detail is None:
                detail = details[key] = len(details) + 1
                measures = json.dumps(list(key[2]), ensure_ascii=False)
                with self._tx() as conn:
                    conn.execute("INSERT INTO credit_details_next(id, list, reason, measures) "
                                 "VALUES (?,?,?,?)", (detail, key[0], key[1], measures))
            batch.append((bytes.fromhex(entry.hash), detail, entry.since))
            count += 1
            if len(batch) >= chunk:
                flush()
        if batch:
            flush()
        return count

    def credit_index_info(self) -> dict[str, Any] | None:
        """{"version", "salt", "count", "current"} of the index in use, or None when no list was
        ever indexed. `current` is False when the stored list is newer than its index (a store
        from before the index existed): then re-index with sync.documents.index_credit_list."""
        rows = self._query(
            "SELECT key, value FROM settings WHERE key IN "
            "('credit_index_version', 'credit_index_salt', 'credit_index_count')"
        )
        values = {r["key"]: r["value"] for r in rows}
        stored = self._query("SELECT version FROM documents WHERE kind='credit_list'")
        if "credit_index_version" not in values:
            return None if not stored else {"version": None, "salt": "", "count": 0, "current": False}
        return {"version": values["credit_index_version"], "salt": values.get("credit_index_salt", ""),
                "count": int(values.get("credit_index_count", "0")),
                "current": not stored or stored[0]["version"] == values["credit_index_version"]}

    def credit_entry(self, digest: str) -> dict[str, Any] | None:
        """The indexed entry for one sha256 hex digest (forms.credit.CreditList.digest), or None."""
        rows = self._query(
            "SELECT i.since, d.list, d.reason, d.measures FROM credit_index i "
            "JOIN credit_details d ON d.id = i.detail WHERE i.hash = ?",
            (bytes.fromhex(digest),),
        )
        if not rows:
            return None
        row = rows[0]
        return {"hash": digest, "list": row["list"] or "", "reason": row["reason"] or "",
                "measures": json.loads(row["measures"] or "[]"), "since": row["since"] or ""}

    # ------------------------------------------------------------------ retention (个人信息保护法)
    def purge_completed(self, older_than_s: float, chunk: int = 200) -> int:
        """Remove the personal content of applications the platform completed (办结) more than
        `older_than_s` ago, as the kiosk learnt it (the first pulled `completed` status): the
        frozen body (names, ID numbers, answers), the keyed ID hash (查进度 by card no longer finds
        it), the attachment files no other application names, and downloaded certificate PDFs
        (the platform keeps them). What stays is what staff need to answer for a receipt: the
        references, the bundle, the dates, the outbox state and the pulled statuses. Audited as
        counts only. Why `secure_delete` and a WAL checkpoint: the old pages are overwritten with
        zeros and the WAL's copies dropped, not left in free pages. Returns how many were purged."""
        cutoff = self._clock() - older_than_s
        ids = [r["submission_id"] for r in self._query(
            "SELECT s.submission_id FROM submissions s JOIN outbox o "
            "ON o.kind='submission' AND o.ref_id=s.submission_id "
            "WHERE o.state='completed' AND s.purged_at IS NULL AND (SELECT MIN(st.pulled_at) "
            "FROM statuses st WHERE st.submission_id=s.submission_id AND st.status='completed') <= ?",
            (cutoff,))]
        if not ids:
            return 0
        files: set[str] = set()
        with self._lock:
            self._conn.execute("PRAGMA secure_delete=ON")
            try:
                for i in range(0, len(ids), chunk):
                    part = ids[i:i + chunk]
                    marks = ",".join("?" * len(part))
                    with self._tx(durable=True) as conn:
                        shas = {sha for (sha,) in conn.execute(
                            f"SELECT sha256 FROM submission_attachments WHERE submission_id IN ({marks})",
                            part)}
                        conn.execute(f"DELETE FROM submission_attachments WHERE submission_id IN ({marks})",
                                     part)
                        still = {sha for (sha,) in conn.execute(
                            "SELECT DISTINCT sha256 FROM submission_attachments")}
                        gone = sorted(shas - still)
                        conn.executemany("DELETE FROM attachments WHERE sha256=?", [(h,) for h in gone])
                        conn.execute(f"DELETE FROM certificates WHERE submission_id IN ({marks})", part)
                        conn.execute(
                            f"UPDATE submissions SET body=X'', id_hash=NULL, purged_at=? "
                            f"WHERE submission_id IN ({marks})", [self._clock(), *part])
                        self._audit(conn, "retention_purged",
                                    {"count": len(part), "attachments": len(gone),
                                     "days": round(older_than_s / 86400, 1)})
                        files.update(gone)
            finally:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA secure_delete=OFF")
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for sha in files:
            with contextlib.suppress(FileNotFoundError):
                self._attachment_path(sha).unlink()
        return len(ids)

    # ------------------------------------------------------------------ export (USB stick)
    def export_items(self) -> dict[str, Any]:
        """Everything still pending, as the requests the platform would get (for `queue export`)."""
        items: dict[str, Any] = {"submissions": [], "ratings": [], "attachments": {}}
        for row in self.outbox_rows(masked=False):
            if row.state not in PENDING_STATES and row.state != FAILED:
                continue
            body = json.loads(self.request_body(row))
            entry = {"idempotency_key": row.idempotency_key, "body": body}
            if row.kind == KIND_SUBMISSION:
                items["submissions"].append(entry)
                for sha in self.submission_attachments(row.ref_id):
                    items["attachments"][sha] = self.read_attachment(sha)
            else:
                items["ratings"].append(entry)
        return items
