"""智能预审 on the capture review screen: is this the paper asked for, is it the right person's,
can it be read — said in plain words while the resident still stands at the kiosk.

Why here and so: the commonest reason an application comes back (补正) is a wrong or mismatched
paper, and nobody at a village station checks before the resident goes home. devices/precheck
reads the photographed page offline (OCR on the station's CPU, about a second); this view-model
runs it on a worker thread as soon as a photo is shown for review, and shows the findings under
the buttons (nothing moves under the finger). It is advice only: 用这张 is never held back, staff
decide. Fields it could read offer to fill answers not yet given, each confirmed by a tap, never
silently. The result travels with the submission as the attachment's `precheck` object (no names,
no numbers), kept in the journey by the photo's sha256 (the attachment's name). Models load on the
first check, off the GUI thread, so the kiosk's start-up is unchanged.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.ui.background import Background
from kiosk.ui.viewmodels.base import Notifying, prop

log = logging.getLogger(__name__)


class PrecheckViewModel(Notifying):
    """`precheck` in QML: the findings about the photo under review."""

    changed = Signal()

    _PERSONAL = ("state", "findings", "offers", "mismatch")

    def __init__(self, journey, say: Callable[[str], None],  # noqa: ANN001 - kiosk.ui.journey.Journey
                 checker_factory: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__({"state": "idle", "findings": [], "offers": [], "mismatch": False}, parent)
        self._journey = journey
        self._say = say
        self._factory = checker_factory
        self._checker = None
        self._background = Background(self)
        self._serial = 0          # which check the screen shows (重拍 and leaving the review move it)
        self._session = 0         # which resident's (the wipe moves it)
        self._offers: dict[str, object] = {}

    state = prop(str, "state", changed)          # idle | checking | done
    findings = prop(list, "findings", changed)   # plain Chinese sentences (names masked)
    offers = prop(list, "offers", changed)       # [{fieldId, label, text}]: answers it could fill
    mismatch = prop(bool, "mismatch", changed)

    def _engine(self):  # noqa: ANN202 - devices.precheck.Prechecker
        if self._checker is None:
            self._checker = self._factory()
        return self._checker

    def check(self, material_id: str, jpeg: bytes) -> None:
        """A photo shown for review (用这张 / 重拍): read it on a worker thread."""
        form = self._journey.form
        self.clear()
        if form is None or not jpeg:
            return
        from devices.precheck import expectation_for

        answers = dict(form.answers())
        expect = expectation_for(form.bundle.id, material_id, answers)
        if not expect.doc_type and not expect.people and not expect.one_of:
            return                        # a paper the pre-check knows nothing about: say nothing
        self._serial += 1
        serial, session, sha = self._serial, self._session, hashlib.sha256(jpeg).hexdigest()
        self._set("state", "checking")
        self._background.run(lambda: self._engine().check(jpeg, expect),
                             lambda result, error: self._checked(serial, session, sha, result, error),
                             "kiosk-precheck")

    def _checked(self, serial: int, session: int, sha: str, result, error) -> None:  # noqa: ANN001
        if session != self._session:
            return                        # the resident has gone: nothing of theirs is kept
        if error is not None:             # OCR not installed, an unreadable picture: say nothing
            log.info("pre-check skipped: %s", type(error).__name__)
            if serial == self._serial:
                self._set("state", "idle")
            return
        from devices.precheck import to_payload

        # Kept for the submission even when the page was already taken (用这张 is never held back).
        self._journey.prechecks[sha] = to_payload(result)
        if serial != self._serial:
            return                        # 重拍, 不拍了 or the next page came first: not shown
        form = self._journey.form
        offers = []
        self._offers = {}
        for field_id, value in (result.fill_offers or {}).items():
            field = form.bundle.fields.get(field_id) if form is not None else None
            if field is None or form.answers().get(field_id) not in (None, ""):
                continue                  # only answers not given yet
            self._offers[field_id] = value
            offers.append({"fieldId": field_id, "label": field.label, "text": str(value)})
        self._set("findings", list(result.findings))
        self._set("offers", offers)
        self._set("mismatch", bool(result.mismatch))
        self._set("state", "done")
        if result.findings:
            self._say("请注意：" + "。".join(result.findings) + "。这只是提醒，您可以重拍，也可以用这张。")

    @Slot(str)
    def fill(self, field_id: str) -> None:
        """填入: the resident confirms an answer read off the paper."""
        form = self._journey.form
        if form is None or field_id not in self._offers:
            return
        form.answer(field_id, self._offers.pop(field_id))
        self._set("offers", [o for o in self._values["offers"] if o["fieldId"] != field_id])
        self._say("已填入。")

    def clear(self) -> None:
        self._serial += 1
        self._offers = {}
        self._reset(self._PERSONAL)

    def wait(self) -> None:
        self._background.wait()

    def wipe(self) -> None:
        self._session += 1
        self.clear()
