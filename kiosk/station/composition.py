"""The one composition of the station: its devices, its store and delivery, from the configuration.

Why one place: only here is it decided whether a device is real or simulated (a driver never
decides, and a simulator must never start on a real station by accident: `kiosk` refuses a
configuration that names one; only `demo` and tests pass `allow_simulators=True`), and only here
are the store and the delivery worker opened. The Qt layer (kiosk.ui.app) and the command line
both build the station through these functions.

The kiosk keeps working when part of this is missing: a device that is not there is a state on the
staff screen; without enrollment or network, applications are saved in the encrypted store and
wait in the outbox, and the banner says so calmly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # the store, the client (requests) and the worker load when delivery is opened,
    # not when the touch screen's first frame is being made (kiosk.ui.app imports this module)
    from devices.manager import DeviceManager
    from sync.fleet_report import FleetReporter
    from sync.store import Store
    from sync.worker import DeliveryWorker, WorkerStatus

log = logging.getLogger(__name__)


# ------------------------------------------------------------------- devices
SIMULATOR = "simulator"


class SimulatorRefused(Exception):
    """A production start with a simulated device in its configuration."""


@dataclass
class StationDevices:
    manager: DeviceManager
    reader_simulator: object | None = None
    printer_simulator: object | None = None
    receipt_dir: Path | None = None
    closers: list = field(default_factory=list)       # called in reverse order by close()

    def close(self) -> None:
        self.manager.stop()
        for close in reversed(self.closers):
            try:
                close()
            except Exception:  # noqa: BLE001 - closing must go on for the other devices
                log.exception("closing a device failed")


def check_no_simulators(config) -> None:  # noqa: ANN001 - kiosk.station.config.Config
    named = [key for key in ("id_reader", "receipt_printer", "camera", "qr_camera")
             if config.get("devices", key) == SIMULATOR]
    if named:
        raise SimulatorRefused(
            "自助终端模式不能使用模拟设备（配置 [devices] 中的 " + "、".join(named)
            + " 为 simulator）。请填写真实设备，或用 demo 命令运行演示。"
        )


def open_devices(config, *, allow_simulators: bool, on_card, on_health) -> StationDevices:  # noqa: ANN001
    """Open the ID reader and receipt printer named in `config`; a missing device is a state."""
    if not allow_simulators:
        check_no_simulators(config)
    closers: list = []
    reader_sim = printer_sim = None
    receipt_dir = None

    reader_spec = config.get("devices", "id_reader")
    if reader_spec == SIMULATOR:
        from devices.idcard.simulator import start_simulated_reader

        # A stable name, as udev gives /dev/idcard on a station: a replugged pty gets a new
        # /dev/pts/N, and the driver must find the reader again under the same path.
        link = Path(config.data_dir) / "idcard-simulator"
        reader_sim, reader = start_simulated_reader(None, link_path=str(link))
        closers.append(reader_sim.stop)
    else:
        from devices.idcard import open_reader

        reader = open_reader(reader_spec, baud=config.get("devices", "id_reader_baud"))

    printer_spec = config.get("devices", "receipt_printer")
    width = config.get("devices", "receipt_width_mm")
    if printer_spec == SIMULATOR:
        from devices.printer.simulator import start_simulated_printer

        receipt_dir = Path(config.data_dir) / "receipts"
        receipt_dir.mkdir(parents=True, exist_ok=True)
        printer_sim, printer = start_simulated_printer(width, out_dir=receipt_dir)
        closers.append(printer_sim.stop)
    else:
        from devices.printer import open_receipt_printer

        printer = open_receipt_printer(printer_spec, width_mm=width)


    from devices.manager import DeviceManager

    manager = DeviceManager(id_reader=reader, receipt_printer=printer, on_card=on_card,
                            on_health=on_health)
    manager.start()
    return StationDevices(manager, reader_sim, printer_sim, receipt_dir, closers)


def open_scan_engine(config, *, on_code, on_health):  # noqa: ANN001, ANN201 - EngineReader | None
    """The embedded scan engine in USB-COM mode, when `[devices] scan_engine` names its port:
    codes are reported on its worker thread through `on_code(symbol)`, its health through
    `on_health("scan_engine", DeviceHealth)`. None when the station has none."""
    port = config.get("devices", "scan_engine")
    if port in ("", "none"):
        return None
    from devices.manager import DeviceHealth
    from devices.scanner.engine import EngineReader

    def health(status) -> None:  # noqa: ANN001 - devices.scanner.engine.EngineStatus
        on_health("scan_engine", DeviceHealth("ok" if status.state == "ready" else "missing", status.message))

    reader = EngineReader(port, config.get("devices", "scan_engine_encoding"), on_code=on_code,
                          on_status=health)
    reader.start()
    return reader


# ------------------------------------------------------------------- store and delivery
@dataclass
class StationSync:
    store: Store
    worker: DeliveryWorker | None = None
    reporter: FleetReporter | None = None   # the fleet console's report ([console] url)
    problem: str = ""                       # why delivery is not running (shown to staff)
    platform_url: str | None = None         # the demo's loopback platform
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def wake(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    def close(self) -> None:
        if self.reporter is not None:
            self.reporter.stop()
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
    service.decide_immediate = True      # 立等可取 in the demo (sync/platform/instant.py)
    server = start_in_thread(service, "127.0.0.1", 0)
    stop = threading.Event()
    threading.Thread(target=run_demo_timer, args=(service, advance_every_s, stop), name="demo-platform",
                     daemon=True).start()

    def close() -> None:
        stop.set()
        server.shutdown()
        server.server_close()

    return service, server, close


def start_fleet_reporter(config, store, *, devices: Callable[[], dict[str, str]] | None = None,  # noqa: ANN001
                         app_version: str = "0.1.0") -> FleetReporter | None:
    """The station's report to the fleet console ([console] url; none: no report), on its own
    thread. `devices` gives the console's device words (kiosk.station.status.fleet_device_states)."""
    url = config.get("console", "url").strip()
    if url == "none":
        return None
    from kiosk.station.status import install_facts, shipped_catalogue_version
    from sync import enrollment
    from sync.fleet_report import FleetReporter

    def last_rollback_at() -> float | None:
        rolled = (install_facts().get("install") or {}).get("last_rollback") or {}
        at = rolled.get("at")
        return float(at) if isinstance(at, int | float) else None

    reporter = FleetReporter(store, enrollment.station_key(config.key_dir), url,
                             station_id=store.setting("station_id") or config.get("station", "id"),
                             software_version=app_version, devices=devices or dict,
                             last_rollback_at=last_rollback_at, catalogue_version=shipped_catalogue_version,
                             interval_s=config.get("console", "interval_s"))
    reporter.start()
    return reporter


def open_sync(config, *, demo: bool, on_status: Callable[[WorkerStatus], None],  # noqa: ANN001
              devices: Callable[[], dict[str, str]] | None = None, app_version: str = "0.1.0",
              poll_s: float = 30.0) -> StationSync:
    from sync import enrollment
    from sync.store import Store
    from sync.worker import DeliveryWorker

    store = Store.open(config.data_dir, config.key_dir, crypto=config.get("security", "crypto"),
                       station_id=config.get("station", "id"))
    station = StationSync(store)
    station.reporter = start_fleet_reporter(config, store, devices=devices, app_version=app_version)
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
                                        timeout=config.get("platform", "timeout_s"),
                                        proxy=config.get("platform", "proxy"))
    except enrollment.EnrollmentError as exc:
        station.problem = str(exc)
        log.warning("delivery not started: station not enrolled")
        return station
    station.worker = DeliveryWorker(store, client, on_status=on_status, devices=devices,
                                    app_version=app_version,
                                    retention_days=config.get("privacy", "retention_days"))
    station.worker.start(poll_s=poll_s)
    return station
