"""Opening the station's store and starting delivery (and, in the demo, the reference platform).

The kiosk keeps working when any of this is missing: without enrollment or network, applications
are saved in the encrypted store and wait in the outbox; the banner says so calmly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sync import enrollment
from sync.store import Store
from sync.worker import DeliveryWorker, WorkerStatus

log = logging.getLogger(__name__)


@dataclass
class StationSync:
    store: Store
    worker: DeliveryWorker | None = None
    problem: str = ""                       # why delivery is not running (shown to staff)
    platform_url: str | None = None         # the demo's loopback platform
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def wake(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # noqa: BLE001 - shutting down: carry on with the rest
                log.exception("closing sync part failed")
        self.store.close()


def start_demo_platform(data_dir: Path, advance_every_s: float = 20.0):  # noqa: ANN201
    """The reference platform on 127.0.0.1 (a free port), advancing statuses on a timer."""
    from sync.platform.server import run_demo_timer, start_in_thread
    from sync.platform.service import PlatformService

    service = PlatformService(data_dir)
    server = start_in_thread(service, "127.0.0.1", 0)
    stop = threading.Event()
    threading.Thread(target=run_demo_timer, args=(service, advance_every_s, stop), name="demo-platform",
                     daemon=True).start()

    def close() -> None:
        stop.set()
        server.shutdown()
        server.server_close()

    return service, server, close


def open_sync(config, *, demo: bool, on_status: Callable[[WorkerStatus], None],  # noqa: ANN001
              devices: Callable[[], dict[str, str]] | None = None, app_version: str = "0.1.0",
              poll_s: float = 30.0) -> StationSync:
    store = Store.open(config.data_dir, config.key_dir, crypto=config.get("security", "crypto"))
    station = StationSync(store)
    platform_url = None
    if demo:
        data_dir = Path(config.data_dir)
        from sync.platform import demo_platform_dir

        service, server, close = start_demo_platform(demo_platform_dir(data_dir))
        station._closers.append(close)
        platform_url = station.platform_url = server.url
        if not store.setting("station_id"):
            enrollment.enroll(store, config.key_dir, platform_url, config.get("station", "id"),
                              service.new_enrollment_code())
    try:
        client = enrollment.make_client(store, config.key_dir, platform_url=platform_url,
                                        timeout=config.get("platform", "timeout_s"))
    except enrollment.EnrollmentError as exc:
        station.problem = str(exc)
        log.warning("delivery not started: station not enrolled")
        return station
    station.worker = DeliveryWorker(store, client, on_status=on_status, devices=devices,
                                    app_version=app_version)
    station.worker.start(poll_s=poll_s)
    return station
