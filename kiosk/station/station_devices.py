"""Choosing and opening the station's devices from the configuration.

Why here, in the composition root's neighbourhood: only the program entry decides between real
devices and simulators (a driver never does), and a simulator must never start on a real station
by accident — `kiosk` refuses a configuration that names one; only `demo` (and tests) pass
`allow_simulators=True`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devices.manager import DeviceManager

log = logging.getLogger(__name__)

SIMULATOR = "simulator"


class SimulatorRefused(Exception):
    """A production start with a simulated device in its configuration."""


@dataclass
class StationDevices:
    manager: DeviceManager
    reader_simulator: object | None = None
    printer_simulator: object | None = None
    receipt_dir: Path | None = None
    _closers: list = field(default_factory=list)

    def close(self) -> None:
        self.manager.stop()
        for close in reversed(self._closers):
            try:
                close()
            except Exception:  # noqa: BLE001 - closing must go on for the other devices
                log.exception("closing a simulator failed")


def check_no_simulators(config) -> None:  # noqa: ANN001 - kiosk.station.config.Config
    named = [key for key in ("id_reader", "receipt_printer", "camera")
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
