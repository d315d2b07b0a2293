"""The form engine: one bundle, the answers so far, and everything that follows from them.

Why a stateful session that re-evaluates everything on each change: the touch UI asks one question
per page and lets the resident go back and change anything. A change to an early answer can hide
later questions, drop an item, or change the material list; recomputing the whole (small) form in
dependency order after every answer is simpler and safer than tracking what changed, and it costs
well under a millisecond (see benchmarks/forms.py). Answers to questions that became hidden are
kept in memory (so toggling back restores them) but never reach conditions, the summary or the
payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from forms import fieldtypes, materials
from forms.catalogue import Bundle, Field, Item, Page
from forms.conditions import Condition, truthy
from forms.divisions import parse_address_text
from forms.errors import FormsError, MaterialChoiceError, UnknownFieldError
from forms.validators import check_any_id, check_name, id_kind, normalise_id_number, normalise_name
from forms.workdays import add_working_days

_SHA256 = re.compile(r"[0-9a-f]{64}")
ID_TYPES = {"resident": "resident_id_card", "hmt": "hmt_residence_permit",
            "foreign": "foreign_permanent_residence_card"}


class IncompleteFormError(FormsError):
    """`payload()` called before the form is complete; `errors` says what is missing."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        first = next(iter(errors.values()), "")
        super().__init__(f"表单还有 {len(errors)} 处需要处理：{first}")


@dataclass(frozen=True)
class Question:
    """The question the UI shows now: the field, its page, its current value and error."""

    field: Field
    page: Page
    value: Any
    error: str | None
    prefilled: bool
    required: bool

    @property
    def field_id(self) -> str:
        return self.field.id


@dataclass(frozen=True)
class SummaryEntry:
    field_id: str
    label: str
    value: Any
    text: str
    prefilled: bool
    error: str | None


@dataclass(frozen=True)
class SummaryPage:
    page_id: str
    title: str
    entries: tuple[SummaryEntry, ...]


class _State:
    """The result of one evaluation pass (also the condition environment during the pass)."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.values: dict[str, Any] = {}  # field/computed id -> value conditions see
        self.stored: dict[str, Any] = {}  # field id -> stored value (visible fields only)
        self.applies: dict[str, bool] = {}
        self.page_visible: dict[str, bool] = {}
        self.visible: dict[str, bool] = {}
        self.required: dict[str, bool] = {}
        self.prefilled: set[str] = set()

    def value(self, name: str) -> Any:
        return self.values.get(name)

    def item_applies(self, code: str) -> bool:
        return self.applies.get(code, False)


class FormSession:
    """The engine the touch UI drives, one question per screen.

    Navigation is by question (field): `current` is the question on screen, `next()` moves to the
    next visible question (and stays if the current one still has an error), `previous()` goes
    back, `goto(field_id)` jumps (from the summary). `current` is None past the last question:
    time for the summary.
    """

    def __init__(self, bundle: Bundle, *, applicant: dict | None = None, prefill: dict | None = None,
                 today: date | None = None, agent: dict | None = None,
                 answers: dict[str, Any] | None = None) -> None:
        self.bundle = bundle
        self.today = today or date.today()
        self.applicant = dict(applicant or {})
        self.shared = dict(prefill or {})
        self.agent = dict(agent) if agent else None
        self._order = [f for page in bundle.pages for f in page.fields]
        # answer.* prefills that hold only under a condition (most bundles have none: then an
        # answer costs no evaluation of its own to see whether one turned on)
        self._conditional_prefills = [f for f in self._order if f.prefill and f.prefill_if is not None
                                      and f.prefill.startswith("answer.")]
        self._index = {f.id: n for n, f in enumerate(self._order)}
        self._pages = {p.id: p for p in bundle.pages}
        self._raw: dict[str, Any] = {}
        self._stored: dict[str, Any] = {}
        self._type_errors: dict[str, str] = {}
        # A card or shared-data value that did not validate: not shown as the resident's answer,
        # but named when the question is still empty (never "请填写" for a number that was given).
        self._prefill_errors: dict[str, str] = {}
        self._prefilled: set[str] = set()
        self._choices: dict[str, materials.Choice] = {}
        self._position = 0
        self._state: _State | None = None
        self._apply_static_prefill()
        for field_id, value in (answers or {}).items():
            self.answer(field_id, value)

    # ------------------------------------------------------------------ answers and evaluation

    def _store(self, f: Field, value: Any) -> None:
        if f.type == "address" and isinstance(value, str):
            value = parse_address_text(value)  # ID card text → cascade codes, for the resident to confirm
        self._raw[f.id] = value
        if fieldtypes.is_empty(value):
            self._stored.pop(f.id, None)
            self._type_errors.pop(f.id, None)
            self._raw.pop(f.id, None)
            return
        stored, error = fieldtypes.normalise(f, value, self.today)
        if error:
            self._stored.pop(f.id, None)
            self._type_errors[f.id] = error
        else:
            self._stored[f.id] = stored
            self._type_errors.pop(f.id, None)

    def _apply_static_prefill(self) -> None:
        for f in self._order:
            if not f.prefill or f.prefill.startswith("answer."):
                continue
            source, key = f.prefill.split(".", 1)
            value = self._card_value(key) if source == "id_card" else self.shared.get(key)
            if fieldtypes.is_empty(value):
                continue
            self._store(f, value)
            if f.id in self._stored:
                self._prefilled.add(f.id)
            else:  # a prefill that does not validate is dropped, never shown as the resident's answer
                self._raw.pop(f.id, None)
                self._prefill_errors[f.id] = self._type_errors.pop(f.id, "")

    def _card_value(self, key: str) -> Any:
        value = self.applicant.get(key)
        if value is None:
            return None
        if key == "sex":
            return {"1": "男", "2": "女"}.get(str(value), value)
        if key == "birth_date":
            return value.isoformat() if isinstance(value, date) else str(value)
        return value

    def answer(self, field_id: str, value: Any) -> list[str]:
        """Record an answer (empty clears it); returns this question's error messages (empty = fine)."""
        f = self._field(field_id)
        following = self._following_answers()
        self._store(f, value)
        self._prefilled.discard(field_id)
        self._prefill_errors.pop(field_id, None)
        self._state = None
        # A field that now follows another answer again (是否为自己申请 turned from 否 to 是: the
        # elder is the applicant) forgets what was typed for someone else, and takes the
        # applicant's: kept, the other person's name stood there in error.
        for other in self._following_answers() - following - {field_id}:
            self._store(self.bundle.fields[other], None)       # typed, valid or not: forgotten
            self._prefilled.discard(other)
            self._state = None
        error = self._error_for(field_id)
        return [error] if error else []

    def _following_answers(self) -> set[str]:
        """Fields whose answer.* prefill holds now (their prefill_if is true)."""
        if not self._conditional_prefills:
            return set()
        state = self._evaluate()
        return {f.id for f in self._conditional_prefills if f.prefill_if.holds(state)}

    def confirm(self, field_id: str) -> None:
        """The resident confirmed a prefilled answer as it is."""
        self._field(field_id)
        self._prefilled.discard(field_id)

    def _field(self, field_id: str) -> Field:
        try:
            return self._order[self._index[field_id]]
        except KeyError:
            raise UnknownFieldError(field_id, self.bundle.id) from None

    def _evaluate(self) -> _State:
        if self._state is not None:
            return self._state
        state = _State(self.today)
        fields = self.bundle.fields
        computed = {c.id: c for c in self.bundle.computed}
        items = {i.code: i for i in self.bundle.items}
        for node in self.bundle.evaluation_order:
            kind, key = node.split(":", 1)
            if kind == "item":
                cond = items[key].applies_if
                state.applies[key] = cond is None or cond.holds(state)
            elif kind == "page":
                cond = self._pages[key].visible_if
                state.page_visible[key] = cond is None or cond.holds(state)
            elif kind == "computed":
                state.values[key] = computed[key].expr.value(state)
            else:
                f = fields[key]
                visible = state.page_visible.get(f.page_id, True) and (
                    f.visible_if is None or f.visible_if.holds(state)) and (
                    not f.for_items or any(state.applies.get(code, False) for code in f.for_items))
                state.visible[key] = visible
                if not visible:
                    state.values[key] = None
                    continue
                state.required[key] = f.required_if.holds(state) if f.required_if else f.required
                stored = self._stored.get(key)
                follows_answer = bool(f.prefill and f.prefill.startswith("answer.")) and (
                    f.prefill_if is None or f.prefill_if.holds(state))
                if stored is None and key not in self._type_errors and follows_answer:
                    source = f.prefill.split(".", 1)[1]
                    if source in state.stored and fields[source].type == f.type:
                        stored = state.stored[source]
                        state.prefilled.add(key)
                if stored is not None:
                    state.stored[key] = stored
                    if key in self._prefilled:
                        state.prefilled.add(key)
                state.values[key] = fieldtypes.condition_value(f, stored)
        self._state = state
        return state

    # ------------------------------------------------------------------------------- errors

    def _error_for(self, field_id: str) -> str | None:
        state = self._evaluate()
        if not state.visible.get(field_id):
            return None
        f = self.bundle.fields[field_id]
        if field_id in self._type_errors:
            return self._type_errors[field_id]
        value = state.stored.get(field_id)
        if value is None:
            if state.required.get(field_id):
                given = self._prefill_errors.get(field_id)
                if given:
                    return f"证件信息中的“{f.label}”有误：{given}"
                return _required_message(f)
            return None
        if f.type == "consent" and value is not True and state.required.get(field_id):
            return "需要您同意后才能继续办理；如有疑问可请工作人员说明。"
        for check in self.bundle.checks:
            if check.field == field_id and not check.rule.holds(state):
                return check.message
        return None

    def errors(self) -> dict[str, str]:
        """Every visible question's error, in form order (field id → Chinese message)."""
        state = self._evaluate()
        found: dict[str, str] = {}
        for f in self._order:
            if state.visible.get(f.id):
                error = self._error_for(f.id)
                if error:
                    found[f.id] = error
        return found

    def material_errors(self) -> dict[str, str]:
        """'materials.<id>' → what to do about each paper that still has no status."""
        found: dict[str, str] = {}
        for line in self.materials():
            if line.status == "missing":
                ways = ["拍摄提交"]
                if line.can_defer:
                    ways.append(f"容缺后补（{line.material.deferral_days} 个工作日内）")
                if line.can_promise:
                    ways.append("签署告知承诺")
                how = "，或".join(ways)
                found[f"materials.{line.material.id}"] = f"请处理材料“{line.material.name}”：可{how}。"
        return found

    def bundle_errors(self) -> dict[str, str]:
        if not self.applicable_items():
            return {"items": "根据您的回答，这件事中没有需要办理的事项。请核对回答，或咨询工作人员。"}
        return {}

    def agent_errors(self) -> dict[str, str]:
        """A proxy agent (代办员) must be named, identified and say on what authority they act."""
        if self.agent is None:
            return {}
        found: dict[str, str] = {}
        name_error = check_name(self.agent.get("name"))
        if name_error:
            found["agent.name"] = "代办人" + name_error
        id_error = check_any_id(self.agent.get("id_number"), today=self.today)
        if id_error:
            found["agent.id_number"] = "代办人" + id_error
        elif normalise_id_number(self.agent.get("id_number")) == self._applicant_id():
            found["agent.id_number"] = "代办人不能是申请人本人；本人办理时不用填写代办人。"
        authorisation = self.agent.get("authorisation")
        if not isinstance(authorisation, str) or not authorisation.strip():
            found["agent.authorisation"] = "请写明代办依据，例如“本人书面委托”或“监护关系”。"
        return found

    def _applicant_id(self) -> str:
        return self._evaluate().stored.get(self.bundle.applicant_fields["id_number"], "")

    def is_complete(self) -> bool:
        return not self.all_errors()

    def all_errors(self) -> dict[str, str]:
        """Everything still in the way of a payload: questions, items, papers and the agent."""
        return {**self.errors(), **self.bundle_errors(), **self.material_errors(), **self.agent_errors()}

    # ---------------------------------------------------------------------------- navigation

    def visible_fields(self) -> list[Field]:
        state = self._evaluate()
        return [f for f in self._order if state.visible.get(f.id)]

    def visible_pages(self) -> list[Page]:
        """Pages with at least one visible question, in order."""
        state = self._evaluate()
        return [p for p in self.bundle.pages
                if state.page_visible.get(p.id, True) and any(state.visible.get(f.id) for f in p.fields)]

    def _question(self, f: Field) -> Question:
        state = self._evaluate()
        value = state.stored.get(f.id, self._raw.get(f.id))
        return Question(f, self._pages[f.page_id], value, self._error_for(f.id),
                        f.id in state.prefilled, bool(state.required.get(f.id)))

    @property
    def current(self) -> Question | None:
        """The question on screen; None when past the last one (show the summary)."""
        state = self._evaluate()
        for f in self._order[self._position:]:
            if state.visible.get(f.id):
                return self._question(f)
        return None

    @property
    def at_end(self) -> bool:
        return self.current is None

    def next(self) -> Question | None:
        """Move on if the current question is fine; otherwise stay (its error says why)."""
        now = self.current
        if now is None:
            return None
        if now.error:
            return now
        if now.field.id in self._prefilled:  # moving on past a prefilled answer confirms it
            self._prefilled.discard(now.field.id)
            self._state = None
        self._position = self._index[now.field.id] + 1
        return self.current

    def previous(self) -> Question | None:
        """Back to the previous visible question (stays on the first)."""
        state = self._evaluate()
        start = self._position if self.current is None else self._index[self.current.field.id]
        for n in range(start - 1, -1, -1):
            if state.visible.get(self._order[n].id):
                self._position = n
                break
        return self.current

    def goto(self, field_id: str) -> Question | None:
        """Jump to a question (e.g. from the summary's “修改”)."""
        self._position = self._index[self._field(field_id).id]
        return self.current

    # ----------------------------------------------------------------------- summary, items

    def summary(self) -> list[SummaryPage]:
        """The “check your answers” page: visible answers grouped by page, each with its field id."""
        state = self._evaluate()
        pages: list[SummaryPage] = []
        for page in self.visible_pages():
            entries = []
            for f in page.fields:
                if not state.visible.get(f.id):
                    continue
                value = state.stored.get(f.id)
                entries.append(SummaryEntry(f.id, f.label, value, fieldtypes.display(f, value),
                                            f.id in state.prefilled, self._error_for(f.id)))
            pages.append(SummaryPage(page.id, page.title, tuple(entries)))
        return pages

    def applicable_items(self) -> list[Item]:
        state = self._evaluate()
        return [i for i in self.bundle.items if state.applies.get(i.code)]

    def dropped_items(self) -> list[Item]:
        state = self._evaluate()
        return [i for i in self.bundle.items if not state.applies.get(i.code)]

    def items_in_doubt(self) -> list[Item]:
        """Items the answers so far cannot decide: their `applies_if` reads a question not answered
        yet (directly, or through a computed value). Before the first answer that is most of a
        bundle like 高龄津贴, whose every item depends on the elder's age: 办理须知 then says what
        *may* apply, rather than "0 件事" (`applicable_items` is empty until the answers decide)."""
        return [i for i in self.bundle.items if i.applies_if is not None and self.is_open(i.applies_if)]

    def is_open(self, cond: Condition) -> bool:
        """Whether `cond` reads a question not answered yet (directly, or through a computed
        value): its outcome may still change with the answers to come."""
        state = self._evaluate()
        computed = {c.id: c for c in self.bundle.computed}

        def open_(names: set[str], seen: frozenset[str]) -> bool:
            for name in names:
                if name in computed:
                    if name not in seen and open_(computed[name].expr.names(), seen | {name}):
                        return True
                elif name in self.bundle.fields and name not in state.stored:
                    return True
            return False

        return open_(cond.names(), frozenset())

    def confirmed(self, field_id: str) -> bool:
        """Answered by the resident (or a prefilled answer they confirmed), not merely prefilled."""
        state = self._evaluate()
        return field_id in state.stored and field_id not in state.prefilled

    def holds(self, cond: Condition) -> bool:
        """`cond` on the answers so far (hidden or unanswered questions are null)."""
        return cond.holds(self._evaluate())

    # ------------------------------------------------------------------------------ materials

    def _scanned(self) -> dict[str, tuple[str, ...]]:
        state = self._evaluate()
        found: dict[str, tuple[str, ...]] = {}
        for f in self._order:
            if f.type == "scan" and state.stored.get(f.id):
                found[f.rules["material"]] = tuple(state.stored[f.id])
        return found

    def materials(self, items: list[Item] | None = None) -> list[materials.MaterialStatus]:
        """The merged, de-duplicated material list for the items that apply (or for `items`: the
        ones that may apply, on 办理须知 before the answers decide), with statuses."""
        chosen = self.applicable_items() if items is None else items
        return materials.merged_materials(self.bundle, chosen, self._evaluate(), self.today,
                                          self._choices, self._scanned())

    def set_material(self, material_id: str, status: str | None, attachments: list[str] | tuple = ()) -> None:
        """Choose what happens to a paper; raises MaterialChoiceError (Chinese) if not allowed.
        `status` None forgets the choice (back to the default)."""
        if status is None:
            self._choices.pop(material_id, None)
            return
        line = next((m for m in self.materials() if m.material.id == material_id), None)
        if line is None:
            if self.bundle.material(material_id) is None:
                raise MaterialChoiceError(f"这件事的材料清单中没有“{material_id}”。")
            raise MaterialChoiceError(f"根据您的回答，“{self.bundle.material(material_id).name}”不需要提交。")
        cleaned = (a.strip().lower() if isinstance(a, str) else repr(a) for a in attachments)
        hashes = tuple(dict.fromkeys(cleaned))
        materials.validate_choice(line, status, hashes, lambda a: bool(_SHA256.fullmatch(a)))
        self._choices[material_id] = materials.Choice(status, hashes if status == "provided" else ())

    def commitment(self) -> dict | None:
        """{"text", "text_sha256"} for the promised papers, or None when nothing is promised."""
        return materials.commitment(self.bundle.commitment_preamble, self.materials())

    # ----------------------------------------------------------------------------------- drafts

    def draft(self) -> dict[str, Any]:
        """Everything needed to resume later (the store autosaves it, encrypted): raw answers
        including hidden and not-yet-valid ones, material choices, and the question on screen."""
        now = self.current
        return {
            "bundle_id": self.bundle.id, "bundle_version": self.bundle.version,
            "answers": {k: v for k, v in self._raw.items() if k not in self._prefilled},
            "materials": {k: {"status": c.status, "attachments": list(c.attachments)}
                          for k, c in self._choices.items()},
            "position": now.field.id if now else None,
        }

    @classmethod
    def from_draft(cls, bundle: Bundle, draft: dict[str, Any], *, applicant: dict | None = None,
                   prefill: dict | None = None, today: date | None = None,
                   agent: dict | None = None) -> FormSession:
        """Resume a draft. Answers to fields the bundle no longer has, and material choices the
        rules no longer allow, are dropped rather than failing (the catalogue may have changed)."""
        answers = {k: v for k, v in (draft.get("answers") or {}).items() if k in bundle.fields}
        session = cls(bundle, applicant=applicant, prefill=prefill, today=today, agent=agent, answers=answers)
        for material_id, choice in (draft.get("materials") or {}).items():
            try:
                session.set_material(material_id, choice.get("status"), choice.get("attachments") or [])
            except (MaterialChoiceError, AttributeError):
                continue
        position = draft.get("position")
        if position in bundle.fields:
            session.goto(position)
        elif position is None and answers:
            session._position = len(session._order)
        return session

    # ------------------------------------------------------------------------ receipt, payload

    def receipt_facts(self) -> dict[str, Any]:
        """What the receipt prints: per item 即办 or the promised date; papers owed and promised."""
        items = []
        for item in self.applicable_items():
            promised = None if item.kind == "immediate" else add_working_days(self.today, item.promised_days)
            items.append({"code": item.code, "name": item.name, "department": item.department,
                          "kind": item.kind, "kind_name": item.kind_name, "promised_days": item.promised_days,
                          "promised_date": promised.isoformat() if promised else None, "fee": item.fee})
        lines = self.materials()
        dates = [i["promised_date"] for i in items if i["promised_date"]]
        return {
            "bundle_id": self.bundle.id, "bundle_name": self.bundle.name, "date": self.today.isoformat(),
            "items": items,
            "dropped_items": [{"code": i.code, "name": i.name, "note": i.dropped_note}
                              for i in self.dropped_items()],
            "finished_by": max(dates) if dates else self.today.isoformat(),
            "deferred": [{"material_id": m.material.id, "name": m.material.name,
                          "due_date": m.due_date.isoformat() if m.due_date else None}
                         for m in lines if m.status == "deferred"],
            "promised": [{"material_id": m.material.id, "name": m.material.name, "text": m.commitment_text}
                         for m in lines if m.status == "promised"],
            # Fetched from the government's own records (e-certificates, 共享获取), and apart from
            # them the papers an item of this very application will issue (e.g. the 营业执照 the
            # registration produces): both need not be handed in, but only the first is "shared".
            "held_by_government": [
                {"material_id": m.material.id, "name": m.material.name, "reason": m.held_reason}
                for m in lines if m.status == "held_by_government" and not self._produced_here(m)],
            "produced": [
                {"material_id": m.material.id, "name": m.material.name, "reason": m.held_reason}
                for m in lines if m.status == "held_by_government" and self._produced_here(m)],
        }

    def _produced_here(self, line: materials.MaterialStatus) -> bool:
        produced_by = line.material.produced_by
        return bool(produced_by) and any(item.code == produced_by for item in self.applicable_items())

    def answers(self) -> dict[str, Any]:
        """Visible, valid answers (and computed values) in form order: what the payload carries."""
        state = self._evaluate()
        result = {f.id: state.stored[f.id] for f in self._order if f.id in state.stored}
        for c in self.bundle.computed:
            value = state.values.get(c.id)
            if value is not None and not (isinstance(value, str) and not value):
                result[c.id] = value
        return result

    def _applicant_payload(self) -> dict[str, Any]:
        state = self._evaluate()
        mapping = self.bundle.applicant_fields
        id_number = state.stored.get(mapping["id_number"], "")
        applicant: dict[str, Any] = {
            "id_type": ID_TYPES.get(id_kind(id_number) or "resident", "resident_id_card"),
            "id_number": id_number,
            "name": state.stored.get(mapping["name"], ""),
        }
        for key in ("phone", "address"):
            if key in mapping and mapping[key] in state.stored:
                applicant[key] = state.stored[mapping[key]]
        card_number = normalise_id_number(self.applicant.get("id_number", ""))
        applicant["verified_by_card"] = bool(card_number) and card_number == id_number
        return applicant

    def _agent_payload(self) -> dict[str, Any] | None:
        if self.agent is None:
            return None
        return {"id_number": normalise_id_number(self.agent["id_number"]),
                "name": normalise_name(self.agent["name"]),
                "authorisation": self.agent["authorisation"].strip()}

    def payload(self) -> dict[str, Any]:
        """The POST /submissions body without the fields the store adds at submit time."""
        errors = self.all_errors()
        if errors:
            raise IncompleteFormError(errors)
        return {
            "bundle_id": self.bundle.id,
            "bundle_version": self.bundle.version,
            "item_codes": [i.code for i in self.applicable_items()],
            "form_version": self.bundle.form_version,
            "applicant": self._applicant_payload(),
            "agent": self._agent_payload(),
            "answers": self.answers(),
            "materials": [m.payload() for m in self.materials()],
            "commitment": self.commitment(),
        }


def _required_message(f: Field) -> str:
    if f.type in ("choice", "relation", "multi_choice", "yes_no"):
        return f"请选择“{f.label}”。"
    if f.type == "address":
        return f"请选择“{f.label}”的市、县（区）并填写详细地址。"
    if f.type == "scan":
        return f"请拍摄“{f.label}”。"
    if f.type == "signature":
        return "请在屏幕上签名。"
    if f.type == "consent":
        return "请阅读后点“我已阅读并同意”。"      # the button's own words
    return f"请填写“{f.label}”。"


__all__ = ["FormSession", "IncompleteFormError", "Question", "SummaryEntry", "SummaryPage", "truthy"]
