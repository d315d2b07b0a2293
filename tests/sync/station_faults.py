"""Real storage faults on a real station's files, shared by test_integrity.py and test_fault_matrix.py.

Each fault is done to the files as a technician, a power cut or a broken disk would: `truncate`,
copying an older database back, deleting the key directory, random bytes written into the
database, a read-only or full file system (a real tmpfs, as root), editing SQLite rows by hand.
Commands run as the station runs them: `main.py …` in a child process.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.sync.helpers import PYTHON, REPO

ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_PROXY": "*"}


@dataclass
class Station:
    """A station's data and key directories under `root`, driven through `main.py`."""

    root: Path
    data_name: str = "data"
    key_name: str = "keys"
    inputs: Path | None = None          # where answers files and photos go (not on a faulty disk)

    @property
    def data(self) -> Path:
        return self.root / self.data_name

    @property
    def keys(self) -> Path:
        return self.root / self.key_name

    @property
    def db(self) -> Path:
        return self.data / "kiosk.db"

    def dirs(self) -> list[str]:
        return ["--data-dir", str(self.data), "--key-dir", str(self.keys)]

    def run(self, *args: str, timeout: float = 120, env: dict | None = None,
            prefix: list[str] | None = None) -> subprocess.CompletedProcess:
        argv = [*(prefix or [PYTHON]), str(REPO / "main.py"), *args]
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=REPO,
                              env=env or ENV)

    def answers(self, n: int) -> Path:
        from forms.examples import example

        doc = example("newborn", 0)
        doc["answers"]["applicant_phone"] = f"139{n:08d}"
        folder = self.inputs or self.root
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"answers-{n}.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return path

    def add(self, n: int) -> subprocess.CompletedProcess:
        answers = self.answers(n)
        photo = (self.inputs or self.root) / "photo.jpg"
        if not photo.exists():
            photo.write_bytes(os.urandom(20_000))
        return self.run("queue", "add", "--bundle", "newborn", "--answers", str(answers),
                        "--attach", f"baby_photo={photo}", *self.dirs())

    def queue(self, count: int) -> list[str]:
        """`count` applications through `queue add`; their provisional references."""
        refs = []
        for n in range(count):
            done = self.add(n)
            assert done.returncode == 0, done.stderr
            refs.append(done.stdout.strip())
        return refs

    def sql(self, *statements: str) -> None:
        """Edit the database by hand, as someone with a SQLite shell would."""
        conn = sqlite3.connect(self.db)
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()


def plain(result: subprocess.CompletedProcess) -> bool:
    """One plain Chinese sentence, never a traceback or an English error."""
    text = result.stderr
    return ("Traceback" not in text and "Errno" not in text and "Error" not in text
            and "ERROR" not in text and "WARNING" not in text
            and "sqlite" not in text.lower() and any("\u4e00" <= ch <= "\u9fff" for ch in text))


# ---------------------------------------------------------------------- the faults
def truncate_db(station: Station) -> None:
    """`truncate -s 0 kiosk.db` (what a careless clean-up or a broken copy leaves)."""
    for suffix in ("-wal", "-shm"):
        Path(str(station.db) + suffix).unlink(missing_ok=True)
    os.truncate(station.db, 0)


def copy_db(station: Station, to: Path) -> None:
    """A consistent copy of the database as a backup tool would take it (with its WAL applied)."""
    src = sqlite3.connect(station.db)
    dst = sqlite3.connect(to)
    src.backup(dst)
    dst.close()
    src.close()


def put_back(station: Station, copy: Path) -> None:
    """An older database put back over the current one."""
    for suffix in ("-wal", "-shm"):
        Path(str(station.db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(copy, station.db)


def scribble(station: Station, size: int = 8192) -> None:
    """`size` random bytes written into the middle of the database file (a failing disk)."""
    conn = sqlite3.connect(station.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    length = station.db.stat().st_size
    with open(station.db, "r+b") as f:
        f.seek(max(4096, length // 2 - size // 2))
        f.write(os.urandom(size))
        f.flush()
        os.fsync(f.fileno())


def recompute_chain(station: Station, edit_seq: int, detail: str) -> None:
    """Edit one audit row and recompute every hash after it (the unkeyed chain's weakness)."""
    import hashlib

    conn = sqlite3.connect(station.db)
    conn.execute("UPDATE audit SET detail=? WHERE seq=?", (detail, edit_seq))
    prev = "0" * 64
    rows = conn.execute("SELECT seq, at, event, detail FROM audit ORDER BY seq").fetchall()
    for seq, at, event, text in rows:
        digest = hashlib.sha256(f"{prev}|{at:.6f}|{event}|{text}".encode()).hexdigest()
        conn.execute("UPDATE audit SET prev_hash=?, hash=? WHERE seq=?", (prev, digest, seq))
        prev = digest
    conn.commit()
    conn.close()


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


def mount_tmpfs(point: Path, size: str = "4m") -> bool:
    point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(point)],
                          capture_output=True)
    return done.returncode == 0


def remount_ro(point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True, capture_output=True)


def unmount(point: Path) -> None:
    subprocess.run(["umount", "-l", str(point)], check=False, capture_output=True)


def fill(point: Path) -> None:
    """Fill a file system to the last byte (the writes of the next command fail with ENOSPC)."""
    for name, block in (("filler", 65536), ("filler-small", 512)):
        fd = os.open(point / name, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * block)
        except OSError:
            pass
        finally:
            os.close(fd)
