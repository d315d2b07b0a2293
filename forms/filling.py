"""Non-interactive filling: answers in, errors or the submission payload out.

Why beside the interactive engine: the command line (`catalogue fill`), the sync helper's
`queue add` and the tests all fill a whole form at once from an answers file. They go through the
very same FormSession the touch UI drives, so a payload can never differ by entry route.

The answers file (the output of `catalogue example`, the input of `catalogue fill` and
`queue add --answers`) is one JSON object:

    {"bundle_id": "newborn",                       # optional check; must match when given
     "applicant": {"name": ..., "id_number": ...}, # optional: ID card fields, used for prefill
     "agent": null,                                # optional: {"id_number", "name", "authorisation"}
     "answers": {"<field id>": <value>, ...},
     "materials": {"<material id>": "deferred" | "promised" | "held_by_government"
                                    | {"status": "provided", "attachments": ["<sha256>", ...]}},
     "today": "2026-11-28"}                        # optional: the date the form is filled on
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from forms.catalogue import Catalogue, load_catalogue
from forms.engine import FormSession
from forms.errors import AnswersFileError, FormsError, MaterialChoiceError
from forms.validators import parse_date


@dataclass
class FillResult:
    """ok → payload is the submission body; otherwise errors maps field id (or materials.<id>,
    or items) to a plain Chinese message saying how to fix it."""

    ok: bool
    errors: dict[str, str] = field(default_factory=dict)
    payload: dict[str, Any] | None = None
    session: FormSession | None = None


def fill(bundle_id: str, answers: dict, *, attachments: dict[str, list[str]] | None = None,
         material_choices: dict | None = None, applicant: dict | None = None,
         catalogue: Catalogue | None = None, today: date | None = None, agent: dict | None = None,
         prefill: dict | None = None) -> FillResult:
    """Fill the bundle's form in one go. Never raises for bad answers: they come back as errors.
    (An unknown bundle id raises UnknownBundleError, which is a caller's mistake, not an answer's.)"""
    bundle = (catalogue or load_catalogue()).bundle(bundle_id)
    session = FormSession(bundle, applicant=applicant, prefill=prefill, today=today, agent=agent)
    errors: dict[str, str] = {}
    if not isinstance(answers, dict):
        return FillResult(False, {"answers": "answers 应是“字段编号: 回答”的对象。"}, None, session)
    for field_id, value in answers.items():
        if field_id not in bundle.fields:
            if field_id in {c.id for c in bundle.computed}:
                continue  # computed values are recomputed, never taken from input
            errors[field_id] = f"这件事的表单中没有“{field_id}”这个问题，请删去或核对拼写。"
            continue
        session.answer(field_id, value)

    choices: dict[str, Any] = dict(material_choices or {})
    for material_id, hashes in (attachments or {}).items():
        choices[material_id] = {"status": "provided", "attachments": list(hashes)}
    for material_id, choice in choices.items():
        if isinstance(choice, str):
            status, hashes = choice, []
        elif isinstance(choice, dict) and isinstance(choice.get("attachments", []), list):
            status, hashes = choice.get("status", "provided"), choice.get("attachments", [])
        else:
            errors[f"materials.{material_id}"] = (
                "材料的处理方式应是状态文字或 {\"status\", \"attachments\"} 对象。")
            continue
        try:
            session.set_material(material_id, status, hashes)
        except MaterialChoiceError as exc:
            errors[f"materials.{material_id}"] = str(exc)

    for key, message in session.all_errors().items():
        errors.setdefault(key, message)
    if errors:
        return FillResult(False, errors, None, session)
    return FillResult(True, {}, session.payload(), session)


@dataclass
class AnswersFile:
    """A parsed answers file; `fill()` runs it through `forms.fill`."""

    bundle_id: str | None
    answers: dict[str, Any]
    materials: dict[str, Any]
    applicant: dict | None
    agent: dict | None
    today: date | None

    @classmethod
    def from_document(cls, doc: Any) -> AnswersFile:
        if not isinstance(doc, dict):
            raise AnswersFileError("答案文件应是一个 JSON 对象。")
        answers = doc.get("answers", {})
        materials = doc.get("materials", {}) or {}
        if not isinstance(answers, dict) or not isinstance(materials, dict):
            raise AnswersFileError("答案文件中的 answers 和 materials 都应是 JSON 对象。")
        today = None
        if doc.get("today") is not None:
            today = parse_date(doc["today"])
            if today is None:
                raise AnswersFileError("答案文件中的 today 应是 YYYY-MM-DD 形式的日期。")
        for key in ("applicant", "agent"):
            if doc.get(key) is not None and not isinstance(doc[key], dict):
                raise AnswersFileError(f"答案文件中的 {key} 应是 JSON 对象或 null。")
        return cls(doc.get("bundle_id"), answers, materials, doc.get("applicant"), doc.get("agent"), today)

    @classmethod
    def read(cls, path: str | Path) -> AnswersFile:
        """Read an answers file within the input limits (forms/limits.py): a GBK file, a folder
        or a 100 000-deep nesting is one Chinese sentence, never Python's English."""
        from forms.limits import InputLimitError, read_json_file

        try:
            doc = read_json_file(path, "答案文件")
        except InputLimitError as exc:
            raise AnswersFileError(str(exc)) from None
        return cls.from_document(doc)

    def fill(self, bundle_id: str | None = None, *, catalogue: Catalogue | None = None,
             today: date | None = None) -> FillResult:
        target = bundle_id or self.bundle_id
        if not target:
            raise AnswersFileError("没有指明是哪件事：请在命令中给出，或在答案文件中写 bundle_id。")
        if bundle_id and self.bundle_id and bundle_id != self.bundle_id:
            raise AnswersFileError(f"答案文件是“{self.bundle_id}”的，不是“{bundle_id}”的。")
        return fill(target, self.answers, material_choices=self.materials, applicant=self.applicant,
                    catalogue=catalogue, today=today or self.today, agent=self.agent)


__all__ = ["AnswersFile", "FillResult", "FormsError", "fill"]
