"""Second-generation ID card readers: interface, wire codec, serial and SDK backends, simulator.

The kiosk sees only `IdCardReader`: start it with two callbacks, and it reports each card placed
(once per placement) and every change of health, on its own worker thread. The Qt layer turns the
callbacks into signals. `open_reader` is the one factory; only the composition root (main.py,
kiosk/ui/app.py) chooses a simulator instead (see `devices.idcard.simulator.start_simulated_reader`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from devices.idcard.card import CARD_TYPES, DIAG_KEYS, CardType, IdCard, mask_id_number, mask_name
from devices.idcard.status import ReaderFault, ReaderMissing, ReaderReading, ReaderReady, ReaderStatus

CardCallback = Callable[[IdCard], None]
StatusCallback = Callable[[ReaderStatus], None]


class IdCardReader(Protocol):
    """What every reader backend offers. Callbacks run on the backend's worker thread."""

    def start(self, on_card: CardCallback, on_status: StatusCallback) -> None:
        """Begin polling; `on_card` once per placed card, `on_status` on every change of health."""

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling and release the port, waiting at most `timeout` s; safe to call twice."""

    def status(self) -> ReaderStatus:
        """The current health, for the staff screen."""


def open_reader(spec: str, baud: int = 115200) -> IdCardReader:
    """Build a reader from the `devices.id_reader` config value.

    `spec` is a serial port path (`/dev/ttyUSB0`, `COM3`), or `sdk:LIBRARY` / `sdk-termb:LIBRARY`
    for a vendor library. `simulator` is refused here on purpose: a simulator is chosen by the
    composition root, never by a driver.
    """
    if spec.startswith("sdk:") or spec.startswith("sdk-termb:"):
        from devices.idcard.sdk_backend import SdkIdReader

        style = "termb" if spec.startswith("sdk-termb:") else "sdtapi"
        return SdkIdReader(spec.split(":", 1)[1], style=style)
    if spec == "simulator":
        raise ValueError("模拟阅读器须由程序入口启动（devices.idcard.simulator.start_simulated_reader）")
    from devices.idcard.serial_backend import SerialIdReader

    return SerialIdReader(spec, baud=baud)


__all__ = [
    "CARD_TYPES", "DIAG_KEYS", "CardCallback", "CardType", "IdCard", "IdCardReader", "ReaderFault",
    "ReaderMissing", "ReaderReading", "ReaderReady", "ReaderStatus", "StatusCallback", "mask_id_number",
    "mask_name", "open_reader",
]
