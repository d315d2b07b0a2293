"""通办 on the screen: who will handle each item, or why this station cannot and where to go.

The rule is forms.handling (one implementation); this adapter only words it for 办理须知, 核对信息
and the receipt screen, and for the voice. Why say it on 办理须知, before any question: a resident
registered in another county should learn early that an item may have to be done at home.

But on 办理须知 the station knows only the card, and the person the matter concerns is often
someone else (the elder for 高龄津贴, the deceased, the child): the household answers decide. So
there the notice is *provisional* (初步判断) and 开始填写 stays; only 核对信息, with the answers,
leaves out what this station cannot take, and when nothing is left it says where to go and offers
回首页 instead of 确认 (no dead end). The payload is decided the same way (Journey.payload).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.journey import Journey

# 办理须知 knows the card only: the household answers (the person concerned) may change the outcome.
PROVISIONAL_NOTE = "这是按身份证上的住址初步判断的，填写后会按户籍再核对。"


class HandlingViewModel(QObject):
    changed = Signal()

    def __init__(self, journey: Journey, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey = journey
        self._for_screen: str | None = None     # the screen the words were decided for
        self._reset()

    def _reset(self) -> None:
        self._lines: list[dict] = []
        self._shown = False
        self._nothing_here = False
        self._heading = ""
        self._any_refused = False
        self._provisional = False
        self._note = ""

    lines = Property("QVariantList", lambda self: self._lines, notify=changed)
    shown = Property(bool, lambda self: self._shown, notify=changed)           # anything to tell?
    nothingHere = Property(bool, lambda self: self._nothing_here, notify=changed)
    heading = Property(str, lambda self: self._heading, notify=changed)
    anyRefused = Property(bool, lambda self: self._any_refused, notify=changed)
    # 办理须知: judged from the card only, said so; 核对信息 (with the household answers): final
    provisional = Property(bool, lambda self: self._provisional, notify=changed)
    note = Property(str, lambda self: self._note, notify=changed)     # 办理须知: why it may change

    @Slot()
    def refresh_intro(self) -> None:
        """办理须知: a first judgement from the ID card; the form may still name another place."""
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

    def refresh(self, provisional: bool = False) -> None:
        """The items 办理须知 lists (those that apply, and those that may), decided for this station."""
        form = self._journey.form
        self._reset()
        self._provisional = provisional
        if form is not None:
            chosen = {i.code for i in form.applicable_items()} | {i.code for i in form.items_in_doubt()}
            items = [i for i in form.bundle.items if i.code in chosen]
            decisions = self._journey.handling(items)
            notable = [d for d in decisions if not d.here or d.collected_here]
            self._lines = [{"name": d.item_name, "here": d.here, "sentence": d.sentence} for d in notable]
            self._shown = bool(notable)
            self._nothing_here = bool(decisions) and not any(d.here for d in decisions)
            refused = sum(1 for d in decisions if not d.here)
            self._any_refused = refused > 0
            maybe = "可能" if provisional else ""      # the card only: not yet a decision
            if self._nothing_here:
                self._heading = f"这件事本站{maybe}不能办理"
            elif refused:
                self._heading = f"{maybe}有 {refused} 件要回户籍所在地办理"
            elif notable:
                self._heading = "异地也能办：本站代收"
            if provisional and self._heading:
                self._note = PROVISIONAL_NOTE
        self.changed.emit()

    def spoken(self) -> str:
        """Said after 办理须知's own prompt: the heading and each sentence, in order."""
        if not self._shown:
            return ""
        said = self._heading + "。" + "".join(line["sentence"] for line in self._lines) + self._note
        if self._nothing_here and not self._provisional:
            # after the screen's fixed prompt (…点击确认无误): here there is no 确认 to press
            said = "不过，" + said + "本站不能替您提交，这一页没有确认，请点“回首页”。"
        return said

    def wipe(self) -> None:
        self._for_screen = None
        self._reset()
        self.changed.emit()


def wire_handling(shell, journey: Journey, station_division: str,  # noqa: ANN001 - ShellViewModel
                  parent: QObject | None = None) -> HandlingViewModel:
    """The journey compares with this station; 办理须知 shows and says the outcome."""
    journey.station_division = station_division
    handling = HandlingViewModel(journey, parent)
    shell.on_enter("bundle_intro", handling.refresh_intro)
    shell.on_return("bundle_intro", handling.refresh_intro)
    shell.set_prompt("bundle_intro", handling.spoken)
    # the items are decided by the answers: said again, with the household answers, at 核对
    shell.on_enter("review", handling.refresh_review)
    shell.on_return("review", handling.refresh_review)
    shell.set_prompt("review", handling.spoken)
    shell.add_wiper(handling.wipe)
    shell.changed.connect(lambda: handling.follow(shell.property("screen")))
    return handling


def refused_here(journey: Journey) -> Callable[[], list[str]]:
    """For the receipt: the sentences of the items this station did not take (where to go)."""
    from forms.handling import refused_sentences

    return lambda: refused_sentences(journey.handling())
