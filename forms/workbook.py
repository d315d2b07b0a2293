"""The catalogue as a workbook (.xlsx): county staff author 一件事 in a spreadsheet, not in JSON.

Why a spreadsheet: the people who know the matters (county and department staff) write tables, not
JSON; ODK won its field with XLSForm for the same reason. One workbook holds one bundle and its
example answers (the complete source of `forms/catalogue/<id>.json` and `forms/examples/<id>.json`).
The format is documented in forms/WORKBOOK.md.

Why one table of columns (SHEETS): the reader, the writer, the drop-downs, the documentation's
column lists and the test that the workbook can carry every schema property all come from it, so a
property added to catalogue.schema.json later is one `Column(...)` line here.

Every problem is one Chinese sentence naming sheet, row and column (`「问题」表第 12 行「类型」列：…`);
the bundle is then checked by the very code `catalogue validate` runs (forms.catalogue).
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from forms.catalogue import CATEGORY_NAMES, FIELD_TYPE_NAMES, MATERIAL_FORM_NAMES
from forms.errors import FormsError
from forms.limits import MAX_FILE_BYTES

# ------------------------------------------------------------------------------ problems


class WorkbookError(FormsError):
    """The workbook cannot be read at all (not a file, not an .xlsx, too big): exit code 2."""


class WorkbookProblems(FormsError):
    """The workbook was read but says something wrong; `problems` are sentences (exit code 1)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems[0] if self.problems else "工作簿有误")


class CellError(ValueError):
    """A cell value a codec cannot take; the message is the part after 「…」列：."""


def place(sheet: str, row: int | None = None, column: str | None = None) -> str:
    """「问题」表第 12 行「类型」列 — the one way a problem names where it is."""
    text = f"「{sheet}」表"
    if row is not None:
        text += f"第 {row} 行"
    if column:
        text += f"「{column}」列"
    return text


# ------------------------------------------------------------------------------ cell codecs


def _nfkc(text: str) -> str:
    """Full-width letters, digits and spaces (typed with a Chinese input method) as ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _plain_number(value: float) -> int | float:
    return int(value) if isinstance(value, float) and value.is_integer() else value


@dataclass(frozen=True)
class Codec:
    """How one kind of value sits in a cell. `read` gets a non-blank cell value (str, int, float,
    bool or datetime as openpyxl gives it) and raises CellError with a plain sentence."""

    name: str
    write: Callable[[Any], Any]
    read: Callable[[Any], Any]
    choices: tuple[str, ...] = ()       # for a drop-down
    text_format: bool = False           # the column is formatted as text (codes keep leading zeros)
    note: str = ""                      # what to type, for WORKBOOK.md
    values: tuple[str, ...] = ()        # an enumeration's JSON values (checked against the schema)


def _read_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return str(_plain_number(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_id(value: Any) -> str:
    return _nfkc(_read_text(value))


def _read_code(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError("事项编码被表格当成了数字（开头的 0 会丢失），请把这一格设为“文本”格式后重新输入")
    return _nfkc(_read_text(value)).upper()


_SPLIT = re.compile(r"[\s,，、;；]+")


def _read_codes(value: Any) -> list[str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError("事项编码被表格当成了数字（开头的 0 会丢失），请把这一格设为“文本”格式后重新输入")
    return [part.upper() for part in _SPLIT.split(_nfkc(_read_text(value))) if part]


def _read_int(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(f"应填整数（如 20），现在是“{_read_text(value)}”")
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return int(value)
        raise CellError(f"应填整数（如 20），现在是 {value}")
    text = _nfkc(_read_text(value))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    raise CellError(f"应填整数（如 20），现在是“{text}”")


def _read_number_or_text(value: Any) -> int | float | str:
    """min / max: a number, or a date bound such as today-18y / 2020-01-01."""
    if isinstance(value, bool):
        raise CellError("应填数字或日期写法（如 0、today、today-18y、2020-01-01）")
    if isinstance(value, (int, float)):
        return _plain_number(value)
    if isinstance(value, (datetime, date)):
        return _read_text(value)
    text = _nfkc(_read_text(value))
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def _write_number_or_text(value: Any) -> Any:
    return value


def _enum(names: dict[str, str], what: str) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """A value from a fixed list: the author types the Chinese name (the JSON value also works)."""
    by_name = {_nfkc(label): value for value, label in names.items()}
    by_name.update({value: value for value in names})

    def read(cell: Any) -> str:
        text = _nfkc(_read_text(cell))
        if text in by_name:
            return by_name[text]
        raise CellError(f"“{text}”不是可选的{what}，请从下拉列表中选：{'、'.join(names.values())}")

    def write(value: Any) -> str:
        return names.get(value, value)

    return write, read


def _enum_codec(name: str, names: dict[str, str], what: str, note: str = "") -> Codec:
    write, read = _enum(names, what)
    return Codec(name, write, read, tuple(names.values()),
                 note=note or "下拉选择：" + "、".join(names.values()), values=tuple(names))


def _enum_list_codec(name: str, names: dict[str, str], what: str) -> Codec:
    _, read_one = _enum(names, what)

    def read(cell: Any) -> list[str]:
        return [read_one(part) for part in _SPLIT.split(_nfkc(_read_text(cell))) if part]

    def write(values: list[str]) -> str:
        return "、".join(names.get(v, v) for v in values)

    return Codec(name, write, read, note="可填多个，用顿号分开：" + "、".join(names.values()),
                 values=tuple(names))


YES, NO = "是", "否"


def _read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _nfkc(_read_text(value)).lower()
    if text in ("是", "true", "1", "y", "yes", "√", "✓"):
        return True
    if text in ("否", "false", "0", "n", "no", "×", "✗"):
        return False
    raise CellError(f"应填“是”或“否”，现在是“{text}”")


TEXT = Codec("text", lambda v: v, _read_text, note="文字")
ID = Codec("id", lambda v: v, _read_id, note="编号：小写英文字母开头，只用小写字母、数字和下划线")
CODE = Codec("code", lambda v: v, _read_code, text_format=True,
             note="事项编码（12、31 或 33 位数字/大写字母）")
CODES = Codec("codes", lambda v: "\n".join(v), _read_codes, text_format=True,
              note="一个或多个事项编码，每行一个（也可用顿号、逗号分开）")
INT = Codec("int", lambda v: v, _read_int, note="整数")
NUMBER_OR_TEXT = Codec("number_or_text", _write_number_or_text, _read_number_or_text,
                       note="数字；日期问题填 today、today-18y 或 2020-01-01 这样的写法")
BOOL = Codec("bool", lambda v: YES if v else NO, _read_bool, (YES, NO), note="下拉选择：是、否")
CONDITION = Codec("condition", lambda v: v, _read_text,
                  note="条件表达式（见 forms/README.md），如 married == true")

SPACED = Codec("spaced", lambda v: "（空格）" if v == " " else v,
               lambda v: " " if _nfkc(_read_text(v)) in ("(空格)", "空格") else _read_text(v),
               note="文字；（空格）表示一个空格（读卡器的写法）")

KIND_NAMES = {"immediate": "即办件", "promised": "承诺件"}
HANDLED_WHERE_NAMES = {"local": "属地", "city": "全市通办", "province": "全省通办", "country": "跨省通办"}
DISPLAY_NAMES = {"big_buttons": "大按钮", "list": "列表", "grid": "宫格"}
ID_KIND_NAMES = {"resident": "内地居民", "hmt": "港澳台居民", "foreign": "外国人"}
SCOPE_NAMES = {"liaoning": "辽宁省内", "any": "不限"}
CHECK_NAMES = {"uscc": "统一社会信用代码"}
PREFILL_NAMES = {"id_card.name": "身份证.姓名", "id_card.id_number": "身份证.号码",
                 "id_card.sex": "身份证.性别",
                 "id_card.birth_date": "身份证.出生日期", "id_card.address": "身份证.住址",
                 "id_card.ethnicity": "身份证.民族"}


def _read_prefill(value: Any) -> str:
    text = _nfkc(_read_text(value))
    by_name = {label: key for key, label in PREFILL_NAMES.items()}
    if text in by_name:
        return by_name[text]
    if text.startswith("答案."):
        return "answer." + text[len("答案."):]
    return text


def _write_prefill(value: str) -> str:
    if value in PREFILL_NAMES:
        return PREFILL_NAMES[value]
    if value.startswith("answer."):
        return "答案." + value[len("answer."):]
    return value


PREFILL = Codec("prefill", _write_prefill, _read_prefill,
                note="身份证.姓名 / 身份证.号码 / 身份证.性别 / 身份证.出生日期 / 身份证.住址 / 身份证.民族，"
                     "或 答案.问题编号（沿用前面的回答），或 shared.名称")

# ------------------------------------------------------------------------------ the sheets


@dataclass(frozen=True)
class Column:
    """One column (or, on the 设置 sheet, one row): its header, the JSON key path it carries inside
    the sheet's object, and the codec. `path` () marks a column that is structure, not a property
    (the page or question a row belongs to)."""

    header: str
    path: tuple[str, ...]
    codec: Codec = TEXT
    width: int = 16
    doc: str = ""
    refers: tuple[str, str] | None = None   # (sheet, header): a drop-down of the ids defined there


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    json_path: str                 # where its rows go, in the notation of schema_paths()
    required: bool = True
    doc: str = ""
    settings: bool = False         # key/value rows (项目 | 内容) instead of one object per row

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)


SETTINGS = Sheet("设置", (
    Column("编号", ("id",), ID, doc="一件事编号，如 newborn；也是生成的文件名"),
    Column("版本", ("version",), TEXT, doc="如 2026.11.1；改了内容就把版本调高"),
    Column("名称", ("name",), TEXT, doc="如 新生儿出生一件事"),
    Column("图标", ("icon",), ID, doc="图标名（小写英文），如 baby"),
    Column("简介", ("description",), TEXT, doc="选择一件事时显示的说明"),
    Column("类别", ("category",), _enum_codec("category", CATEGORY_NAMES, "类别"),
           doc="自助终端「选择要办的事」按类别列出，从下拉列表中选一个"),
    Column("编码仅为示例", ("codes_illustrative",), BOOL, doc="是：事项编码只是示例形状，不是正式编码"),
    Column("承诺书开头", ("commitment_preamble",), TEXT, doc="告知承诺书的第一句；不填用默认"),
    Column("表单版本", ("form", "version"), TEXT, doc="表单的版本，一般与一件事版本相同"),
    Column("申请人姓名问题", ("applicant", "name"), ID, doc="哪个问题是申请人姓名（问题编号）"),
    Column("申请人证件号码问题", ("applicant", "id_number"), ID, doc="哪个问题是申请人证件号码"),
    Column("申请人电话问题", ("applicant", "phone"), ID, doc="哪个问题是申请人电话（可不填）"),
    Column("申请人地址问题", ("applicant", "address"), ID, doc="哪个问题是申请人地址（可不填）"),
), "", settings=True, doc="一件事本身：每行一项，「项目」列是名称，「内容」列填写。")

ITEMS = Sheet("事项", (
    Column("事项编码", ("code",), CODE, 18),
    Column("事项名称", ("name",), TEXT, 28),
    Column("实施部门", ("department",), TEXT, 24),
    Column("法定时限（工作日）", ("legal_days",), INT, 12),
    Column("承诺时限（工作日）", ("promised_days",), INT, 12, doc="即办件填 0"),
    Column("办件类型", ("kind",), _enum_codec("kind", KIND_NAMES, "办件类型"), 10),
    Column("收费", ("fee",), TEXT, 20, doc="如 不收费"),
    Column("可容缺受理", ("allows_deferral",), BOOL, 10),
    Column("可告知承诺", ("allows_commitment",), BOOL, 10),
    Column("逢办必查", ("credit_check",), BOOL, 10, doc="是：办理前查信用记录；不填即否"),
    Column("通办范围", ("handled_where",), _enum_codec("handled_where", HANDLED_WHERE_NAMES, "通办范围"), 12,
           doc="属地：只能在户籍/居住地办；全市通办、全省通办、跨省通办；不填即未声明"),
    Column("居住证可办条件", ("residence_if",), CONDITION, 30,
           doc="户籍在外地、持本县（市、区）居住证也能在本地办时，填居住证问题的条件，"
               "如 has_residence_permit == true"),
    Column("办理条件", ("applies_if",), CONDITION, 30,
           doc="什么情况下才办这一项（条件表达式）；不填即总要办"),
    Column("不办时说明", ("dropped_note",), TEXT, 28, doc="条件不成立时告诉群众的话"),
), "items[]", doc="一件事包含的事项，每行一个。")

PAGES = Sheet("页面", (
    Column("页编号", ("id",), ID, 16),
    Column("页标题", ("title",), TEXT, 24),
    Column("显示条件", ("visible_if",), CONDITION, 36, doc="什么情况下才显示这一页；不填即总显示"),
), "form.pages[]", doc="表单的页，按行的顺序显示。")

QUESTIONS = Sheet("问题", (
    Column("所在页", (), ID, 14, doc="「页面」表中的页编号", refers=("页面", "页编号")),
    Column("问题编号", ("id",), ID, 22),
    Column("类型", ("type",), _enum_codec("type", FIELD_TYPE_NAMES, "问题类型"), 12),
    Column("问题", ("label",), TEXT, 30, doc="屏幕上的问题文字"),
    Column("说明", ("help",), TEXT, 30, doc="问题下方的小字说明"),
    Column("必填", ("required",), BOOL, 8, doc="不填即必填；填“否”为选填"),
    Column("必填条件", ("required_if",), CONDITION, 24),
    Column("显示条件", ("visible_if",), CONDITION, 30),
    Column("适用事项", ("for_items",), CODES, 18, doc="只在这些事项要办时才问"),
    Column("预填", ("prefill",), PREFILL, 16),
    Column("预填条件", ("prefill_if",), CONDITION, 24, doc="答案.* 预填只在条件成立时沿用"),
    Column("显示方式", ("display",), _enum_codec("display", DISPLAY_NAMES, "显示方式"), 10),
    Column("最小值", ("min",), NUMBER_OR_TEXT, 12),
    Column("最大值", ("max",), NUMBER_OR_TEXT, 12),
    Column("最少字数", ("min_length",), INT, 10),
    Column("最多字数", ("max_length",), INT, 10),
    Column("最少选几项", ("min_selected",), INT, 10),
    Column("最多选几项", ("max_selected",), INT, 10),
    Column("格式", ("pattern",), TEXT, 20, doc="正则表达式，如 [A-Z][0-9]{9}"),
    Column("格式提示", ("pattern_message",), TEXT, 30, doc="不符合格式时的提示"),
    Column("只收整数", ("integer",), BOOL, 10),
    Column("单位", ("unit",), TEXT, 8, doc="如 元、人、年"),
    Column("证件种类", ("id_kinds",), _enum_list_codec("id_kinds", ID_KIND_NAMES, "证件种类"), 20),
    Column("可填座机", ("accept_landline",), BOOL, 10),
    Column("校验卡号", ("luhn",), BOOL, 10, doc="银行卡号按 Luhn 校验位检查"),
    Column("地址范围", ("scope",), _enum_codec("scope", SCOPE_NAMES, "地址范围"), 10),
    Column("要求详细地址", ("require_detail",), BOOL, 10),
    Column("拍摄材料", ("material",), ID, 18, doc="类型为“拍摄材料”时：「材料」表中的材料编号",
           refers=("材料", "材料编号")),
    Column("告知文字", ("text",), TEXT, 40, doc="类型为“同意确认”时：要群众确认的文字"),
    Column("可含字母", ("allow_latin",), BOOL, 10, doc="姓名可含拉丁字母（外国人）"),
    Column("附加校验", ("check",), _enum_codec("check", CHECK_NAMES, "附加校验"), 16),
), "form.pages[].fields[]", doc="表单的问题，每行一个，按行的顺序归入「所在页」。")

OPTIONS = Sheet("选项", (
    Column("问题编号", (), ID, 22, doc="「问题」表中的问题编号", refers=("问题", "问题编号")),
    Column("取值", ("value",), TEXT, 18, doc="存进申请数据的值（英文），条件表达式里用它"),
    Column("显示文字", ("label",), TEXT, 24),
    Column("提示", ("hint",), TEXT, 24, doc="选项下方的小字"),
    Column("图标", ("icon",), TEXT, 12),
), "form.pages[].fields[].options[]", required=False,
    doc="单选、多选、与申请人关系问题的选项，每行一个，按行的顺序显示。")

COMPUTED = Sheet("计算", (
    Column("编号", ("id",), ID, 20),
    Column("名称", ("label",), TEXT, 24),
    Column("表达式", ("expr",), CONDITION, 40),
), "form.computed[]", required=False, doc="由回答算出的值，条件中可用它的编号。")

CHECKS = Sheet("校验", (
    Column("问题编号", ("field",), ID, 22, doc="不通过时提示挂在哪个问题上", refers=("问题", "问题编号")),
    Column("规则", ("rule",), CONDITION, 40, doc="应当成立的条件"),
    Column("提示", ("message",), TEXT, 40, doc="不成立时告诉群众怎么改"),
), "form.checks[]", required=False, doc="跨问题的校验规则。")

MATERIALS = Sheet("材料", (
    Column("材料编号", ("id",), ID, 20),
    Column("材料名称", ("name",), TEXT, 28),
    Column("所需事项", ("items",), CODES, 18),
    Column("形式", ("form",), _enum_codec("form", MATERIAL_FORM_NAMES, "材料形式"), 12),
    Column("份数", ("count",), INT, 8),
    Column("需要条件", ("required_if",), CONDITION, 30, doc="什么情况下才需要；不填即总要"),
    Column("容缺补交天数", ("deferral", "days"), INT, 12, doc="填了即可容缺受理，这么多个工作日内补交"),
    Column("告知承诺内容", ("commitment", "text"), TEXT, 40, doc="填了即可用告知承诺代替，这是承诺的话"),
    Column("政府已有（电子证照）", ("e_certificate",), TEXT, 24,
           doc="政府部门已有的电子证照名称，群众不用交"),
    Column("由事项产生", ("produced_by",), CODE, 18, doc="本一件事中办出这份材料的事项编码",
           refers=("事项", "事项编码")),
    Column("备注", ("note",), TEXT, 30),
), "materials[]", doc="材料清单，每行一份，同一材料只列一次。")

EXAMPLES = Sheet("示例", (
    Column("示例编号", (), INT, 10, doc="0、1、2 …（即 catalogue example --variant N）"),
    Column("标题", ("title",), TEXT, 40),
    Column("基于示例", ("base",), INT, 10, doc="在哪个示例的基础上改（只列出不同的回答）"),
    Column("姓名", ("applicant", "name"), TEXT, 10, doc="身份证上的姓名"),
    Column("证件号码", ("applicant", "id_number"), CODE, 22),
    Column("性别代码", ("applicant", "sex"), CODE, 8, doc="1 男，2 女"),
    Column("出生日期", ("applicant", "birth_date"), CODE, 12, doc="如 19900101"),
    Column("住址", ("applicant", "address"), TEXT, 30),
    Column("民族", ("applicant", "ethnicity"), TEXT, 8),
    Column("证件类别", ("applicant", "card_type"), SPACED, 8, doc="读卡器给出的类别代码；（空格）即一个空格"),
), "", required=False, doc="示例答案（培训、演示、预览用），每行一个示例。")

EXAMPLE_ANSWERS = Sheet("示例答案", (
    Column("示例编号", (), INT, 10),
    Column("问题编号", (), ID, 22, refers=("问题", "问题编号")),
    Column("答案", (), TEXT, 40, doc="按问题类型填写，见 WORKBOOK.md"),
), "", required=False, doc="每行一个示例的一个回答。")

EXAMPLE_MATERIALS = Sheet("示例材料", (
    Column("示例编号", (), INT, 10),
    Column("材料编号", (), ID, 22, refers=("材料", "材料编号")),
    Column("怎么交", (), TEXT, 12, doc="提交、容缺、告知承诺，或 撤销（不沿用所基于示例的选择）"),
    Column("附件", (), TEXT, 30, doc="提交时：每行一个 @sha256:说明"),
), "", required=False, doc="每行一个示例的一份材料怎么交；没列出的材料按提交处理。")

SHEETS: tuple[Sheet, ...] = (SETTINGS, ITEMS, PAGES, QUESTIONS, OPTIONS, COMPUTED, CHECKS, MATERIALS,
                             EXAMPLES, EXAMPLE_ANSWERS, EXAMPLE_MATERIALS)
README_SHEET = "说明"
EXAMPLE_CHOICE_NAMES = {"provided": "提交", "deferred": "容缺", "promised": "告知承诺", None: "撤销"}

# Keys that are the workbook's structure rather than a column: sheets, the page a question is on.
STRUCTURE_PATHS = frozenset({"applicant", "items", "form", "form.pages", "form.pages[].fields",
                             "form.pages[].fields[].options", "form.computed", "form.checks",
                             "materials", "materials[].deferral", "materials[].commitment"})


def carried_paths() -> set[str]:
    """Every JSON property path the workbook carries, in schema_paths() notation."""
    paths = set(STRUCTURE_PATHS)
    for sheet in SHEETS:
        for column in sheet.columns:
            if not column.path or sheet in (EXAMPLES,):
                continue
            prefix = f"{sheet.json_path}." if sheet.json_path else ""
            paths.add(prefix + ".".join(column.path))
    return paths


def schema_paths(schema: dict[str, Any]) -> set[str]:
    """Every property path of the bundle schema: `items[].code`, `materials[].deferral.days` …"""
    paths: set[str] = set()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def walk(node: dict[str, Any], prefix: str, depth: int = 0) -> None:
        node = resolve(node)
        if depth > 8:
            return
        if node.get("type") == "array" and "items" in node:
            walk(node["items"], prefix + "[]", depth + 1)
            return
        for key, sub in (node.get("properties") or {}).items():
            path = f"{prefix}.{key}" if prefix else key
            paths.add(path)
            walk(sub, path, depth + 1)

    walk(schema, "")
    return paths


# ------------------------------------------------------------------------------ reading


@dataclass
class Row:
    sheet: str
    number: int                    # 1-based row number in the sheet
    values: dict[str, Any]         # header -> non-blank raw value


@dataclass
class Source:
    """Where each JSON path of a built document came from, to turn a problem back into a cell."""

    cells: dict[tuple, tuple[str, int, str | None]] = field(default_factory=dict)
    rows: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)   # (kind, id) -> (sheet, row)
    every: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)   # duplicates too

    def note(self, kind: str, ident: Any, sheet: str, row: int) -> None:
        """Where the thing `kind` `ident` is defined (the first row wins; later ones are kept to
        name a duplicate by its row)."""
        self.rows.setdefault((kind, str(ident)), (sheet, row))
        self.every.setdefault((kind, str(ident)), []).append((sheet, row))

    def at(self, path: Iterable[Any]) -> tuple[str, int, str | None] | None:
        path = tuple(path)
        while True:
            if path in self.cells:
                return self.cells[path]
            if not path:
                return None
            path = path[:-1]


@dataclass
class ReadResult:
    bundle: dict[str, Any]
    examples: dict[str, Any] | None
    source: Source
    name: str                      # the workbook's file name, for sentences


def _header_key(text: Any) -> str:
    """A header as typed: full-width spaces, notes in brackets （工作日） and case do not matter."""
    text = _nfkc(str(text))
    return re.sub(r"[（(][^）)]*[）)]", "", text).strip()


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.source = Source()

    def problem(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(f"{place(sheet, row, column)}：{message.rstrip('。')}。")

    # -- sheets to rows

    def open(self) -> Any:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        path = self.path
        try:
            if path.is_dir():
                raise WorkbookError(f"{path} 是文件夹，不是工作簿：请给出 .xlsx 文件的路径。")
            size = path.stat().st_size
        except FileNotFoundError:
            raise WorkbookError(f"找不到工作簿 {path}，请检查路径。") from None
        except OSError:
            raise WorkbookError(f"无法读取工作簿 {path}，请检查文件。") from None
        if size > MAX_FILE_BYTES:
            raise WorkbookError(f"工作簿 {path} 超过 {MAX_FILE_BYTES >> 20} MB，不像一份事项工作簿，请检查。")
        try:
            return openpyxl.load_workbook(path, data_only=False)
        except PermissionError:
            raise WorkbookError(f"没有权限读取工作簿 {path}。") from None
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError):
            raise WorkbookError(f"{path} 不是 Excel 工作簿（.xlsx），"
                                "请用 WPS 或 Excel 另存为 .xlsx 后重试。") from None

    def rows(self, book: Any, sheet: Sheet) -> list[Row] | None:
        names = {_nfkc(ws.title): ws for ws in book.worksheets}
        ws = names.get(sheet.name)
        if ws is None:
            if sheet.required:
                self.problems.append(f"工作簿中没有「{sheet.name}」表，请按 forms/WORKBOOK.md 添加"
                                     f"（可先用 catalogue export 导出一份作样子）。")
            return None
        for merged in ws.merged_cells.ranges:
            rows = f"第 {merged.min_row} 行" if merged.min_row == merged.max_row else \
                f"第 {merged.min_row}–{merged.max_row} 行"
            self.problems.append(f"「{sheet.name}」表{rows}有合并的单元格（{merged.coord}），"
                                 f"请取消合并，每一格都填写完整。")
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        if sheet.settings:
            return self._settings_rows(sheet, grid)
        if not grid:
            return []
        known = {_header_key(c.header): c.header for c in sheet.columns}
        headers: dict[int, str] = {}
        for index, cell in enumerate(grid[0]):
            if _is_blank(cell):
                continue
            key = _header_key(cell)
            if key not in known:
                self.problem(sheet.name, 1, str(cell).strip(), "不认识这一列（是否拼错？），可用的列有："
                             + "、".join(known.values()))
                continue
            if known[key] in headers.values():
                self.problem(sheet.name, 1, known[key], "这一列出现了两次，请删掉一列")
                continue
            headers[index] = known[key]
        result: list[Row] = []
        for number, values in enumerate(grid[1:], start=2):
            row = Row(sheet.name, number, {})
            for index, header in headers.items():
                value = values[index] if index < len(values) else None
                if not _is_blank(value):
                    row.values[header] = value
            if row.values:   # an empty row between blocks is fine
                result.append(row)
        return result

    def _settings_rows(self, sheet: Sheet, grid: list[list[Any]]) -> list[Row]:
        known = {_header_key(c.header): c.header for c in sheet.columns}
        row = Row(sheet.name, 0, {})
        lines: dict[str, int] = {}
        for number, values in enumerate(grid, start=1):
            if not values or _is_blank(values[0]):
                continue
            key = _header_key(values[0])
            if number == 1 and key in ("项目", "设置"):
                continue
            if key not in known:
                self.problem(sheet.name, number, "项目", f"不认识“{str(values[0]).strip()}”（是否拼错？），"
                             "可用的项目有：" + "、".join(known.values()))
                continue
            header = known[key]
            if header in lines:
                self.problem(sheet.name, number, "项目",
                             f"“{header}”在第 {lines[header]} 行已经有了，请删掉一行")
                continue
            lines[header] = number
            value = values[1] if len(values) > 1 else None
            if not _is_blank(value):
                row.values[header] = value
        self.settings_lines = lines
        return [row]

    def cell(self, row: Row, column: Column, json_path: tuple, *, settings: bool = False) -> Any:
        """The column's value of the row (None when blank), recorded as the source of json_path."""
        number = self.settings_lines.get(column.header, 0) if settings else row.number
        where = (row.sheet, number or None, "内容" if settings else column.header)
        self.source.cells[json_path] = where
        raw = row.values.get(column.header)
        if raw is None:
            return None
        if isinstance(raw, str) and raw.startswith("="):
            self.problem(*where, "这里是公式，请直接填写内容（复制后“选择性粘贴 → 数值”）")
            return None
        try:
            value = column.codec.read(raw)
        except CellError as exc:
            self.problem(*where, str(exc))
            return None
        if value in ("", []):
            return None
        return value

    def fill(self, target: dict[str, Any], row: Row, sheet: Sheet, base: tuple) -> None:
        """Set every column of the row with a JSON path into target (nested keys made on demand)."""
        self.source.cells[base] = (row.sheet, row.number, None)
        for column in sheet.columns:
            if not column.path:
                continue
            value = self.cell(row, column, base + column.path, settings=sheet.settings)
            if value is None:
                continue
            node = target
            for key in column.path[:-1]:
                node = node.setdefault(key, {})
            node[column.path[-1]] = value

    # -- the bundle

    def read(self) -> ReadResult:
        book = self.open()
        self.settings_lines: dict[str, int] = {}
        sheets = {sheet.name: self.rows(book, sheet) for sheet in SHEETS}
        doc: dict[str, Any] = {}
        settings = (sheets["设置"] or [Row("设置", 0, {})])[0]
        self.fill(doc, settings, SETTINGS, ())
        form_version = doc.pop("form", {}).get("version")
        applicant = doc.pop("applicant", {})
        top = ("id", "version", "name", "icon", "description", "category", "codes_illustrative",
               "commitment_preamble")
        bundle: dict[str, Any] = {k: doc[k] for k in top if k in doc}
        bundle["applicant"] = applicant
        self.source.cells[("applicant",)] = ("设置", self.settings_lines.get("申请人姓名问题"), "内容")

        bundle["items"] = []
        for n, row in enumerate(sheets["事项"] or []):
            item: dict[str, Any] = {}
            self.fill(item, row, ITEMS, ("items", n))
            bundle["items"].append(item)
            self.source.note("事项", item.get("code"), row.sheet, row.number)

        form: dict[str, Any] = {"version": form_version} if form_version is not None else {}
        self.source.cells[("form", "version")] = ("设置", self.settings_lines.get("表单版本"), "内容")
        computed = self._simple(sheets["计算"], COMPUTED, ("form", "computed"), "计算", "id")
        checks = self._simple(sheets["校验"], CHECKS, ("form", "checks"), "校验", "field")
        if computed:
            form["computed"] = computed
        if checks:
            form["checks"] = checks
        form["pages"] = self._pages(sheets["页面"] or [], sheets["问题"] or [], sheets["选项"] or [])
        bundle["form"] = form
        bundle["materials"] = self._simple(sheets["材料"], MATERIALS, ("materials",), "材料", "id")
        examples = self._examples(bundle, sheets["示例"], sheets["示例答案"], sheets["示例材料"])
        if self.problems:
            raise WorkbookProblems(self.problems)
        return ReadResult(bundle, examples, self.source, self.path.name)

    def _simple(self, rows: list[Row] | None, sheet: Sheet, base: tuple, kind: str, key: str) -> list[dict]:
        result: list[dict[str, Any]] = []
        for n, row in enumerate(rows or []):
            obj: dict[str, Any] = {}
            self.fill(obj, row, sheet, base + (n,))
            result.append(obj)
            self.source.note(kind, obj.get(key), row.sheet, row.number)
        return result

    def _pages(self, page_rows: list[Row], question_rows: list[Row], option_rows: list[Row]) -> list[dict]:
        pages: list[dict[str, Any]] = []
        index: dict[str, int] = {}
        for n, row in enumerate(page_rows):
            page: dict[str, Any] = {}
            self.fill(page, row, PAGES, ("form", "pages", n))
            page["fields"] = []
            pages.append(page)
            self.source.cells[("form", "pages", n, "fields")] = (row.sheet, row.number, None)
            self.source.note("页", page.get("id"), row.sheet, row.number)
            if "id" in page:
                index.setdefault(page["id"], n)
        fields: dict[str, tuple[int, int]] = {}
        page_column = QUESTIONS.column("所在页")
        for row in question_rows:
            page_id = self.cell(row, page_column, ("?",))
            if page_id is None:
                self.problem(row.sheet, row.number, "所在页", "没有填写所在页（「页面」表中的页编号）")
                continue
            if page_id not in index:
                self.problem(row.sheet, row.number, "所在页",
                             f"“{page_id}”不在「页面」表中，请先在「页面」表添加这一页")
                continue
            p = index[page_id]
            f = len(pages[p]["fields"])
            question: dict[str, Any] = {}
            self.fill(question, row, QUESTIONS, ("form", "pages", p, "fields", f))
            pages[p]["fields"].append(question)
            self.source.note("字段", question.get("id"), row.sheet, row.number)
            if "id" in question:
                fields.setdefault(question["id"], (p, f))
        question_column = OPTIONS.column("问题编号")
        for row in option_rows:
            field_id = self.cell(row, question_column, ("?",))
            if field_id is None or field_id not in fields:
                what = "没有填写问题编号" if field_id is None else f"问题“{field_id}”不在「问题」表中"
                self.problem(row.sheet, row.number, "问题编号", what)
                continue
            p, f = fields[field_id]
            question = pages[p]["fields"][f]
            options = question.setdefault("options", [])
            option: dict[str, Any] = {}
            self.fill(option, row, OPTIONS, ("form", "pages", p, "fields", f, "options", len(options)))
            options.append(option)
            self.source.rows.setdefault(("选项", f"{field_id}/{option.get('value')}"),
                                        (row.sheet, row.number))
        self._reorder_options(pages)
        return pages

    @staticmethod
    def _reorder_options(pages: list[dict[str, Any]]) -> None:
        """Options sit after the other keys read from the question row; keep the schema's order."""
        order = [c.path[0] for c in QUESTIONS.columns if c.path]
        position = order.index("display")
        for page in pages:
            for i, question in enumerate(page["fields"]):
                if "options" in question:
                    keys = list(question)
                    keys.remove("options")
                    keys.insert(sum(1 for k in keys if k in order[:position]), "options")
                    page["fields"][i] = {k: question[k] for k in keys}

    # -- examples

    def _examples(self, bundle: dict[str, Any], rows: list[Row] | None, answer_rows: list[Row] | None,
                  material_rows: list[Row] | None) -> dict[str, Any] | None:
        if not rows:
            for extra in (answer_rows or []) + (material_rows or []):
                self.problem(extra.sheet, extra.number, None, "「示例」表中没有示例，这一行无处归属")
            return None
        field_types = {f.get("id"): f.get("type") for p in bundle["form"]["pages"] for f in p["fields"]}
        variants: list[dict[str, Any]] = []
        number_column = EXAMPLES.column("示例编号")
        for row in rows:
            number = self.cell(row, number_column, ("?",))
            if number != len(variants):
                self.problem(row.sheet, row.number, "示例编号",
                             f"示例应从 0 起依次编号，这里应为 {len(variants)}")
                continue
            variant: dict[str, Any] = {}
            for column in EXAMPLES.columns:
                if not column.path:
                    continue
                value = self.cell(row, column, ("variants", number) + column.path)
                if value is None:
                    continue
                node = variant
                for key in column.path[:-1]:
                    node = node.setdefault(key, {})
                node[column.path[-1]] = value
            if "base" in variant and not 0 <= variant["base"] < number:
                self.problem(row.sheet, row.number, "基于示例", f"只能基于前面的示例（0 到 {number - 1}）")
            self.source.rows[("示例", str(number))] = (row.sheet, row.number)
            variant = {k: variant[k] for k in ("title", "base", "applicant") if k in variant}
            variant["answers"] = {}
            variant["materials"] = {}
            variants.append(variant)
        for row in answer_rows or []:
            variant, key = self._example_target(row, variants, "问题编号", EXAMPLE_ANSWERS)
            if variant is None:
                continue
            raw = row.values.get("答案")
            self.source.rows[("示例答案", f"{variants.index(variant)}/{key}")] = (row.sheet, row.number)
            try:
                variant["answers"][key] = read_answer(field_types.get(key), raw)
            except CellError as exc:
                self.problem(row.sheet, row.number, "答案", str(exc))
        for row in material_rows or []:
            variant, key = self._example_target(row, variants, "材料编号", EXAMPLE_MATERIALS)
            if variant is None:
                continue
            self.source.rows[("示例材料", f"{variants.index(variant)}/{key}")] = (row.sheet, row.number)
            try:
                variant["materials"][key] = read_material_choice(row.values.get("怎么交"),
                                                                 row.values.get("附件"))
            except CellError as exc:
                self.problem(row.sheet, row.number, "怎么交", str(exc))
        return {"bundle_id": bundle.get("id"), "variants": variants}

    def _example_target(self, row: Row, variants: list[dict], key_header: str,
                        sheet: Sheet) -> tuple[dict | None, str]:
        number = self.cell(row, sheet.column("示例编号"), ("?",))
        key = self.cell(row, sheet.column(key_header), ("?",))
        if number is None or not 0 <= number < len(variants):
            self.problem(row.sheet, row.number, "示例编号", "不是「示例」表中的示例编号")
            return None, ""
        if key is None:
            self.problem(row.sheet, row.number, key_header, "没有填写")
            return None, ""
        return variants[number], key


# -- example answers in cells: typed by the question's type, so 是/否 and 13800240000 read right

NULL_TEXT = "（空）"          # the answer null (a variant takes back its base's answer)
EMPTY_TEXT = "（空文字）"     # the answer "" (left empty on purpose)


def write_answer(field_type: str | None, value: Any) -> Any:
    if value is None:
        return NULL_TEXT
    if value == "":
        return EMPTY_TEXT
    if field_type in ("yes_no", "consent") and isinstance(value, bool):
        return YES if value else NO
    if field_type in ("multi_choice", "scan") and isinstance(value, list) and value and \
            all(isinstance(v, str) and v and "\n" not in v for v in value):
        return "\n".join(value)
    if isinstance(value, (dict, list, bool)):
        return json.dumps(value, ensure_ascii=False)
    if field_type == "number" and isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and field_type is not None:
        return value
    return json.dumps(value, ensure_ascii=False)


def read_answer(field_type: str | None, raw: Any) -> Any:
    if raw is None:
        raise CellError("没有填写答案（不答就删掉这一行；要写“空”请填 （空））")
    if isinstance(raw, str) and raw.startswith("="):
        raise CellError("这里是公式，请直接填写内容")
    if isinstance(raw, str) and _nfkc(raw) in (_nfkc(NULL_TEXT), "空"):
        return None
    if isinstance(raw, str) and _nfkc(raw) == _nfkc(EMPTY_TEXT):
        return ""
    text = raw if isinstance(raw, str) else None
    if field_type in ("yes_no", "consent"):
        return _read_bool(raw)
    if field_type in ("multi_choice", "scan"):
        if text is not None and text.strip().startswith("["):
            return _json_cell(text)
        return [part.strip() for part in _read_text(raw).splitlines() if part.strip()]
    if field_type == "number":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return _plain_number(raw)
        value = _nfkc(_read_text(raw))
        try:
            return _plain_number(float(value)) if "." in value else int(value)
        except ValueError:
            raise CellError(f"应填数字，现在是“{value}”") from None
    if field_type is None or (text is not None and text.strip()[:1] in ("{", "[")):
        return _json_cell(_read_text(raw)) if text is not None else raw
    if field_type in ("phone", "id_number", "bank_account", "money", "date", "text", "choice", "relation"):
        return _nfkc(_read_text(raw)) if field_type != "text" else _read_text(raw)
    return _read_text(raw)


def _json_cell(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise CellError("这一格应是 JSON 写法（如 {\"city\": \"210800\", \"county\": \"210881\", "
                        "\"detail\": \"…\"}），请检查括号和引号") from None


def write_material_choice(choice: Any) -> tuple[str, str | None]:
    if choice is None or choice in ("deferred", "promised"):
        return EXAMPLE_CHOICE_NAMES[choice], None
    if isinstance(choice, dict) and set(choice) == {"status", "attachments"} \
            and choice["status"] == "provided" \
            and all(isinstance(a, str) and "\n" not in a for a in choice["attachments"]):
        return EXAMPLE_CHOICE_NAMES["provided"], "\n".join(choice["attachments"])
    return json.dumps(choice, ensure_ascii=False), None


def read_material_choice(how: Any, attachments: Any) -> Any:
    if how is None:
        raise CellError("没有填写怎么交：提交、容缺、告知承诺 或 撤销")
    text = _nfkc(_read_text(how))
    if text.startswith(("{", '"')):
        return _json_cell(text)
    by_name = {name: value for value, name in EXAMPLE_CHOICE_NAMES.items()}
    if text not in by_name:
        raise CellError(f"“{text}”不是可选的交法，请填 提交、容缺、告知承诺 或 撤销")
    value = by_name[text]
    if value == "provided":
        files = [part.strip() for part in _read_text(attachments or "").splitlines() if part.strip()]
        return {"status": "provided", "attachments": files}
    return value


def read_workbook(path: str | Path) -> ReadResult:
    """Read one workbook into a bundle document (+ examples); WorkbookError if it cannot be opened,
    WorkbookProblems listing every cell that is wrong. Not yet checked against the catalogue rules:
    `build` does that with the catalogue's own code."""
    return _Reader(Path(path)).read()


# ------------------------------------------------------------------------------ writing

FIXED_TIME = datetime(2026, 1, 1)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cells_of(bundle: dict[str, Any], examples: dict[str, Any] | None) -> dict[str, list[list[Any]]]:
    """Every sheet's rows (without the header) for a bundle document."""
    def values(sheet: Sheet, obj: dict[str, Any], lead: list[Any] | None = None) -> list[Any]:
        row = list(lead or [])
        for column in sheet.columns[len(row):]:
            node: Any = obj
            for key in column.path:
                node = node.get(key) if isinstance(node, dict) else None
            row.append(None if node is None else column.codec.write(node))
        return row

    sheets: dict[str, list[list[Any]]] = {}
    sheets["设置"] = [[c.header, values(SETTINGS, bundle, [])[i]] for i, c in enumerate(SETTINGS.columns)]
    sheets["事项"] = [values(ITEMS, item) for item in bundle["items"]]
    form = bundle["form"]
    sheets["页面"] = [values(PAGES, page) for page in form["pages"]]
    sheets["问题"] = [values(QUESTIONS, f, [page["id"]]) for page in form["pages"] for f in page["fields"]]
    sheets["选项"] = [values(OPTIONS, o, [f["id"]]) for page in form["pages"] for f in page["fields"]
                    for o in f.get("options", [])]
    sheets["计算"] = [values(COMPUTED, c) for c in form.get("computed", [])]
    sheets["校验"] = [values(CHECKS, c) for c in form.get("checks", [])]
    sheets["材料"] = [values(MATERIALS, m) for m in bundle["materials"]]
    types = {f["id"]: f["type"] for page in form["pages"] for f in page["fields"]}
    sheets["示例"], sheets["示例答案"], sheets["示例材料"] = [], [], []
    for n, variant in enumerate((examples or {}).get("variants", [])):
        sheets["示例"].append(values(EXAMPLES, variant, [n]))
        for key, value in variant.get("answers", {}).items():
            sheets["示例答案"].append([n, key, write_answer(types.get(key), value)])
        for key, choice in variant.get("materials", {}).items():
            how, files = write_material_choice(choice)
            sheets["示例材料"].append([n, key, how, files])
    return sheets


README_LINES = (
    "这是一件事的编写工作簿。改好后运行：python main.py catalogue build 本文件.xlsx --out 目录",
    "各表的写法见 forms/WORKBOOK.md；第一行是列名，不要改动；每行一条，空行会被跳过；"
    "不要合并单元格，不要用公式。",
    "带下拉箭头的格子请从列表中选；“是/否”格子不填即取默认；条件一栏写条件表达式，如 married == true。",
    "事项编码、证件号码等格子已设为文本格式，请不要改成数字格式（开头的 0 会丢失）。",
)


def write_workbook(bundle: dict[str, Any], examples: dict[str, Any] | None, path: str | Path) -> None:
    """Write a bundle document (+ examples) as a workbook county staff can edit: a 说明 sheet,
    frozen bold headers, readable widths, wrapped long text, drop-downs for every fixed list, text
    format where leading zeros matter. Byte-for-byte the same for the same bundle (fixed document
    and zip timestamps), so rebuilding does not churn git."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.properties.creator = "station-kiosk catalogue export"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    book.properties.lastModifiedBy = None
    readme = book.active
    readme.title = README_SHEET
    for line in README_LINES:
        readme.append([line])
    readme.column_dimensions["A"].width = 120
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    cells = _cells_of(bundle, examples)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        if sheet.settings:
            header = ["项目", "内容", "说明"]
            rows = [[name, value, sheet.columns[i].doc] for i, (name, value) in enumerate(cells[sheet.name])]
            widths = [20, 70, 50]
            columns_of_values: list[tuple[int, Column]] = []
        else:
            header = [c.header for c in sheet.columns]
            rows = cells[sheet.name]
            widths = [c.width for c in sheet.columns]
            columns_of_values = list(enumerate(sheet.columns))
        ws.append(header)
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = bold
            cell.fill = head_fill
        for cell, column in zip(ws[1], [] if sheet.settings else sheet.columns, strict=False):
            hint = "；".join(part for part in (column.doc, column.codec.note) if part)
            if hint:        # what to type, on hovering over the column's name
                cell.comment = Comment(hint, "编写说明", width=320, height=110)
        ws.freeze_panes = "A2" if not sheet.settings else "B2"
        for index, width in enumerate(widths, start=1):
            longest = max((_display_width(line) for r in rows if index <= len(r) and r[index - 1] is not None
                           for line in str(r[index - 1]).splitlines()), default=0)
            head = _display_width(header[index - 1]) + 2
            ws.column_dimensions[get_column_letter(index)].width = max(head, min(max(width, longest + 2), 60))
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                long = isinstance(cell.value, str) and (len(cell.value) > 20 or "\n" in cell.value)
                cell.alignment = wrap if long else top
        last = max(len(rows) + 200, 500)
        if sheet.settings:
            for i, column in enumerate(sheet.columns, start=2):
                _format_cell_range(ws, f"B{i}:B{i}", column.codec, DataValidation)
            continue
        for index, column in columns_of_values:
            letter = get_column_letter(index + 1)
            _format_cell_range(ws, f"{letter}2:{letter}{last}", column.codec, DataValidation)
            if column.refers:
                _refer(ws, f"{letter}2:{letter}{last}", column.refers, DataValidation)
    for i, column in enumerate(SETTINGS.columns, start=2):
        if column.path and column.path[0] == "applicant":       # which question is the applicant's …
            _refer(book["设置"], f"B{i}:B{i}", ("问题", "问题编号"), DataValidation)
    buffer = io.BytesIO()
    book.save(buffer)
    Path(path).write_bytes(_fixed_zip(buffer.getvalue()))


def _refer(ws: Any, ref: str, refers: tuple[str, str], validation_cls: Any) -> None:
    """A drop-down of the ids another sheet defines (页编号, 问题编号 …). A hint, not a lock: an
    author may type an id before defining it, and `build` says what does not match."""
    from openpyxl.utils import get_column_letter

    sheet = next(s for s in SHEETS if s.name == refers[0])
    letter = get_column_letter([c.header for c in sheet.columns].index(refers[1]) + 1)
    dv = validation_cls(type="list", formula1=f"'{sheet.name}'!${letter}$2:${letter}$1000", allow_blank=True,
                        showErrorMessage=False)
    ws.add_data_validation(dv)
    dv.add(ref)


def _format_cell_range(ws: Any, ref: str, codec: Codec, validation_cls: Any) -> None:
    if codec.choices:
        listed = ",".join(codec.choices)
        if len(listed) <= 250:       # Excel's limit for a list typed into the validation
            dv = validation_cls(type="list", formula1=f'"{listed}"', allow_blank=True,
                                showErrorMessage=True, errorTitle="请从列表中选",
                                error=f"可选：{'、'.join(codec.choices)}")
            ws.add_data_validation(dv)
            dv.add(ref)
    if codec.text_format:
        # The column's own format covers rows an author adds; the cells written now carry it too.
        # (Per-cell formats on 500 empty rows made the file slower to read by half.)
        first, _, last = ref.partition(":")
        letter = "".join(ch for ch in first if ch.isalpha())
        if last:
            ws.column_dimensions[letter].number_format = "@"
            ref = f"{first}:{letter}{max(ws.max_row, 2)}"
        for row in ws[ref]:
            for cell in row:
                cell.number_format = "@"


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry dated FIXED_TIME, so equal workbooks are equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps "modified" with the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)",
                                 rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>",
                                 content)
            dst.writestr(fixed, content)
    return out.getvalue()


# ------------------------------------------------------------------------------ build


@dataclass
class Built:
    """What `build` wrote: bundle ids in order, the files, and the catalogue version."""

    bundle_ids: list[str]
    files: list[Path]
    version: str
    notes: list[str] = field(default_factory=list)   # not wrong, but worth a look (提示)


_PROBLEM = re.compile(r"^(?P<source>[^，]*)，一件事 (?P<bundle>[^，：]*)"
                      r"(?:，(?P<where>[^：]*))?：(?P<message>.*)$", re.S)
_WHERE = (
    (re.compile(r"^字段 (\S+)$"), "字段"), (re.compile(r"^事项 (\S+)$"), "事项"),
    (re.compile(r"^页 (\S+)$"), "页"), (re.compile(r"^计算值 (\S+)$"), "计算"),
    (re.compile(r"^材料 (\S+)$"), "材料"), (re.compile(r"^校验规则（(\S+)）$"), "校验"),
)
# Words of the catalogue's messages that are JSON keys, as the workbook's column names.
_KEY_WORDS = {"for_items": "「适用事项」", "produced_by": "「由事项产生」", "prefill_if": "「预填条件」",
              "applicant": "申请人问题"}
_MESSAGE_COLUMNS = (("for_items", "适用事项"), ("预填来源", "预填"), ("prefill_if", "预填条件"),
                    ("拍摄的材料", "拍摄材料"), ("承诺时限", "承诺时限（工作日）"), ("正则", "格式"),
                    ("“min”", "最小值"), ("“max”", "最大值"), ("produced_by", "由事项产生"),
                    ("既由某事项产生", "由事项产生"), ("所属事项", "所需事项"), ("可容缺", "容缺补交天数"),
                    ("可告知承诺", "告知承诺内容"), ("所挂的字段", "问题编号"), ("选项取值", None))


def _schema_problems(result: ReadResult) -> list[str]:
    """The catalogue's own schema check, each error put back into its cell."""
    from forms.catalogue import _schema_message, _validator

    problems: list[str] = []
    errors = sorted(_validator().iter_errors(result.bundle), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        path = tuple(error.absolute_path)
        message = _schema_message(error)
        if error.validator == "required":
            missing = [k for k in error.validator_value if k not in (error.instance or {})]
            for key in missing:
                if key == "options":
                    where = result.source.at(path)
                    qid = (error.instance or {}).get("id", "")
                    sheet, row = (where[0], where[1]) if where else ("问题", None)
                    problems.append(f"{place(sheet, row, '类型')}：单选和多选问题要有选项，"
                                    f"请在「选项」表为问题“{qid}”添加选项。")
                    continue
                if key == "fields":
                    where = result.source.at(path)
                    problems.append(f"{place(where[0], where[1]) if where else place('页面')}："
                                    f"这一页还没有问题，请在「问题」表添加或删掉这一页。")
                    continue
                where = result.source.cells.get(path + (key,)) or result.source.at(path)
                sheet, row, column = where if where else ("设置", None, None)
                problems.append(f"{place(sheet, row, column)}：没有填写，这一项必填。")
            continue
        where = result.source.at(path)
        if error.validator in ("minItems",) and path and path[-1] == "fields":
            problems.append(f"{place(where[0], where[1]) if where else place('页面')}："
                            f"这一页还没有问题，请在「问题」表添加或删掉这一页。")
            continue
        if error.validator in ("minItems",) and path in (("items",),):
            problems.append(f"{place('事项')}：至少要有一个事项。")
            continue
        if error.validator in ("minItems",) and path == ("form", "pages"):
            problems.append(f"{place('页面')}：至少要有一页。")
            continue
        sheet, row, column = where if where else ("设置", None, None)
        problems.append(f"{place(sheet, row, column)}：{message}。")
    return problems


def _locate(problem: str, results: dict[str, ReadResult]) -> str:
    """A problem sentence of forms.catalogue (file, bundle, JSON place) as sheet, row and column."""
    match = _PROBLEM.match(problem)
    result = results.get(match.group("source")) if match else None
    if match is None or result is None:
        return problem
    where, message = match.group("where") or "", match.group("message").rstrip("。")
    for word, column_name in _KEY_WORDS.items():
        message = re.sub(rf"(?<![A-Za-z_.]){word}(?![A-Za-z_])\s?", column_name, message)
    message = re.sub(r"\banswer\.([a-z0-9_]+|\*)", r"答案.\1", message)     # as the 预填 column says it
    found: tuple[str, int] | None = None
    for pattern, kind in _WHERE:
        m = pattern.match(where)
        if m:
            found = result.source.rows.get((kind, m.group(1)))
            break
    column: str | None = None
    if where.startswith("申请人"):
        key = next((k for k in ("id_number", "name", "phone", "address")
                    if match.group("message").startswith(k)), "name")
        header = {"name": "申请人姓名问题", "id_number": "申请人证件号码问题", "phone": "申请人电话问题",
                  "address": "申请人地址问题"}[key]
        line = next((v for k, v in result.source.cells.items() if k == ("applicant", key)), None)
        message = re.sub(r"^(name|id_number|phone|address) ", "", message)
        return f"{place('设置', line[1] if line else None, '内容')}：{header}{message}。"
    if where.startswith("校验规则“"):
        text = where[len("校验规则“"):-1]
        found = next(((s, r) for (kind, _), (s, r) in result.source.rows.items() if kind == "校验"
                      and _cell_text(result, s, r, "提示") == text), None)
    if not where:
        dup = re.match(r"^(事项编码|页编号|字段编号（含计算值）|材料编号|材料名称（[^）]*）)“(.+)”重复$",
                       message)
        if dup:
            kind = {"事项编码": "事项", "页编号": "页", "材料编号": "材料"}.get(dup.group(1))
            if dup.group(1).startswith("字段"):
                kind = "字段"
            rows = result.source.every.get((kind or "", dup.group(2)), [])
            if len(rows) >= 2:
                column = {"事项": "事项编码", "页": "页编号", "材料": "材料编号"}.get(kind or "", "问题编号")
                if rows[1][0] == "计算":
                    column = "编号"
                return (f"{place(rows[1][0], rows[1][1], column)}：{dup.group(1)}“{dup.group(2)}”"
                        f"与第 {rows[0][1]} 行重复，请改成不同的。")
            sheet = {"事项": "事项", "页": "页面", "字段": "问题", "材料": "材料"}.get(kind or "", "材料")
            return f"{place(sheet)}：{message}，请改成不同的。"
    if found is None:
        return f"工作簿 {result.name}：{message}。"
    sheet, row = found
    condition = re.search(r"条件“(.+?)”中", match.group("message")) or \
        re.search(r"（表达式：(.+)）$", match.group("message").rstrip("。"))
    if condition:
        column = _column_holding(result, sheet, row, condition.group(1))
    if column is None:
        for word, header in _MESSAGE_COLUMNS:
            if word in match.group("message"):
                column = header
                break
    if column is None and "选项取值" in match.group("message"):
        return f"{place('选项')}：问题“{where.split(' ', 1)[-1]}”的{message}。"
    return f"{place(sheet, row, column)}：{message}。"


def _cell_text(result: ReadResult, sheet: str, row: int, header: str) -> Any:
    for (path), (s, r, column) in result.source.cells.items():
        if s == sheet and r == row and column == header:
            return _value_at(result.bundle, path)
    return None


def _column_holding(result: ReadResult, sheet: str, row: int, text: str) -> str | None:
    for path, (s, r, column) in result.source.cells.items():
        if s == sheet and r == row and column and _value_at(result.bundle, path) == text:
            return column
    return None


def _value_at(doc: Any, path: tuple) -> Any:
    for key in path:
        try:
            doc = doc[key]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def _example_problems(result: ReadResult, catalogue: Any) -> list[str]:
    """Each example variant filled through the form as `catalogue fill` does: an example that the
    form refuses would teach trainers and the preview something residents cannot do."""
    from forms.examples import example
    from forms.filling import AnswersFile

    if result.examples is None:
        return []
    bundle_id = result.bundle["id"]
    variants = result.examples["variants"]
    problems: list[str] = []
    said: set[tuple] = set()     # a base variant's wrong answer is said once, not once per variant
    for n in range(len(variants)):
        row = result.source.rows.get(("示例", str(n)))
        try:
            doc = example(bundle_id, n, catalogue=catalogue, variants=variants)
            filled = AnswersFile.from_document(doc).fill(catalogue=catalogue)
        except FormsError as exc:
            problems.append(f"{place('示例', row[1] if row else None, '示例编号')}：示例 {n} 用不了：{exc}")
            continue
        for key, message in filled.errors.items():
            message = message.rstrip("。")
            if key.startswith("materials."):
                material_id = key.split(".", 1)[1]
                where = _example_row(result, variants, n, "示例材料", material_id)
                text = f"示例 {n} 的材料 {material_id}：{message}。"
                column = "怎么交"
            else:
                where = _example_row(result, variants, n, "示例答案", key)
                text = f"示例 {n} 的回答 {key} 通不过表单：{message}。"
                column = "答案"
            if where is not None and (where, key, message) in said:
                continue
            said.add((where, key, message))
            if where is None:
                problems.append(f"{place('示例', row[1] if row else None)}：{text}")
            else:
                problems.append(f"{place(where[0], where[1], column)}：{text}")
    return problems


def _example_row(result: ReadResult, variants: list[dict], n: int, kind: str,
                 key: str) -> tuple[str, int] | None:
    """The row that gave variant n's answer (or material choice), following 基于示例 back."""
    seen: set[int] = set()
    while n not in seen:
        seen.add(n)
        found = result.source.rows.get((kind, f"{n}/{key}"))
        if found:
            return found
        base = variants[n].get("base")
        if not isinstance(base, int) or not 0 <= base < len(variants):
            return None
        n = base
    return None


def bundle_json(doc: dict[str, Any]) -> str:
    """How a built bundle (or examples) file is written: stable, readable, diffable."""
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def build(books: list[Path], out: Path, examples_dir: Path | None = None) -> Built:
    """Read the workbooks, check every bundle with the catalogue's own code (the bundles already in
    `out` too, exactly as `catalogue validate out` would), and only then write the bundle files,
    `index.json` (the existing order and note kept, new bundles added at the end) and the example
    answers. WorkbookError: a file cannot be read; WorkbookProblems: every sentence to fix."""
    import shutil
    import tempfile

    from forms.catalogue import INDEX_NAME, load_catalogue, version_key
    from forms.errors import CatalogueError

    results: dict[str, ReadResult] = {}
    problems: list[str] = []
    for book in books:
        try:
            result = read_workbook(book)
        except WorkbookProblems as exc:
            problems.extend(f"{Path(book).name}：{p}" if len(books) > 1 else p for p in exc.problems)
            continue
        problems.extend(f"{Path(book).name}：{p}" if len(books) > 1 else p for p in _schema_problems(result))
        name = f"{result.bundle['id']}.json"
        if name in results:
            problems.append(f"{Path(book).name}：一件事编号“{result.bundle['id']}”与 "
                            f"{results[name].name} 相同，请改一个。")
        results[name] = result
    if problems:
        raise WorkbookProblems(problems)

    index: dict[str, Any] = {}
    index_path = out / INDEX_NAME
    if index_path.exists():
        try:
            index = json.loads(index_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise WorkbookError(f"输出目录中的 {INDEX_NAME} 读不出来，请检查或换一个空目录。") from None
        if not isinstance(index, dict) or not isinstance(index.get("bundles"), list):
            raise WorkbookError(f"输出目录中的 {INDEX_NAME} 不是事项目录的索引，请检查或换一个空目录。")
    names = [str(n) for n in index.get("bundles", [])]
    names += [name for name in results if name not in names]
    versions = [str(index.get("version", "0"))] + [r.bundle["version"] for r in results.values()]
    new_index = {"version": max(versions, key=version_key), **{k: v for k, v in index.items()
                                                              if k not in ("version", "bundles")},
                 "bundles": names}

    with tempfile.TemporaryDirectory(prefix="catalogue-build-") as tmp:
        staging = Path(tmp)
        for name in names:
            if name in results:
                (staging / name).write_text(bundle_json(results[name].bundle), encoding="utf-8")
            elif (out / name).exists():
                shutil.copyfile(out / name, staging / name)
        (staging / INDEX_NAME).write_text(bundle_json(new_index), encoding="utf-8")
        try:
            catalogue = load_catalogue(staging)            # exactly what `catalogue validate` runs
        except CatalogueError as exc:
            raise WorkbookProblems([_locate(p, results) for p in exc.problems]) from None
    problems = [p for result in results.values() for p in _example_problems(result, catalogue)]
    if problems:
        raise WorkbookProblems(problems)

    old_version = str(index.get("version", "")) if index else None
    notes = _version_notes(results, out, old_version, new_index["version"])
    files: list[Path] = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, result in results.items():
            (out / name).write_text(bundle_json(result.bundle), encoding="utf-8")
            files.append(out / name)
            if result.examples is not None:
                target = examples_dir or out / "examples"
                target.mkdir(parents=True, exist_ok=True)
                (target / name).write_text(bundle_json(result.examples), encoding="utf-8")
                files.append(target / name)
        index_path.write_text(bundle_json(new_index), encoding="utf-8")
        files.append(index_path)
    except OSError as exc:
        raise WorkbookError(f"无法写入输出目录 {out}：{exc.strerror or exc}。") from None
    return Built([r.bundle["id"] for r in results.values()], files, new_index["version"], notes)


def _version_notes(results: dict[str, ReadResult], out: Path, old_version: str | None,
                   new_version: str) -> list[str]:
    """A bundle whose content changed under the same version, or a catalogue version that did not
    move: two different catalogues under one version number, which stations, the platform and an
    application (kept under the version it was started with) cannot tell apart."""
    notes: list[str] = []
    changed = False
    for name, result in results.items():
        try:
            old = json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            changed = True
            continue
        if old != result.bundle:
            changed = True
            if isinstance(old, dict) and old.get("version") == result.bundle["version"]:
                notes.append(f"{result.name}：内容变了，但「设置」表的「版本」仍是 "
                             f"{result.bundle['version']}，请调高版本，免得两份不同的内容用同一个版本号。")
    if changed and old_version is not None and old_version == new_version:
        notes.append(f"目录版本仍是 {new_version}：请把改动的一件事的版本调到高于 {new_version}，"
                     f"新目录才有自己的版本号。")
    return notes


def export(bundle_id_or_path: str, xlsx: Path, catalogue_path: Path | None = None) -> dict[str, Any]:
    """Write one bundle of the catalogue (shipped, or `catalogue_path`) as a workbook, with its
    example answers when it has them. Returns the bundle document."""
    from forms.catalogue import load_catalogue
    from forms.examples import EXAMPLES_DIR

    bundle = load_catalogue(catalogue_path).bundle(bundle_id_or_path)
    examples = None
    for folder in ([catalogue_path / "examples"] if catalogue_path and catalogue_path.is_dir() else []) + \
            [EXAMPLES_DIR]:
        candidate = folder / f"{bundle.id}.json"
        if candidate.exists():
            examples = json.loads(candidate.read_text(encoding="utf-8"))
            break
    write_workbook(bundle.document, examples, xlsx)
    back = read_workbook(xlsx)       # what build will read: the same, or the workbook is refused
    lost = _first_difference(bundle.document, back.bundle) or \
        (_first_difference(examples, back.examples) if examples is not None else None)
    if lost is not None:
        Path(xlsx).unlink(missing_ok=True)
        raise WorkbookError(f"一件事 {bundle.id} 的 {lost} 在工作簿中表达不了，没有导出；"
                            f"请让开发人员在 forms/workbook.py 的 SHEETS 中为它加一列。")
    return bundle.document


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The first JSON path where two documents differ (`form.pages[2].fields[0].help`), or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            found = _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{n}]")
            if found:
                return found
        return None
    return None if a == b else (path or "（整体）")


# ------------------------------------------------------------------------------ documentation

DOC_BEGIN = "<!-- columns: generated by forms.workbook.reference_markdown(); do not edit by hand -->"
DOC_END = "<!-- end of generated columns -->"


def reference_markdown() -> str:
    """The sheet and column tables of forms/WORKBOOK.md, from SHEETS (a test keeps them equal)."""
    lines: list[str] = []
    for sheet in SHEETS:
        need = "必有" if sheet.required else "可选"
        lines += [f"### 「{sheet.name}」表（{need}）", "", sheet.doc, ""]
        first = "项目（第一列）" if sheet.settings else "列名"
        lines += [f"| {first} | JSON | 填写 | 说明 |", "| --- | --- | --- | --- |"]
        for column in sheet.columns:
            prefix = f"{sheet.json_path}." if sheet.json_path else ""
            if sheet in (EXAMPLES,):
                prefix = "variants[]."
            key = f"`{prefix}{'.'.join(column.path)}`" if column.path else "（归属）"
            note = column.codec.note
            if column.refers:
                note += f"（下拉列出「{column.refers[0]}」表的{column.refers[1]}）"
            lines.append(f"| {column.header} | {key} | {note} | {column.doc} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ------------------------------------------------------------------------------ preview's input


@dataclass(frozen=True)
class OpenedBundle:
    """One bundle to look at: its (checked) catalogue, its id, and its example variants (None: the
    bundle has none)."""

    catalogue: Any        # forms.Catalogue
    bundle_id: str
    variants: list[dict[str, Any]] | None


def open_bundle(source: str) -> OpenedBundle:
    """A bundle id of the shipped catalogue, a workbook (.xlsx, built and checked exactly as
    `catalogue build` does, nothing written) or a bundle / catalogue JSON file. Raises WorkbookError
    (cannot be read: exit 2), WorkbookProblems or CatalogueError (wrong inside: exit 1) or
    UnknownBundleError."""
    import tempfile

    from forms.catalogue import load_catalogue
    from forms.examples import EXAMPLES_DIR

    path = Path(source)
    if path.suffix.lower() == ".xlsx":
        with tempfile.TemporaryDirectory(prefix="catalogue-preview-") as tmp:
            built = build([path], Path(tmp) / "out", Path(tmp) / "examples")
            catalogue = load_catalogue(Path(tmp) / "out")
            (bundle_id,) = built.bundle_ids
            examples = Path(tmp) / "examples" / f"{bundle_id}.json"
            variants = json.loads(examples.read_text(encoding="utf-8"))["variants"] \
                if examples.exists() else None
        return OpenedBundle(catalogue, bundle_id, variants)
    if path.suffix.lower() == ".json" or path.exists():
        if not path.exists():
            raise WorkbookError(f"找不到文件 {path}，请检查路径。")
        catalogue = load_catalogue(path)
        if len(catalogue.bundles) != 1:
            raise WorkbookError(f"{path} 中有 {len(catalogue.bundles)} 件事，"
                                "请给出单个一件事的文件或工作簿。")
        bundle_id = catalogue.bundles[0].id
        for folder in (path.parent / "examples", EXAMPLES_DIR):
            candidate = folder / f"{bundle_id}.json"
            if candidate.is_file():
                return OpenedBundle(catalogue, bundle_id,
                                    json.loads(candidate.read_text(encoding="utf-8"))["variants"])
        return OpenedBundle(catalogue, bundle_id, None)
    catalogue = load_catalogue()
    bundle = catalogue.bundle(source)
    examples = EXAMPLES_DIR / f"{bundle.id}.json"
    variants = json.loads(examples.read_text(encoding="utf-8"))["variants"] if examples.exists() else None
    return OpenedBundle(catalogue, bundle.id, variants)
