"""The materials screen: one line per paper the application needs, and what the resident does
about each (拍照上传 / 政府已有 / 以后补交 / 签署承诺).

Why the rules are not here: which papers are needed, and which choices each allows, follow from
the catalogue through `forms.FormSession.materials()`; this view-model only words them for the
screen (status in words and a mark, the due date in words, who already holds the paper) and
passes the resident's choice back through `set_material`, which refuses what is not allowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.ui.viewmodels.base import Notifying, prop

log = logging.getLogger(__name__)

# A mark beside each status, so the status never rests on colour alone.
STATUS_WORDS = {
    "provided": ("✔", "已拍照上传"),
    "held_by_government": ("✔", "政府已有，无需提交"),
    "deferred": ("✔", "以后补交"),
    "promised": ("✔", "已选择签署承诺"),
    "missing": ("✘", "还没有处理"),
}


def date_in_words(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def capture_plan(material) -> tuple[str, list[str]]:  # noqa: ANN001 - forms.Material
    """How to photograph a paper: the capture size, and what each page is. Identity cards (and
    residence permits) at card size, both sides; bank cards the side with the number; a 户口簿 its
    户主页 and the person's own page; anything else A4, one page per copy."""
    name, count = material.name, max(1, material.count)
    if "身份证" in name and "号码" not in name:
        sides = ("人像面", "国徽面")
        if count == 1:
            return "idcard_front", list(sides)
        return "idcard_front", [f"第{n}张 {side}" for n in range(1, count + 1) for side in sides]
    if "银行卡" in name:
        return "idcard_front", ["有卡号的一面"] * count
    if "户口簿" in name and "或" not in name:
        return "household_page", ["户主页", "本人页"] * count
    return "a4", ([""] if count == 1 else [f"第{n}份" for n in range(1, count + 1)])


def describe(line, today: date) -> dict:  # noqa: ANN001 - forms.materials.MaterialStatus
    """One material as the screen shows it: plain words only."""
    material = line.material
    mark, status_text = STATUS_WORDS[line.status]
    pages = f"共 {material.count} 份（{material.form_name}），拍 {len(capture_plan(material)[1])} 页"
    why = "用于：" + "、".join(line.needed_by)
    due = ""
    if line.can_defer:
        from forms.workdays import add_working_days

        due_day = line.due_date or add_working_days(today, material.deferral_days or 0)
        due = f"请在{date_in_words(due_day)}前补交（{material.deferral_days}个工作日内）"
    # The status is one short line: choosing 以后补交 must not grow the card and move its buttons
    # (the deadline is in the card's own line "可以以后补交：请在…前补交", shown either way).
    if line.status == "provided":
        status_text = f"已拍照上传（{len(line.attachments)} 页）"
    return {
        "id": material.id, "name": material.name, "why": why, "note": material.note, "pages": pages,
        "status": line.status, "mark": mark, "statusText": status_text, "done": line.complete,
        "canFetch": line.can_fetch, "heldReason": line.held_reason,
        "canDefer": line.can_defer, "dueText": due,
        "canPromise": line.can_promise, "commitmentText": material.commitment_text or "",
    }


class MaterialsViewModel(Notifying):
    """The merged list and the resident's choices; 下一步 only when nothing is left undecided."""

    changed = Signal()
    showLine = Signal(int)      # scroll the list to this line (the first paper still undecided)

    _PERSONAL = ("items", "missing", "message", "promiseId", "promiseName", "promiseText",
                 "summary", "focusIndex")

    def __init__(self, journey, say: Callable[[str], None], *, today: Callable[[], date] = date.today,
                 parent: QObject | None = None) -> None:  # noqa: ANN001 - kiosk.ui.journey.Journey
        super().__init__({"items": [], "missing": [], "message": "", "promiseId": "",
                          "promiseName": "", "promiseText": "", "summary": "", "focusIndex": -1},
                         parent)
        self._journey = journey
        self.lines_shown = 0        # how often 下一步 turned the list to a paper still owed
        self._say = say
        # 再听一遍: the shell reads it and shows it is reading (kiosk.ui.app sets shell.readOut)
        self.read_out: Callable[[str], None] = say
        self._today = today
        self.on_capture: Callable[[str, str, list[str], str], None] | None = None
        self.on_forward: Callable[[], None] | None = None

    items = prop(list, "items", changed)
    missing = prop(list, "missing", changed)
    message = prop(str, "message", changed)
    promiseId = prop(str, "promiseId", changed)
    promiseName = prop(str, "promiseName", changed)
    promiseText = prop(str, "promiseText", changed)
    summary = prop(str, "summary", changed)
    focusIndex = prop(int, "focusIndex", changed)   # the line to show when the list reopens

    def _lines(self):
        form = self._journey.form
        return form.materials() if form is not None else []

    @Slot()
    def refresh(self) -> None:
        lines = self._lines()
        self._set("items", [describe(line, self._today()) for line in lines])
        done = sum(1 for line in lines if line.complete)
        self._set("summary", f"共 {len(lines)} 项材料，已处理 {done} 项" if lines else "")
        if self._values["missing"]:
            self._set("missing", self._missing_lines(lines))

    @staticmethod
    def _missing_lines(lines) -> list[str]:  # noqa: ANN001
        result = []
        for line in lines:
            if line.complete:
                continue
            ways = ["拍照上传"]
            if line.can_defer:
                ways.append("以后补交")
            if line.can_promise:
                ways.append("签署承诺")
            result.append(f"“{line.name}”还没有处理，请选择{'或'.join(ways)}")
        return result

    def _choose(self, material_id: str, status: str, attachments: list[str] | tuple = ()) -> bool:
        from forms.errors import MaterialChoiceError

        if self._journey.form is None:
            return False
        try:
            self._journey.form.set_material(material_id, status, list(attachments))
        except MaterialChoiceError as exc:
            self._set("message", str(exc))
            return False
        self._set("message", "")
        self.refresh()
        return True

    # --- the resident's choices ------------------------------------------------------------------
    @Slot(str)
    def capture(self, material_id: str) -> None:
        line = next((m for m in self._lines() if m.material.id == material_id), None)
        if line is None or self.on_capture is None:
            return
        self._set("focusIndex", next(n for n, m in enumerate(self._lines()) if m.material.id == material_id))
        preset_name, pages = capture_plan(line.material)
        self.on_capture(material_id, line.name, pages, preset_name)

    def captured(self, material_id: str, attachments: list[str]) -> None:
        """The camera screen finished: every page of this paper is stored."""
        self._choose(material_id, "provided", attachments)

    @Slot(str)
    def useHeld(self, material_id: str) -> None:
        self._choose(material_id, "held_by_government")

    @Slot(str)
    def defer(self, material_id: str) -> None:
        if self._choose(material_id, "deferred"):
            line = next(m for m in self._lines() if m.material.id == material_id)
            self._say(f"好的，{line.name}可以以后补交。请在{date_in_words(line.due_date)}前补交。")

    @Slot(str)
    def openPromise(self, material_id: str) -> None:
        """签署承诺: show the commitment text and read it aloud; nothing is chosen until 我承诺."""
        line = next((m for m in self._lines() if m.material.id == material_id), None)
        if line is None or not line.can_promise:
            return
        self._set("promiseId", material_id)
        self._set("promiseName", line.name)
        self._set("promiseText", line.material.commitment_text or "")
        self._say("请听承诺内容：" + (line.material.commitment_text or "") + "如果您同意，请点击我承诺。")

    @Slot()
    def readPromise(self) -> None:
        if self._values["promiseText"]:
            self.read_out(self._values["promiseText"])

    @Slot()
    def confirmPromise(self) -> None:
        material_id = self._values["promiseId"]
        if material_id and self._choose(material_id, "promised"):
            self._say("好的，已记下您的承诺。最后签名时会再请您确认。")
        self.closePromise()

    @Slot()
    def closePromise(self) -> None:
        self._reset(("promiseId", "promiseName", "promiseText"))

    @Slot()
    def next(self) -> None:
        lines = self._lines()
        missing = self._missing_lines(lines)
        self._set("missing", missing)
        if missing:
            self._say("还有材料没有处理。" + "；".join(missing))
            first = next(n for n, line in enumerate(lines) if not line.complete)
            self._set("focusIndex", first)
            self.lines_shown += 1           # the list turns on purpose (the exerciser's check knows)
            self.showLine.emit(first)
            return
        if self.on_forward is not None:
            self.on_forward()

    def wipe(self) -> None:
        self._reset(self._PERSONAL)
