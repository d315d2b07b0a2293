"""Run slow work (a durable disk write, a printer, the network) off the GUI thread.

A plain Python thread does the work; its result comes back through a Qt signal, which Qt
delivers on the GUI thread. One small class instead of QThread subclasses in every view-model.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class Background(QObject):
    _done = Signal(object, object, object)   # callback, result, exception
    # Every live instance, so the kiosk's shutdown can wait for all of their threads, not only the
    # view-models it names: a thread left running would read a closed store or signal a deleted
    # QObject (both can take the whole process down).
    _instances: weakref.WeakSet[Background] = weakref.WeakSet()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done.connect(self._deliver)
        self._threads: list[threading.Thread] = []
        Background._instances.add(self)

    def run(self, work: Callable[[], Any], on_done: Callable[[Any, BaseException | None], None],
            name: str = "kiosk-background") -> None:
        """Call `work()` on a new thread; then `on_done(result, error)` on the GUI thread."""
        def target() -> None:
            try:
                result, error = work(), None
            except Exception as exc:  # noqa: BLE001 - handed to on_done, which decides
                result, error = None, exc
            try:
                self._done.emit(on_done, result, error)
            except RuntimeError:        # the view-model was deleted meanwhile: nobody to tell
                log.debug("%s finished after its owner was deleted", name)

        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def wait(self, timeout: float = 10.0) -> None:
        """For shutdown and tests: wait for the work still running."""
        for thread in list(self._threads):
            thread.join(timeout)

    @classmethod
    def wait_all(cls, timeout: float = 10.0) -> None:
        """For shutdown: wait for the work still running on every Background."""
        for background in list(cls._instances):
            background.wait(timeout)

    @staticmethod
    def _deliver(on_done, result, error) -> None:  # noqa: ANN001
        on_done(result, error)


def write_failure_message(what: str, error: BaseException | None, otherwise: str) -> str:
    """What the resident is told when a durable write did not happen: the store's own words for a
    full disk (a StoreError carries them), else `otherwise`; always with the hotline. Logged by
    kind only, never with the content (`what` names it: "photo", "signature" …)."""
    from sync.store import StoreError

    log.error("%s not saved: %s", what, type(error).__name__)
    return (str(error) if isinstance(error, StoreError) else otherwise) + "（求助请拨打 12345）"
