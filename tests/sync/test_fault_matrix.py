"""The fault matrix: each storage fault × each command that touches the store → exit code and the
word that must be in its one Chinese sentence (never a traceback, never a network word).

The table (README "Exit codes"; installer/README.md "数据与密钥的恢复" says what to do for each row):

| fault                        | queue add | queue list | sync --once | status | audit verify | backup |
| ---------------------------- | --------- | ---------- | ----------- | ------ | ------------ | ------ |
| database emptied (truncate)  | 5         | 5          | 5           | 5      | 1            | 5      |
| older database put back      | 5         | 5          | 5           | 5      | 1            | 5      |
| ledger deleted               | 5         | 5          | 5           | 5      | 1            | 5      |
| key directory deleted        | 5         | 5          | 5           | 5      | 5            | 5      |
| key directory mode 0777      | 5         | 5          | 5           | 5      | 5            | 5      |
| damaged page (outbox)        | 5         | 5          | 5           | 5      | 5            | 5      |
| read-only disk (tmpfs, ro)   | 5         | 5          | 5           | 5      | 5            | 5      |
| full disk (tmpfs, filled)    | 5         | 5          | 5           | 5      | 5            | 5      |

A full disk stops even the reading commands: SQLite must create its -wal file to open a WAL
database, so they too say 存储空间已满 (5) rather than show a partial picture.
"""

from __future__ import annotations

import os
import sqlite3

import pytest

from sync.store import Store
from tests.sync.helpers import sample_payload
from tests.sync.station_faults import (
    Station,
    can_mount,
    copy_db,
    fill,
    mount_tmpfs,
    plain,
    put_back,
    remount_ro,
    truncate_db,
    unmount,
)

COMMANDS = ("queue add", "queue list", "sync --once", "status", "audit verify", "backup")
MATRIX: dict[str, tuple[tuple[int, ...], str]] = {
    # fault: (exit codes in COMMANDS order, a word every failing command's sentence carries)
    "emptied": ((5, 5, 5, 5, 1, 5), "清空"),
    "rolled_back": ((5, 5, 5, 5, 1, 5), "旧的数据库"),
    "ledger_deleted": ((5, 5, 5, 5, 1, 5), "账本"),
    "keys_deleted": ((5, 5, 5, 5, 5, 5), "不会生成新密钥"),
    "keys_open": ((5, 5, 5, 5, 5, 5), "chmod 700"),
    "damaged_page": ((5, 5, 5, 5, 5, 5), "损坏"),
    "read_only": ((5, 5, 5, 5, 5, 5), "只读"),
    "full": ((5, 5, 5, 5, 5, 5), "存储空间已满"),
}
NETWORK_WORDS = ("平台暂时无法送达", "联网后自动发送", "网络")
PASSPHRASE = "县级运维保管的恢复口令"


def _seed(station: Station) -> None:
    """Two queued applications with a photo, a station enrolled at a platform nobody serves."""
    store = Store.open(station.data, station.keys)
    store.set_setting("station_id", "210102-0001")
    store.set_setting("platform_url", "http://127.0.0.1:9/api/v1")
    photo = store.put_attachment(os.urandom(4000))
    for n in range(2):
        store.submit(sample_payload(str(n), attachments=[photo]))
    store.close()


def _damage_outbox(station: Station) -> None:
    conn = sqlite3.connect(station.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='outbox'").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(station.db, "r+b") as f:
        f.seek((root - 1) * size)
        f.write(os.urandom(size))


def _run(station: Station, command: str, stick) -> object:
    dirs = station.dirs()
    if command == "queue add":
        return station.add(5)
    if command == "queue list":
        return station.run("queue", "list", *dirs)
    if command == "sync --once":
        return station.run("sync", "--once", "--timeout", "2", *dirs)
    if command == "status":
        return station.run("status", "--port", "9", "--timeout", "0.5", *dirs)
    if command == "audit verify":
        return station.run("audit", "verify", *dirs)
    secret = stick / "passphrase.txt"
    return station.run("backup", "--to", str(stick), "--passphrase-file", str(secret), *dirs)


@pytest.mark.parametrize("fault", list(MATRIX))
def test_fault_matrix(tmp_path, fault):
    mounted = fault in ("read_only", "full")
    root = tmp_path / "disk"
    if mounted and (not can_mount() or not mount_tmpfs(root, "3m")):
        pytest.skip("需要 root 才能挂载 tmpfs（只读盘、满盘两行）")
    try:
        if not mounted:
            root.mkdir()
        station = Station(root, inputs=tmp_path / "inputs")
        stick = tmp_path / "usb"
        stick.mkdir()
        (stick / "passphrase.txt").write_text(PASSPHRASE, encoding="utf-8")
        _seed(station)
        if fault == "emptied":
            truncate_db(station)
        elif fault == "rolled_back":
            copy_db(station, tmp_path / "old.db")
            store = Store.open(station.data, station.keys)
            store.submit(sample_payload("later"))
            store.close()
            put_back(station, tmp_path / "old.db")
        elif fault == "ledger_deleted":
            (station.keys / "ledger.json").unlink()
        elif fault == "keys_deleted":
            import shutil

            shutil.rmtree(station.keys)
        elif fault == "keys_open":
            os.chmod(station.keys, 0o777)
        elif fault == "damaged_page":
            _damage_outbox(station)
        elif fault == "read_only":
            remount_ro(root)
        elif fault == "full":
            fill(root)
        codes, word = MATRIX[fault]
        outcome = []
        for command, expected in zip(COMMANDS, codes, strict=True):
            result = _run(station, command, stick)
            outcome.append(result.returncode)
            detail = (fault, command, result.returncode, result.stdout[-300:], result.stderr[-600:])
            assert result.returncode == expected, detail
            assert "Traceback" not in result.stderr, detail
            assert plain(result) and word in result.stderr, detail
            assert not any(w in result.stderr for w in NETWORK_WORDS), detail
        assert tuple(outcome) == codes
    finally:
        if mounted:
            unmount(root)
