"""Does the paper belong to the person the resident named? Tolerant of what OCR cannot read.

A plain string comparison would raise a false alarm for every name with a character the
recogniser lacks (翀 瑀 赟 弢 are not in its 6 623-symbol dictionary) or confuses (彧 read as 或,
婕 as 捷). So a name is compared the way the recogniser saw it: the expected name is put in place
of the name it read, and the line's character probabilities (CTC) say how much less likely that
reading is than the recogniser's own. A character the dictionary lacks is a wildcard: it can never
be confirmed, so it never counts against the resident. A different person's name costs tens of
nats; a misread rare character costs a few.

The ID number is the stronger evidence: its check character makes a misread number almost never
valid, so a valid number that differs says "another person", and an equal one says "the same
person" even when the name came out garbled.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.precheck.ctc import WILDCARD, ctc_log_likelihood, labels_of
from devices.precheck.ocr import Line, OcrEngine
from devices.precheck.understand import Reading

NAME_TOLERANCE = 6.0  # nats a name reading may lose and still count as "could be this name"
NAME_DOUBT = 14.0  # up to this, a name is only doubtful: a matching ID number outweighs it
ID_TOLERANCE = 6.0

# Who a role is on each paper: (name field, ID-number field).
ROLE_FIELDS: dict[str, dict[str, tuple[str, str | None]]] = {
    "hukou": {"holder": ("name", "id_number")},
    "birth_cert": {
        "child": ("name", None),
        "mother": ("mother_name", "mother_id_number"),
        "father": ("father_name", "father_id_number"),
    },
    "marriage_cert": {"holder": ("name", "id_number"), "spouse": ("spouse_name", "spouse_id_number")},
    "id_card_front": {"holder": ("name", "id_number")},
    "disability_cert": {"holder": ("name", "id_number")},
    "business_license": {"operator": ("name", None)},
    "id_card_back": {},
    "other": {},
}
ROLE_WORDS = {
    "main": "",
    "holder": "",
    "child": "新生儿",
    "mother": "母亲",
    "father": "父亲",
    "spouse": "配偶",
    "operator": "经营者",
    "any": "",
}


def reading_cost(line: Line, start: int, end: int, expected: str, ocr: OcrEngine) -> float | None:
    """How many nats less likely the line is when it says `expected` in place of text[start:end];
    None when the line kept no probabilities (then the caller compares strings)."""
    if line.probs is None or len(line.char_steps) != len(line.text):
        return None
    probs = line.probs
    # Score only the name's part of the line: from the step after the previous character to the
    # step before the next one, so the label's characters do not dilute the comparison.
    lo = line.char_steps[start - 1] + 1 if start > 0 else 0
    hi = line.char_steps[end] if end < len(line.text) else probs.steps
    window = probs.window(lo, hi)
    if window.steps < len(expected):
        window = probs
        read = line.text
        candidate = line.text[:start] + expected + line.text[end:]
    else:
        read = line.text[start:end]
        candidate = expected
    own = ctc_log_likelihood(window, labels_of(read, ocr))
    other = max(
        ctc_log_likelihood(window, labels) for labels in _wildcard_variants(labels_of(candidate, ocr))
    )
    return max(0.0, own - other)


def _wildcard_variants(labels: list[int]) -> list[list[int]]:
    """A character the recogniser lacks may come out as some other character or as nothing at all
    (it emits blanks there): each wildcard is tried present and absent (at most 3 of them)."""
    variants = [labels]
    for k in [i for i, label in enumerate(labels) if label == WILDCARD][:3]:
        variants += [v[:k] + v[k + 1 :] if v[k] == WILDCARD else v for v in variants]
    return variants


def same_name_text(read: str, expected: str, ocr: OcrEngine | None) -> bool | None:
    """String comparison when no probabilities exist: equal, or differing only where the expected
    character is one the recogniser cannot output. None when the lengths differ and the missing
    characters might be unreadable ones."""
    if read == expected:
        return True
    if ocr is None:
        return False
    if len(read) == len(expected):
        return all(a == b or not ocr.knows(b) for a, b in zip(read, expected, strict=True))
    unknown = sum(1 for c in expected if not ocr.knows(c))
    if unknown and len(expected) - unknown <= len(read) <= len(expected):
        return None
    return False


def mask_name(name: str) -> str:
    """王小明 → 王**: what may be shown and spoken about a name."""
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


@dataclass(frozen=True)
class Verdict:
    """One person on the paper against what the resident said about them."""

    role: str
    field: str  # "name" or "id_number"
    state: str  # "match", "mismatch" or "unknown"
    read: str | None = None
    expected: str | None = None


def compare_name(reading: Reading, field: str, expected: str, ocr: OcrEngine) -> str:
    read = reading.fields.get(field)
    if not read and field in reading.partial:  # only the surname was readable: weigh that
        span = reading.spans[field]
        line = reading.lines[span.line]
        if line.text[span.start : span.end] != expected.strip()[:1]:
            return "unknown"  # one misread character alone is too little to accuse anyone
        cost = reading_cost(line, span.start, span.end, expected.strip(), ocr)
        if cost is None:
            return "unknown"
        return "match" if cost <= NAME_TOLERANCE else ("doubt" if cost <= NAME_DOUBT else "mismatch")
    if not read:
        return "unknown"
    expected = expected.strip()
    if read == expected:
        return "match"
    span = reading.spans.get(field)
    if span is not None and span.line < len(reading.lines):
        cost = reading_cost(reading.lines[span.line], span.start, span.end, expected, ocr)
        if cost is not None:
            if cost <= NAME_TOLERANCE:
                return "match"
            return "doubt" if cost <= NAME_DOUBT else "mismatch"
    same = same_name_text(read, expected, ocr)
    return "unknown" if same is None else ("match" if same else "mismatch")


def compare_id(reading: Reading, field: str, expected: str, ocr: OcrEngine) -> str:
    read = reading.fields.get(field)
    expected = expected.strip().upper()
    if not read:
        return "unknown"
    if read == expected:
        return "match"
    if field in reading.repaired or field in reading.uncertain:
        span = reading.spans.get(field)
        if span is not None and span.line < len(reading.lines):
            line = reading.lines[span.line]
            cost = reading_cost(line, span.start, min(span.end, span.start + 18), expected, ocr)
            if cost is not None and cost <= ID_TOLERANCE:
                return "match"
        if field in reading.uncertain:
            return "unknown"
    return "mismatch"


def person_verdicts(
    reading: Reading, role: str, name: str | None, id_number: str | None, ocr: OcrEngine
) -> list[Verdict]:
    """Name and ID verdicts for one expected person in one role ('main' = the paper's main person)."""
    if role in ("main",):
        name_field, id_field = "name", "id_number"
    else:
        fields = ROLE_FIELDS.get(reading.doc_type, {}).get(role)
        if fields is None:
            return []
        name_field, id_field = fields
    out = []
    if name:
        out.append(
            Verdict(
                role,
                "name",
                compare_name(reading, name_field, name, ocr),
                reading.fields.get(name_field),
                name,
            )
        )
    if id_number and id_field:
        out.append(
            Verdict(
                role,
                "id_number",
                compare_id(reading, id_field, id_number, ocr),
                reading.fields.get(id_field),
                id_number,
            )
        )
    return out


def person_state(verdicts: list[Verdict]) -> str:
    """One person. A clear disagreement of either the name or the ID number is a mismatch; a name
    that is only doubtful (a garbled reading) is outweighed by an ID number that matches."""
    ids = [v.state for v in verdicts if v.field == "id_number"]
    names = [v.state for v in verdicts if v.field == "name"]
    if "mismatch" in ids or "mismatch" in names:
        return "mismatch"
    if "match" in ids:
        return "match"
    if "doubt" in names:
        return "mismatch"
    if "match" in names:
        return "match"
    return "unknown"


def any_person_state(
    reading: Reading, name: str | None, id_number: str | None, ocr: OcrEngine
) -> tuple[str, list[Verdict]]:
    """For a person who may be anyone on the paper (either spouse, either parent): a match with one
    of them is enough; a mismatch only when every readable person differs."""
    roles = list(ROLE_FIELDS.get(reading.doc_type, {}))
    results = [(role, person_verdicts(reading, role, name, id_number, ocr)) for role in roles]
    states = [(person_state(v), v) for _, v in results if v]
    if any(s == "match" for s, _ in states):
        return "match", next(v for s, v in states if s == "match")
    if states and all(s == "mismatch" for s, _ in states):
        return "mismatch", states[0][1]
    return "unknown", []
