"""Validators for Chinese data: plain functions returning None (fine) or a Chinese message.

Why "None or a message" instead of exceptions or booleans: every caller (form engine, command
line, staff screens, the sync helper) shows the message to a person, and the message must say how
to fix the input. Each `check_*` has a matching `normalise_*` where the stored form differs from
what people type (spaces, full-width digits, lower-case x).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from forms.divisions import PROVINCES

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_HMT_PREFIXES = {"810000": "香港居民", "820000": "澳门居民", "830000": "台湾居民"}
_EARLIEST_BIRTH = date(1890, 1, 1)

# ------------------------------------------------------------------------------ text helpers


def is_ascii_digits(text: str) -> bool:
    """The one digit rule, for every ID number, phone, card number, amount and number read:
    after NFKC (full-width １２ → 12) only 0–9 count as digits.

    Why not str.isdigit(): it is also true for Arabic-Indic (٤), Ethiopic (፬), superscript (²)
    and other digits. int() then either crashes (፬, ²) or silently accepts them (٤), so a number
    the platform refuses would pass the kiosk's check and reach the payload.
    """
    return text.isascii() and text.isdigit()


def foreign_digit(text: object) -> str | None:
    """The first character (after NFKC) that looks like a digit but is not 0–9, or None."""
    if not isinstance(text, str):
        return None
    return next((c for c in unicodedata.normalize("NFKC", text) if c.isdigit() and not c.isascii()), None)


def _foreign_digit_message(text: object, what: str) -> str | None:
    char = foreign_digit(text)
    if char is None:
        return None
    return f"{what}中的“{char}”不是 0–9 的数字，请用数字键重新输入。"


def _clean(text: object) -> str:
    """Full-width to half-width (NFKC), drop spaces and dashes people type between groups."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", text)).upper()


def id_check_digit(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _date_from(digits: str) -> date | None:
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _birth_problem(born: date | None, today: date | None) -> str | None:
    if born is None:
        return "其中的出生日期不是真实的日期，请核对第 7 至 14 位"
    if born > (today or date.today()):
        return "其中的出生日期晚于今天，请核对第 7 至 14 位"
    if born < _EARLIEST_BIRTH:
        return "其中的出生日期早于 1890 年，请核对第 7 至 14 位"
    return None


# ------------------------------------------------------------------------------ identity numbers


def normalise_id_number(text: object) -> str:
    """'110105 19491231 002x' → '11010519491231002X'."""
    return _clean(text)


def check_id_number(text: object, *, today: date | None = None) -> str | None:
    """A mainland resident ID number (GB 11643-1999, 18 characters).

    Checks: 17 digits + digit or X; a known province-level division prefix (GB/T 2260; finer
    levels are not checked because cards keep historical county codes); a real birth date not in
    the future; the check character.
    """
    value = normalise_id_number(text)
    if not value:
        return "请填写公民身份号码（18 位）。"
    if foreign := _foreign_digit_message(text, "公民身份号码"):
        return foreign
    if len(value) == 15 and is_ascii_digits(value):
        return "这是 15 位的旧号码，请填写身份证上的 18 位号码。"
    if len(value) != 18:
        return f"公民身份号码应为 18 位，现在是 {len(value)} 位，请对照身份证核对。"
    if not is_ascii_digits(value[:17]) or value[17] not in "0123456789X":
        return "公民身份号码前 17 位应是数字，最后一位是数字或字母 X，请核对。"
    if value[:6] in _HMT_PREFIXES:
        return f"这是{_HMT_PREFIXES[value[:6]]}居住证号码，请在证件类型中选择港澳台居民居住证。"
    if value[:2] + "0000" not in PROVINCES or value[:2] in ("71", "81", "82"):
        return "公民身份号码前两位不是有效的省级行政区划代码，请核对前 6 位。"
    problem = _birth_problem(_date_from(value[6:14]), today)
    if problem:
        return f"公民身份号码{problem}。"
    if id_check_digit(value[:17]) != value[17]:
        return "公民身份号码校验位不对，可能有一位填错了，请逐位核对。"
    return None


def check_hmt_permit(text: object, *, today: date | None = None) -> str | None:
    """A Hong Kong / Macau / Taiwan residents' residence permit number (810000/820000/830000…)."""
    value = normalise_id_number(text)
    if len(value) != 18 or not is_ascii_digits(value[:17]) or value[17] not in "0123456789X":
        return "港澳台居民居住证号码应为 18 位（前 17 位数字，末位数字或 X），请核对。"
    if value[:6] not in _HMT_PREFIXES:
        return "港澳台居民居住证号码应以 810000（香港）、820000（澳门）或 830000（台湾）开头。"
    problem = _birth_problem(_date_from(value[6:14]), today)
    if problem:
        return f"居住证号码{problem}。"
    if id_check_digit(value[:17]) != value[17]:
        return "居住证号码校验位不对，可能有一位填错了，请逐位核对。"
    return None


def check_foreign_permanent_residence(text: object, *, today: date | None = None) -> str | None:
    """A foreigner's permanent residence ID number, either version.

    2017 card: 15 characters, 3 capital letters (nationality, GB/T 2659) + 12 digits; the public
    description gives no check digit we can verify, so only the shape is checked.
    2023 card: 18 characters, '9' + 2-digit province + 3-digit nationality + 8-digit birth date +
    3-digit sequence + a GB 11643 check character.
    """
    value = normalise_id_number(text)
    if re.fullmatch(r"[A-Z]{3}[0-9]{12}", value):
        return None
    if len(value) == 18 and value.startswith("9"):
        if not is_ascii_digits(value[:17]) or value[17] not in "0123456789X":
            return "新版外国人永久居留身份证号码应为 18 位数字（末位可为 X），请核对。"
        if value[1:3] + "0000" not in PROVINCES:
            return "外国人永久居留身份证号码第 2、3 位不是有效的省级代码，请核对。"
        problem = _birth_problem(_date_from(value[6:14]), today)
        if problem:
            return f"外国人永久居留身份证号码{problem}。"
        if id_check_digit(value[:17]) != value[17]:
            return "外国人永久居留身份证号码校验位不对，请逐位核对。"
        return None
    return ("外国人永久居留身份证号码应为 18 位（以 9 开头）或旧版 15 位（3 个大写字母加 12 位数字），"
            "请对照证件核对。")


ID_KINDS = {
    "resident": ("居民身份证", check_id_number),
    "hmt": ("港澳台居民居住证", check_hmt_permit),
    "foreign": ("外国人永久居留身份证", check_foreign_permanent_residence),
}


def id_kind(text: object) -> str | None:
    """Which kind of identity number this looks like: 'resident', 'hmt', 'foreign' or None."""
    value = normalise_id_number(text)
    if value[:6] in _HMT_PREFIXES:
        return "hmt"
    if re.fullmatch(r"[A-Z]{3}[0-9]{12}", value) or (len(value) == 18 and value.startswith("9")):
        return "foreign"
    if len(value) == 18:
        return "resident"
    return None


def check_any_id(text: object, kinds: tuple[str, ...] = ("resident", "hmt", "foreign"),
                 *, today: date | None = None) -> str | None:
    """An identity number of one of `kinds`, choosing the validator by the number's shape."""
    kind = id_kind(text)
    if kind is None and "resident" in kinds:
        return check_id_number(text, today=today)
    if kind is None or kind not in kinds:
        return "这里只能填写" + "、".join(ID_KINDS[k][0] for k in kinds) + "号码，请核对。"
    return ID_KINDS[kind][1](text, today=today)


# ------------------------------------------------------------------------ organisations, money

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_AUTHORITIES = set("123456789ANY")


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character for the first 17 characters."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def check_uscc(text: object) -> str | None:
    """A unified social credit code (统一社会信用代码, GB 32100-2015, 18 characters)."""
    value = _clean(text)
    if len(value) != 18:
        return f"统一社会信用代码应为 18 位，现在是 {len(value)} 位，请对照营业执照核对。"
    bad = [c for c in value if c not in _USCC_CHARS]
    if bad:
        return (f"统一社会信用代码中不会出现“{bad[0]}”（不使用 I、O、Z、S、V），"
                "请核对是否把数字 0、1、2、5 看成了字母。")
    if value[0] not in _USCC_AUTHORITIES:
        return "统一社会信用代码第 1 位（登记管理部门代码）不对，请核对。"
    if not is_ascii_digits(value[2:8]) or value[2:4] + "0000" not in PROVINCES:
        return "统一社会信用代码第 3 至 8 位应是登记机关的行政区划代码，请核对。"
    if uscc_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不对，可能有一位填错了，请逐位核对。"
    return None


def normalise_mobile(text: object) -> str:
    """'+86 138-0024-0000' → '13800240000'."""
    value = _clean(text).replace("+", "")
    if len(value) == 13 and value.startswith("86"):
        value = value[2:]
    return value


def check_mobile(text: object) -> str | None:
    """A mainland mobile number: 11 digits beginning 13–19."""
    value = normalise_mobile(text)
    if not value:
        return "请填写手机号码（11 位）。"
    if not is_ascii_digits(value):
        return "手机号码只能是数字，请核对。"
    if len(value) != 11:
        return f"手机号码应为 11 位，现在是 {len(value)} 位，请核对。"
    if not re.fullmatch(r"1[3-9][0-9]{9}", value):
        return "手机号码应以 13 至 19 开头，请核对。"
    return None


def check_landline(text: object) -> str | None:
    """A fixed-line number with area code, e.g. 024-22222222 (3–4 digit code, 7–8 digits)."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "")
    if re.fullmatch(r"0[0-9]{2,3}-?[0-9]{7,8}", value):
        return None
    return "固定电话请按“区号-号码”填写，例如 024-22222222。"


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def normalise_bank_card(text: object) -> str:
    return _clean(text)


def check_bank_card(text: object, *, luhn: bool = True) -> str | None:
    """A bank card number: 12–19 digits with a Luhn check (bank cards; passbooks may skip it)."""
    value = normalise_bank_card(text)
    if not value:
        return "请填写银行卡号。"
    if not is_ascii_digits(value):
        return "银行卡号只能是数字，请核对。"
    if not 12 <= len(value) <= 19:
        return f"银行卡号一般为 16 至 19 位，现在是 {len(value)} 位，请对照卡面核对。"
    if luhn and not luhn_ok(value):
        return "银行卡号校验不通过，可能有一位填错了，请对照卡面逐位核对。"
    return None


def normalise_money(value: object) -> str | None:
    """'1,234.5' → '1234.50'; None when it is not an amount. Kept as text: no float rounding."""
    if isinstance(value, bool):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace("元", "")
    if not text.isascii():  # Decimal() takes ٤ and ፬ as digits: the one digit rule says no
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 15:
        return None   # quantize() cannot hold more digits than the context; no fee is that large
    if amount != amount.quantize(Decimal("0.01")):
        return None
    return str(amount.quantize(Decimal("0.01")))


# ----------------------------------------------------------------------------------- names

_DOTS = "\u00b7\u2022\u30fb\uff65\u2027\u2219\u22c5\uff0e."  # look-alikes people type for ·


def normalise_name(text: object) -> str:
    """Trim, NFC, and turn look-alike dots (•・．.) into the standard middle dot U+00B7."""
    if not isinstance(text, str):
        return ""
    value = unicodedata.normalize("NFC", text).strip()
    value = re.sub(r"\s*[" + re.escape(_DOTS) + r"]\s*", "\u00b7", value)
    return value


def _is_han(char: str) -> bool:
    """Any CJK ideograph (URO, extensions A–H, compatibility), so 喆 堃 昇 淼 and rarer pass."""
    code = ord(char)
    return (0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x3134F or 0x31350 <= code <= 0x323AF or 0x2F800 <= code <= 0x2FA1F
            or 0x2EBF0 <= code <= 0x2EE5F or char == "\u3007")


def check_name(text: object, *, allow_latin: bool = False) -> str | None:
    """A person's name as on the ID card: Chinese characters, optionally the middle dot (·).

    Rare characters in any CJK extension are accepted. Characters some police systems still keep
    in the private use area (E000–F8FF) are accepted too, because they appear on real cards.
    `allow_latin` admits letters and spaces (foreigners' names in Latin script).
    """
    value = normalise_name(text)
    if not value:
        return "请填写姓名。"
    if len(value) > 30:
        return "姓名不能超过 30 个字。"
    for char in value:
        if _is_han(char) or char == "\u00b7" or 0xE000 <= ord(char) <= 0xF8FF:
            continue
        if allow_latin and (char.isascii() and (char.isalpha() or char in " -'")):
            continue
        if char.isdigit():
            return "姓名中不能有数字，请核对。"
        if char.isascii() and char.islower():   # pinyin typed but no character chosen for it
            return "姓名里还有拼音字母没有选成汉字，请在键盘上方的候选字里点选，或删掉这些字母。"
        return f"姓名中不能有“{char}”，请按身份证上的姓名填写。"
    if value.startswith("\u00b7") or value.endswith("\u00b7") or "\u00b7\u00b7" in value:
        return "姓名中的间隔号“·”只能出现在两段名字之间。"
    if not allow_latin and len(value) < 2:
        return "姓名至少两个字，请按身份证上的姓名填写。"
    return None


# ----------------------------------------------------------------------------------- dates

_DATE_PATTERNS = (
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
)


def parse_date(value: object) -> date | None:
    """A date from '2024-03-05', '2024/3/5', '2024年3月5日' or '20240305'; None if not a date."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


def check_date(value: object, *, earliest: date | None = None, latest: date | None = None) -> str | None:
    """A real date, optionally within [earliest, latest]."""
    parsed = parse_date(value)
    if parsed is None:
        return "请按“年-月-日”填写一个真实的日期，例如 2024-03-05。"
    if earliest and parsed < earliest:
        return f"日期不能早于 {earliest.isoformat()}，请核对。"
    if latest and parsed > latest:
        return f"日期不能晚于 {latest.isoformat()}，请核对。"
    return None


def check_date_range(start: object, end: object) -> str | None:
    """Two dates where the second is not before the first."""
    first, second = parse_date(start), parse_date(end)
    if first is None or second is None:
        return "请按“年-月-日”填写两个真实的日期。"
    if second < first:
        return "结束日期不能早于开始日期，请核对。"
    return None
