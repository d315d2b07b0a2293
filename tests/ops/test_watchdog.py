"""The sd_notify protocol over a real Unix datagram socket, as systemd listens for it."""

from __future__ import annotations

import os
import socket
import time
import uuid

import pytest

from kiosk.station.watchdog import SystemdNotifier
from kiosk.ui.watchdog import start_watchdog


@pytest.fixture
def listener():
    """A datagram socket bound at a short path (sun_path holds 108 bytes), like systemd's."""
    path = os.path.join("/tmp", f"kiosk-notify-{uuid.uuid4().hex[:12]}")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    yield path, sock
    sock.close()
    os.unlink(path)


def received(sock: socket.socket) -> list[str]:
    """Everything queued on the socket now, without waiting."""
    messages = []
    sock.setblocking(False)
    try:
        while True:
            messages.append(sock.recv(4096).decode("utf-8"))
    except BlockingIOError:
        pass
    finally:
        sock.settimeout(5)
    return messages


def test_without_notify_socket_everything_is_a_quiet_no_op(qapp):
    notifier = SystemdNotifier({"WATCHDOG_USEC": "2000000"})
    assert not notifier.enabled
    assert notifier.watchdog_interval_s is None
    assert notifier.ready() is False and notifier.watchdog() is False and notifier.stopping() is False
    assert start_watchdog(notifier) is None


def test_messages_arrive_as_systemd_reads_them(listener):
    path, sock = listener
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path})
    assert notifier.ready("首页已显示")
    assert sock.recv(4096).decode() == "READY=1\nSTATUS=首页已显示"
    assert notifier.status("待发 3 件\n网络中断")
    assert sock.recv(4096).decode() == "STATUS=待发 3 件 网络中断"
    assert notifier.watchdog()
    assert sock.recv(4096) == b"WATCHDOG=1"
    assert notifier.stopping("正常退出")
    assert sock.recv(4096).decode() == "STOPPING=1\nSTATUS=正常退出"
    notifier.close()


def test_abstract_namespace_socket():
    name = f"kiosk-test-{uuid.uuid4().hex}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(5)
    try:
        notifier = SystemdNotifier({"NOTIFY_SOCKET": "@" + name})
        assert notifier.enabled
        assert notifier.ready()
        assert sock.recv(4096) == b"READY=1"
    finally:
        sock.close()


def test_watchdog_usec_is_honoured_only_for_this_process(listener):
    path, _ = listener
    mine = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000",
                            "WATCHDOG_PID": str(os.getpid())})
    assert mine.watchdog_interval_s == 15.0
    no_pid = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    assert no_pid.watchdog_interval_s == 15.0
    parents = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000",
                               "WATCHDOG_PID": str(os.getpid() + 1)})
    assert parents.watchdog_interval_s is None
    assert SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "junk"}).watchdog_interval_s is None
    assert SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "0"}).watchdog_interval_s is None


def test_a_missing_socket_is_logged_once_and_never_raises(caplog):
    notifier = SystemdNotifier({"NOTIFY_SOCKET": "/tmp/kiosk-no-such-socket-" + uuid.uuid4().hex})
    assert notifier.watchdog() is False
    assert notifier.watchdog() is False
    assert len([r for r in caplog.records if "cannot notify systemd" in r.message]) == 1
    assert SystemdNotifier({"NOTIFY_SOCKET": "relative/path"}).enabled is False


def test_pings_come_from_the_gui_event_loop_and_stop_when_it_freezes(listener, qapp, qtbot):
    path, sock = listener
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"})  # WatchdogSec=0.1s
    timer = start_watchdog(notifier)
    assert timer is not None and timer.interval() == 50
    assert sock.recv(4096) == b"WATCHDOG=1"        # the first ping is immediate

    pings: list[str] = []
    qtbot.waitUntil(lambda: len(pings.__iadd__(received(sock))) >= 3, timeout=5000)
    assert set(pings) == {"WATCHDOG=1"}

    received(sock)
    time.sleep(0.3)                                 # the GUI thread is stuck: six intervals pass
    assert received(sock) == []                     # ... and systemd hears nothing
    pings.clear()
    qtbot.waitUntil(lambda: len(pings.__iadd__(received(sock))) >= 1, timeout=5000)
    timer.stop()
    notifier.close()
