"""The pre-check (智能预审) of one photographed paper: what it is, whose it is, can it be read.

`open_precheck()` is cheap (nothing is loaded); the first `check()` loads the OCR models (about
half a second) on the calling thread, which must be a worker thread, never the GUI thread.
Everything it says is advice: the resident may keep the photo, staff decide.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from devices.precheck.match import (
    ROLE_WORDS,
    Verdict,
    any_person_state,
    mask_name,
    person_state,
    person_verdicts,
)
from devices.precheck.ocr import Line, OcrEngine
from devices.precheck.page import as_image, flatten_paper, light_figures, sharpness
from devices.precheck.understand import (
    DOC_LABELS,
    DOC_TYPES,
    Reading,
    classify,
    extract,
    has_valid_id,
    number_cut_at_end,
)
from forms.validators import check_id_number, check_uscc

ENGINE_VERSION = "precheck-1"
DARK_MEDIAN = 75.0  # median page brightness below this: "太暗"
GLARE_SHARE = 0.015  # share of blown-out page pixels above this: "反光"
BLUR_MIN = 25.0  # variance of the Laplacian at 1000 px below this: "模糊"

FIELD_WORDS = {
    "name": "姓名",
    "id_number": "身份证号码",
    "mother_name": "母亲姓名",
    "mother_id_number": "母亲的身份证号码",
    "credit_code": "统一社会信用代码",
    "valid_until": "有效期限",
    "spouse_name": "配偶姓名",
}


@dataclass(frozen=True)
class ExpectedPerson:
    """Someone the paper should be about. `role`: "main" (the paper's main person: the holder of a
    户口簿 page, 残疾人证 or 结婚证, the newborn on a 出生医学证明 with the mother's ID number, the
    operator of a 营业执照), a named role ("holder", "child", "mother", "father", "spouse",
    "operator"), or "any" (anyone on the paper, e.g. either parent on a 结婚证)."""

    role: str = "main"
    name: str | None = None
    id_number: str | None = None


@dataclass(frozen=True)
class Expectation:
    """What the kiosk asked for: the paper type(s) that fit the material, the people it concerns,
    and which answers the paper could fill (`fills`: paper field → form field; `answers`: the
    form's current answers, so only empty ones are offered)."""

    doc_type: str | tuple[str, ...] | None = None
    people: tuple[ExpectedPerson, ...] = ()
    fills: Mapping[str, str] = field(default_factory=dict)
    answers: Mapping[str, Any] = field(default_factory=dict)
    one_of: tuple[ExpectedPerson, ...] = ()  # the paper is one of these people's (parents' ID cards)

    @property
    def doc_types(self) -> tuple[str, ...]:
        if self.doc_type is None:
            return ()
        return (self.doc_type,) if isinstance(self.doc_type, str) else tuple(self.doc_type)


@dataclass
class PrecheckResult:
    """The pre-check of one photo. `findings` are plain Chinese sentences for the review screen
    and the voice (names masked: 王*); `fill_offers` maps form field ids to values the resident
    may accept (never applied silently); `mismatch` is None when nothing could be compared."""

    doc_type: str
    confidence: float
    fields: dict[str, str | None]
    mismatch: bool | None
    findings: list[str]
    fill_offers: dict[str, str]
    expected_doc_types: tuple[str, ...] = ()
    type_ok: bool | None = None
    legible: bool = True
    problems: tuple[str, ...] = ()  # "dark", "glare", "blur", "covered"
    verdicts: list[Verdict] = field(default_factory=list)
    found_paper: bool = True
    ms: int = 0


@dataclass
class PageReading:
    """What was read from one page: the understood fields (with the recogniser's per-character
    probabilities, a few hundred KB) and the light problems measured on the page."""

    reading: Reading
    problems: tuple[str, ...]
    found_paper: bool


class Prechecker:
    """One OCR engine, loaded on first use; `check` may be called from any worker thread."""

    def __init__(self, threads: int = 2) -> None:
        self.ocr = OcrEngine(threads=threads)

    def warm_up(self) -> None:
        """Load the models now (≈0.5 s, ≈100 MB); call on a worker thread, e.g. when the
        materials screen opens, so the first photo is not slower than the rest."""
        self.ocr.load()

    def check(
        self, image: np.ndarray | bytes, expect: Expectation | None = None, *, photo: bool = False
    ) -> PrecheckResult:
        """Pre-check one paper. `image`: the capture pipeline's flattened page (BGR array or its
        JPEG bytes), or with `photo=True` a raw document-camera frame that is flattened here.
        Raises `page.BadImage` (a Chinese sentence) for input that is not a usable picture."""
        started = time.perf_counter()
        page = self.read(image, photo=photo)
        result = self.judge(page, expect)
        result.ms = int(round((time.perf_counter() - started) * 1000))
        return result

    def read(self, image: np.ndarray | bytes, *, photo: bool = False) -> PageReading:
        """The expensive half of `check`: flatten (for a photo), OCR, classify, extract. The
        result can be judged again with other expectations (the resident corrected an answer)
        without reading the paper again."""
        img = as_image(image)
        found = True
        page = img
        if photo:
            page, found = flatten_paper(img)
        lines = self.reread_numbers(page, self.ocr.read(page))
        doc_type, confidence, _ = classify(lines)
        reading = extract(doc_type, lines, self.ocr)
        reading.confidence = confidence
        return PageReading(reading, tuple(_light_problems(page)), found)

    def reread_numbers(self, page: np.ndarray, lines: list[Line]) -> list[Line]:
        """Lines ending in an ID number that was not read whole (one digit short, or failing its
        check character) read once more from a wider crop; the new reading is kept only when it
        holds a number whose check character passes. A few lines a page at most."""
        out = list(lines)
        for i, line in enumerate(out):
            if number_cut_at_end(line.text):
                for pad in (0.8, 1.5):  # wider, then wider still (past a seal or a cell border)
                    again = self.ocr.reread(page, line, pad)
                    if has_valid_id(again.text):
                        out[i] = again
                        break
        return out

    def judge(self, page: PageReading, expect: Expectation | None = None) -> PrecheckResult:
        """The cheap half of `check` (a millisecond): compare a reading with what was expected."""
        result = self._judge(page, expect or Expectation())
        result.found_paper = page.found_paper
        return result

    # ------------------------------------------------------------------------------- judging

    def _judge(self, page: PageReading, expect: Expectation) -> PrecheckResult:
        reading = page.reading
        fields = {k: v for k, v in reading.fields.items()}
        findings: list[str] = []
        problems = list(page.problems)
        text_chars = sum(len(x.text) for x in reading.lines)
        missing = [f for f in reading.expects if not fields.get(f) and f not in reading.partial]
        unreadable = bool(problems) and (text_chars < 25 or bool(missing))
        legible = not missing and not (problems and text_chars < 25)
        doc_type = reading.doc_type
        wanted = expect.doc_types
        type_ok: bool | None = None
        if wanted:
            type_ok = doc_type in wanted
            if not type_ok and unreadable:
                type_ok = None  # too dark or shiny to say what it is
            if type_ok is False:
                findings.append(
                    f"这张看起来不是{_wanted_label(wanted)}"
                    + (f"，像是{DOC_LABELS[doc_type]}" if doc_type != "other" else "")
                    + "，请核对后重拍或换一张"
                )
        if missing and doc_type != "other" or unreadable:
            findings.append(_legibility_sentence(problems or ("covered",), missing))
        verdicts: list[Verdict] = []
        states: list[str] = []
        if type_ok is not False and doc_type != "other":
            for person in expect.people:
                if person.role == "any":
                    state, vs = any_person_state(reading, person.name, person.id_number, self.ocr)
                else:
                    vs = person_verdicts(reading, person.role, person.name, person.id_number, self.ocr)
                    state = person_state(vs)
                verdicts.extend(vs)
                states.append(state)
                if state == "mismatch":
                    findings.extend(_mismatch_sentences(person.role, vs))
        if type_ok is not False and doc_type != "other" and expect.one_of:
            state, vs = _one_of_state(reading, expect.one_of, self.ocr)
            states.append(state)
            verdicts.extend(vs)
            if state == "mismatch":
                findings.append(_not_anyone_sentence(reading, expect.one_of))
        if "mismatch" in states:
            mismatch: bool | None = True
        elif states and "unknown" not in states:
            mismatch = False
        elif "match" in states:
            mismatch = False if all(s != "mismatch" for s in states) and not missing else None
        else:
            mismatch = None
        offers = _fill_offers(fields, reading, expect) if type_ok is not False else {}
        return PrecheckResult(
            doc_type=doc_type,
            confidence=reading.confidence,
            fields=fields,
            mismatch=mismatch,
            findings=findings,
            fill_offers=offers,
            expected_doc_types=wanted,
            type_ok=type_ok,
            legible=legible,
            problems=tuple(problems or ["covered"]) if (missing or unreadable) else (),
            verdicts=verdicts,
        )


def _wanted_label(wanted: tuple[str, ...]) -> str:
    """What the resident was asked for, in words: 身份证 for either face, else 户口簿或结婚证 …"""
    labels = ["身份证" if t.startswith("id_card_") else DOC_LABELS.get(t, t) for t in wanted]
    return "或".join(dict.fromkeys(labels))


def _light_problems(page: np.ndarray) -> list[str]:
    median, blown = light_figures(page)
    problems = []
    if median < DARK_MEDIAN:
        problems.append("dark")
    if blown > GLARE_SHARE:
        problems.append("glare")
    if sharpness(page) < BLUR_MIN:
        problems.append("blur")
    return problems


def _legibility_sentence(problems: tuple[str, ...] | list[str], missing: list[str]) -> str:
    what = "、".join(FIELD_WORDS.get(f, "") for f in missing if FIELD_WORDS.get(f)) or "字"
    if "dark" in problems:
        return f"照片太暗，材料上的{what}看不清，请开灯或换个位置再拍"
    if "glare" in problems:
        return f"材料有反光，{what}看不清，请调整角度再拍"
    if "blur" in problems:
        return f"照片模糊，材料上的{what}看不清，请保持材料不动再拍"
    return f"材料有一部分被挡住或看不清（{what}），请把材料放平、手指移开再拍"


def _mismatch_sentences(role: str, verdicts: list[Verdict]) -> list[str]:
    who = ROLE_WORDS.get(role, "")
    out = []
    for v in verdicts:
        if v.state not in ("mismatch", "doubt") or not v.read or not v.expected:
            continue
        if v.field == "name":
            out.append(
                f"材料上{who}的姓名与您填写的不一致（材料上是 {mask_name(v.read)}，"
                f"您填的是 {mask_name(v.expected)}）"
            )
        else:
            read, exp = v.read, v.expected.upper()
            detail = (
                f"材料上尾号 {read[-4:]}，您填的尾号 {exp[-4:]}"
                if read[-4:] != exp[-4:]
                else "有几位数字不同"
            )
            out.append(f"材料上{who}的身份证号码与您填写的不一致（{detail}）")
    return out


def _one_of_state(
    reading: Reading, people: tuple[ExpectedPerson, ...], ocr: OcrEngine
) -> tuple[str, list[Verdict]]:
    """The paper belongs to one of `people`: a match with any is enough; a mismatch only when it
    disagrees with every one of them."""
    results = []
    for person in people:
        vs = person_verdicts(reading, person.role, person.name, person.id_number, ocr)
        results.append((person_state(vs), vs))
    if any(state == "match" for state, _ in results):
        return "match", []
    if results and all(state == "mismatch" for state, _ in results):
        return "mismatch", [v for _, vs in results for v in vs]
    return "unknown", []


def _not_anyone_sentence(reading: Reading, people: tuple[ExpectedPerson, ...]) -> str:
    read = reading.fields.get("name")
    names = "、".join(mask_name(p.name) for p in people if p.name)
    if read and names:
        return f"材料上的姓名与您填写的人都不一致（材料上是 {mask_name(read)}，您填的是 {names}）"
    return "材料上的身份证号码与您填写的人都不一致"


def _fill_offers(fields: dict[str, str | None], reading: Reading, expect: Expectation) -> dict[str, str]:
    """Paper values the resident may accept for answers not yet given: only values read with
    confidence and, for numbers, with a valid check character."""
    offers = {}
    for paper_field, form_field in expect.fills.items():
        value = fields.get(paper_field)
        if not value or paper_field in reading.uncertain or expect.answers.get(form_field) not in (None, ""):
            continue
        if "id_number" in paper_field and check_id_number(value) is not None:
            continue
        if paper_field == "credit_code" and check_uscc(value) is not None:
            continue
        offers[form_field] = value
    return offers


def to_payload(result: PrecheckResult) -> dict[str, Any]:
    """The optional `precheck` object of an attachment in the submission (PLATFORM-API): the
    type, the confidence and which comparisons disagreed — no names, no ID numbers, no findings
    text (those hold masked names only, but staff see the paper itself)."""
    mismatches = [
        {"role": v.role, "field": v.field}
        for v in result.verdicts
        if v.state in ("mismatch", "doubt") and result.mismatch
    ]
    return {
        "engine": ENGINE_VERSION,
        "doc_type": result.doc_type,
        "confidence": round(float(result.confidence), 3),
        "expected_doc_types": list(result.expected_doc_types),
        "type_ok": result.type_ok,
        "legible": bool(result.legible),
        "problems": list(result.problems),
        "mismatch": result.mismatch,
        "mismatches": mismatches,
        "findings": len(result.findings),
    }


def open_precheck(threads: int = 2) -> Prechecker:
    """A pre-checker; cheap (no model is loaded until the first check or `warm_up`)."""
    return Prechecker(threads=threads)


__all__ = [
    "DOC_TYPES",
    "ENGINE_VERSION",
    "ExpectedPerson",
    "Expectation",
    "PrecheckResult",
    "Prechecker",
    "open_precheck",
    "to_payload",
]
