"""Telling systemd how the kiosk is doing: the sd_notify protocol, and a watchdog fed by the UI.

Why it matters: a station runs unattended at night. If the screen freezes (a deadlock, a QML
loop, a stuck driver call on the GUI thread), nobody is there to notice. systemd restarts the
service when the pings stop, so the pings must come from the GUI thread itself: a QTimer that
fires only while the Qt event loop is turning. A worker thread pinging would keep a frozen
screen alive forever.

Why hand-written rather than a library: the protocol is one Unix datagram of `KEY=value` lines
sent to the socket named in $NOTIFY_SOCKET (a path, or an abstract socket when it starts with
'@'), see sd_notify(3). `sdnotify` (PyPI, last release 2017) sends such datagrams but leaves
WATCHDOG_USEC/WATCHDOG_PID to the caller; `systemd-python` needs libsystemd's headers and a
compiler to install, which UOS/Kylin stations and Windows do not have. What is needed beyond the
datagram is the interval and the PID rule, a dozen lines.

Without $NOTIFY_SOCKET (demo, tests, Windows, started by hand) every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class SystemdNotifier:
    """Sends sd_notify messages; silent when not started by systemd.

    `environ` is read once (defaults to os.environ). WATCHDOG_USEC is honoured only when
    WATCHDOG_PID is absent or names this process, as sd_watchdog_enabled(3) does, so a child
    process that inherited the variables never pings on its parent's behalf.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self._address = _socket_address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_usec = _watchdog_usec(env)
        self._socket: socket.socket | None = None
        self._failed = False

    @property
    def enabled(self) -> bool:
        """True when systemd is listening (the service has NOTIFY_SOCKET)."""
        return self._address is not None

    @property
    def watchdog_interval_s(self) -> float | None:
        """How often to ping: half the WatchdogSec= systemd gave us, as sd_watchdog_enabled advises.
        None when the unit has no watchdog."""
        if self.watchdog_usec is None or not self.enabled:
            return None
        return self.watchdog_usec / 2 / 1_000_000

    def notify(self, **fields: str | int) -> bool:
        """Send one message, e.g. notify(READY=1, STATUS="…"). Returns whether it was sent.

        Failures are logged once and never raised: losing contact with systemd must not take the
        kiosk down (the watchdog then restarts it, which is the honest outcome)."""
        if self._address is None:
            return False
        message = "\n".join(f"{key}={value}" for key, value in fields.items()).encode("utf-8")
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._socket.sendto(message, self._address)
        except OSError as exc:
            if not self._failed:
                log.warning("cannot notify systemd at %r: %s", self._address, exc)
                self._failed = True
            return False
        self._failed = False
        return True

    def ready(self, status: str = "") -> bool:
        """The kiosk is up and showing its first screen; systemd may consider the start done."""
        return self.notify(READY=1, **({"STATUS": status} if status else {}))

    def status(self, text: str) -> bool:
        """A one-line state shown by `systemctl status` (no personal data: it is world readable)."""
        return self.notify(STATUS=text.replace("\n", " "))

    def watchdog(self) -> bool:
        """One ping: 'the GUI thread is alive'."""
        return self.notify(WATCHDOG=1)

    def stopping(self, status: str = "") -> bool:
        """We are shutting down on purpose; systemd should not count it as a hang."""
        return self.notify(STOPPING=1, **({"STATUS": status} if status else {}))

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def _socket_address(value: str) -> str | bytes | None:
    if not value:
        return None
    if value.startswith("@"):
        return b"\0" + value[1:].encode("utf-8")  # the Linux abstract namespace
    if value.startswith("/"):
        return value
    log.warning("NOTIFY_SOCKET %r is neither a path nor an abstract socket; not notifying", value)
    return None


def _watchdog_usec(env: Mapping[str, str]) -> int | None:
    raw = env.get("WATCHDOG_USEC", "")
    if not raw:
        return None
    pid = env.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(raw)
    except ValueError:
        log.warning("WATCHDOG_USEC %r is not a number; watchdog off", raw)
        return None
    return usec if usec > 0 else None
