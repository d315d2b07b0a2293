"""Wait for one card from any `IdCardReader`: what `diag id-reader` and scripts need.

Why here and not in the command: the same "one card or one clear reason" rule serves the diag
command, the benchmark and the tests, and it must work for every backend through the interface.
"""

from __future__ import annotations

import queue
import time

from devices.idcard import IdCardReader
from devices.idcard.card import IdCard
from devices.idcard.status import ReaderFault, ReaderMissing, ReaderStatus


def wait_for_card(reader: IdCardReader, timeout: float, *, fail_on_missing: bool = True) -> IdCard | str:
    """Start `reader`, return the first card, or a Chinese sentence saying why there is none.

    A fault (SAM error, repeated bad frames, no answer) or a missing port ends the wait at once:
    a technician at the diag prompt wants the reason, not the full timeout.
    """
    events: queue.Queue[IdCard | ReaderStatus] = queue.Queue()
    reader.start(events.put, events.put)
    deadline = time.monotonic() + timeout
    try:
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                event = events.get(timeout=remaining)
            except queue.Empty:
                break
            if isinstance(event, IdCard):
                return event
            if isinstance(event, ReaderFault) or (fail_on_missing and isinstance(event, ReaderMissing)):
                return event.message
        return f"在 {timeout:g} 秒内没有读到身份证。请把身份证平放在阅读器上后重试。"
    finally:
        reader.stop(timeout=1.0)
