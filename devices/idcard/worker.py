"""The life cycle both reader backends share: one worker thread, the health it reports, and the
listeners it calls.

Why a base class: the serial and the vendor-library backends differ only in how they talk to the
reader (their `_run`); starting, stopping, reporting a health change once, and keeping a faulty
listener from killing the reader are the same, and belong in one place.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from devices.idcard.card import IdCard
from devices.idcard.status import ReaderMissing, ReaderStatus

log = logging.getLogger(__name__)


class ReaderWorker:
    """Implements `devices.idcard.IdCardReader`; subclasses poll the reader in `_run` until
    `self._stop` is set, calling `_set_status` and `_report`."""

    def __init__(self, thread_name: str) -> None:
        self._thread_name = thread_name
        self._status: ReaderStatus = ReaderMissing("阅读器尚未启动")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_card: Callable[[IdCard], None] = lambda card: None
        self._on_status: Callable[[ReaderStatus], None] = lambda status: None
        # Exchanges retried since start (no answer in time, a garbled frame) that had not (yet)
        # become a fault: a transient error is handled and counted, shown to staff, not logged
        # as a fault. Written by the worker thread only.
        self.retries = 0

    def start(self, on_card: Callable[[IdCard], None], on_status: Callable[[ReaderStatus], None]) -> None:
        if self._thread is not None:
            return
        self._on_card, self._on_status = on_card, on_status
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop and release the reader; waits at most `timeout` s for a read in flight to end."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            self._thread = None

    def status(self) -> ReaderStatus:
        return self._status

    def _run(self) -> None:
        raise NotImplementedError

    def _set_status(self, status: ReaderStatus) -> None:
        if status == self._status:
            return
        self._status = status
        try:
            self._on_status(status)
        except Exception:  # noqa: BLE001 - a faulty listener must not stop the reader
            log.exception("id reader status listener failed")

    def _report(self, card: IdCard) -> None:
        try:
            self._on_card(card)
        except Exception:  # noqa: BLE001 - a faulty listener must not stop the reader
            log.exception("id reader card listener failed")
