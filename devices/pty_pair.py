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
import select
import threading
import time
import tty
from pathlib import Path
from typing import Self


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


class PtyDevice:
    """A simulated serial device: a pty pair, the thread that serves it, unplug and replug.

    The reader and printer simulators differ only in what they answer; subclasses implement
    `_received(master, data)` and, where they keep state per connection, `_line_changed()` and
    `_replugged()`. `path` is what the host opens (the stable symlink when one was asked for).
    """

    THREAD_NAME = "pty device"
    READ_SIZE = 4096

    def __init__(self, link_path: str | os.PathLike[str] | None = None) -> None:
        self._link_path = Path(link_path) if link_path else None
        self._lock = threading.Lock()
        self._master: int | None = None
        self._slave: int | None = None
        self._tty_name = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        """The port to open: the stable symlink if one was asked for, else the pty's own name."""
        return str(self._link_path) if self._link_path else self._tty_name

    @property
    def plugged(self) -> bool:
        return self._master is not None

    def start(self) -> str:
        self._open_pty()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name=self.THREAD_NAME, daemon=True)
        self._thread.start()
        return self.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._close_pty()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def unplug(self) -> None:
        """Like pulling the USB-serial adapter: the tty vanishes, the host's next I/O fails."""
        with self._lock:
            self._close_pty()

    def replug(self) -> None:
        """A new pty appears behind the same symlink path."""
        with self._lock:
            if self._master is None:
                self._open_pty()
                self._replugged()

    # -- for subclasses ----------------------------------------------------------------------------

    def _received(self, master: int, data: bytes) -> None:
        raise NotImplementedError

    def _line_changed(self) -> None:
        """Plugged, unplugged or replugged: bytes half-received on the old line are gone."""

    def _replugged(self) -> None:
        """Called under the lock after a replug: the device lost power with its adapter."""

    # -- internals ---------------------------------------------------------------------------------

    def _open_pty(self) -> None:
        self._master, self._slave, self._tty_name = open_pty(self._link_path)

    def _close_pty(self) -> None:
        fds = (self._master, self._slave)
        self._master = self._slave = None  # "unplugged" is visible before the host can notice
        close_pty(fds, self._link_path)

    def _serve(self) -> None:
        current = None
        while not self._stop.is_set():
            master = self._master
            if master is not current:
                current = master
                self._line_changed()
            if master is None:
                time.sleep(0.01)
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(master, self.READ_SIZE)
            except (OSError, ValueError):  # closed by unplug() in between, or no slave open yet
                time.sleep(0.005)
                continue
            if data:
                self._received(master, data)
