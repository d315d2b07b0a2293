"""通办 on the screen: who will handle each item, or why this station cannot and where to go.

The rule is forms.handling (one implementation); this adapter only words it for 办理须知, 核对信息
and the receipt screen, and for the voice. Why say it on 办理须知, before any question: a resident
registered in another county should learn early that an item may have to be done at home.

On 办理须知 the station knows only the card. When no answer to come can change the outcome (the
bundle asks no household question, and no 居住证 question could let the station take an item:
`forms.handling.settled_nothing_here`) it says plainly there that this station cannot take it and
where to go, offers the 办理指引 slip and 回首页, and asks nothing. Otherwise the notice is a first
judgement (初步判断, and it says what may still change it) and 开始填写 stays; an answer that settles
it (no 居住证) ends the questions at 核对 at once (`stops_early`). 核对, with the answers, decides:
what this station cannot take is left out, and when nothing is left the where-to-go words stand at
the top with 打印办理指引 and 回首页 right under them, instead of 确认. The payload is decided the
same way (Journey.payload).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.background import Background
from kiosk.ui.journey import Journey

log = logging.getLogger(__name__)

# 办理须知 knows the card only: the household answers (the person concerned) may change the outcome.
PROVISIONAL_NOTE = "这是按身份证上的住址初步判断的，填写后会按户籍再核对。"
# ... or a 居住证 (forms.handling: an item with `residence_if` still unanswered)
PERMIT_NOTE = "户口在外地、有本地居住证的，也可以在本站办，填写时会问到。"


class HandlingViewModel(QObject):
    changed = Signal()

    def __init__(self, journey: Journey, parent: QObject | None = None, *,
                 print_guidance: Callable[[Any], Any] | None = None, station_name: str = "",
                 hotline: str = "12345") -> None:
        super().__init__(parent)
        self._journey = journey
        self._for_screen: str | None = None     # the screen the words were decided for
        self._print = print_guidance
        self._station_name = station_name
        self._hotline = hotline
        self._background = Background(self)
        self._print_state = ""                  # "" | busy | ok | error
        self._print_message = ""
        self._reset()

    def _reset(self) -> None:
        self._lines: list[dict] = []
        self._shown = False
        self._nothing_here = False
        self._settled = False
        self._heading = ""
        self._any_refused = False
        self._provisional = False
        self._note = ""
        self._where = ""
        self._places = ""
        self._offices = ""

    lines = Property("QVariantList", lambda self: self._lines, notify=changed)
    shown = Property(bool, lambda self: self._shown, notify=changed)           # anything to tell?
    nothingHere = Property(bool, lambda self: self._nothing_here, notify=changed)
    # nothing here and no answer can change it: 办理须知 says so before any question
    settled = Property(bool, lambda self: self._settled, notify=changed)
    heading = Property(str, lambda self: self._heading, notify=changed)
    anyRefused = Property(bool, lambda self: self._any_refused, notify=changed)
    # 办理须知: judged from the card only, said so; 核对信息 (with the household answers): final
    provisional = Property(bool, lambda self: self._provisional, notify=changed)
    note = Property(str, lambda self: self._note, notify=changed)     # 办理须知: why it may change
    # nothing here: the one plain line under the buttons' heading (where to go, no "上面")
    where = Property(str, lambda self: self._where, notify=changed)
    printState = Property(str, lambda self: self._print_state, notify=changed)
    printMessage = Property(str, lambda self: self._print_message, notify=changed)

    @Slot()
    def refresh_intro(self) -> None:
        """办理须知: a first judgement from the ID card; final when no answer can change it."""
        self.refresh(provisional=True)
        self._for_screen = "bundle_intro"

    @Slot()
    def refresh_review(self) -> None:
        """核对信息: the decision with the household answers, the one the payload follows."""
        self.refresh(provisional=False)
        self._for_screen = "review"

    def follow(self, screen: str) -> None:
        """The screen shown changed. A screen reached without its entry hooks (shell.jump: the
        screenshots, the guide video, 目录预览) must not show the other screen's judgement — the
        card's on 核对 would offer 确认 for what this station cannot take, or hide it wrongly."""
        if screen == self._for_screen:
            return
        if screen == "bundle_intro":
            self.refresh_intro()
        elif screen == "review":
            self.refresh_review()
        else:
            self._for_screen = None

    def _decisions(self) -> list:
        """The items 办理须知 lists (those that apply, and those that may), decided for this station."""
        form = self._journey.form
        if form is None:
            return []
        chosen = {i.code for i in form.applicable_items()} | {i.code for i in form.items_in_doubt()}
        return self._journey.handling([i for i in form.bundle.items if i.code in chosen])

    def stops_early(self) -> bool:
        """After an answer: has it settled that this station can take nothing (no 居住证)? Then the
        questions end and 核对 says where to go, rather than asking the rest for nothing."""
        from forms.handling import settled_nothing_here

        return settled_nothing_here(self._decisions())

    def refresh(self, provisional: bool = False) -> None:
        from forms.handling import nothing_here, settled_nothing_here

        self._reset()
        if self._for_screen is None:
            self._print_state, self._print_message = "", ""
        decisions = self._decisions()
        self._settled = settled_nothing_here(decisions)
        self._provisional = provisional and not self._settled
        notable = [d for d in decisions if not d.here or d.collected_here]
        self._nothing_here = nothing_here(decisions)
        refused = [d for d in decisions if not d.here]
        decided_nothing = self._nothing_here and not self._provisional
        # nothing here, decided: the why is said once (where), each line only names the office
        self._lines = [{"name": d.item_name, "here": d.here,
                        "sentence": f"“{d.item_name}”：{d.handled_by}" if decided_nothing else d.sentence}
                       for d in notable]
        self._shown = bool(notable)
        self._any_refused = bool(refused)
        maybe = "可能" if self._provisional else ""      # the card only: not yet a decision
        if self._nothing_here:
            self._heading = f"这件事本站{maybe}不能办理"
            places = "、".join(dict.fromkeys(d.division_name for d in refused))
            self._offices = "、".join(dict.fromkeys(d.handled_by for d in refused))
            self._places = places
            self._where = (f"这些事只能在户籍所在地{places}办理，本站不能代收。请到下列部门办理，"
                           "可以打印办理指引带回家：") if decided_nothing else ""
        elif refused:
            self._heading = f"{maybe}有 {len(refused)} 件要回户籍所在地办理"
        elif notable:
            self._heading = "异地也能办：本站代收"
        if self._provisional and self._heading:
            permit_open = any(not d.here and not d.final for d in decisions) and any(
                i.residence_if is not None for i in self._journey.form.bundle.items)
            self._note = PROVISIONAL_NOTE + (PERMIT_NOTE if permit_open else "")
        self.changed.emit()

    def spoken(self) -> str:
        """Said after the screen's own prompt: the heading and each sentence, in order."""
        if not self._shown:
            return ""
        return self._heading + "。" + "".join(line["sentence"] for line in self._lines) + self._note

    def replaces_prompt(self) -> str:
        """Nothing this station can take, decided: the screen's fixed prompt (…点击开始填写 /
        …点击确认无误) would send the resident to a button that is not there. Said instead."""
        if not (self._nothing_here and not self._provisional):
            return ""
        return (f"{self._heading}。这些事只能在户籍所在地{self._places}办理，要到{self._offices}办理。"
                "要带走办理指引，请点“打印办理指引”；看好了，请点“回首页”。")

    # --- 办理指引 ----------------------------------------------------------------------------------
    def guidance(self):  # noqa: ANN201 - devices.printer.receipt.Guidance
        """The slip's facts: each item this station cannot take and the office of the resident's
        place that handles it (as the catalogue names the department), the papers those items need,
        the hotline. The printer masks the name and number (devices.printer.receipt)."""
        from devices.printer.receipt import Guidance, GuidanceItem

        form = self._journey.form
        decisions = [d for d in self._decisions() if not d.here]
        refused = {d.item_code for d in decisions}
        papers = ["本人居民身份证"]
        items = [i for i in form.bundle.items if i.code in refused]
        for line in form.materials(items):
            name = line.material.name
            if name not in papers and line.status != "held_by_government":
                papers.append(name)
        applicant = form.applicant or {}
        return Guidance(station_name=self._station_name, printed_at=dt.datetime.now(),
                        bundle_name=form.bundle.name, applicant_name=str(applicant.get("name") or ""),
                        applicant_id_number=str(applicant.get("id_number") or ""),
                        items=tuple(GuidanceItem(d.item_name, d.handled_by) for d in decisions),
                        bring=tuple(papers), hotline=self._hotline)

    @Slot()
    def printGuidance(self) -> None:
        """打印办理指引: on the receipt printer, off the GUI thread."""
        if self._print_state == "busy" or not self._nothing_here or self._journey.form is None:
            return
        if self._print is None:
            self._printed(None, RuntimeError("no printer"))
            return
        slip, printer = self.guidance(), self._print
        self._print_state, self._print_message = "busy", "正在打印办理指引……"
        self.changed.emit()
        self._background.run(lambda: printer(slip), self._printed, "kiosk-guidance")

    def _printed(self, result, error) -> None:  # noqa: ANN001
        from devices.printer.receipt_printer import Printed

        if error is None and isinstance(result, Printed):
            self._print_state = "ok"
            self._print_message = "办理指引已打印，请从出纸口取走。"
        else:
            if error is not None:
                log.error("guidance slip not printed: %s", type(error).__name__)
            reason = result.status.message if result is not None and hasattr(result, "status") else ""
            self._print_state = "error"
            self._print_message = ("办理指引没有打印出来" + (f"（{reason}）" if reason else "")
                                   + f"。请用手机拍下屏幕，或拨打 {self._hotline} 问清去哪里办。")
        self.changed.emit()

    def wait(self) -> None:
        """Tests: wait for a print still running."""
        self._background.wait()

    def wipe(self) -> None:
        self._for_screen = None
        self._print_state, self._print_message = "", ""
        self._reset()
        self.changed.emit()


def wire_handling(shell, journey: Journey, station_division: str,  # noqa: ANN001 - ShellViewModel
                  parent: QObject | None = None, *, form=None,  # noqa: ANN001 - FormViewModel
                  print_guidance: Callable[[Any], Any] | None = None, station_name: str = "",
                  hotline: str = "12345") -> HandlingViewModel:
    """The journey compares with this station; 办理须知 and 核对 show and say the outcome."""
    journey.station_division = station_division
    handling = HandlingViewModel(journey, parent, print_guidance=print_guidance,
                                 station_name=station_name, hotline=hotline)
    shell.on_enter("bundle_intro", handling.refresh_intro)
    shell.on_return("bundle_intro", handling.refresh_intro)
    shell.set_prompt("bundle_intro", handling.spoken, replace=handling.replaces_prompt)
    # the items are decided by the answers: said again, with the household answers, at 核对
    shell.on_enter("review", handling.refresh_review)
    shell.on_return("review", handling.refresh_review)
    shell.set_prompt("review", handling.spoken, replace=handling.replaces_prompt)
    shell.add_wiper(handling.wipe)
    shell.changed.connect(lambda: handling.follow(shell.property("screen")))
    if form is not None:
        form.stops_early = handling.stops_early
    return handling


def refused_here(journey: Journey) -> Callable[[], list[str]]:
    """For the receipt: the sentences of the items this station did not take (where to go)."""
    from forms.handling import refused_sentences

    return lambda: refused_sentences(journey.handling())
