"""Issue 15, integrity half: silent loss or rewrite, and storage faults reported as something else.

Each test is one case of the issue, on real files through the real command line; each failed on
the code before the ledger (sync/integrity.py) and the storage/network split (sync/worker.py)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import time

import pytest

from kiosk.station.health import HealthReport, HealthServer
from sync.store import KeyMismatch, LedgerMismatch, Store
from tests.sync.helpers import PYTHON, REPO, enrolled_store, sample_payload
from tests.sync.station_faults import (
    ENV,
    Station,
    copy_db,
    fill,
    mount_tmpfs,
    plain,
    put_back,
    recompute_chain,
    remount_ro,
    scribble,
    truncate_db,
    unmount,
)


@pytest.fixture
def station(tmp_path) -> Station:
    return Station(tmp_path)


# ---------------------------------------------------------------------- silent loss or rewrite
def test_an_emptied_database_stops_every_command_instead_of_an_empty_queue(station):
    station.queue(4)
    truncate_db(station)
    listed = station.run("queue", "list", *station.dirs())
    assert listed.returncode == 5 and "队列为空" not in listed.stdout
    assert "清空" in listed.stderr and "installer/README.md" in listed.stderr and plain(listed)
    verify = station.run("audit", "verify", *station.dirs())
    assert verify.returncode == 1 and "清空" in verify.stderr and "完整" not in verify.stdout
    status = station.run("status", "--port", "1", *station.dirs())
    assert status.returncode == 5 and plain(status)
    assert station.db.stat().st_size == 0          # nothing was written over the evidence


def test_a_database_from_another_day_put_back_is_refused(station, tmp_path):
    station.queue(1)
    old = tmp_path / "yesterday.db"
    copy_db(station, old)
    station.queue(3)[-1]                           # three more today
    put_back(station, old)
    listed = station.run("queue", "list", *station.dirs())
    assert listed.returncode == 5 and "旧的数据库" in listed.stderr and plain(listed)
    assert station.run("audit", "verify", *station.dirs()).returncode == 1
    added = station.add(9)
    assert added.returncode == 5 and added.stdout == ""    # nothing is queued on top of it


def test_another_stations_database_is_refused(station, tmp_path):
    station.queue(1)
    other = Station(tmp_path / "other")
    other.root.mkdir()
    other.queue(1)
    put_back(station, other.db)
    listed = station.run("queue", "list", *station.dirs())
    assert listed.returncode == 5 and plain(listed)
    assert "另一台终端" in listed.stderr                # its key does not open this database


def test_deleting_the_key_dir_never_makes_new_keys_over_the_data(station):
    refs = station.queue(2)
    shutil.rmtree(station.keys)
    for args in (("queue", "list"), ("status", "--port", "1"), ("sync", "--once")):
        result = station.run(*args, *station.dirs())
        assert result.returncode == 5, (args, result.stdout, result.stderr)
        assert "不会生成新密钥" in result.stderr and plain(result)
    added = station.add(7)
    assert added.returncode == 5 and added.stdout == ""
    assert not (station.keys / "station.key").exists()
    # the technician puts the key directory back: everything is there, readable
    assert refs


def test_keys_put_back_from_a_backup_open_the_data_again(station, tmp_path):
    """The recovery path: a key directory restored from its copy, with the matching (newer) DB.
    The copy's ledger is older than the database (it was taken before two commits): that is the
    normal "database ahead of the ledger" case, sealed forward, not a rollback."""
    station.queue(1)
    saved = tmp_path / "keys-copy"
    shutil.copytree(station.keys, saved)
    refs = station.queue(2)
    shutil.rmtree(station.keys)
    shutil.copytree(saved, station.keys)
    listed = station.run("queue", "list", "--json", *station.dirs())
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["local_reference"] for r in rows][-2:] == refs
    assert all(r["applicant_name"] != "（无法解密）" for r in rows)
    assert station.run("audit", "verify", *station.dirs()).returncode == 0


def test_a_key_dir_open_to_others_is_refused(station):
    station.queue(1)
    os.chmod(station.keys, 0o777)
    listed = station.run("queue", "list", *station.dirs())
    assert listed.returncode == 5 and "chmod 700" in listed.stderr and plain(listed)
    os.chmod(station.keys, 0o700)
    assert station.run("queue", "list", *station.dirs()).returncode == 0


@pytest.mark.parametrize("tamper", ["tail", "all", "recompute"])
def test_audit_verify_catches_a_cut_emptied_or_recomputed_chain(station, tamper):
    station.queue(3)
    count = int(__import__("sqlite3").connect(station.db).execute("SELECT COUNT(*) FROM audit").fetchone()[0])
    if tamper == "tail":
        station.sql("DELETE FROM audit WHERE seq > (SELECT MAX(seq) - 2 FROM audit)")
    elif tamper == "all":
        station.sql("DELETE FROM audit")
    else:
        recompute_chain(station, 2, '{"local_reference":"FAKE-0000"}')
    verify = station.run("audit", "verify", *station.dirs())
    assert verify.returncode == 1, verify.stdout + verify.stderr
    assert "完整" not in verify.stdout and plain(verify)
    assert count >= 4


def test_a_commit_whose_ledger_write_was_lost_is_not_a_rollback(tmp_path):
    """kill -9 between the database commit and the ledger write leaves the database ahead of
    the ledger: reopening seals it forward. (The crash trials do this for real; here the ledger
    of before the commit is put back to make the moment exact.)"""
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    store.submit(sample_payload("1"))
    before = (tmp_path / "keys" / "ledger.json").read_bytes()
    store.submit(sample_payload("2"))
    head = store.audit_head()
    store._conn.close()                             # noqa: SLF001 - like a killed process: no seal on close
    (tmp_path / "keys" / "ledger.json").write_bytes(before)
    again = Store.open(tmp_path / "data", tmp_path / "keys")
    assert again.audit_head() == head and len(again.outbox_rows()) == 2
    assert json.loads((tmp_path / "keys" / "ledger.json").read_text())["seq"] == head.seq
    again.close()


def test_the_ledger_is_signed(tmp_path):
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    store.submit(sample_payload())
    store.close()
    ledger = tmp_path / "keys" / "ledger.json"
    doc = json.loads(ledger.read_text())
    assert stat.S_IMODE(ledger.stat().st_mode) == 0o600
    doc["seq"] = 1                                 # claim a shorter chain, to hide a deleted tail
    ledger.write_text(json.dumps(doc))
    with pytest.raises(LedgerMismatch, match="签名"):
        Store.open(tmp_path / "data", tmp_path / "keys")
    ledger.unlink()
    with pytest.raises(LedgerMismatch, match="缺少账本"):
        Store.open(tmp_path / "data", tmp_path / "keys")


def test_another_stations_key_dir_is_refused(tmp_path):
    Store.open(tmp_path / "a", tmp_path / "a-keys").close()
    b = Store.open(tmp_path / "b", tmp_path / "b-keys")
    b.submit(sample_payload())
    b.close()
    with pytest.raises(KeyMismatch, match="另一台终端"):
        Store.open(tmp_path / "b", tmp_path / "a-keys")


# ---------------------------------------------------------------------- one worker per data dir
def test_two_sync_forever_on_one_data_dir_send_each_row_once(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    for n in range(3):
        store.submit(sample_payload(str(n)))
    data = store.data_dir
    store.close()
    dirs = ["--data-dir", str(data), "--key-dir", str(keys)]
    argv = [PYTHON, str(REPO / "main.py"), "sync", "--forever", "--poll", "0.2", *dirs]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, text=True)
    try:
        for _ in range(200):                       # the first holds the lock once it delivered
            if len(platform.service.submissions()) == 3:
                break
            time.sleep(0.1)
        second = subprocess.run(argv, capture_output=True, text=True, env=ENV, timeout=60)
        assert second.returncode == 6, second.stderr
        assert "已有一个发送程序在运行" in second.stderr and f"进程 {first.pid}" in second.stderr
        once = subprocess.run([*argv[:3], "--once", *dirs], capture_output=True, text=True, env=ENV,
                              timeout=60)
        assert once.returncode == 6 and plain(once)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    rows = platform.service.submissions()
    assert len(rows) == 3 and all(r["times_received"] == 1 for r in rows)
    # the lock dies with its holder (kill -9): the next worker takes it
    after = subprocess.run([*argv[:3], "--once", *dirs], capture_output=True, text=True, env=ENV, timeout=60)
    assert after.returncode == 0, after.stderr


# ---------------------------------------------------------------------- storage faults as such
def test_random_bytes_in_the_database_are_a_storage_fault_not_a_network_one(tmp_path, platform):
    store, keys = enrolled_store(tmp_path, platform)
    for n in range(40):                            # enough pages that the middle holds rows
        store.submit(sample_payload(str(n)))
    store.close()
    station = Station(tmp_path, "kiosk-data", "kiosk-keys")
    dirs = station.dirs()
    scribble(station)
    status = station.run("status", "--port", "1", *dirs)
    assert status.returncode == 5 and "损坏" in status.stderr and plain(status), status.stdout
    synced = station.run("sync", "--once", *dirs)
    assert synced.returncode == 5, synced.stderr
    assert "联网后自动发送" not in synced.stderr and "平台暂时无法送达" not in synced.stderr
    assert plain(synced)


def test_a_full_disk_during_sync_exits_5_with_one_sentence(tmp_path, platform):
    from tests.sync.station_faults import can_mount

    if not can_mount() or not mount_tmpfs(tmp_path / "small", "3m"):
        pytest.skip("需要 root 才能挂载小容量 tmpfs")
    try:
        store, keys = enrolled_store(tmp_path / "small", platform)
        for n in range(4):
            store.submit(sample_payload(str(n)))
        data = store.data_dir
        store.close()
        # a reader keeps the database's -wal and -shm files in place (as the running kiosk does),
        # so the sync opens it and the disk runs out during its delivery pass, not before
        import sqlite3

        reader = sqlite3.connect(data / "kiosk.db")
        reader.execute("SELECT COUNT(*) FROM outbox").fetchone()
        fill(tmp_path / "small")
        try:
            synced = Station(tmp_path).run("sync", "--once", "--data-dir", str(data), "--key-dir", str(keys))
        finally:
            reader.close()
        assert len(platform.service.submissions()) <= 4
        assert synced.returncode == 5, synced.stderr
        assert "存储空间已满" in synced.stderr and "。。" not in synced.stderr and plain(synced)
        assert "联网后自动发送" not in synced.stderr
    finally:
        unmount(tmp_path / "small")


@pytest.mark.parametrize("command", ["demo", "kiosk"])
def test_a_read_only_data_dir_stops_demo_and_kiosk_with_a_sentence(tmp_path, command):
    from tests.sync.station_faults import can_mount

    disk = tmp_path / "disk"
    if not can_mount() or not mount_tmpfs(disk):
        pytest.skip("需要 root 才能挂载 tmpfs")
    try:
        data, keys = disk / "data", disk / "data-keys"     # the demo's key dir is <data>-keys
        Store.open(data, keys).close()
        remount_ro(disk)
        args = ["demo", "--data-dir", str(data), "--exit-after", "5"] if command == "demo" else \
            ["kiosk", "--exit-after", "5"]
        env = dict(ENV, QT_QPA_PLATFORM="offscreen")
        if command == "kiosk":
            config = tmp_path / "station.toml"
            config.write_text(f'[paths]\ndata_dir = "{data}"\nkey_dir = "{keys}"\n', encoding="utf-8")
            args += ["--config", str(config)]
        result = Station(tmp_path).run(*args, env=env)
        assert result.returncode == 5, result.stderr
        assert "只读" in result.stderr and "Traceback" not in result.stderr and "Errno" not in result.stderr
    finally:
        unmount(disk)


def test_status_never_shows_the_devices_of_another_kiosk_on_the_port(tmp_path):
    Store.open(tmp_path / "mine", tmp_path / "mine-keys").close()
    other = Store.open(tmp_path / "other", tmp_path / "other-keys")
    report = HealthReport(lambda: {"devices": {"id_reader": {"state": "ok"},
                                               "receipt_printer": {"state": "ok"}}},
                          version="0.1.0", station_id="210102-0002", data_dir=tmp_path / "other")
    server = HealthServer(report).start()
    try:
        result = Station(tmp_path).run("status", "--json", "--port", str(server.port),
                                       "--data-dir", str(tmp_path / "mine"),
                                       "--key-dir", str(tmp_path / "mine-keys"))
    finally:
        server.stop()
        other.close()
    doc = json.loads(result.stdout)
    assert result.returncode == 1
    assert {d["state"] for d in doc["devices"].values()} == {"unknown"}
    assert str(tmp_path / "other") in doc["devices"]["id_reader"]["message"]
    assert doc["data_dir"] == str((tmp_path / "mine").resolve())


def test_a_storage_error_in_the_worker_has_its_own_field(tmp_path, platform):
    from sync import enrollment
    from sync.worker import DeliveryWorker

    store, keys = enrolled_store(tmp_path, platform)
    store.submit(sample_payload())
    seen = []
    worker = DeliveryWorker(store, enrollment.make_client(store, keys), on_status=seen.append)
    store._conn.execute("DROP TABLE outbox")       # noqa: SLF001 - the table is gone from under it
    report = worker.run_once(force=True)
    assert report.storage_error and not report.offline and report.error is None
    assert seen[-1].storage_error and seen[-1].online and seen[-1].last_error is None
