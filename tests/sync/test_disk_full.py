"""A full disk: a clear Chinese error, nothing half-written, and the kiosk keeps running.

Two ways to fill the disk, both at the operating-system level:
- a real, tiny tmpfs file system (needs root and mount; skipped where that is not allowed), so the
  writes fail with ENOSPC exactly as on a full SSD;
- everywhere: a child process with RLIMIT_FSIZE, in which writes past the limit fail with EFBIG
  (the kernel's "file too large"). This is an honest stand-in for a full disk at the system-call
  level, not a mock: SQLite and our file writes see a failing write(2)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import textwrap

import pytest

from sync.store import StorageFullError, Store
from tests.sync.helpers import PYTHON, REPO, sample_payload


def _check_consistent(data_dir, acknowledged: list[str]) -> None:
    conn = sqlite3.connect(data_dir / "kiosk.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    refs = [r for (r,) in conn.execute("SELECT local_reference FROM submissions ORDER BY rowid")]
    assert refs == acknowledged  # every "saved" one is there, nothing else
    orphans = conn.execute(
        "SELECT COUNT(*) FROM submissions s LEFT JOIN outbox o ON o.ref_id=s.submission_id WHERE o.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0
    for (sha,) in conn.execute("SELECT sha256 FROM submission_attachments"):
        assert (data_dir / "attachments" / f"{sha}.enc").exists()
    conn.close()
    assert not [p for p in (data_dir / "attachments").iterdir() if p.name.endswith(".tmp")]


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_fs(tmp_path):
    if not _can_mount():
        pytest.skip("需要 root 才能挂载小容量 tmpfs；RLIMIT_FSIZE 测试覆盖同一路径")
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mount_point)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip("此环境不允许挂载 tmpfs")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_full_tmpfs_refuses_cleanly_and_recovers(tmp_path, small_fs):
    filler = small_fs / "filler"
    filler.write_bytes(b"\0" * 400_000)
    store = Store.open(small_fs / "data", tmp_path / "keys")
    acknowledged = []
    with pytest.raises(StorageFullError) as caught:
        for i in range(200):
            photo = store.put_attachment(os.urandom(60_000))
            acknowledged.append(store.submit(sample_payload(str(i), attachments=[photo])).local_reference)
    assert "存储空间已满" in str(caught.value) and "已保存的申请不受影响" in str(caught.value)
    assert len(acknowledged) >= 3
    # still running: reading works, and nothing half-written
    assert [r.local_reference for r in store.outbox_rows()] == acknowledged
    assert all(store.request_body(r) for r in store.outbox_rows())
    _check_consistent(small_fs / "data", acknowledged)
    # space comes back (staff cleared something): the same kiosk process carries on
    filler.unlink()
    acknowledged.append(store.submit(sample_payload("after")).local_reference)
    store.close()
    _check_consistent(small_fs / "data", acknowledged)


def test_queue_add_on_a_full_disk_says_so_in_chinese(tmp_path):
    """The real command, in a child process whose file writes are capped (RLIMIT_FSIZE)."""
    from forms.examples import example

    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(example("newborn", 0), ensure_ascii=False), encoding="utf-8")
    first_photo = tmp_path / "photo0.jpg"
    first_photo.write_bytes(os.urandom(200_000))
    photo = tmp_path / "photo.jpg"
    data, keys = tmp_path / "data", tmp_path / "keys"
    Store.open(data, keys).close()
    base = [
        PYTHON,
        str(REPO / "main.py"),
        "queue",
        "add",
        "--bundle",
        "newborn",
        "--answers",
        str(answers),
        "--data-dir",
        str(data),
        "--key-dir",
        str(keys),
    ]
    limit = textwrap.dedent("""
        import resource, runpy, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
        sys.argv = sys.argv[2:]
        runpy.run_path(sys.argv[0], run_name="__main__")
    """)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    ok = subprocess.run(
        [PYTHON, "-c", limit, "100000000", *base[1:], "--attach", f"baby_photo={first_photo}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    acknowledged = [ok.stdout.strip()]
    # the next (different) photo does not fit: exit 5, one Chinese sentence, no traceback
    photo.write_bytes(os.urandom(200_000))
    full = subprocess.run(
        [PYTHON, "-c", limit, "150000", *base[1:], "--attach", f"baby_photo={photo}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert full.returncode == 5
    assert "存储空间已满" in full.stderr and "Traceback" not in full.stderr
    assert full.stdout == ""
    _check_consistent(data, acknowledged)
    # the database itself hitting the limit (the photo is already stored: only rows are written)
    for _ in range(30):
        small = subprocess.run(
            [PYTHON, "-c", limit, "40000", *base[1:], "--attach", f"baby_photo={first_photo}"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        if small.returncode != 0:
            break
        acknowledged.append(small.stdout.strip())
    assert small.returncode == 5 and "存储空间已满" in small.stderr and "Traceback" not in small.stderr
    _check_consistent(data, acknowledged)
    # and without the limit the kiosk carries on
    after = subprocess.run(
        [*base, "--attach", f"baby_photo={first_photo}"], capture_output=True, text=True, env=env, timeout=60
    )
    assert after.returncode == 0, after.stderr
    _check_consistent(data, [*acknowledged, after.stdout.strip()])
