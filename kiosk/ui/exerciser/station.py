"""The demo station the exerciser drives: the real application with the pty simulators, the
simulated cameras and the reference platform on loopback — and three things a person at a station
meets that a script never does: the network going away, a device being unplugged, and time passing.

Why its own composition rather than `kiosk.station.composition.open_sync(demo=True)`: the platform
is reached through a `NetworkSwitch` (a TCP relay the exerciser can cut and restore), so the
station enrols with the relay's address; everything else is built by the same functions `main.py
demo` uses (`kiosk.ui.app.build`, `start_demo_platform`, `enrollment`, `DeliveryWorker`).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class VirtualClock:
    """The session's clock: it moves only when the exerciser says time has passed, so the idle
    warning and the wipe come exactly when chosen, and a run takes no real waiting."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class NetworkSwitch:
    """A byte relay on 127.0.0.1 in front of the platform. `down()` closes the port and cuts every
    open connection (what a village's network does mid-request); `up()` listens again on the same
    port, so the station's enrolled address stays right."""

    def __init__(self, upstream_port: int, path: str = "") -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._path = path
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self.port = 0
        self.is_up = False
        self.up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self._path}"

    def up(self) -> None:
        with self._lock:
            if self.is_up:
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(16)
            self.port = listener.getsockname()[1]
            self._listener = listener
            self.is_up = True
        threading.Thread(target=self._accept, args=(listener,), name="exercise-net", daemon=True).start()

    def down(self) -> None:
        with self._lock:
            self.is_up = False
            listener, self._listener = self._listener, None
            doomed, self._sockets = self._sockets, set()
        for sock in ([listener] if listener else []) + list(doomed):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self._upstream, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if not self.is_up:
                    client.close()
                    upstream.close()
                    return
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), name="exercise-net-pipe",
                                 daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._sockets.discard(source)


class ExerciseStation:
    """The running demo station: `kiosk` (kiosk.ui.app.KioskApp), `store`, `worker`, `platform`,
    `network`, `clock`, the reader and printer simulators."""

    def __init__(self, *, size: tuple[int, int] = (1080, 1920), large_text: bool = False,
                 data_dir: Path | None = None) -> None:
        from kiosk.station.agent_auth import enrol_demo_agent
        from kiosk.station.composition import start_demo_platform
        from kiosk.station.demo import demo_config
        from kiosk.ui.app import build
        from kiosk.ui.staff_wiring import ensure_demo_staff, make_pins
        from sync import enrollment
        from sync.platform import demo_platform_dir
        from sync.store import Store
        from sync.worker import DeliveryWorker

        self._own_dir = data_dir is None
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-exercise-")) if data_dir is None else data_dir
        self.config = demo_config(None, self.root / "data")
        self.store = Store.open(self.config.data_dir, self.config.key_dir,
                                crypto=self.config.get("security", "crypto"))
        self.platform, server, self._close_platform = start_demo_platform(
            demo_platform_dir(Path(self.config.data_dir)))
        self.network = NetworkSwitch(server.server_address[1], server.base_path)
        enrollment.enroll(self.store, self.config.key_dir, self.network.url, self.config.get("station", "id"),
                          self.platform.new_enrollment_code())
        client = enrollment.make_client(self.store, self.config.key_dir, platform_url=self.network.url,
                                        timeout=5.0)
        self.clock = VirtualClock()
        self.kiosk = build(self.config, voice_enabled=False, large_text=large_text, size=size,
                           clock=self.clock, open_station_devices=True, allow_simulators=True,
                           store=self.store)
        self.worker = DeliveryWorker(self.store, client, on_status=self.kiosk.sync_status.status_from_worker)
        self.worker.start(poll_s=3600)       # woken after each save, as in the demo; never on a timer
        self.kiosk.on_submitted.append(self.worker.wake)
        self.kiosk.staff.wake = self.worker.wake
        if self.kiosk.certificates is not None:
            self.kiosk.certificates.platform_url = self.network.url
        enrol_demo_agent(self.config.key_dir, self.store.audit)
        ensure_demo_staff(make_pins(self.config, self.store))
        devices = self.kiosk.station_devices
        self.reader = devices.reader_simulator
        self.printer = devices.printer_simulator

    def deliver_all(self, rounds: int = 4) -> None:
        """The network back, the worker run until nothing is left to send (the end of a run)."""
        self.network.up()
        for _ in range(rounds):
            self.worker.run_once(force=True)

    def close(self) -> None:
        self.kiosk.shutdown()
        self.worker.stop()
        self.network.down()
        self._close_platform()
        self.store.close()
        if self._own_dir:
            shutil.rmtree(self.root, ignore_errors=True)
