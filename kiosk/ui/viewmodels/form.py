"""The one form of a 一件事, one question per page, adapted for QML; also the intro and review.

Why the view-model keeps a "draft" apart from the engine's answer: a resident typing a phone
number on the keypad should not see "号码位数不对" after the first digit. What is typed stays a
draft until 下一题; choices are recorded at once (so a question hidden by an earlier answer
disappears from the count straight away). Everything else — validation, visibility, prefill,
wording of errors — is the forms engine's (`journey.form`, a `forms.FormSession`); QML only shows
these properties and calls these slots.

Scan and signature questions are not answered here: the camera and the signature pad are later
steps of the journey. Such a question shows a notice and lets the resident pass without recording
anything (nothing fake goes into the form).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from forms import fieldtypes
from forms.divisions import LIAONING, cities, counties, name_of, provinces
from kiosk.ui.viewmodels.base import Notifying, prop
from kiosk.ui.viewmodels.keypad import press, refusal

MATERIAL_STATUS = {
    "held_by_government": "政府已有，无需提交",
    "provided": "已提交",
    "deferred": "以后补交",
    "promised": "签署承诺代替",
    "missing": "请带上，稍后在摄像头下拍摄",
}

_INITIAL: dict[str, Any] = {
    "active": False, "bundleName": "", "pageTitle": "", "position": "", "number": 0, "count": 0,
    "segments": [],
    "fieldId": "", "fieldType": "", "widget": "", "label": "", "help": "", "required": False,
    "prefilled": False, "prefillSource": "", "valueText": "", "keypad": "", "draft": "",
    "placeholder": "", "writeContext": "", "options": [], "columns": 1, "year": 0, "month": 0, "day": 0,
    "addressLevel": "", "addressOptions": [], "addressChosen": "", "addressDetail": "",
    "consentText": "", "agreed": False, "laterText": "", "error": "", "fromReview": False,
    "isLast": False, "nextShown": True, "review": [], "reviewErrors": [], "reviewErrorsShown": False,
    "introItems": [], "introMaterials": [], "introTime": "", "introDescription": "",
    "introHeading": "", "introNote": "", "introMaterialsHeading": "", "introNoMaterials": "",
}


def intro_items(form) -> tuple[list, list]:  # noqa: ANN001 - forms.FormSession
    """办理须知's items: those that apply and those the answers so far cannot decide (in form
    order), and the undecided ones."""
    in_doubt = form.items_in_doubt()
    chosen = {i.code for i in form.applicable_items()} | {i.code for i in in_doubt}
    return [i for i in form.bundle.items if i.code in chosen], in_doubt


def intro_heading(form) -> str:  # noqa: ANN001 - forms.FormSession
    """How many things 办理须知 says are done at once: one rule for the screen and the guide video."""
    items, in_doubt = intro_items(form)
    return f"视您的情况，最多办理 {len(items)} 件事" if in_doubt else f"一次办好这 {len(items)} 件事"


class FormViewModel(Notifying):
    """`form` in QML. Works on `journey.form`; `load()` after `journey.choose(bundle_id)`."""

    changed = Signal()

    def __init__(self, journey, *, forward: Callable[[], None], go: Callable[[str], None],
                 speak: Callable[[], None] | None = None, parent: QObject | None = None) -> None:
        super().__init__(_INITIAL, parent)
        self._journey = journey
        self._forward = forward
        self._go = go
        self._speak = speak or (lambda: None)
        self._shown_field: str | None = None
        self._editing_prefilled = False
        self._address: dict[str, str] = {}
        # 通办 (kiosk.ui.viewmodels.handling): True once the answers settle that this station can
        # take nothing: the questions end there and 核对 says where to go
        self.stops_early: Callable[[], bool] | None = None

    active = prop(bool, "active", changed)
    bundleName = prop(str, "bundleName", changed)
    pageTitle = prop(str, "pageTitle", changed)
    position = prop(str, "position", changed)
    number = prop(int, "number", changed)
    count = prop(int, "count", changed)
    # The progress bar: one segment per question of the form, asked or not, so the bar never
    # resizes under the finger when an answer brings in or drops a question (the walk's w84 → w88:
    # "共 11 题" became "共 12 题" and every segment shrank). Each is "done", "current", "todo" or
    # "skipped" (a question the answers so far leave out: drawn faint, in its place).
    segments = prop(list, "segments", changed)
    fieldId = prop(str, "fieldId", changed)
    fieldType = prop(str, "fieldType", changed)
    widget = prop(str, "widget", changed)
    label = prop(str, "label", changed)
    help = prop(str, "help", changed)
    required = prop(bool, "required", changed)
    prefilled = prop(bool, "prefilled", changed)
    prefillSource = prop(str, "prefillSource", changed)
    valueText = prop(str, "valueText", changed)
    keypad = prop(str, "keypad", changed)
    draft = prop(str, "draft", changed)
    placeholder = prop(str, "placeholder", changed)
    writeContext = prop(str, "writeContext", changed)    # what the handwriting pad expects here
    options = prop(list, "options", changed)
    columns = prop(int, "columns", changed)
    year = prop(int, "year", changed)
    month = prop(int, "month", changed)
    day = prop(int, "day", changed)
    addressLevel = prop(str, "addressLevel", changed)
    addressOptions = prop(list, "addressOptions", changed)
    addressChosen = prop(str, "addressChosen", changed)
    addressDetail = prop(str, "addressDetail", changed)
    consentText = prop(str, "consentText", changed)
    agreed = prop(bool, "agreed", changed)
    laterText = prop(str, "laterText", changed)
    error = prop(str, "error", changed)
    fromReview = prop(bool, "fromReview", changed)
    isLast = prop(bool, "isLast", changed)
    # 下一题 / 填好了 shown beside 上一题. Not on a consent: there 我已阅读并同意 is the one way on
    # (the walk's w42/w43: two blue buttons, 同意 went on at once and 填好了 alone said "请阅读后点…").
    nextShown = prop(bool, "nextShown", changed)
    review = prop(list, "review", changed)
    reviewErrors = prop(list, "reviewErrors", changed)
    reviewErrorsShown = prop(bool, "reviewErrorsShown", changed)
    introItems = prop(list, "introItems", changed)
    introMaterials = prop(list, "introMaterials", changed)
    introTime = prop(str, "introTime", changed)
    introDescription = prop(str, "introDescription", changed)
    introHeading = prop(str, "introHeading", changed)              # 一次办好这 N 件事 / 视您的情况…
    introNote = prop(str, "introNote", changed)
    introMaterialsHeading = prop(str, "introMaterialsHeading", changed)
    introNoMaterials = prop(str, "introNoMaterials", changed)      # when the list is empty

    # ----------------------------------------------------------------------------- plumbing
    @property
    def _form(self):
        return self._journey.form

    def _update(self, values: dict[str, Any]) -> None:
        """Set many properties and tell QML once."""
        if any(self._values.get(k) != v for k, v in values.items()):
            self._values.update(values)
            self.changed.emit()

    def load(self) -> None:
        """A bundle was just chosen: show its intro and start at the first question."""
        self._shown_field = None
        self._editing_prefilled = False
        self._update({"fromReview": False, "reviewErrorsShown": False, "error": ""})
        self._refresh()

    def spoken_prompt(self) -> str:
        """What 朗读 says on the question screen: the question, its help and its choices."""
        if self._form is None or self._form.current is None:
            return ""
        v = self._values
        parts = [f"{v['position']}。{v['label']}。"]
        if v["help"]:
            parts.append(v["help"] + "。")
        if v["prefilled"]:
            parts.append(f"已为您填好：{v['valueText']}。正确请点“正确，下一题”，不对请点“修改”。")
        elif v["options"]:
            parts.append("请选择：" + "、".join(o["label"] for o in v["options"]) + "。")
        elif v["widget"] == "KeypadAnswer":
            parts.append("请用屏幕上的数字键输入。")
        elif v["widget"] == "TextAnswer":
            parts.append("请点输入框，用拼音输入。")
        elif v["widget"] == "ConsentAnswer":
            parts.append(v["consentText"] + "。同意请点“我已阅读并同意”，就会进入下一步。")
        elif v["widget"] == "LaterAnswer":
            parts.append(v["laterText"])
        if v["error"]:
            parts.append("请注意：" + v["error"])
        return "".join(parts)

    def _refresh(self) -> None:
        form = self._form
        if form is None:
            self._update(dict(_INITIAL))
            return
        values: dict[str, Any] = {"active": True, "bundleName": form.bundle.name}
        values.update(self._intro(form))
        values.update(self._review(form))
        question = form.current
        if question is None:
            self._shown_field = None
            self._update(values)
            return
        f = question.field
        visible = [x.id for x in form.visible_fields()]
        number = visible.index(f.id) + 1
        new_question = f.id != self._shown_field
        if new_question:
            self._shown_field = f.id
            self._editing_prefilled = False
            values["error"] = ""
        # A prefilled answer that breaks a rule (e.g. the applicant's own ID number followed into
        # "老人身份证号码" for someone too young) is shown in the input with its error instead.
        prefilled = question.prefilled and not self._editing_prefilled and not question.error
        if new_question and question.prefilled and question.error:
            values["error"] = question.error
        kind = fieldtypes.TYPES[f.type]
        values.update({
            "pageTitle": question.page.title, "number": number, "count": len(visible),
            "position": f"第 {number} 题",      # no total: it changed with the answers (see segments)
            "segments": _segments([x.id for page in form.bundle.pages for x in page.fields], visible, f.id),
            "fieldId": f.id, "fieldType": f.type, "widget": kind.widget, "label": f.label,
            "help": f.help, "required": question.required, "prefilled": prefilled,
            "prefillSource": self._prefill_source(f),
            "valueText": fieldtypes.display(f, question.value) if question.value is not None else "",
            "keypad": kind.keypad_for(f),
            "placeholder": kind.placeholder,
            "writeContext": kind.writes,
            "isLast": number == len(visible),
            "nextShown": f.type != "consent",
        })
        if new_question:
            values.update(self._widget_state(f, question.value, form.today))
        if f.type in ("choice", "relation", "yes_no", "multi_choice"):
            values["options"] = self._options(f, question.value)
            longest = max(len(o.label) for o in f.options)
            values["columns"] = 1 if f.display == "list" or longest > 8 \
                else (3 if len(f.options) > 4 and longest <= 5 else 2)
        else:
            values["options"] = []
        if f.type == "consent":
            values["consentText"] = f.rules.get("text", f.label)
            values["agreed"] = question.value is True
        if kind.later:
            values["laterText"] = (
                f"“{f.label}”要用摄像头拍摄，在后面的“提交材料”一步完成。现在请点“下一题”。"
                if f.type == "scan" else
                f"“{f.label}”在最后的“签名”一步，用手指在屏幕上签。现在请点“下一题”。")
        if f.type == "address":
            values.update(self._address_state(f))
        self._update(values)
        if new_question:
            self._speak()

    def _prefill_source(self, f) -> str:  # noqa: ANN001 - forms.Field
        """Where a prefilled answer came from, truthfully: it said 已按您的身份证填好 to a resident
        who had typed their name and number by hand."""
        if not (f.prefill or "").startswith("id_card."):
            return "已按您前面的回答填好"
        source = (self._journey.applicant or {}).get("source", "id_card")
        return {"id_card": "已按您的身份证填好", "liaoshitong": "已按您的辽事通身份码填好"}.get(
            source, "已按您输入的姓名和身份证号码填好")

    def _widget_state(self, f, value, today: date) -> dict[str, Any]:
        """What the input widget starts with when a question comes on screen."""
        state: dict[str, Any] = {"draft": ""}
        if _typed(f):
            state["draft"] = "" if value is None else str(value)
        if f.type == "date":
            start = today
            if isinstance(value, str):
                try:
                    start = date.fromisoformat(value)
                except ValueError:
                    start = today
            else:
                latest = fieldtypes.resolve_date_bound(f.rules.get("max"), today)
                earliest = fieldtypes.resolve_date_bound(f.rules.get("min"), today)
                if latest and start > latest:
                    start = latest
                if earliest and start < earliest:
                    start = earliest
            state.update({"year": start.year, "month": start.month, "day": start.day})
        if f.type == "address":
            self._address = {k: v for k, v in (value or {}).items() if v} if isinstance(value, dict) else {}
            if f.rules.get("scope", "liaoning") == "liaoning":
                self._address["province"] = LIAONING
            detail = "".join(self._address.get(k, "") for k in ("township", "village", "detail"))
            state["addressDetail"] = detail
        return state

    def _options(self, f, value) -> list[dict]:
        if f.type == "yes_no":
            chosen = {True: ["yes"], False: ["no"]}.get(value, []) if isinstance(value, bool) else []
        elif f.type == "multi_choice":
            chosen = list(value or []) if isinstance(value, list) else []
        else:
            chosen = [value] if value is not None else []
        return [{"value": o.value, "label": o.label, "hint": o.hint, "selected": o.value in chosen}
                for o in f.options]

    def _address_state(self, f) -> dict[str, Any]:
        a = self._address
        scope = f.rules.get("scope", "liaoning")
        chosen = "".join(name_of(a[k]) or "" for k in ("province", "city", "county") if a.get(k))
        if not a.get("province"):
            level, opts = "province", provinces()
        elif a["province"] == LIAONING and not a.get("city"):
            level, opts = "city", cities(LIAONING)
        elif a["province"] == LIAONING and not a.get("county"):
            level, opts = "county", counties(a["city"])
        else:
            level, opts = "detail", []
        return {"addressLevel": level, "addressChosen": chosen,
                "addressOptions": [{"code": d.code, "name": d.name} for d in opts],
                "columns": 3 if level != "province" or scope != "any" else 4}

    def _intro(self, form) -> dict[str, Any]:
        """办理须知. Before the answers decide which items apply (高龄津贴: every item depends on the
        elder's age), it lists what *may* apply — "视您的情况，最多办理 N 件事", each with its promised
        time, and the papers they may need — instead of "0 件事 … 全部当场办结 … 不需要另外提交材料"."""
        from forms.workdays import add_working_days

        items, in_doubt = intro_items(form)
        shown = []
        for item in items:
            if item.kind == "immediate":
                when = "当场办结（即办件）"
            else:
                by = add_working_days(form.today, item.promised_days).isoformat()
                when = f"承诺件：{item.promised_days} 个工作日内办结（约 {_cn_date(by)}）"
            shown.append({"name": item.name, "department": item.department, "when": when})
        mats = []
        for line in form.materials(items):
            m = line.material
            status = MATERIAL_STATUS.get(line.status, line.status)
            if line.status == "missing" and line.can_defer:
                status += f"；也可以 {m.deferral_days} 个工作日内补交"
            if line.status == "missing" and line.can_promise:
                status += "；也可以签署承诺代替"
            mats.append({"name": f"{m.name}（{m.form_name}{'' if m.count == 1 else f' {m.count} 份'}）",
                         "status": status, "held": line.status == "held_by_government"})
        promised = [i.promised_days for i in items if i.kind != "immediate"]
        if not promised:
            time = "全部当场办结（即办件）" if items else ""
        elif in_doubt:
            time = f"视您的情况，最长约 {max(promised)} 个工作日办结"
        else:
            last = max(add_working_days(form.today, d) for d in promised).isoformat()
            time = f"预计 {_cn_date(last)} 前全部办结"
        if in_doubt:
            return {"introItems": shown, "introMaterials": mats, "introTime": time,
                    "introDescription": form.bundle.description,
                    "introHeading": intro_heading(form),
                    "introNote": "具体办哪几件，要看您后面的回答；回答完会告诉您。",
                    "introMaterialsHeading": "可能需要的材料（每样只交一次）",
                    "introNoMaterials": "要不要交材料，看您后面的回答。"}
        return {"introItems": shown, "introMaterials": mats, "introTime": time,
                "introDescription": form.bundle.description,
                "introHeading": intro_heading(form), "introNote": "",
                "introMaterialsHeading": "需要的材料（每样只交一次）",
                "introNoMaterials": "不需要另外提交材料。"}

    def _review(self, form) -> dict[str, Any]:
        kinds = form.bundle.fields
        pages, problems = [], []
        for page in form.summary():
            entries = []
            for e in page.entries:
                later = fieldtypes.TYPES[kinds[e.field_id].type].later
                note = ""
                if later:
                    note = "在后面的步骤完成" if e.value is None else ""
                elif e.error:
                    problems.append(f"{e.label}：{e.error}")
                entries.append({"fieldId": e.field_id, "label": e.label,
                                "text": "" if e.value is None else e.text,
                                "error": "" if later else (e.error or ""), "note": note})
            pages.append({"title": page.title, "entries": entries})
        problems += list(form.bundle_errors().values())
        return {"review": pages, "reviewErrors": problems}

    # ------------------------------------------------------------------ slots: answering
    def _answer(self, value: Any) -> None:
        self._form.answer(self._shown_field, value)
        self._update({"error": ""})
        self._refresh()

    @Slot(str)
    def setDraft(self, text: str) -> None:
        """Typed text (pinyin keyboard): kept until 下一题."""
        self._update({"draft": text, "error": ""})

    @Slot(str)
    def key(self, key: str) -> None:
        """A key of the number pad (kiosk.ui.viewmodels.keypad)."""
        kind = self._values["keypad"]
        if kind:
            typed = self._values["draft"]
            self._update({"draft": press(typed, key, kind), "error": refusal(typed, key, kind)})

    @Slot(str)
    def choose(self, value: str) -> None:
        """One of the big option buttons (choice, relation, yes/no)."""
        self._answer(value)

    @Slot(str)
    def toggle(self, value: str) -> None:
        """A multi-choice option pressed: on if off, off if on."""
        chosen = [o["value"] for o in self._values["options"] if o["selected"]]
        chosen = [c for c in chosen if c != value] if value in chosen else chosen + [value]
        self._answer(chosen)

    @Slot(str, int)
    def stepDate(self, part: str, delta: int) -> None:
        """The big +/− buttons of the date: part is 'year', 'month' or 'day'."""
        y, m, d = self._values["year"], self._values["month"], self._values["day"]
        if part == "year":
            y = min(max(y + delta, 1900), 2100)
        elif part == "month":
            m = (m - 1 + delta) % 12 + 1
        else:
            d = (d - 1 + delta) % calendar.monthrange(y, m)[1] + 1
        d = min(d, calendar.monthrange(y, m)[1])
        self._update({"year": y, "month": m, "day": d, "error": ""})

    @Slot(str)
    def addressPick(self, code: str) -> None:
        level = self._values["addressLevel"]
        if level in ("province", "city", "county"):
            self._address[level] = code
            self._update({"error": ""})
            self._refresh_address()

    @Slot()
    def addressRestart(self) -> None:
        """重新选择: back to the first step of the cascade."""
        f = self._form.bundle.fields[self._shown_field]
        keep = {"province": LIAONING} if f.rules.get("scope", "liaoning") == "liaoning" else {}
        self._address = keep
        self._refresh_address()

    @Slot(str)
    def setAddressDetail(self, text: str) -> None:
        self._update({"addressDetail": text, "error": ""})

    def _refresh_address(self) -> None:
        self._update(self._address_state(self._form.bundle.fields[self._shown_field]))

    @Slot()
    def agree(self) -> None:
        """我已阅读并同意: records the consent and moves on (the one forward button of a consent:
        agreeing is what the form's rule asks — `required` and the consent type in forms/)."""
        self._answer(True)
        self.next()

    @Slot()
    def confirmPrefilled(self) -> None:
        """正确，下一题: the prefilled answer is right as it is."""
        self._form.confirm(self._shown_field)
        self.next()

    @Slot()
    def editPrefilled(self) -> None:
        """修改 on a prefilled answer: show the input with the value in it."""
        self._editing_prefilled = True
        self._update({"prefilled": False})

    def _commit_draft(self) -> None:
        """Hand what was typed or set on screen to the engine (choices are recorded already)."""
        f = self._form.bundle.fields[self._shown_field]
        v = self._values
        if _typed(f):
            self._form.answer(f.id, v["draft"])
        elif f.type == "date":
            self._form.answer(f.id, f"{v['year']:04d}-{v['month']:02d}-{v['day']:02d}")
        elif f.type == "address":
            value = dict(self._address)
            if v["addressDetail"].strip():
                value["detail"] = v["addressDetail"].strip()
            self._form.answer(f.id, value if len(value) > 1 or "detail" in value else None)

    # ------------------------------------------------------------------ slots: moving
    @Slot()
    def next(self) -> None:
        """下一题. Stays with the error shown in Chinese when the answer is not right yet."""
        form = self._form
        if form is None or form.current is None:
            return
        question = form.current
        if fieldtypes.TYPES[question.field.type].later:
            self._skip_later(question.field.id)
            return
        if not self._values["prefilled"]:
            self._commit_draft()
        moved = form.next()
        if moved is not None and moved.field.id == question.field.id and moved.error:
            self._update({"error": moved.error})
            self._refresh()
            self._speak()
            return
        self._after_move()

    def _skip_later(self, field_id: str) -> None:
        visible = [f.id for f in self._form.visible_fields()]
        later = visible[visible.index(field_id) + 1:]
        if later:
            self._form.goto(later[0])
            self._after_move()
        else:
            self._finish()

    def _after_move(self) -> None:
        if self._form.current is not None and self.stops_early is not None and self.stops_early():
            # the answer settled that this station can take nothing (通办): 核对 says where to go
            self._refresh()
            self._update({"fromReview": False})
            self._go("review")
        elif self._form.current is None:
            self._finish()
        else:
            self._refresh()

    def _finish(self) -> None:
        """Past the last question: to the review (when changing an answer from there) or on."""
        self._refresh()
        if self._values["fromReview"]:
            self._update({"fromReview": False})
            self._go("review")
        else:
            self._forward()

    @Slot()
    def previous(self) -> None:
        """上一题."""
        if self._form is not None:
            self._form.previous()
            self._update({"error": ""})
            self._refresh()

    def back_within(self) -> bool:
        """返回 on the question screen: to the review when changing an answer from there, else the
        previous question; False on the first question (the shell then goes to 办理须知, and
        开始填写 there comes back to it with every answer kept)."""
        form = self._form
        if form is None or form.current is None:
            return False
        if self._values["fromReview"]:
            self.backToReview()
            return True
        visible = [f.id for f in form.visible_fields()]
        if visible and form.current.field.id != visible[0]:
            self.previous()
            return True
        return False

    def resume(self) -> None:
        """Coming back to the questions by 返回 from the materials: the last question, the one
        answered just before them (the form stands past its end once 下一题 was pressed on it)."""
        form = self._form
        if form is not None:
            visible = form.visible_fields()
            if visible:
                form.goto(visible[-1].id)
        self._shown_field = None
        self._update({"fromReview": False, "error": ""})
        self._refresh()

    @Slot(str)
    def goto(self, field_id: str) -> None:
        """修改 on the review screen: that question, then 返回核对 comes back."""
        self._form.goto(field_id)
        self._shown_field = None
        self._update({"fromReview": True, "error": ""})
        self._refresh()
        self._go("question")

    @Slot()
    def backToReview(self) -> None:
        """返回核对: keep what is on screen (if anything) and show the review again."""
        if self._form.current is not None and not self._values["prefilled"] \
                and not fieldtypes.TYPES[self._form.current.field.type].later:
            self._commit_draft()
        self._update({"fromReview": False, "error": ""})
        self._refresh()
        self._go("review")

    @Slot()
    def start(self) -> None:
        """开始填写 on the intro screen."""
        self._refresh()
        self._forward()

    @Slot()
    def confirmReview(self) -> None:
        """确认无误: on to the next step, or show what still needs an answer."""
        self._refresh()
        if self._values["reviewErrors"]:
            self._update({"reviewErrorsShown": True})
            return
        self._forward()

    def wipe(self) -> None:
        self._shown_field = None
        self._editing_prefilled = False
        self._address = {}
        self._values = dict(_INITIAL)
        self.changed.emit()


def _typed(f) -> bool:  # noqa: ANN001 - forms.Field
    """Is this question's answer typed (a draft kept until 下一题), on a pad or the keyboard?"""
    kind = fieldtypes.TYPES[f.type]
    return bool(kind.keypad_for(f)) or kind.widget == "TextAnswer"


def _segments(every: list[str], visible: list[str], current: str) -> list[str]:
    """The progress bar's segments over every question of the form (see `segments`)."""
    shown = set(visible)
    at = every.index(current)
    return ["current" if n == at else "skipped" if q not in shown else "done" if n < at else "todo"
            for n, q in enumerate(every)]


def _cn_date(iso: str | None) -> str:
    if not iso:
        return ""
    d = date.fromisoformat(iso)
    return f"{d.year} 年 {d.month} 月 {d.day} 日"
