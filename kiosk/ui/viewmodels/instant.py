"""立等可取 on the screen: the calm wait for the platform's decision, then the result on A4.

The waiting and printing are kiosk.station.instant (plain Python, on a worker thread); this
adapter decides whether to show the wait at all (every item 即办, a waiter attached, the platform
reachable), counts the seconds for the slow progress bar (a QTimer on the GUI thread, once a
second: nothing moves faster than a clock hand), lets the resident stop waiting, and moves on
to the receipt screen with the outcome in one sentence, spoken.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot

from kiosk.station.instant import InstantResult, InstantWaiter, all_immediate
from kiosk.ui.background import Background
from kiosk.ui.journey import Journey


class InstantViewModel(QObject):
    changed = Signal()

    def __init__(self, journey: Journey, *, submission: Callable[[], tuple[str, list[str]]],
                 go: Callable[[str], None], screen: Callable[[], str], say: Callable[[str], None],
                 wait_s: float, keep_alive: Callable[[], None] = lambda: None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey = journey
        # waiting is not being idle: the idle warning must not interrupt a wait longer than it
        self._keep_alive = keep_alive
        self._submission = submission      # (submission_id, item codes) of the application just saved
        self._go = go
        self._screen = screen
        self._say = say
        self.waiter: InstantWaiter | None = None
        self._limit = int(wait_s)
        self._background = Background(self)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._stop = threading.Event()
        self._started = 0.0
        self._reset()

    def _reset(self) -> None:
        self._state = "idle"          # idle | waiting | done
        self._elapsed = 0
        self._outcome = ""
        self._message = ""

    state = Property(str, lambda self: self._state, notify=changed)
    elapsed = Property(int, lambda self: self._elapsed, notify=changed)
    limit = Property(int, lambda self: self._limit, notify=changed)
    progress = Property(float, lambda self: min(1.0, self._elapsed / self._limit) if self._limit else 1.0,
                        notify=changed)
    timeText = Property(str, lambda self: f"已等 {self._elapsed} 秒，最多等 {self._limit} 秒", notify=changed)
    outcome = Property(str, lambda self: self._outcome, notify=changed)
    # the receipt screen's item list: "接下来" only while something is still to come; once the
    # result is printed every item (all 即办) is done, and the list says so
    itemsHeading = Property(str, lambda self: "已经办好" if self._outcome == "printed" else "接下来",
                            notify=changed)
    itemsDone = Property(str, lambda self: "已办好，结果已打印" if self._outcome == "printed" else "",
                         notify=changed)
    message = Property(str, lambda self: self._message, notify=changed)

    def attach(self, waiter: InstantWaiter) -> None:
        self.waiter = waiter
        self._limit = int(waiter.wait_s)
        self.changed.emit()

    def eligible(self) -> bool:
        """Show the wait: a waiter, the platform reachable, every item saved 即办."""
        if self.waiter is None or self._journey.bundle is None:
            return False
        submission_id, codes = self._submission()
        if not submission_id:
            return False
        kinds = [item.kind for code in codes if (item := self._journey.bundle.item(code)) is not None]
        return all_immediate(kinds) and len(kinds) == len(codes) and self.waiter.reachable()

    def spoken(self) -> str:
        """Said with the saving's own sentence when the wait opens."""
        return (f"您办的都是即办件，平台正在办理，请稍等，最多等 {self._limit} 秒。"
                "办好后结果会当场用 A4 纸打印出来。不想等，可以点不等了。")

    def start(self) -> None:
        """Entering the wait: the worker thread waits and prints; the timer counts seconds."""
        submission_id, _ = self._submission()
        waiter = self.waiter
        if waiter is None or not submission_id or self._state == "waiting":
            return
        self._reset()
        self._state = "waiting"
        self._stop = threading.Event()
        stop = self._stop
        self._started = time.monotonic()
        self._timer.start()
        self.changed.emit()
        self._background.run(lambda: waiter.wait_and_print(submission_id, stop),
                             lambda result, error: self._done(result, error, stop), "kiosk-instant")

    def _tick(self) -> None:
        self._elapsed = min(self._limit, int(time.monotonic() - self._started))
        self._keep_alive()
        self.changed.emit()

    @Slot()
    def stopWaiting(self) -> None:
        """不等了: the receipt now (the worker thread notices and ends)."""
        if self._state != "waiting":
            return
        self._stop.set()
        self._finish(InstantResult("stopped", "您选择了不等。办好后请凭受理凭条到驿站打印结果，"
                                              "或在查进度里打印。"))

    def _done(self, result: InstantResult | None, error: BaseException | None, stop: threading.Event) -> None:
        if stop is not self._stop or self._state != "waiting":
            return                          # stopped, or the session ended meanwhile
        if error is not None or result is None:
            result = InstantResult("not_printed", "这次没能当场出结果。请凭受理凭条到驿站打印或查询。")
        self._finish(result)

    def _finish(self, result: InstantResult) -> None:
        self._timer.stop()
        self._state = "done"
        self._outcome = result.outcome
        self._message = result.message
        self.changed.emit()
        if self._screen() == "instant":
            self._go("receipt")
            self._say(result.message)

    def show_sample(self, elapsed: int, outcome: str = "", message: str = "") -> None:
        """Screenshots: the wait `elapsed` seconds in, or its outcome (no thread, no timer)."""
        self._state = "done" if outcome else "waiting"
        self._elapsed = min(elapsed, self._limit)
        self._outcome, self._message = outcome, message
        self.changed.emit()

    def wait(self) -> None:
        self._stop.set()
        self._background.wait()

    def wipe(self) -> None:
        self._stop.set()
        self._timer.stop()
        self._reset()
        self.changed.emit()


def wire_instant(shell, journey: Journey, submit, voice, wait_s: float,  # noqa: ANN001
                 keep_alive: Callable[[], None] = lambda: None,
                 parent: QObject | None = None) -> InstantViewModel:
    """The wait sits between saving and the receipt, only when `eligible()`."""
    instant = InstantViewModel(journey, submission=lambda: (submit.submission_id, submit.item_codes),
                               go=shell.go, screen=lambda: shell.property("screen"), say=voice.say,
                               wait_s=wait_s, keep_alive=keep_alive, parent=parent)
    shell.skip_when("instant", lambda: not instant.eligible())
    shell.on_enter("instant", instant.start)
    submit.then_say = lambda: instant.spoken() if shell.property("screen") == "instant" else ""
    shell.add_wiper(instant.wipe)
    return instant


def attach_waiter(kiosk, station_sync, config) -> None:  # noqa: ANN001 - KioskApp, StationSync, Config
    """With a delivery worker (the kiosk and the demo, not the screenshots): the real waiter."""
    worker = station_sync.worker
    if worker is None or kiosk.instant is None or kiosk.certificates is None:
        return
    kiosk.instant.attach(InstantWaiter(
        station_sync.store, kiosk.certificates, hurry=worker.hurry,
        reachable=lambda: worker.last_error is None and not worker.storage_error,
        wait_s=float(config.get("kiosk", "instant_wait_seconds"))))
