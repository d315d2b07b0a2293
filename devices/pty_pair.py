"""A pseudo-terminal pair standing in for a serial device, shared by the device simulators.

Why a pty: the simulated reader and printer must be reached through a real serial port, so the
same driver code (pyserial, timeouts, partial reads) runs against them and against hardware. The
host opens the slave side by its name (or by a stable symlink, as udev gives `/dev/idcard` on a
station); the simulator reads and writes the master side. Closing both ends is how a simulator
"unplugs" the device.
"""

from __future__ import annotations

import contextlib
import os
import tty
from pathlib import Path


def open_pty(link_path: Path | None = None) -> tuple[int, int, str]:
    """Open a raw pty pair: (master fd, slave fd, slave name); `link_path` is pointed at the slave.

    Raw mode: no echo, no CR/LF translation — a byte is a byte, as on a serial line. The master is
    non-blocking so a simulator's loop can poll it with select. The symlink is replaced atomically
    so a host watching it never sees it missing while the device is plugged in.
    """
    master, slave = os.openpty()
    tty.setraw(slave)
    os.set_blocking(master, False)
    name = os.ttyname(slave)
    if link_path is not None:
        tmp = link_path.with_name(link_path.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(name)
        tmp.replace(link_path)
    return master, slave, name


def close_pty(fds: tuple[int | None, int | None], link_path: Path | None = None) -> None:
    """Unplug: remove the stable name first (as udev does), then close both ends (errors ignored)."""
    if link_path is not None:
        with contextlib.suppress(FileNotFoundError):
            link_path.unlink()
    for fd in fds:
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
