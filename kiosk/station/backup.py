"""Backup of a whole station to one encrypted file (a USB stick), and its restore on a new PC.

    result = backup_to(folder, store, key_dir)                  # staff-screen button (worker thread)
    result = backup_to(folder, store, key_dir, passphrase="…")  # `main.py backup --passphrase-file F`
    restore(file, passphrase, data_dir, key_dir)                 # `main.py restore FILE …`
    set_recovery_passphrase(key_dir, passphrase)                 # `main.py staff set-recovery`

Why one file with everything in it: a station PC dies (a disk, a flood, a theft); the technician
arrives with a new PC and the stick. The file holds the database (SQLite's online backup, so a
consistent copy while the kiosk runs), the encrypted attachment files, the key directory (station
keys, staff and agent PINs, the recovery settings) and a ledger signed for exactly that copy of
the database — so the restored station opens with its own identity, its own keys and its queue,
and delivers what was queued exactly once (every row keeps its idempotency key; the platform
answers a replay with its first answer).

Why a passphrase through scrypt: the file carries the station keys, so the stick must be useless
without a secret that is not on the stick. The county's recovery passphrase (kept on paper, not on
the station's screen) is stretched with scrypt (n=2^16, r=8, p=1: 64 MiB, ~0.2 s, so guessing is
slow even on a GPU) into an AES-256-GCM key. For the staff-screen button, `staff set-recovery`
stores the derived key and its salt in the key directory (0600), never the passphrase itself:
whoever can read the key directory already holds the station keys.

Format (nothing readable in clear but these header fields — no name, ID number or station data):

    b"KIOSKBK1" | u32 header length | header JSON {"format", "kdf": {"salt", "n", "r", "p"}, "chunk"}
    then records: u32 length | AES-256-GCM(key, nonce = 4-byte prefix from the header + u64 counter,
                  aad = header bytes + counter + final flag) of the next piece of a tar stream.

The last record has the final flag: a truncated file (a stick pulled out) is refused, as is any
changed byte. The tar holds `keys/…`, `data/kiosk.db`, `data/attachments/….enc` and, last, `manifest.json`
(counts, store identity, audit head, SHA-256 of every member).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import shutil
import struct
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from sync import integrity
from sync.durable import atomic_file, write_atomic
from sync.store import Store, StoreError, storage_error

MAGIC = b"KIOSKBK1"
SUFFIX = ".kbak"
RECOVERY_FILE = "recovery.json"
CHUNK = 1024 * 1024
KDF = {"n": 2 ** 16, "r": 8, "p": 1}
MIN_PASSPHRASE = 10
_SKIP_KEY_FILES = {integrity.LEDGER_FILE}    # the copy gets a ledger signed for its own database


class BackupError(Exception):
    """A backup or restore that did not happen, with one Chinese sentence for staff.
    `code` is the command's exit code: 2 a wrong passphrase, file or target; 5 storage."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class BackupResult:
    """What the staff screen shows after the button: where, how big, how long, what is in it."""

    path: Path
    size_bytes: int
    seconds: float
    submissions: int
    pending: int
    attachments: int


# ---------------------------------------------------------------------- the passphrase
def _derive(passphrase: str, salt: bytes, kdf: dict[str, int]) -> bytes:
    return Scrypt(salt=salt, length=32, n=kdf["n"], r=kdf["r"], p=kdf["p"]).derive(passphrase.encode("utf-8"))


def check_passphrase(passphrase: str) -> str | None:
    """Why a recovery passphrase is not acceptable (Chinese), or None."""
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        return f"恢复口令至少 {MIN_PASSPHRASE} 个字符（写在纸上由县级运维保管，不要用工作人员密码）。"
    return None


def read_passphrase_file(path: Path) -> str:
    """The passphrase in a file (the first line; a trailing newline is not part of it)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise BackupError(f"无法读取恢复口令文件 {path}。") from None
    line = text.splitlines()[0] if text.strip() else ""
    if not line.strip():
        raise BackupError(f"恢复口令文件 {path} 是空的。")
    return line


def set_recovery_passphrase(key_dir: Path, passphrase: str) -> Path:
    """Provision the station for the staff-screen backup button: the scrypt-derived key and its
    salt in `key_dir/recovery.json` (0600). The passphrase itself is not stored."""
    problem = check_passphrase(passphrase)
    if problem:
        raise BackupError(problem)
    salt = os.urandom(16)
    key = _derive(passphrase, salt, KDF)
    doc = {"format": 1, "kdf": {"salt": salt.hex(), **KDF}, "key": key.hex(), "set_at": round(time.time())}
    path = Path(key_dir) / RECOVERY_FILE
    try:
        write_atomic(path, json.dumps(doc).encode(), 0o600)
    except OSError as exc:
        raise BackupError(f"无法写入密钥目录 {key_dir}：{exc.strerror}。", 5) from None
    return path


def _provisioned(key_dir: Path) -> tuple[bytes, dict[str, Any]]:
    try:
        doc = json.loads((Path(key_dir) / RECOVERY_FILE).read_text(encoding="utf-8"))
        return bytes.fromhex(doc["key"]), {"salt": doc["kdf"]["salt"], **{k: int(doc["kdf"][k]) for k in KDF}}
    except FileNotFoundError:
        raise BackupError("本机还没有设置恢复口令，无法备份：请县级运维先运行 "
                          "python main.py staff set-recovery。") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"密钥目录中的 {RECOVERY_FILE} 已损坏："
                          "请重新运行 python main.py staff set-recovery。") from None


# ---------------------------------------------------------------------- the encrypted stream
class _SealingWriter(io.RawIOBase):
    """A write-only stream that seals what tarfile writes into GCM records of CHUNK bytes."""

    def __init__(self, out: BinaryIO, key: bytes, header: bytes, prefix: bytes) -> None:
        self._out, self._aead, self._header, self._prefix = out, AESGCM(key), header, prefix
        self._buffer = bytearray()
        self._counter = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._record(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def finish(self) -> None:
        self._record(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _record(self, plain: bytes, final: bool) -> None:
        nonce, aad = _nonce_aad(self._prefix, self._header, self._counter, final)
        sealed = self._aead.encrypt(nonce, plain, aad)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1


def _nonce_aad(prefix: bytes, header: bytes, counter: int, final: bool) -> tuple[bytes, bytes]:
    return prefix + struct.pack(">Q", counter), header + struct.pack(">QB", counter, int(final))


def _open_records(src: BinaryIO, passphrase: str | None, key: bytes | None) -> tuple[bytes, Any]:
    """Check the header, derive the key; returns (key, an iterator of plaintext pieces)."""
    if src.read(len(MAGIC)) != MAGIC:
        raise BackupError("这不是驿站终端的备份文件（文件开头不对）。")
    try:
        (length,) = struct.unpack(">I", src.read(4))
        header = src.read(length)
        doc = json.loads(header)
        kdf = {k: int(doc["kdf"][k]) for k in KDF}
        salt = bytes.fromhex(doc["kdf"]["salt"])
        prefix = bytes.fromhex(doc["nonce_prefix"])
    except (struct.error, ValueError, KeyError, TypeError):
        raise BackupError("备份文件已损坏（文件头无法读取）。", 5) from None
    if not (2 ** 10 <= kdf["n"] <= 2 ** 20 and kdf["r"] <= 32 and kdf["p"] <= 16):
        raise BackupError("备份文件已损坏（口令参数不合理）。", 5)
    if key is None:
        key = _derive(passphrase or "", salt, kdf)
    aead = AESGCM(key)

    def pieces():  # noqa: ANN202 - a generator of bytes
        counter = 0
        while True:
            raw = src.read(4)
            if len(raw) < 4:
                raise BackupError("备份文件不完整（可能在写入时拔出了 U 盘），无法恢复。", 5)
            (size,) = struct.unpack(">I", raw)
            sealed = src.read(size)
            if len(sealed) < size:
                raise BackupError("备份文件不完整（可能在写入时拔出了 U 盘），无法恢复。", 5)
            for final in (False, True):
                nonce, aad = _nonce_aad(prefix, header, counter, final)
                try:
                    plain = aead.decrypt(nonce, sealed, aad)
                except InvalidTag:
                    continue
                yield plain
                if final:
                    return
                break
            else:
                if counter == 0:
                    raise BackupError("恢复口令不对，备份文件无法打开（请核对纸上的恢复口令）。")
                raise BackupError("备份文件已损坏（校验不通过），无法恢复。", 5)
            counter += 1

    return key, pieces()


class _PlainReader(io.RawIOBase):
    """A read-only stream over the decrypted pieces, for tarfile's streaming reader."""

    def __init__(self, pieces: Any) -> None:
        self._pieces = pieces
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:  # type: ignore[override]
        while not self._buffer:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._buffer = piece
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


# ---------------------------------------------------------------------- backup
def backup_to(folder: Path | str, store: Store, key_dir: Path | str,
              passphrase: str | None = None) -> BackupResult:
    """Write one encrypted backup file of the whole station into `folder` (a USB stick).

    For the staff-screen button, call it on a worker thread (it reads every attachment; 1 000
    applications take seconds, see benchmarks/backup_restore.py) with `passphrase=None`: the key
    provisioned by `staff set-recovery` is used. Raises BackupError (message for staff; `code`)."""
    started = time.perf_counter()
    folder, key_dir = Path(folder), Path(key_dir)
    if not folder.is_dir():
        raise BackupError(f"备份目录 {folder} 不存在（U 盘插好了吗？）。")
    if passphrase is not None:
        problem = check_passphrase(passphrase)
        if problem:
            raise BackupError(problem)
        salt = os.urandom(16)
        key, kdf = _derive(passphrase, salt, KDF), {"salt": salt.hex(), **KDF}
    else:
        key, kdf = _provisioned(key_dir)
    try:
        station = store.setting("station_id") or "unenrolled"
    except StoreError as exc:
        raise BackupError(str(exc), 5) from None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"station-{station}-{stamp}{SUFFIX}"
    header = json.dumps({"format": 1, "kdf": kdf, "nonce_prefix": os.urandom(4).hex(),
                         "chunk": CHUNK}, sort_keys=True).encode()
    store.check()                 # never carry a damaged database onto the stick as if it were whole
    try:
        manifest = _write_backup(target, store, key_dir, key, header)
    except OSError as exc:
        raise BackupError(str(storage_error(exc, folder, "写入备份到")), 5) from None
    counts = manifest["counts"]
    return BackupResult(target, target.stat().st_size, time.perf_counter() - started,
                        counts["submissions"], counts["pending"], counts["attachments"])


def _write_backup(target: Path, store: Store, key_dir: Path, key: bytes, header: bytes) -> dict[str, Any]:
    """The file itself: snapshot, members, manifest last; OSError comes through (disk full …)."""
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=store.data_dir) as scratch:
        snapshot = Path(scratch) / "kiosk.db"
        head = store.snapshot_to(snapshot)
        manifest = _manifest(store, snapshot, head)
        signed_ledger = json.dumps({**head.signed(store._ledger._key), "at": round(time.time(), 3),  # noqa: SLF001
                                    "format": 1}, sort_keys=True).encode()
        with atomic_file(target, 0o600) as out:
            out.write(MAGIC + struct.pack(">I", len(header)) + header)
            writer = _SealingWriter(out, key, header, bytes.fromhex(json.loads(header)["nonce_prefix"]))
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                manifest["files"] = {}
                for name, source in _members(key_dir, store, snapshot, signed_ledger):
                    data = source() if callable(source) else Path(source).read_bytes()
                    manifest["files"][name] = hashlib.sha256(data).hexdigest()
                    _add(tar, name, data)
                # last, so each file is read once; restore checks every member against it
                _add(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
            writer.finish()
    return manifest


def _manifest(store: Store, snapshot: Path, head: integrity.Head) -> dict[str, Any]:
    from kiosk.station.version import app_version

    summary = store.pending_summary()
    return {"format": 1, "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "app_version": app_version(),
            "station_id": store.setting("station_id"), "store_id": head.store_id,
            "audit_head": {"seq": head.seq, "hash": head.hash}, "crypto": store.crypto_suite,
            "counts": {"submissions": len(store.outbox_rows(masked=False)), "pending": summary["pending"],
                       "attachments": sum(1 for _ in store.attachment_dir.glob("*.enc"))}}


def _members(key_dir: Path, store: Store, snapshot: Path, ledger: bytes) -> list[tuple[str, Any]]:
    members: list[tuple[str, Any]] = []
    for path in sorted(key_dir.iterdir()):
        if path.is_file() and path.name not in _SKIP_KEY_FILES and not path.name.startswith("."):
            members.append((f"keys/{path.name}", path))
    members.append((f"keys/{integrity.LEDGER_FILE}", lambda: ledger))
    members.append(("data/kiosk.db", snapshot))
    for path in sorted(store.attachment_dir.glob("*.enc")):
        members.append((f"data/attachments/{path.name}", path))
    return members


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
    tar.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------------- restore
def restore(file: Path | str, passphrase: str, data_dir: Path | str, key_dir: Path | str) -> dict[str, Any]:
    """Rebuild a station from a backup file into empty `data_dir` and `key_dir` (a new PC).

    Nothing is written over existing data; the files are unpacked beside the targets, checked
    against the manifest, then moved into place. The restored store gets a new identity (the
    platform's anchored audit head may be later than the backup: that is now intended) and skips
    provisional references ahead (Store.reidentify). Returns the manifest."""
    file, data_dir, key_dir = Path(file), Path(data_dir), Path(key_dir)
    for target, what in ((data_dir, "数据目录"), (key_dir, "密钥目录")):
        if target.exists() and any(target.iterdir()):
            raise BackupError(f"{what} {target} 不是空的：恢复不会覆盖已有的数据或密钥，请换一个空目录，"
                              "或先把原目录改名保存。")
    try:
        src = open(file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {file}：{exc.strerror}。") from None
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=_existing_parent(data_dir)))
    try:
        with src:
            _, pieces = _open_records(src, passphrase, None)
            manifest = _unpack(pieces, staging)
        _move_into_place(staging, data_dir, key_dir)
    except OSError as exc:
        raise BackupError(str(storage_error(exc, data_dir, "恢复到")), 5) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    try:
        store = Store.open(data_dir, key_dir, crypto=manifest.get("crypto") or "aes")
    except StoreError as exc:
        raise BackupError(f"恢复的数据无法打开：{exc}", 5) from None
    try:
        store.reidentify("restored", {"backup_created_at": manifest.get("created_at"),
                                      "backup_audit_seq": manifest["audit_head"]["seq"],
                                      "backup_store_id": manifest.get("store_id")})
    finally:
        store.close()
    return manifest


def _existing_parent(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.parent


def _unpack(pieces: Any, staging: Path) -> dict[str, Any]:
    reader = io.BufferedReader(_PlainReader(pieces), buffer_size=CHUNK)
    manifest: dict[str, Any] | None = None
    seen: dict[str, str] = {}
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                name = member.name
                if not member.isfile() or not _safe(name):
                    raise BackupError("备份文件内容不对（含有不该有的文件），无法恢复。", 5)
                extracted = tar.extractfile(member)
                data = extracted.read() if extracted is not None else b""
                if name == "manifest.json":
                    manifest = json.loads(data)
                    continue
                seen[name] = hashlib.sha256(data).hexdigest()
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                write_atomic(target, data, 0o600)
    except tarfile.TarError:
        raise BackupError("备份文件已损坏（内容无法解开），无法恢复。", 5) from None
    if manifest is None or seen != manifest.get("files"):
        raise BackupError("备份文件不完整或被改动过（与清单不符），无法恢复。", 5)
    return manifest


def _safe(name: str) -> bool:
    parts = Path(name).parts
    return (name == "manifest.json" or (len(parts) in (2, 3) and parts[0] in ("keys", "data"))) \
        and ".." not in parts and not name.startswith("/")


def _move_into_place(staging: Path, data_dir: Path, key_dir: Path) -> None:
    for source, target in ((staging / "keys", key_dir), (staging / "data", data_dir)):
        target.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(target, 0o700)
        for path in sorted(source.rglob("*")):
            relative = path.relative_to(source)
            if path.is_dir():
                (target / relative).mkdir(exist_ok=True, mode=0o700)
                continue
            try:
                os.replace(path, target / relative)
            except OSError as exc:             # the key directory on another file system
                if exc.errno != errno.EXDEV:
                    raise
                write_atomic(target / relative, path.read_bytes(), 0o600)
        with contextlib.suppress(OSError):
            from sync.durable import fsync_dir

            fsync_dir(target)
            if (target / "attachments").is_dir():
                fsync_dir(target / "attachments")
