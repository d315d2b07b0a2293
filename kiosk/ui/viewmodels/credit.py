"""The credit-check notice (逢办必查) before a bundle with a credit-checked item.

What the resident sees is one of three calm outcomes: no record that affects the matter; a
record that may affect it (they may still submit, staff will contact them, how to object); or no
list on this machine yet (staff check it when they handle the application). The check never
refuses anyone: the kiosk informs, staff decide.

Why it is built this way:
- The lookup runs on a worker thread (kiosk.ui.background): the store's index answers in
  microseconds, but a store from before the index existed must first index a list of up to 1.7
  million entries (sync.documents.index_credit_list), and disk I/O never runs on the GUI thread.
- One hashing rule: `forms.credit.CreditList.digest(salt, id_number)`; the number itself goes no
  further than that call. The audit entry holds the bundle, the list version and the outcome only.
- Others may be looking at a public screen: the record's wording is shown only when the resident
  taps 查看记录内容, and the voice, when the result comes, says only that the result is on the screen
  (朗读 then reads all of it: the resident asked for it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.background import Background

if TYPE_CHECKING:
    from kiosk.ui.journey import Journey
    from sync.store import Store

log = logging.getLogger(__name__)

CLEAR, HIT, UNAVAILABLE, CHECKING = "clear", "hit", "unavailable", "checking"
OBJECTION_PLACE = "县（区）社会信用体系建设办公室（县发展改革局）"

# What the voice says when the result arrives: never the record itself (others may hear).
ANNOUNCED = {
    CLEAR: "查询完成，没有发现影响办理的记录。请点击继续。",
    HIT: "查询完成，结果显示在屏幕上，请您看一下。您仍然可以继续办理。",
    UNAVAILABLE: "信用记录将由工作人员在受理时查询，不影响您现在办理。请点击继续。",
}

SAMPLE_ENTRY = {"list": "dishonest_judgment_debtor", "reason": "失信被执行人", "measures": ["限制申领补贴"],
                "since": "2025-03-01"}


@dataclass(frozen=True)
class CreditOutcome:
    outcome: str                        # clear | hit | unavailable
    list_version: str | None
    entry: dict[str, Any] | None = None


def check_credit(store: Store | None, id_number: str) -> CreditOutcome:
    """Look the applicant up in the store's index of the verified credit list (a worker thread).
    A store with the list but no index for it yet is indexed first; a store without a list, or
    one that cannot be read, gives "unavailable" (staff check it later)."""
    if store is None or not id_number:
        return CreditOutcome(UNAVAILABLE, None)
    from forms.credit import CreditList
    from sync import documents

    info = store.credit_index_info()
    if info is not None and not info["current"]:
        documents.index_credit_list(store)
        info = store.credit_index_info()
    if info is None or not info["version"]:
        return CreditOutcome(UNAVAILABLE, None)
    entry = store.credit_entry(CreditList.digest(info["salt"], id_number))
    return CreditOutcome(HIT if entry else CLEAR, info["version"], entry)


def record_text(entry: dict[str, Any] | None) -> str:
    """'失信被执行人（限制申领补贴）' — the entry's own words, as forms.credit.CreditEntry.message."""
    if not entry:
        return ""
    text = entry.get("reason") or "信用记录提示"
    if entry.get("measures"):
        text += "（" + "、".join(entry["measures"]) + "）"
    return text


class CreditViewModel(QObject):
    """State of the credit-check notice; `start()` on entering it, 继续 / 不办了 from QML."""

    changed = Signal()

    def __init__(self, journey: Journey, *, check: Callable[[str], CreditOutcome],
                 audit: Callable[[str, dict], None], forward: Callable[[], None], home: Callable[[], None],
                 say: Callable[[str], None], hotline: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey = journey
        self._check = check
        self._audit = audit
        self._forward = forward
        self._home = home
        self._say = say
        self._hotline = hotline
        self._background = Background(self)
        self._round = 0
        self._reset()

    def _reset(self) -> None:
        self._state = CHECKING
        self._entry: dict[str, Any] | None = None
        self._details_shown = False

    # --- properties --------------------------------------------------------------------------
    state = Property(str, lambda self: self._state, notify=changed)
    detailsShown = Property(bool, lambda self: self._details_shown, notify=changed)

    @Property(str, notify=changed)
    def title(self) -> str:
        return {CLEAR: "信用记录查询完成", HIT: "信用记录查询结果", UNAVAILABLE: "信用记录将由工作人员查询",
                CHECKING: "正在查询信用记录"}[self._state]

    @Property(str, notify=changed)
    def message(self) -> str:
        if self._state == CLEAR:
            return "已按“逢办必查”查询信用记录：未发现影响办理的记录。"
        if self._state == HIT:
            return "已按“逢办必查”查询信用记录：有一条信用记录，可能影响这件事中部分事项的办理。"
        if self._state == UNAVAILABLE:
            return "本机暂时没有可用的信用名单。工作人员受理您的申请时会按“逢办必查”查询，不影响您现在办理。"
        return "按照“逢办必查”的要求，办理这件事前要查询信用记录，请稍候。"

    @Property(str, notify=changed)
    def recordText(self) -> str:
        return record_text(self._entry)

    @Property(str, notify=changed)
    def sinceText(self) -> str:
        since = (self._entry or {}).get("since") or ""
        return f"列入时间：{since}" if since else ""

    @Property(str, notify=changed)
    def nextSteps(self) -> str:
        if self._state != HIT:
            return ""
        return "您仍然可以提交申请。工作人员会和您联系，说明这条记录对办理的影响。"

    @Property(str, notify=changed)
    def objection(self) -> str:
        if self._state != HIT:
            return ""
        return (f"如果您认为这条记录有误或已经履行完毕，可以拨打 {self._hotline} 政务服务热线，"
                f"或到{OBJECTION_PLACE}提出异议。")

    # --- the check ---------------------------------------------------------------------------
    def start(self) -> None:
        """Entering the notice: check the applicant of the bundle just chosen."""
        self._round += 1
        self._reset()
        self.changed.emit()
        bundle = self._journey.bundle
        bundle_id = bundle.id if bundle is not None else ""
        id_number = str((self._journey.applicant or {}).get("id_number") or "")
        this_round = self._round

        def work() -> CreditOutcome:
            try:
                outcome = self._check(id_number)
            except Exception as exc:  # noqa: BLE001 - any failure: staff check it later
                log.warning("credit check not possible: %s", type(exc).__name__)
                outcome = CreditOutcome(UNAVAILABLE, None)
            try:
                self._audit("credit_check", {"bundle_id": bundle_id, "list_version": outcome.list_version,
                                             "outcome": outcome.outcome})
            except Exception as exc:  # noqa: BLE001 - the notice is shown even if the log is full
                log.warning("credit check not audited: %s", type(exc).__name__)
            return outcome

        self._background.run(work, lambda result, error: self._done(this_round, result), "kiosk-credit")

    def _done(self, this_round: int, outcome: CreditOutcome | None) -> None:
        if this_round != self._round or outcome is None:
            return                      # the session ended, or another bundle was chosen meanwhile
        self._show(outcome.outcome, outcome.entry)
        self._say(ANNOUNCED[outcome.outcome])

    def _show(self, state: str, entry: dict[str, Any] | None) -> None:
        self._state = state
        self._entry = entry if state == HIT else None
        self._details_shown = False
        self.changed.emit()

    def spoken_prompt(self) -> str:
        """After the fixed prompt, on 朗读: the whole result on the screen (the resident asked)."""
        if self._state == CHECKING:
            return ""
        parts = [self.message]
        if self._state == HIT:
            parts += [f"记录内容：{self.recordText}。", self.nextSteps, self.objection]
        return "".join(parts)

    # --- QML ---------------------------------------------------------------------------------
    @Slot()
    def toggleDetails(self) -> None:
        self._details_shown = not self._details_shown
        self.changed.emit()

    @Slot()
    def proceed(self) -> None:
        """继续 / 继续办理."""
        if self._state != CHECKING:
            self._forward()

    @Slot()
    def decline(self) -> None:
        """不办了，返回首页: the session ends (wiped) without anything saved."""
        self._home()

    def show_sample(self, state: str) -> None:
        """For the screenshots: an outcome without a check."""
        self._round += 1
        self._show(state, dict(SAMPLE_ENTRY) if state == HIT else None)

    def wait(self) -> None:
        self._background.wait()

    def wipe(self) -> None:
        self._round += 1                # a check still running is dropped when it returns
        self._reset()
        self.changed.emit()


def wire_credit_notice(shell, journey: Journey, store: Store | None, say: Callable[[str], None],  # noqa: ANN001
                       hotline: str) -> CreditViewModel:
    """The notice in the journey (kiosk.ui.navigation.JOURNEY): entered after a bundle is chosen,
    skipped when none of its items is credit-checked (forms.Bundle.needs_credit_check)."""
    def audit(event: str, detail: dict) -> None:
        if store is not None:
            store.audit(event, detail)
        else:
            log.info("audit %s", event)

    credit = CreditViewModel(journey, check=lambda id_number: check_credit(store, id_number), audit=audit,
                             forward=shell.forward, home=shell.home, say=say, hotline=hotline)
    shell.skip_when("credit_notice", lambda: journey.bundle is None or not journey.bundle.needs_credit_check)
    shell.on_enter("credit_notice", credit.start)
    shell.set_prompt("credit_notice", credit.spoken_prompt)
    shell.add_wiper(credit.wipe)
    return credit
