"""The store's identity, the signed ledger kept with the keys, and the one-worker-per-data-dir lock.

Why a ledger: SQLite cannot tell that its file was emptied (`truncate -s 0` opens as a new, empty
database), swapped for another station's, or replaced by a copy from another day; and a hash
chain with no key can be cut short or rewritten by anyone who can write the file. So the key
directory keeps a small file, `ledger.json`, naming the store (`store_id`, a UUID kept in the
database's settings) and the head of its audit chain (sequence number and hash), signed with the
station's Ed25519 key. Every `Store.open` compares the database with it before writing anything:

- the database must carry the same `store_id` and the fingerprint of the key directory's station
  key (data without its key, or keys of another station, stop the program: keys are never made
  over existing data);
- its audit chain must reach the ledger's sequence number and have the ledger's hash there.

Why the order of writes makes a crash harmless: the ledger is written only *after* the database
commit it describes is on the disk (the -wal file is fsynced first), under a lock, and only ever
moves forward. So a `kill -9` or a power cut between the two leaves the database *ahead* of the
ledger, which is normal and simply sealed at the next open; a database *behind* the ledger (fewer
entries, or another hash at the ledger's sequence number) can only be an emptied, replaced,
rolled-back or rewritten database. The ledger is sealed after every durable commit (a submitted
application, a rating), at the end of each delivery pass and when the store is closed.

The audit head is also sent with every heartbeat (`audit_head`): the platform keeps the latest
one per station, so a whole disk swapped for an older one — keys and data alike, which no local
check can notice — is reported by the platform's answer.

Recovery paths for each refusal: installer/README.md, "数据与密钥的恢复".
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import signing
from sync.durable import fsync_file, write_atomic
from sync.errors import KeyMismatch, LedgerMismatch, StoreError

log = logging.getLogger("sync.integrity")

LEDGER_FILE = "ledger.json"
STATION_KEY_FILE = "station.key"            # sync.crypto's symmetric station key
SIGNING_KEY_FILE = "station_ed25519.key"    # the station's identity (enrollment, ledger, heads)
GENESIS = "0" * 64                          # the hash before the first audit entry
RECOVERY = "恢复方法见 installer/README.md 的“数据与密钥的恢复”"
_LEDGER_LOCK = ".ledger.lock"               # in the data directory: the key dir may be read-only
_DELIVERY_LOCK = "delivery.lock"


@dataclass(frozen=True)
class Head:
    """The head of the audit chain: `seq` 0 and GENESIS when there is no entry yet."""

    store_id: str
    seq: int
    hash: str

    def signed(self, key: Ed25519PrivateKey) -> dict[str, Any]:
        """The heartbeat's `audit_head` (PLATFORM-API extension) and the ledger's body."""
        signature = key.sign(signing.audit_head_message(self.store_id, self.seq, self.hash))
        return {"store_id": self.store_id, "seq": self.seq, "hash": self.hash,
                "signature": signing.b64(signature)}


# ---------------------------------------------------------------------- the key directory
def check_key_dir(key_dir: Path) -> None:
    """Refuse a key directory that other users may read or write (0777, 0755 …): whoever could
    read it has every resident's data; whoever could write it may have swapped the keys."""
    if os.name != "posix" or not key_dir.is_dir():
        return
    mode = stat.S_IMODE(key_dir.stat().st_mode)
    if mode & 0o077:
        raise KeyMismatch(
            f"密钥目录 {key_dir} 的权限是 {mode:04o}，其他用户也能读写密钥，程序不使用它："
            f"请确认密钥没有被换过，执行 chmod 700 {key_dir} 后再试（{RECOVERY}）。")


def data_present(data_dir: Path) -> bool:
    """Whether the data directory already holds a station's data (a non-empty database or any
    attachment file): then no key may be generated for it."""
    db = data_dir / "kiosk.db"
    if db.exists() and db.stat().st_size > 0:
        return True
    attachments = data_dir / "attachments"
    return attachments.is_dir() and any(p.suffix == ".enc" for p in attachments.iterdir())


def database_empty(data_dir: Path) -> bool:
    """No database, or a 0-byte one with no WAL to recover from (`truncate -s 0 kiosk.db`)."""
    db, wal = data_dir / "kiosk.db", data_dir / "kiosk.db-wal"
    return (not db.exists() or db.stat().st_size == 0) and (not wal.exists() or wal.stat().st_size == 0)


def refuse_missing_key(key_dir: Path, data_dir: Path, what: str) -> None:
    raise KeyMismatch(
        f"密钥目录 {key_dir} 里没有本机的{what}，但数据目录 {data_dir} 里已有数据，"
        "程序不会生成新密钥覆盖它们："
        f"请放回原来的密钥目录（备份 U 盘或原硬盘），或用 restore 恢复整台终端（{RECOVERY}）。")


# ---------------------------------------------------------------------- the ledger
@dataclass(frozen=True)
class Ledger:
    head: Head
    signature: str
    at: float

    @classmethod
    def read(cls, key_dir: Path) -> Ledger | None:
        path = key_dir / LEDGER_FILE
        try:
            doc = json.loads(path.read_bytes())
            head = Head(str(doc["store_id"]), int(doc["seq"]), str(doc["hash"]))
            return cls(head, str(doc["signature"]), float(doc.get("at", 0)))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"无法读取密钥目录中的账本 {path}：{exc.strerror}。") from None
        except (ValueError, KeyError, TypeError):
            raise LedgerMismatch(f"密钥目录中的账本 {path} 已损坏，无法核对数据库（{RECOVERY}）。") from None

    def verifies(self, public_raw: bytes) -> bool:
        message = signing.audit_head_message(self.head.store_id, self.head.seq, self.head.hash)
        return signing.verify(public_raw, self.signature, message)


class LedgerKeeper:
    """Seals heads into `key_dir/ledger.json`, one writer at a time across processes (a file lock
    in the data directory), never backwards."""

    def __init__(self, data_dir: Path, key_dir: Path, key: Ed25519PrivateKey) -> None:
        from filelock import FileLock

        self.data_dir = data_dir
        self.key_dir = key_dir
        self._key = key
        self._lock = FileLock(str(data_dir / _LEDGER_LOCK), timeout=30)
        self.sealed_seq: int | None = None

    def seal(self, head: Head, replace: bool = False) -> bool:
        """Record `head` when it is ahead of the ledger. The database files are fsynced first, so
        the ledger never describes a commit a power cut could take back. Returns whether written.
        A key directory that cannot be written (the sandboxed sync service mounts it read-only) is
        not an error: the ledger lags, which the next open by the kiosk puts right. `replace`:
        a new store identity (restore, re-anchor) replaces whatever the ledger held."""
        if self.sealed_seq is not None and head.seq <= self.sealed_seq:
            return False
        try:
            with self._lock:
                current = Ledger.read(self.key_dir)
                if not replace and current is not None and current.head.store_id == head.store_id \
                        and current.head.seq >= head.seq:
                    self.sealed_seq = current.head.seq
                    return False
                for name in ("kiosk.db-wal", "kiosk.db"):
                    fsync_file(self.data_dir / name)
                self._sweep()
                doc = {**head.signed(self._key), "at": round(time.time(), 3), "format": 1}
                write_atomic(self.key_dir / LEDGER_FILE, json.dumps(doc, sort_keys=True).encode(), 0o600)
                self.sealed_seq = head.seq
                return True
        except (OSError, TimeoutError) as exc:
            log.warning("ledger not sealed (it lags; the next open seals it): %s", exc)
            return False

    def _sweep(self) -> None:
        """Temporary files of ledger writes a crash interrupted (only under the lock)."""
        for leftover in self.key_dir.glob(f".{LEDGER_FILE}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


def check_against_ledger(ledger: Ledger | None, *, db_store_id: str | None, head: Head | None,
                         hash_at: dict[int, str], public_raw: bytes, key_dir: Path,
                         data_dir: Path) -> None:
    """Raise LedgerMismatch unless the database (its `store_id`, its audit head `head`, and
    `hash_at[ledger.seq]`) continues the ledger. `db_store_id` None: a database with no identity
    (new, emptied, or older than this check) — refused when a ledger exists."""
    if ledger is None:
        if db_store_id is not None:
            raise LedgerMismatch(
                f"密钥目录 {key_dir} 中缺少账本文件 {LEDGER_FILE}，"
                f"无法确认数据库 {data_dir} 是本机最新的一份，"
                f"程序停止：请放回原来的密钥目录（{RECOVERY}）。")
        return
    if db_store_id is None or head is None or head.seq == 0:
        raise LedgerMismatch(
            f"数据库 {data_dir / 'kiosk.db'} 是空的或刚新建的，"
            f"但本机账本记录着 {ledger.head.seq} 条审计记录："
            f"数据库被清空或换掉了，程序停止，以免申请无声丢失（{RECOVERY}）。")
    if not ledger.verifies(public_raw):
        raise LedgerMismatch(f"密钥目录中的账本签名不对（被改动过，或不是本机的），程序停止（{RECOVERY}）。")
    if db_store_id != ledger.head.store_id:
        raise LedgerMismatch(
            f"数据库 {data_dir / 'kiosk.db'} 不是本机账本记录的那一份（被换成了另一份数据），"
            f"程序停止（{RECOVERY}）。")
    if head.seq < ledger.head.seq:
        raise LedgerMismatch(
            f"数据库只有 {head.seq} 条审计记录，本机账本记录着 {ledger.head.seq} 条：放回了旧的数据库，"
            f"或最近的记录被删除了，程序停止（{RECOVERY}）。")
    if hash_at.get(ledger.head.seq) != ledger.head.hash:
        raise LedgerMismatch(
            f"数据库第 {ledger.head.seq} 条审计记录与本机账本不符：记录被改写过，程序停止（{RECOVERY}）。")


# ---------------------------------------------------------------------- one worker per data dir
class DeliveryLock:
    """At most one delivery worker per data directory, across processes: two would send every
    row twice (the platform's idempotency would save the day, but not the platform's load).
    A file lock (filelock: flock on POSIX, LockFileEx on Windows) is released by the kernel when
    its holder dies, so a `kill -9` never leaves a stale lock."""

    def __init__(self, data_dir: Path) -> None:
        from filelock import FileLock

        self.path = Path(data_dir) / _DELIVERY_LOCK
        self._lock = FileLock(str(self.path), timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> bool:
        from filelock import Timeout

        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        except OSError as exc:
            raise StoreError(f"无法在数据目录 {self.path.parent} 建立发送锁：{exc.strerror}。") from None
        with contextlib.suppress(OSError):            # who holds it, for the next one's message
            self.path.write_text(str(os.getpid()), encoding="ascii")
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    def busy_message(self) -> str:
        try:
            holder = self.path.read_text(encoding="ascii").strip()
        except OSError:
            holder = ""
        who = f"（进程 {holder}）" if holder.isdigit() else ""
        return (f"数据目录 {self.path.parent} 已有一个发送程序在运行{who}，本次没有发送任何内容，"
                "由正在运行的那个发送。")
