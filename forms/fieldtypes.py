"""Per field type: turn what the resident (or an answers file) gave into the stored value, or say
in plain Chinese what is wrong and how to fix it.

Why one function per type in a table: the UI sends strings from an on-screen keyboard, answers
files carry JSON numbers and booleans, prefill brings ID card text. Each type accepts all of these
and stores one canonical JSON value (documented in forms/README.md), so the payload never
depends on where an answer came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from forms import validators as v
from forms.divisions import LIAONING, LIAONING_CITIES, LIAONING_COUNTIES, PROVINCES

if TYPE_CHECKING:  # only for annotations: the catalogue (and jsonschema) load when needed
    from forms.catalogue import Field

Result = tuple[Any, str | None]  # (normalised value, error message)

_SHA256 = re.compile(r"[0-9a-f]{64}")
_BOUND = re.compile(r"today(?:([+-])(\d{1,3})([dy]))?")
_YES = {"yes", "y", "true", "1", "是", "有", "对"}
_NO = {"no", "n", "false", "0", "否", "无", "没有", "不是"}


def resolve_date_bound(bound: Any, today: date | None) -> date | None:
    """'2020-01-01', 'today', 'today-18y', 'today+30d' → a date (None if not such a bound)."""
    if not isinstance(bound, str):
        return None
    match = _BOUND.fullmatch(bound.strip())
    if match:
        base = today or date(2000, 1, 1)  # only shape-checking when today is None
        if not match.group(1):
            return base
        amount = int(match.group(2)) * (-1 if match.group(1) == "-" else 1)
        if match.group(3) == "d":
            return base + timedelta(days=amount)
        year = base.year + amount
        try:
            return base.replace(year=year)
        except ValueError:  # 29 February
            return base.replace(year=year, day=28)
    try:
        return date.fromisoformat(bound)
    except ValueError:
        return None


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _text(f: Field, raw: Any, today: date) -> Result:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        return None, "请填写文字。"
    value = unicodedata.normalize("NFC", str(raw)).strip()
    rules = f.rules
    if len(value) < rules.get("min_length", 0):
        return value, f"至少填写 {rules['min_length']} 个字。"
    if "max_length" in rules and len(value) > rules["max_length"]:
        return value, f"最多 {rules['max_length']} 个字，现在有 {len(value)} 个，请删减。"
    if "pattern" in rules and not re.fullmatch(rules["pattern"], value):
        return value, rules.get("pattern_message", "格式不对，请按提示填写。")
    if rules.get("check") == "uscc":
        value = value.upper().replace(" ", "")
        return value, v.check_uscc(value)
    return value, None


def _name(f: Field, raw: Any, today: date) -> Result:
    value = v.normalise_name(raw)
    return value, v.check_name(value, allow_latin=bool(f.rules.get("allow_latin")))


def _number(f: Field, raw: Any, today: date) -> Result:
    if isinstance(raw, bool):
        return None, "请填写数字。"
    if isinstance(raw, (int, float)):
        number: int | float = raw
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
        if not re.fullmatch(r"[-+0-9.eE]+", text):  # the one digit rule: 0-9 only (no ٤, no 1_000)
            return None, "请填写数字，例如 3。"
        try:
            number = int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)
        except ValueError:
            return None, "请填写数字，例如 3。"
        if number != number or number in (float("inf"), float("-inf")):
            return None, "请填写数字，例如 3。"
    if f.rules.get("integer"):
        if isinstance(number, float) and not number.is_integer():
            return number, "请填写整数。"
        number = int(number)
    unit = f.rules.get("unit", "")
    if "min" in f.rules and number < f.rules["min"]:
        return number, f"不能小于 {f.rules['min']}{unit}，请核对。"
    if "max" in f.rules and number > f.rules["max"]:
        return number, f"不能大于 {f.rules['max']}{unit}，请核对。"
    return number, None


def _money(f: Field, raw: Any, today: date) -> Result:
    value = v.normalise_money(raw)
    if value is None:
        return None, "请填写金额（元），最多两位小数，例如 1200 或 1200.50。"
    amount = Decimal(value)
    if amount < Decimal(str(f.rules.get("min", 0))):
        return value, f"金额不能小于 {f.rules.get('min', 0)} 元。"
    if "max" in f.rules and amount > Decimal(str(f.rules["max"])):
        return value, f"金额不能大于 {f.rules['max']} 元，请核对。"
    return value, None


def _date(f: Field, raw: Any, today: date) -> Result:
    parsed = v.parse_date(raw)
    if parsed is None:
        return None, "请按“年-月-日”填写一个真实的日期，例如 2024-03-05。"
    earliest = resolve_date_bound(f.rules.get("min"), today)
    latest = resolve_date_bound(f.rules.get("max"), today)
    return parsed.isoformat(), v.check_date(parsed, earliest=earliest, latest=latest)


def _choice(f: Field, raw: Any, today: date) -> Result:
    if isinstance(raw, str):
        for option in f.options:
            if raw.strip() in (option.value, option.label):
                return option.value, None
    choices = "、".join(o.label for o in f.options)
    return None, f"请从这些选项中选一个：{choices}。"


def _multi_choice(f: Field, raw: Any, today: date) -> Result:
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[,，、\s]+", raw) if part]
    if not isinstance(raw, list):
        return None, "请选择一项或多项。"
    chosen: list[str] = []
    for entry in raw:
        value, error = _choice(f, entry, today)
        if error:
            return None, f"“{entry}”不是可选项。" + error
        if value not in chosen:
            chosen.append(value)
    order = [o.value for o in f.options]
    chosen.sort(key=order.index)
    if len(chosen) < f.rules.get("min_selected", 0):
        return chosen, f"请至少选择 {f.rules['min_selected']} 项。"
    if "max_selected" in f.rules and len(chosen) > f.rules["max_selected"]:
        return chosen, f"最多选择 {f.rules['max_selected']} 项。"
    return chosen, None


def _yes_no(f: Field, raw: Any, today: date) -> Result:
    if isinstance(raw, bool):
        return raw, None
    text = str(raw).strip().lower() if isinstance(raw, (str, int)) else ""
    if text in _YES:
        return True, None
    if text in _NO:
        return False, None
    return None, "请选择“是”或“否”。"


def _id_number(f: Field, raw: Any, today: date) -> Result:
    value = v.normalise_id_number(raw)
    kinds = tuple(f.rules.get("id_kinds", ["resident", "hmt"]))
    return value, v.check_any_id(value, kinds, today=today)


def _phone(f: Field, raw: Any, today: date) -> Result:
    mobile = v.normalise_mobile(raw)
    error = v.check_mobile(mobile)
    if error and f.rules.get("accept_landline"):
        landline = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(" ", "")
        if v.check_landline(landline) is None:
            return landline, None
        return landline, "请填写 11 位手机号码，或“区号-号码”形式的固定电话。"
    return mobile, error


def _address(f: Field, raw: Any, today: date) -> Result:
    if not isinstance(raw, dict):
        return None, "请依次选择省、市、县（区），再填写详细地址。"
    value = {k: (str(raw[k]).strip() if raw.get(k) is not None else "")
             for k in ("province", "city", "county", "township", "village", "detail")}
    scope = f.rules.get("scope", "liaoning")
    if not value["province"]:
        value["province"] = LIAONING if scope == "liaoning" else ""
    value = {k: val for k, val in value.items() if val}
    province = value.get("province", "")
    if province not in PROVINCES:
        return value, "请选择省份。"
    if scope == "liaoning" and province != LIAONING:
        return value, "这里只能填写辽宁省内的地址。"
    if province == LIAONING:
        city, county = value.get("city", ""), value.get("county", "")
        if city not in LIAONING_CITIES:
            return value, "请选择所在的市（辽宁省 14 个市之一）。"
        if county not in LIAONING_COUNTIES[city]:
            return value, f"请选择{LIAONING_CITIES[city]}下的县（市、区）。"
    elif not value.get("detail"):
        return value, "省外地址请在详细地址中写明市、县和街道门牌。"
    if f.rules.get("require_detail", True) and len(value.get("detail", "")) < 2:
        return value, "请填写详细地址（街道、村、门牌号）。"
    return value, None


def _bank_account(f: Field, raw: Any, today: date) -> Result:
    value = v.normalise_bank_card(raw)
    return value, v.check_bank_card(value, luhn=f.rules.get("luhn", True))


def _attachments(raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        return None
    values = [str(x).strip().lower() for x in raw]
    if not all(_SHA256.fullmatch(x) for x in values):
        return None
    return list(dict.fromkeys(values))


def _scan(f: Field, raw: Any, today: date) -> Result:
    values = _attachments(raw)
    if values is None:
        return None, "请把材料放在高拍仪下拍摄（附件应为 SHA-256 摘要）。"
    return values, None


def _signature(f: Field, raw: Any, today: date) -> Result:
    values = _attachments(raw)
    if values is None or len(values) != 1:
        return None, "请在屏幕上签名。"
    return values[0], None


def _consent(f: Field, raw: Any, today: date) -> Result:
    value, error = _yes_no(f, raw, today)
    if error:
        return None, "请阅读后点“我已阅读并同意”。"
    return value, None


# --- how each type reads aloud on the review page and in `catalogue show` ---------------------
def _shown_plain(f: Field, value: Any) -> str:
    return str(value)


def _shown_number(f: Field, value: Any) -> str:
    return f"{value}{f.rules['unit']}" if f.rules.get("unit") else str(value)


def _shown_choice(f: Field, value: Any) -> str:
    return f.option_label(value) or str(value)


def _shown_multi_choice(f: Field, value: Any) -> str:
    return "、".join(f.option_label(x) or str(x) for x in value) or "（未选）"


def _shown_address(f: Field, value: Any) -> str:
    from forms.divisions import name_of

    parts = [name_of(value.get(k, "")) or "" for k in ("province", "city", "county")]
    parts += [value.get(k, "") for k in ("township", "village", "detail")]
    return "".join(parts)


@dataclass(frozen=True)
class FieldType:
    """Everything about one kind of question, registered once: adding a type means one entry here
    (and a widget, if no existing one fits); tests/forms/test_field_registry.py checks each part.

    `widget` names the QML file that asks it (kiosk/ui/qml/fields/<widget>.qml); `keypad` the
    kind of big number pad it is typed on (kiosk/ui/viewmodels/keypad.py), "" for none, or a
    function of the field; `writes`: what the handwriting pad expects in it (devices.handwriting's
    contexts: name, address, text), "" where it has no Chinese text; `later`: answered in a later
    step of the journey (the camera, the signature pad), not on the question screen."""

    validate: Callable[[Field, Any, date], Result]
    show: Callable[[Field, Any], str]
    widget: str
    placeholder: str = ""
    keypad: str | Callable[[Field], str] = ""
    writes: str = ""
    later: bool = False

    def keypad_for(self, f: Field) -> str:
        return self.keypad(f) if callable(self.keypad) else self.keypad


def _phone_pad(f: Field) -> str:
    return "phone" if f.rules.get("accept_landline") else "mobile"


TYPES: dict[str, FieldType] = {
    "text": FieldType(_text, _shown_plain, "TextAnswer", placeholder="点这里，用拼音输入", writes="text"),
    "name": FieldType(_name, _shown_plain, "TextAnswer", placeholder="点这里，用拼音输入姓名", writes="name"),
    "number": FieldType(_number, _shown_number, "KeypadAnswer", placeholder="点数字键输入", keypad="digits"),
    "money": FieldType(_money, lambda f, value: f"{value} 元", "KeypadAnswer", placeholder="点数字键输入",
                       keypad="decimal"),
    "date": FieldType(_date, _shown_plain, "DateAnswer"),
    "choice": FieldType(_choice, _shown_choice, "ChoiceAnswer"),
    "relation": FieldType(_choice, _shown_choice, "ChoiceAnswer"),
    "multi_choice": FieldType(_multi_choice, _shown_multi_choice, "MultiChoiceAnswer"),
    "yes_no": FieldType(_yes_no, lambda f, value: "是" if value else "否", "ChoiceAnswer"),
    "id_number": FieldType(_id_number, _shown_plain, "KeypadAnswer", placeholder="18 位身份证号码",
                           keypad="id"),
    "phone": FieldType(_phone, _shown_plain, "KeypadAnswer", placeholder="11 位手机号码", keypad=_phone_pad),
    "address": FieldType(_address, _shown_address, "AddressAnswer", placeholder="点这里，用拼音输入",
                         writes="address"),
    "bank_account": FieldType(_bank_account, _shown_plain, "KeypadAnswer", placeholder="点数字键输入",
                              keypad="digits"),
    "scan": FieldType(_scan, lambda f, value: f"已拍摄 {len(value)} 张", "LaterAnswer", later=True),
    "signature": FieldType(_signature, lambda f, value: "已签名", "LaterAnswer", later=True),
    "consent": FieldType(_consent, lambda f, value: "已同意" if value else "未同意", "ConsentAnswer"),
}


def normalise(f: Field, raw: Any, today: date) -> Result:
    """(stored value, error or None) for a non-empty raw answer."""
    return TYPES[f.type].validate(f, raw, today)


def condition_value(f: Field, value: Any) -> Any:
    """The value conditions see: money as a number, everything else as stored."""
    if value is None:
        return None
    if f.type == "money":
        return float(value)
    return value


def display(f: Field, value: Any) -> str:
    """A readable Chinese rendering for the summary and the `show` outline."""
    if value is None:
        return "（未填）"
    return TYPES[f.type].show(f, value)
