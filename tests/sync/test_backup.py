"""Backup of a station to one encrypted file, and its restore on a "new PC" (other directories):
the restored station delivers what was queued exactly once. Real files, the real command line, a
real reference platform on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from kiosk.station.backup import BackupError, backup_to, restore, set_recovery_passphrase
from sync.store import Store
from tests.sync.helpers import PERSON_ID, PERSON_NAME
from tests.sync.station_faults import Station, plain

PASSPHRASE = "南湖驿站 2026 恢复口令"


@pytest.fixture
def enrolled(tmp_path, platform) -> Station:
    station = Station(tmp_path / "old-pc")
    station.root.mkdir()
    done = station.run("enroll", "--platform-url", platform.url, "--station-id", "210102-0001",
                       "--code", platform.service.new_enrollment_code(), *station.dirs())
    assert done.returncode == 0, done.stderr
    return station


def test_backup_and_restore_on_a_new_pc_delivers_each_application_once(enrolled, platform, tmp_path):
    station = enrolled
    station.queue(2)
    assert station.run("sync", "--once", *station.dirs()).returncode == 0       # 2 delivered
    queued = station.queue(3)                                                  # 3 waiting
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    stick = tmp_path / "usb"
    stick.mkdir()
    made = station.run("backup", "--to", str(stick), "--passphrase-file", str(secret), *station.dirs())
    assert made.returncode == 0, made.stderr
    [file] = stick.glob("*.kbak")
    blob = file.read_bytes()
    for text in (PERSON_NAME, PERSON_ID, "13900000000", "newborn", "210102-0001"):
        for encoding in ("utf-8", "utf-16-le", "gbk"):
            assert text.encode(encoding) not in blob, (text, encoding)
    # the old PC delivers its queue after the backup, then dies
    assert station.run("sync", "--once", *station.dirs()).returncode == 0
    assert len(platform.service.submissions()) == 5

    new = Station(tmp_path / "new-pc")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("不是这个口令不是这个口令\n", encoding="utf-8")
    refused = new.run("restore", str(file), "--passphrase-file", str(wrong), *new.dirs())
    assert refused.returncode == 2 and "恢复口令不对" in refused.stderr and plain(refused)
    assert not new.data.exists() or not any(new.data.iterdir())
    done = new.run("restore", str(file), "--passphrase-file", str(secret), *new.dirs())
    assert done.returncode == 0, done.stderr
    listed = new.run("queue", "list", "--json", *new.dirs())
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["local_reference"] for r in rows if r["state"] == "queued"] == queued
    assert all(r["applicant_name"] not in (None, "（无法解密）") for r in rows)
    synced = new.run("sync", "--once", *new.dirs())
    assert synced.returncode == 0, synced.stderr
    received = platform.service.submissions()
    assert len(received) == 5 and len({r["submission_id"] for r in received}) == 5
    assert new.run("audit", "verify", *new.dirs()).returncode == 0
    # a new application on the restored station never reuses a reference the old PC printed
    fresh = new.add(99)
    assert fresh.returncode == 0 and fresh.stdout.strip() not in queued
    # restoring over a station is refused
    again = new.run("restore", str(file), "--passphrase-file", str(secret), *new.dirs())
    assert again.returncode == 2 and "不是空的" in again.stderr


def test_a_truncated_or_altered_backup_is_refused(tmp_path):
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    store.put_attachment(b"x" * 3_000_000)       # several records
    result = backup_to(tmp_path, store, tmp_path / "keys", PASSPHRASE)
    store.close()
    blob = result.path.read_bytes()
    cut = tmp_path / "cut.kbak"
    cut.write_bytes(blob[: len(blob) * 2 // 3])
    with pytest.raises(BackupError, match="不完整") as caught:
        restore(cut, PASSPHRASE, tmp_path / "d1", tmp_path / "k1")
    assert caught.value.code == 5
    altered = bytearray(blob)
    altered[len(blob) // 2] ^= 1
    (tmp_path / "altered.kbak").write_bytes(bytes(altered))
    with pytest.raises(BackupError, match="损坏"):
        restore(tmp_path / "altered.kbak", PASSPHRASE, tmp_path / "d2", tmp_path / "k2")
    assert not (tmp_path / "k2" / "station.key").exists()


def test_the_staff_button_uses_the_provisioned_passphrase(tmp_path):
    """The API the staff screen calls: backup_to(folder, store, key_dir) with no passphrase."""
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    with pytest.raises(BackupError, match="set-recovery"):
        backup_to(tmp_path, store, tmp_path / "keys")
    with pytest.raises(BackupError, match="至少"):
        set_recovery_passphrase(tmp_path / "keys", "short")
    set_recovery_passphrase(tmp_path / "keys", PASSPHRASE)
    assert PASSPHRASE.encode() not in (tmp_path / "keys" / "recovery.json").read_bytes()
    result = backup_to(tmp_path, store, tmp_path / "keys")
    store.close()
    assert result.size_bytes == result.path.stat().st_size and result.seconds >= 0
    manifest = restore(result.path, PASSPHRASE, tmp_path / "d", tmp_path / "k")
    assert manifest["store_id"] and (tmp_path / "k" / "recovery.json").exists()
