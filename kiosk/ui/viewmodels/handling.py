"""通办 on the screen: who will handle each item, or why this station cannot and where to go.

The rule is forms.handling (one implementation); this adapter only words it for 办理须知, 核对信息
and the receipt screen, and for the voice. Why say it on 办理须知, before any question: a resident
registered in another county must learn *before* filling a form that an item (or the whole
matter) has to be done at home, not after signing. The decision is made again when the
application is saved (Journey.payload), with the household answers the resident gave by then.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk.ui.journey import Journey


class HandlingViewModel(QObject):
    changed = Signal()

    def __init__(self, journey: Journey, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journey = journey
        self._reset()

    def _reset(self) -> None:
        self._lines: list[dict] = []
        self._shown = False
        self._nothing_here = False
        self._heading = ""
        self._any_refused = False

    lines = Property("QVariantList", lambda self: self._lines, notify=changed)
    shown = Property(bool, lambda self: self._shown, notify=changed)           # anything to tell?
    nothingHere = Property(bool, lambda self: self._nothing_here, notify=changed)
    heading = Property(str, lambda self: self._heading, notify=changed)
    anyRefused = Property(bool, lambda self: self._any_refused, notify=changed)

    @Slot()
    def refresh(self) -> None:
        """The items 办理须知 lists (those that apply, and those that may), decided for this station."""
        form = self._journey.form
        self._reset()
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
            if self._nothing_here:
                self._heading = "这件事本站不能办理"
            elif refused:
                self._heading = f"有 {refused} 件要回户籍所在地办理"
            elif notable:
                self._heading = "异地也能办：本站代收"
        self.changed.emit()

    def spoken(self) -> str:
        """Said after 办理须知's own prompt: the heading and each sentence, in order."""
        if not self._shown:
            return ""
        return self._heading + "。" + "".join(line["sentence"] for line in self._lines)

    def wipe(self) -> None:
        self._reset()
        self.changed.emit()


def wire_handling(shell, journey: Journey, station_division: str,  # noqa: ANN001 - ShellViewModel
                  parent: QObject | None = None) -> HandlingViewModel:
    """The journey compares with this station; 办理须知 shows and says the outcome."""
    journey.station_division = station_division
    handling = HandlingViewModel(journey, parent)
    shell.on_enter("bundle_intro", handling.refresh)
    shell.set_prompt("bundle_intro", handling.spoken)
    # the items are decided by the answers: said again, with the household answers, at 核对
    shell.on_enter("review", handling.refresh)
    shell.on_return("review", handling.refresh)
    shell.set_prompt("review", handling.spoken)
    shell.add_wiper(handling.wipe)
    return handling


def refused_here(journey: Journey) -> Callable[[], list[str]]:
    """For the receipt: the sentences of the items this station did not take (where to go)."""
    from forms.handling import refused_sentences

    return lambda: refused_sentences(journey.handling())
