"""好差评, 一事一评: five levels after every service; a reason is required on the two lowest.

The rating is written to the store (and so to the outbox) on a worker thread; the resident sees
"谢谢您的评价" and the session ends. A resident may also decline to rate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.background import Background

log = logging.getLogger(__name__)

# GB/T 好差评: 非常满意 5 · 满意 4 · 基本满意 3 · 不满意 2 · 非常不满意 1
LEVELS = [
    {"score": 5, "label": "非常满意"},
    {"score": 4, "label": "满意"},
    {"score": 3, "label": "基本满意"},
    {"score": 2, "label": "不满意"},
    {"score": 1, "label": "非常不满意"},
]
REASONS = ["等待时间长", "操作太复杂", "字太小看不清", "设备出故障", "材料要求不清楚", "结果不满意", "其他"]


class RatingViewModel(QObject):
    changed = Signal()

    def __init__(self, *, record: Callable[[str | None, list[str], int, list[str]], str] | None,
                 context: Callable[[], tuple[str | None, list[str]]], finish: Callable[[], None],
                 say: Callable[[str], None], forward: Callable[[], None] = lambda: None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._forward = forward
        self._record = record
        self._context = context
        self._finish = finish
        self._say = say
        self._background = Background(self)
        self._reset()

    def _reset(self) -> None:
        self._score = 0
        self._reasons: list[str] = []
        self._error = ""
        self._state = "choosing"   # choosing | saving | thanked

    levels = Property("QVariantList", lambda self: LEVELS, constant=True)
    reasonChoices = Property("QVariantList", lambda self: REASONS, constant=True)
    score = Property(int, lambda self: self._score, notify=changed)
    reasons = Property("QVariantList", lambda self: self._reasons, notify=changed)
    needsReason = Property(bool, lambda self: 0 < self._score <= 2, notify=changed)
    error = Property(str, lambda self: self._error, notify=changed)
    state = Property(str, lambda self: self._state, notify=changed)
    # 一事一评: once rated (or being saved), the receipt says so and offers 完成, never rating again
    # (返回 from the thanks led to a receipt that still said 下一步：评价本次服务).
    rated = Property(bool, lambda self: self._state != "choosing", notify=changed)

    def receipt_prompt(self) -> str:
        """What the receipt screen says after its fixed prompt: rate next, or thanks for rating."""
        if self._state != "choosing":
            return "您已经评价过了，谢谢。请点完成，结束办理。"
        return "然后请为本次服务评价。"

    @Slot()
    def next(self) -> None:
        """The receipt's 下一步: to 好差评, or, once rated, 完成 (the session ends)."""
        if self._state != "choosing":
            self.done()
        else:
            self._forward()

    @Slot(int)
    def choose(self, score: int) -> None:
        self._score = score
        self._error = ""
        if score > 2:
            self._reasons = []
        self.changed.emit()
        if score <= 2:
            self._say("很抱歉。请告诉我们哪里做得不好，可以选一项或几项。")

    @Slot(str)
    def toggleReason(self, reason: str) -> None:
        if reason in self._reasons:
            self._reasons = [r for r in self._reasons if r != reason]
        else:
            self._reasons = [*self._reasons, reason]
        self._error = ""
        self.changed.emit()

    @Slot()
    def submit(self) -> None:
        if self._score == 0:
            self._error = "请先点选一个评价。"
        elif self._score <= 2 and not self._reasons:
            self._error = "请选择不满意的原因（至少一项），我们会跟进改进。"
        if self._error:
            self.changed.emit()
            self._say(self._error)
            return
        if self._record is None:
            self._thanked(None, None)
            return
        submission_id, item_codes = self._context()
        score, reasons = self._score, list(self._reasons)
        self._state = "saving"
        self.changed.emit()
        self._background.run(lambda: self._record(submission_id, item_codes, score, reasons),
                             self._thanked, "kiosk-rating")

    def _thanked(self, result, error) -> None:  # noqa: ANN001
        if error is not None:
            log.error("rating not saved: %s", type(error).__name__)
        self._state = "thanked"
        self.changed.emit()
        self._say("谢谢您的评价。祝您生活愉快。")

    @Slot()
    def done(self) -> None:
        """完成 (or 不评价): the session ends and everything is wiped."""
        self._finish()

    def wait(self) -> None:
        self._background.wait()

    def wipe(self) -> None:
        self._reset()
        self.changed.emit()
