"""The one durable, atomic file write of the station: temporary file, fsync, rename, fsync the folder.

Why one helper: a power cut in a village is routine. A file written in place can be left half
written; a renamed file whose folder entry was never flushed can vanish after the reboot. Every
file the kiosk must find whole again (keys, the integrity ledger, attachments, export and backup
files) goes through `write_atomic`, so the rule is written once. The temporary name is unique per
writer (pid and a random part), so two processes writing the same path never truncate each
other's temporary file; a crash leaves at most a `.*.tmp` file that the next write ignores.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in `folder` survive a power cut (a no-op where folders cannot
    be opened, i.e. Windows, whose NTFS journals the rename itself)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path: Path | str, mode: int = 0o600) -> Iterator[BinaryIO]:
    """A binary file object whose content appears at `path` whole, or not at all: on leaving the
    block it is fsynced and renamed into place (and its folder fsynced); on an exception the
    temporary file is removed and nothing appears. For files written piece by piece (a backup)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), mode)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb", closefd=True) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path | str, data: bytes | Iterable[bytes], mode: int = 0o600) -> None:
    """Write `data` (bytes, or an iterable of chunks for large files) to `path`: whole or not at all.

    The file is created with `mode` whatever the umask. OSError comes through unchanged (the
    caller words it: a full disk, a read-only disk); the temporary file is removed first."""
    with atomic_file(path, mode) as handle:
        for chunk in [data] if isinstance(data, bytes | bytearray | memoryview) else data:
            handle.write(chunk)


def fsync_file(path: Path | str) -> None:
    """fsync an existing file by name (e.g. SQLite's -wal file after commits made with
    synchronous=NORMAL), so what it holds is on the disk before something else records it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
