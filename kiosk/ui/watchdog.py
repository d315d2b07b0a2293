"""The watchdog's pings come from a QTimer on the GUI thread (kiosk.station.watchdog says why):
only a turning Qt event loop fires it, so a frozen screen stops the pings and systemd restarts us."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from kiosk.station.watchdog import SystemdNotifier


def start_watchdog(notifier: SystemdNotifier, parent: QObject | None = None) -> QTimer | None:
    """Ping systemd's watchdog from a QTimer on the calling (GUI) thread.

    Returns the running QTimer (keep a reference, or pass a `parent` QObject), or None when the
    unit has no WatchdogSec=. The first ping is sent at once, so a slow start is not mistaken for
    a hang once READY=1 has been sent.
    """
    interval = notifier.watchdog_interval_s
    if interval is None:
        return None
    timer = QTimer(parent)
    timer.setInterval(max(1, int(interval * 1000)))
    timer.timeout.connect(notifier.watchdog)
    timer.start()
    notifier.watchdog()
    return timer
