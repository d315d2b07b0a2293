"""What paper is this, and what does it say? Classification and field extraction from OCR lines.

Classification uses the paper's own marks, as a clerk would: its title (常住人口登记卡, 出生医学证明 …),
the field labels printed on the form (户主或与户主关系, 残疾类别, 统一社会信用代码 …) and number
formats (a 20-digit 残疾人证号, a J-prefixed 结婚证字号, a validity range 2015.03.12-2035.03.12).
Each mark adds weight; a paper with no strong marks is `other`.

Extraction finds each value by its label and the page's geometry (same cell to the right, or the
line below), not by "the first name on the page": on a 户口簿 page the first name may be the clerk's,
on a 出生医学证明 the first ID number may be the father's. ID numbers and credit codes are kept only
when their check characters pass; one misread character is repaired when the recogniser itself
gave the repairing digit some probability at that place (never guessed blindly).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from devices.precheck.doc_types import DOC_TYPES  # noqa: F401 - the engine names its kinds (checker, tests)
from devices.precheck.ocr import Line, OcrEngine
from forms.validators import check_id_number, check_uscc

DOC_LABELS = {
    "hukou": "户口簿",
    "birth_cert": "出生医学证明",
    "marriage_cert": "结婚证",
    "id_card_front": "身份证人像面",
    "id_card_back": "身份证国徽面",
    "disability_cert": "残疾人证",
    "business_license": "营业执照",
    "other": "其他材料",
}

# (mark, weight). A mark of 4+ characters also matches with one character misread or missing.
MARKS: dict[str, tuple[tuple[str, float], ...]] = {
    "hukou": (
        ("常住人口登记卡", 6),
        ("居民户口簿", 6),
        ("户主或与户主关系", 4),
        ("户主姓名", 3),
        ("户号", 1.5),
        ("户别", 1.5),
        ("公民身份证件编号", 2),
        ("承办人签章", 2),
        ("何时由何地迁来", 2.5),
        ("曾用名", 2),
        ("宗教信仰", 1.5),
        ("服务处所", 1.5),
        ("户口登记机关", 2),
        ("文化程度", 1),
        ("婚姻状况", 1),
    ),
    "birth_cert": (
        ("出生医学证明", 6),
        ("MedicalCertificateofBirth", 3),
        ("新生儿姓名", 4),
        ("母亲姓名", 2.5),
        ("父亲姓名", 2.5),
        ("出生孕周", 2.5),
        ("出生体重", 2),
        ("接生机构", 2.5),
        ("签证机构", 1.5),
        ("健康状况", 1),
    ),
    "marriage_cert": (
        ("结婚证", 5),
        ("持证人", 3.5),
        ("结婚证字号", 3.5),
        ("婚姻登记", 2),
        ("身份证件号", 1.5),
    ),
    "id_card_front": (("公民身份号码", 3), ("住址", 1), ("民族", 0.7), ("性别", 0.5), ("出生", 0.5)),
    "id_card_back": (("居民身份证", 4), ("签发机关", 3.5), ("有效期限", 3.5), ("中华人民共和国", 1)),
    "disability_cert": (
        ("残疾人证", 6),
        ("残疾类别", 3.5),
        ("残疾等级", 3.5),
        ("残疾人证号", 2),
        ("残疾人联合会", 2),
    ),
    "business_license": (
        ("营业执照", 6),
        ("统一社会信用代码", 4),
        ("经营者", 2),
        ("法定代表人", 2),
        ("经营范围", 2.5),
        ("组成形式", 2),
        ("注册日期", 1.5),
        ("成立日期", 1.5),
        ("登记机关", 1),
        ("经营场所", 1.5),
        ("注册资本", 1.5),
        ("市场监督管理局", 1),
    ),
    "other": (
        ("通知", 2),
        ("购物", 2),
        ("小票", 2.5),
        ("合计", 2),
        ("收银", 2),
        ("谢谢惠顾", 3),
        ("特此", 2),
        ("村民委员会", 1.5),
        ("发票", 2),
    ),
}
THRESHOLD = 4.0
# The fields a readable paper of each type shows; one missing means part of it could not be read.
EXPECTED_FIELDS: dict[str, tuple[str, ...]] = {
    "hukou": ("name", "id_number"),
    "birth_cert": ("name", "mother_name", "mother_id_number"),
    "marriage_cert": ("name", "id_number"),
    "id_card_front": ("name", "id_number"),
    "id_card_back": ("valid_until",),
    "disability_cert": ("name", "id_number"),
    "business_license": ("name", "credit_code"),
    "other": (),
}  # below this, the paper has no convincing marks of any type we know

ID_RE = re.compile(r"(?<![0-9X])[0-9]{17}[0-9X](?:[0-9]{2})?(?![0-9X])")
USCC_RE = re.compile(r"(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])")
MARRIAGE_NO_RE = re.compile(r"[JLBj][0-9]{6}-[0-9]{4}-[0-9]{5,6}")
VALIDITY_RE = re.compile(
    r"([12][0-9]{3}[.．][01][0-9][.．][0-3][0-9])[-—–~至]+([12][0-9]{3}[.．][01][0-9][.．][0-3][0-9]|长期)"
)
BIRTH_NO_RE = re.compile(r"(?<![A-Z0-9])[A-Z][0-9]{9}(?![0-9])")
DATE_RE = re.compile(r"([12][0-9]{3})\s*年\s*([01]?[0-9])\s*月\s*([0-3]?[0-9])\s*日")
DIGIT_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "x": "X",
        "×": "X",
        "b": "6",
        "g": "9",
        "q": "9",
    }
)

# Surnames (the commonest few hundred): a lone character read where a name stands is accepted as
# the start of a name only when it is one of these.
SURNAME_CHARS = set(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
    "赖龚文关佟付宫鲍庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂焦向柳邢路岳齐梅莫庄辛管祝左"
    "涂谷祁时舒耿牟卜詹项骆沙苗单包景褚隋商车蔺米戚滕裴曲栾阚富晋冷訾那满付覃欧司上诸东"
)
# Last characters of name labels (姓名, 持证人, 经营者) that the detector may cut off with the value.
LABEL_TAILS = "名人者"
# Words that are labels on some paper: never a person's name.
LABEL_WORDS = (
    "姓名",
    "性别",
    "民族",
    "出生",
    "住址",
    "户主",
    "关系",
    "曾用名",
    "籍贯",
    "身份",
    "号码",
    "编号",
    "日期",
    "国籍",
    "年龄",
    "持证人",
    "登记",
    "备注",
    "经营",
    "名称",
    "类型",
    "代表人",
    "残疾",
    "等级",
    "类别",
    "证号",
    "签发",
    "机关",
    "有效",
    "期限",
    "身高",
    "血型",
    "文化",
    "婚姻",
    "职业",
    "服务",
    "处所",
    "宗教",
    "信仰",
    "承办",
    "签章",
    "户号",
    "户别",
    "新生儿",
    "母亲",
    "父亲",
    "孕周",
    "体重",
    "健康",
    "地点",
    "时间",
    "中国",
    "男",
    "女",
    "汉",
    "组成形式",
    "个体",
    "经营者",
    "法定",
    "联系",
)


def norm(text: str) -> str:
    """NFKC (full-width → half-width), no spaces; what labels are matched against."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x323AF or char == "·"


def fuzzy_contains(text: str, mark: str) -> bool:
    """`mark` in `text`, allowing one character misread or dropped when the mark is 4+ long."""
    if mark in text:
        return True
    n = len(mark)
    if n < 4 or len(text) < n - 1:
        return False
    for start in range(0, len(text) - n + 2):
        window = text[start : start + n]
        if len(window) == n and sum(a != b for a, b in zip(window, mark, strict=True)) <= 1:
            return True
        if mark[:1] == text[start : start + 1] or mark[1:2] == text[start : start + 1]:
            # one character dropped: the window of n-1 equals the mark without one character
            short = text[start : start + n - 1]
            if any(mark[:k] + mark[k + 1 :] == short for k in range(n)):
                return True
    return False


@dataclass
class Span:
    """Where a value was read: line index and character range in that line's text."""

    line: int
    start: int
    end: int


@dataclass
class Reading:
    """What was understood from one page."""

    doc_type: str
    confidence: float
    scores: dict[str, float]
    fields: dict[str, str | None] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)
    uncertain: set[str] = field(default_factory=set)  # fields read with low confidence
    partial: set[str] = field(default_factory=set)  # names of which only the surname was readable
    repaired: set[str] = field(default_factory=set)  # numbers fixed by one check-digit repair
    id_numbers: list[str] = field(default_factory=list)  # every valid ID number on the page
    lines: list[Line] = field(default_factory=list)  # the lines the spans index
    expects: tuple[str, ...] = ()  # fields this kind of page should show


# ------------------------------------------------------------------------------- classification


def classify(lines: list[Line]) -> tuple[str, float, dict[str, float]]:
    texts = [norm(line.text) for line in lines]
    joined = "".join(texts)
    scores: dict[str, float] = {}
    for doc_type, marks in MARKS.items():
        total = 0.0
        for mark, weight in marks:
            found = [t for t in texts if fuzzy_contains(t, mark)]
            if found:
                # A title or a label stands alone or beside its value; the same words inside a
                # sentence ("请携带居民身份证和户口簿") are prose, not the paper's own mark.
                prose = all(len(t) > len(mark) + 12 for t in found)
                total += weight * (0.25 if prose and doc_type != "other" else 1.0)
            elif len(mark) >= 4 and mark in joined:
                total += weight
        scores[doc_type] = total
    fixed = joined.translate(DIGIT_LOOKALIKES)
    if VALIDITY_RE.search(fixed):
        scores["id_card_back"] += 3.5
    if MARRIAGE_NO_RE.search(joined):
        scores["marriage_cert"] += 3
    for match in ID_RE.finditer(fixed):
        if len(match.group()) == 20 and check_id_number(match.group()[:18]) is None:
            scores["disability_cert"] += 2.5
    if any(check_uscc(m.group()) is None for m in USCC_RE.finditer(joined.upper())):
        scores["business_license"] += 3
    # The ID card's face has no title: its marks are the labels plus a valid number on a small card.
    if (
        scores["id_card_front"] >= 3
        and len(lines) <= 16
        and any(check_id_number(m.group()[:18]) is None for m in ID_RE.finditer(fixed))
    ):
        scores["id_card_front"] += 2
    # A title outranks the shared labels: 公民身份号码 is also on older 户口簿 pages.
    for doc_type in ("hukou", "birth_cert", "marriage_cert", "disability_cert"):
        if scores[doc_type] >= 6:
            scores["id_card_front"] = min(scores["id_card_front"], 2.0)
    ranked = sorted(((s, t) for t, s in scores.items() if t != "other"), reverse=True)
    best_score, best = ranked[0]
    second = ranked[1][0]
    if best_score < THRESHOLD or scores["other"] > best_score:
        # Nothing we know: a notice, a receipt, a blank sheet. Confident when there is text and
        # none of it is a mark of a known paper; less so when there is hardly any text.
        strength = max(best_score, 0.0)
        confidence = 0.9 - 0.1 * strength if lines else 0.8
        return "other", round(max(0.5, min(0.95, confidence)), 3), scores
    margin = best_score - max(second, scores["other"])
    confidence = 1.0 - 0.5 * float(np.exp(-margin / 3.0)) * (THRESHOLD / max(best_score, THRESHOLD))
    return best, round(min(0.99, max(0.5, confidence)), 3), scores


# ------------------------------------------------------------------------------------ geometry


def merge_split_labels(lines: list[Line]) -> list[Line]:
    """Spaced labels (姓　名, 性　别) come out of the detector as two one-character boxes; join a
    one-character box to the one-character box just right of it on the same row."""
    out: list[Line] = []
    used = set()
    for i, a in enumerate(lines):
        if i in used:
            continue
        if len(a.text.strip()) == 1:
            best = None
            for j, b in enumerate(lines):
                if j == i or j in used or len(b.text.strip()) != 1:
                    continue
                h = max(a.height, b.height)
                if (
                    abs(a.cy - b.cy) < 0.4 * h
                    and 0 <= b.x0 - a.x1 < 5 * h
                    and (best is None or b.x0 < lines[best].x0)
                ):
                    best = j
            if best is not None:
                b = lines[best]
                used.add(best)
                box = np.array(
                    [
                        [a.x0, min(a.y0, b.y0)],
                        [b.x1, min(a.y0, b.y0)],
                        [b.x1, max(a.y1, b.y1)],
                        [a.x0, max(a.y1, b.y1)],
                    ],
                    np.float32,
                )
                out.append(
                    Line(
                        box,
                        a.text.strip() + b.text.strip(),
                        min(a.score, b.score),
                        a.char_scores + b.char_scores,
                        [],
                        None,
                    )
                )
                continue
        out.append(a)
    return out


def _frame(a: Line) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centre, unit vector along the line, unit normal) from the detector's rotated box, so rows
    are followed along the text even when the page was left a few degrees off."""
    along = (a.box[1] - a.box[0]) + (a.box[2] - a.box[3])
    norm_ = float(np.linalg.norm(along)) or 1.0
    u = along / norm_
    if abs(float(u[1])) > 0.35:  # not a plausible text direction: fall back to the page axes
        u = np.array([1.0, 0.0], np.float32)
    return a.box.mean(axis=0), u, np.array([-u[1], u[0]], np.float32)


def right_of(lines: list[Line], i: int) -> int | None:
    """The nearest line to the right of line i on the same row (measured along line i)."""
    a = lines[i]
    centre, u, n = _frame(a)
    half = float(np.dot(a.box[1] - a.box[0], u)) / 2 if len(a.box) == 4 else (a.x1 - a.x0) / 2
    best, best_along = None, 0.0
    for j, b in enumerate(lines):
        if j == i:
            continue
        d = b.box.mean(axis=0) - centre
        along, across = float(np.dot(d, u)), float(np.dot(d, n))
        h = max(a.height, b.height)
        b_half = (b.x1 - b.x0) / 2
        # Detector boxes are padded, so a value written close to its label overlaps it a little.
        if (
            abs(across) < 0.7 * h
            and along > half
            and along - b_half > 0.2 * half
            and (best is None or along < best_along)
        ):
            best, best_along = j, along
    if best is not None and best_along - half - (lines[best].x1 - lines[best].x0) / 2 > 12 * a.height:
        return None
    return best


def below(lines: list[Line], i: int) -> int | None:
    """The nearest line under line i that starts near its left edge."""
    a = lines[i]
    best = None
    for j, b in enumerate(lines):
        if j == i or b.cy <= a.y1:
            continue
        if abs(b.x0 - a.x0) > 3 * a.height or b.y0 - a.y1 > 2.5 * a.height:
            continue
        if best is None or b.y0 < lines[best].y0:
            best = j
    return best


# ------------------------------------------------------------------------------------ extraction


@dataclass
class Hit:
    line: int
    start: int  # where the value starts in line.text (after the label)


def _raw_index(raw: str, compact_index: int) -> int:
    """The index in `raw` of the character that has `compact_index` non-space characters before it."""
    seen = 0
    for pos, char in enumerate(raw):
        if not char.isspace():
            if seen == compact_index:
                return pos
            seen += 1
    return len(raw)


def find_label(lines: list[Line], label: str, not_after: str = "") -> list[Hit]:
    """Lines whose text contains `label` (not preceded by one of `not_after`), with where the
    value would start. Positions are in the raw text, so they index per-character scores."""
    hits = []
    for i, line in enumerate(lines):
        raw = line.text
        compact = "".join(c for c in raw if not c.isspace())
        k = compact.find(label)
        while k >= 0:
            if not (k > 0 and compact[k - 1] in not_after):
                hits.append(Hit(i, _raw_index(raw, k + len(label))))
                break
            k = compact.find(label, k + 1)
    if label == "姓名" and not hits:  # a spaced 姓　　名 whose 名 was dropped: the lone 姓 is the label
        hits = [Hit(i, len(x.text)) for i, x in enumerate(lines) if x.text.strip() == "姓"]
    return hits


def _clean_name(text: str, start: int) -> tuple[str, int, int] | None:
    """A person's name at the start of text[start:]: Han characters, stops at a label word."""
    i = start
    while i < len(text) and (text[i].isspace() or text[i] in ":：.,，"):
        i += 1
    j = i
    while j < len(text) and is_han(text[j]):
        j += 1
    name = text[i:j]
    while len(name) > 2 and name[0] in LABEL_TAILS:  # the end of a label split from its start
        name, i = name[1:], i + 1
    for word in LABEL_WORDS:
        k = name.find(word, 1 if len(word) == 1 else 0)
        if k == 0 and len(word) > 1:
            return None
        if k > 0 and len(word) > 1:
            name, j = name[:k], i + k
    if len(name) > 5:  # a sentence, not a name
        return None
    if len(name) == 1 and name not in SURNAME_CHARS:
        return None
    if not name:
        return None
    return name, i, j


def value_name(lines: list[Line], label: str, not_after: str = "") -> tuple[str, Span] | None:
    """The name written after/right of/below `label`. A whole name wins over a lone surname: the
    label's box sometimes swallows the value's first character ("新生儿姓名贺" beside "贺可")."""
    for hit in find_label(lines, label, not_after):
        candidates = []
        got = _clean_name(lines[hit.line].text, hit.start)
        if got:
            candidates.append((got[0], Span(hit.line, got[1], got[2])))
        for j in (right_of(lines, hit.line), below(lines, hit.line)):
            if j is not None:
                got = _clean_name(lines[j].text, 0)
                if got:
                    candidates.append((got[0], Span(j, got[1], got[2])))
        whole = [c for c in candidates if len(c[0]) >= 2]
        if whole or candidates:
            return (whole or candidates)[0]
    return None


def value_text(lines: list[Line], label: str, not_after: str = "") -> str | None:
    for hit in find_label(lines, label, not_after):
        rest = lines[hit.line].text[hit.start :].strip(" :：")
        if rest:
            return rest
        j = right_of(lines, hit.line)
        if j is not None:
            return lines[j].text.strip()
    return None


@dataclass
class Number:
    value: str  # the validated ID number (18) or credit code
    full: str  # as printed (20 digits for a 残疾人证号)
    line: int
    start: int
    end: int
    repaired: bool = False
    confident: bool = True


def _repair(candidate: str, line: Line, offset: int, ocr: OcrEngine | None, valid) -> tuple[str, bool] | None:  # noqa: ANN001
    """One character of a number fixed so its check character passes, using the recogniser's own
    second choices at the least certain positions."""
    if valid(candidate):
        return candidate, False
    if ocr is None or line.probs is None or len(line.char_steps) != len(line.text):
        return None
    positions = sorted(
        range(len(candidate)),
        key=lambda k: line.char_scores[offset + k] if offset + k < len(line.char_scores) else 1.0,
    )[:4]
    for k in positions:
        step = line.char_steps[offset + k]
        for alt in "0123456789X" if len(candidate) == 18 else "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if alt == candidate[k]:
                continue
            fixed = candidate[:k] + alt + candidate[k + 1 :]
            cls = ocr.class_of(alt)
            if cls is not None and line.probs.at(step, cls) >= 0.002 and valid(fixed):
                return fixed, True
    return None


def find_id_numbers(lines: list[Line], ocr: OcrEngine | None) -> list[Number]:
    found = []
    for i, line in enumerate(lines):
        fixed = line.text.translate(DIGIT_LOOKALIKES)
        compact_map = [k for k, c in enumerate(fixed) if not c.isspace()]
        compact = "".join(fixed[k] for k in compact_map)
        for m in ID_RE.finditer(compact):
            full = m.group()
            start_raw = compact_map[m.start()]
            contiguous = compact_map[m.end() - 1] - start_raw == len(full) - 1
            got = _repair(
                full[:18], line, start_raw, ocr if contiguous else None, lambda v: check_id_number(v) is None
            )
            if got is None:
                continue
            value, repaired = got
            scores = line.char_scores[start_raw : start_raw + 18] if contiguous else []
            confident = (min(scores) if scores else line.score) >= 0.5
            found.append(
                Number(
                    value, value + full[18:], i, start_raw, compact_map[m.end() - 1] + 1, repaired, confident
                )
            )
        if ocr is not None and line.probs is not None and len(line.char_steps) == len(line.text):
            for m in SHORT_ID_RE.finditer(fixed):
                got = _insert_dropped(m.group(), line, m.start(), ocr)
                if got:
                    found.append(Number(got, got, i, m.start(), m.end(), True, True))
    return found


SHORT_ID_RE = re.compile(r"(?<![0-9X])[0-9]{16}[0-9X](?![0-9X])")
# A number cut short or spoilt at the end of a line: 15–17 digits, or 18 that fail the check.
CUT_NUMBER_RE = re.compile(r"(?<![0-9X])[0-9]{14,19}[0-9X]?$")


def number_cut_at_end(text: str) -> bool:
    """Whether a line ends in what looks like an ID number the recogniser did not read whole: a
    run of 15–17 or 19 digits, or 18 (20) whose first 18 fail the check character (a dropped or
    misread last digit).
    Such a line is worth one more read from a wider crop (`OcrEngine.reread`)."""
    compact = re.sub(r"\s+", "", text.translate(DIGIT_LOOKALIKES))
    m = CUT_NUMBER_RE.search(compact)
    if not m:
        return False
    run = m.group()
    if len(run) < 15:
        return False
    if len(run) in (18, 20):  # an ID number, or a 残疾人证号 (the ID number and two digits)
        return check_id_number(run[:18]) is not None
    return True  # 15–17 digits, or 19: a 残疾人证号 one digit short


def has_valid_id(text: str) -> bool:
    """Whether the line holds an ID number (or a 20-digit 残疾人证号) whose check character passes."""
    compact = re.sub(r"\s+", "", text.translate(DIGIT_LOOKALIKES))
    return any(check_id_number(m.group()[:18]) is None for m in ID_RE.finditer(compact))


INSERT_TOLERANCE = 6.0  # nats: how much less likely the repaired number may be than the reading


def _insert_dropped(run: str, line: Line, offset: int, ocr: OcrEngine) -> str | None:
    """A 17-character run where an ID number stands: the recogniser dropped one character (the last,
    often, where the detector's box ends). Every place and digit that makes a valid number is
    scored against the line's own probabilities; the best is kept only if the recogniser gave it
    nearly the likelihood of what it read, and clearly more than any other repair."""
    from devices.precheck.ctc import ctc_log_likelihood, labels_of

    lo = line.char_steps[offset - 1] + 1 if offset > 0 else 0
    end = offset + len(run)
    hi = line.char_steps[end] if end < len(line.text) else line.probs.steps
    window = line.probs.window(lo, hi)
    own = ctc_log_likelihood(window, labels_of(run, ocr))
    scored = []
    for k in range(len(run) + 1):
        for digit in "0123456789X":
            candidate = run[:k] + digit + run[k:]
            if candidate[:17].isdigit() and check_id_number(candidate) is None:
                scored.append((own - ctc_log_likelihood(window, labels_of(candidate, ocr)), candidate))
    if not scored:
        return None
    scored.sort()
    best_cost, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else float("inf")
    if best_cost <= INSERT_TOLERANCE and runner_up - best_cost >= 2.0:
        return best
    return None


def find_credit_codes(lines: list[Line], ocr: OcrEngine | None) -> list[Number]:
    found = []
    for i, line in enumerate(lines):
        text = line.text.upper()
        for m in USCC_RE.finditer(text.replace(" ", "")):
            if " " in text:
                got = (m.group(), False) if check_uscc(m.group()) is None else None
            else:
                got = _repair(m.group(), line, m.start(), ocr, lambda v: check_uscc(v) is None)
            if got:
                found.append(Number(got[0], got[0], i, m.start(), m.end(), got[1]))
    return found


def _nearest_number(numbers: list[Number], lines: list[Line], anchor: int | None) -> Number | None:
    """The number closest below/right of the anchor line (reading order), else the only one."""
    if not numbers:
        return None
    if anchor is None:
        return numbers[0] if len(numbers) == 1 else None
    a = lines[anchor]

    def cost(n: Number) -> float:
        b = lines[n.line]
        if n.line == anchor:
            return 0.0
        dy = b.cy - a.cy
        if dy < -0.5 * a.height:
            return 1e9
        if dy > 0.5 * a.height:  # below: only in the same column, within a few rows
            dx = abs(b.x0 - a.x0)
            return abs(dy) + 2 * dx if dx < 4 * a.height and dy < 12 * a.height else 1e9
        return b.x0 - a.x1 if b.x0 > a.x0 else 1e9  # on the same row: only to its right

    best = min(numbers, key=cost)
    return best if cost(best) < 1e9 else None


def _first_anchor(lines: list[Line], labels: tuple[str, ...], not_after: str = "") -> int | None:
    for label in labels:
        hits = find_label(lines, label, not_after)
        if hits:
            return hits[0].line
    return None


def _date_after(lines: list[Line], label: str) -> str | None:
    text = value_text(lines, label)
    if text:
        m = DATE_RE.search(norm(text))
        if m:
            return f"{m.group(1)}年{int(m.group(2)):02d}月{int(m.group(3)):02d}日"
    return None


def extract(doc_type: str, lines: list[Line], ocr: OcrEngine | None) -> Reading:
    """Fields of the main person (and the others on the paper) for a classified page."""
    lines = merge_split_labels(lines) if any(len(x.text.strip()) == 1 for x in lines) else lines
    reading = Reading(doc_type, 0.0, {}, lines=lines)
    reading.fields = {"name": None, "id_number": None}
    ids = find_id_numbers(lines, ocr)
    reading.id_numbers = [n.value for n in ids]
    f, spans = reading.fields, reading.spans

    def put_name(key: str, got: tuple[str, Span] | None) -> None:
        if got and len(got[0]) == 1:
            # A surname alone: the given name is a character the recogniser cannot return (翀).
            # Not a reading of the name, but where it stands, so the matcher can still weigh it.
            spans[key] = got[1]
            reading.partial.add(key)
            return
        if got:
            f[key], spans[key] = got
            line = lines[got[1].line]
            scores = line.char_scores[got[1].start : got[1].end]
            if scores and min(scores) < 0.6:
                reading.uncertain.add(key)

    def put_id(key: str, number: Number | None) -> None:
        if number:
            f[key] = number.value
            spans[key] = Span(number.line, number.start, number.end)
            if number.repaired:
                reading.repaired.add(key)
            if not number.confident:
                reading.uncertain.add(key)

    if doc_type == "hukou":
        got = value_name(lines, "姓名", not_after="主儿亲")
        if got:
            put_name("name", got)
            f["relation"] = value_text(lines, "户主或与户主关系") or value_text(lines, "与户主关系")
            reading.expects = ("name", "id_number")
        else:  # the 户主页: the household head is the main person, and it carries no number
            put_name("name", value_name(lines, "户主姓名"))
            if "name" in spans:
                f["relation"] = "户主"
                reading.expects = ("name",)
            else:
                reading.expects = ("name", "id_number")
        anchor = _first_anchor(lines, ("公民身份证件编号", "公民身份号码", "身份证件编号", "身份号码"))
        put_id("id_number", _nearest_number(ids, lines, anchor) or (ids[0] if len(ids) == 1 else None))
        f["birth_date"] = _date_after(lines, "出生日期")
    elif doc_type == "birth_cert":
        put_name("name", value_name(lines, "新生儿姓名") or value_name(lines, "姓名", not_after="亲"))
        put_name("mother_name", value_name(lines, "母亲姓名"))
        put_name("father_name", value_name(lines, "父亲姓名"))
        mother, father = _assign_parents(ids, lines)
        put_id("mother_id_number", mother)
        put_id("father_id_number", father)
        f["id_number"] = f.get("mother_id_number")
        if "mother_id_number" in spans:
            spans["id_number"] = spans["mother_id_number"]
            for s in (reading.uncertain, reading.repaired):
                if "mother_id_number" in s:
                    s.add("id_number")
        found = (BIRTH_NO_RE.search(norm(x.text)) for x in lines)
        m = next((x for x in found if x), None)
        f["certificate_number"] = m.group() if m else None
        birth = next(
            (DATE_RE.search(norm(x.text)) for x in lines if "时" in x.text and DATE_RE.search(norm(x.text))),
            None,
        )
        f["birth_date"] = (
            f"{birth.group(1)}年{int(birth.group(2)):02d}月{int(birth.group(3)):02d}日" if birth else None
        )
        f["issuer"] = _hospital(lines)
    elif doc_type == "marriage_cert":
        put_name("name", value_name(lines, "持证人"))
        people = []
        for hit in find_label(lines, "姓名"):
            got = _clean_name(lines[hit.line].text, hit.start)
            span = None
            if got:
                span = Span(hit.line, got[1], got[2])
            else:
                j = right_of(lines, hit.line)
                got = _clean_name(lines[j].text, 0) if j is not None else None
                span = Span(j, got[1], got[2]) if got and j is not None else None
            number = _nearest_number(ids, lines, hit.line)
            if got and span:
                people.append((got[0], span, number))
            else:  # the name is washed out; its number may still be read
                people.append((None, None, number))
        holder = f.get("name")
        mine, others = _pick_holder(holder, people)
        if mine:
            put_id("id_number", mine[0][2])
        if others:
            put_name("spouse_name", (others[0][0], others[0][1]))
            put_id("spouse_id_number", others[0][2])
        if holder and not mine and others and others[0][2] is not None and others[0][0][:1] != holder[:1]:
            # The holder's own 姓名 label was not read: the one number the spouse does not claim.
            rest = [n for n in ids if n.value != others[0][2].value and len(n.full) == 18]
            if len(rest) == 1:
                put_id("id_number", rest[0])
        m = MARRIAGE_NO_RE.search(norm("".join(x.text for x in lines)))
        f["certificate_number"] = m.group() if m else None
        f["registration_date"] = _date_after(lines, "登记日期")
    elif doc_type == "id_card_front":
        got = value_name(lines, "姓名")
        if got is None:  # the name is the top-left line of the card, above 性别
            anchor = _first_anchor(lines, ("性别",))
            candidates = [i for i, x in enumerate(lines) if anchor is not None and x.cy < lines[anchor].y0]
            for i in candidates:
                cleaned = _clean_name(lines[i].text, 0)
                if cleaned:
                    got = (cleaned[0], Span(i, cleaned[1], cleaned[2]))
                    break
        put_name("name", got)
        anchor = _first_anchor(lines, ("公民身份号码", "身份号码"))
        put_id("id_number", _nearest_number(ids, lines, anchor) or (ids[0] if len(ids) == 1 else None))
    elif doc_type == "id_card_back":
        issuer = value_text(lines, "签发机关")
        f["issuer"] = issuer.strip() if issuer else _issuer_line(lines)
        m = VALIDITY_RE.search(
            "".join(norm(x.text) for x in lines).translate(DIGIT_LOOKALIKES).replace("长其", "长期")
        )
        if m:
            f["valid_from"] = m.group(1).replace("．", ".")
            f["valid_until"] = m.group(2).replace("．", ".")
        else:
            f["valid_from"] = f["valid_until"] = None
    elif doc_type == "disability_cert":
        put_name("name", value_name(lines, "姓名", not_after="护"))
        cert = [n for n in ids if len(n.full) == 20]
        put_id("id_number", cert[0] if cert else (ids[0] if len(ids) == 1 else None))
        f["certificate_number"] = cert[0].full if cert else None
        for key, label in (("disability_category", "残疾类别"), ("disability_level", "残疾等级")):
            text = value_text(lines, label)
            f[key] = text[:4] if text else None
    elif doc_type == "business_license":
        put_name(
            "name",
            value_name(lines, "经营者") or value_name(lines, "法定代表人") or value_name(lines, "负责人"),
        )
        codes = find_credit_codes(lines, ocr)
        f["credit_code"] = codes[0].value if codes else None
        if codes:
            spans["credit_code"] = Span(codes[0].line, codes[0].start, codes[0].end)
            if codes[0].repaired:
                reading.repaired.add("credit_code")
        business = value_text(lines, "名称")
        f["business_name"] = business if business and len(business) >= 3 else None
        f["business_type"] = (
            "个体工商户" if "个体工商户" in "".join(x.text for x in lines) else value_text(lines, "类型")
        )
        f["registration_date"] = _date_after(lines, "注册日期") or _date_after(lines, "成立日期")
        f["issuer"] = next(
            (norm(x.text) for x in lines if "市场监督管理局" in x.text and len(x.text) < 20), None
        )
    reading.expects = reading.expects or EXPECTED_FIELDS.get(doc_type, ())
    return reading


def _pick_holder(holder: str | None, people: list) -> tuple[list, list]:  # noqa: ANN001
    """Which of the two people on a 结婚证 is the 持证人: the one whose name agrees best with the
    持证人 line (the two readings of one name may differ in a misread rare character); or, when one
    of the two names is unreadable and the other is clearly someone else, the unreadable one."""
    if not holder or not people:
        return [], [p for p in people if p[0]]

    def agree(name: str | None) -> int:
        if not name:
            return -1
        if len(name) == 1:  # a surname alone (the rest unreadable): agrees if it is the holder's
            return 2 if name == holder[:1] else 0
        same = sum(a == b for a, b in zip(name, holder, strict=False))
        return same + (1 if len(name) == len(holder) else 0)

    best = max(people, key=lambda p: agree(p[0]))
    if agree(best[0]) >= 2 and sum(agree(p[0]) == agree(best[0]) for p in people) == 1:
        return [best], [p for p in people if p is not best and p[0]]
    if len(people) == 2:
        unread = [p for p in people if not p[0]]
        other = [p for p in people if p[0] and agree(p[0]) <= 0]
        if len(unread) == 1 and len(other) == 1:
            return unread, other
    return [], [p for p in people if p[0]]


def _assign_parents(ids: list[Number], lines: list[Line]) -> tuple[Number | None, Number | None]:
    """Which ID number is the mother's and which the father's: by the labels above them, checked
    against the sex digit (the 17th digit is odd for men)."""
    m_anchor = _first_anchor(lines, ("母亲姓名", "母亲"))
    f_anchor = _first_anchor(lines, ("父亲姓名", "父亲"))
    singles = [n for n in ids if len(n.full) == 18]
    mother = father = None
    for n in singles:
        costs = {}
        for who, anchor in (("mother", m_anchor), ("father", f_anchor)):
            if anchor is None:
                continue
            a, b = lines[anchor], lines[n.line]
            dy = b.cy - a.cy
            if dy < -0.5 * a.height:
                continue
            costs[who] = abs(dy) + 2 * abs(b.x0 - a.x0) if dy > 0.5 * a.height else 0.0
        female = int(n.value[16]) % 2 == 0
        who = min(costs, key=costs.get) if costs else ("mother" if female else "father")
        if (who == "mother") != female and len(costs) == 2:
            who = "mother" if female else "father"  # the sex digit settles a close call
        if who == "mother" and mother is None:
            mother = n
        elif who == "father" and father is None:
            father = n
    return mother, father


def _hospital(lines: list[Line]) -> str | None:
    text = value_text(lines, "接生机构名称")
    if text:
        return text
    for x in lines:
        t = norm(x.text)
        if t.endswith(("医院", "保健院")) and len(t) <= 20:
            return t
    return None


def _issuer_line(lines: list[Line]) -> str | None:
    for x in lines:
        t = norm(x.text)
        if t.endswith(("公安局", "分局")) and len(t) <= 20:
            return t.replace("签发机关", "")
    return None
