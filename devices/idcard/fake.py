"""An in-memory `IdCardReader` for app and view-model tests: no port, no thread.

Why besides the pty simulator: screen and session tests need to say "a card was placed now" and
see the reaction in the same thread, without timing. Callbacks run synchronously in the caller's
thread. Wire-level behaviour is tested against the simulator instead.
"""

from __future__ import annotations

from collections.abc import Callable

from devices.idcard.card import IdCard
from devices.idcard.status import ReaderMissing, ReaderReady, ReaderStatus


class FakeIdReader:
    def __init__(self) -> None:
        self._on_card: Callable[[IdCard], None] | None = None
        self._on_status: Callable[[ReaderStatus], None] | None = None
        self._status: ReaderStatus = ReaderMissing("阅读器尚未启动")
        self.started = False

    def start(self, on_card: Callable[[IdCard], None], on_status: Callable[[ReaderStatus], None]) -> None:
        self._on_card, self._on_status = on_card, on_status
        self.started = True
        self.set_status(ReaderReady())

    def stop(self, timeout: float = 5.0) -> None:
        self.started = False

    def status(self) -> ReaderStatus:
        return self._status

    def insert_card(self, card: IdCard) -> None:
        """As if a resident placed `card`: reported at once if the reader is started."""
        if self.started and self._on_card is not None:
            self._on_card(card)

    def set_status(self, status: ReaderStatus) -> None:
        self._status = status
        if self.started and self._on_status is not None:
            self._on_status(status)
