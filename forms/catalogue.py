"""The 一件事 catalogue: JSON bundle documents in, checked immutable objects out.

Why check so much at load time: a catalogue arrives from the platform or from an editor's hands
and is then used offline for weeks by people who cannot fix it. So every problem is found before
use and reported in Chinese with the file, the bundle and the field: schema errors, duplicate ids,
conditions naming fields that do not exist, materials no item needs, and dependency cycles.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.conditions import Condition
from forms.errors import CatalogueError, ConditionSyntaxError, UnknownBundleError

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).with_name("catalogue.schema.json")
SHIPPED_DIR = Path(__file__).with_name("catalogue")
INDEX_NAME = "index.json"
DEFAULT_PREAMBLE = "本人自愿作出以下承诺，如有不实，愿承担相应法律责任："

FIELD_TYPE_NAMES = {
    "text": "文字", "name": "姓名", "number": "数字", "money": "金额", "date": "日期", "choice": "单选",
    "multi_choice": "多选", "yes_no": "是/否", "id_number": "证件号码", "phone": "电话", "address": "地址",
    "bank_account": "银行账户", "relation": "与申请人关系", "scan": "拍摄材料", "signature": "签名",
    "consent": "同意确认",
}

# The kiosk's 按类别 chips (选择要办的事): a bundle's `category` is one of these codes. A fixed list
# and not free text, so the chips stay the same from one catalogue release to the next (a county
# typing 养老 where another typed 敬老养老 would split one chip into two), the workbook offers a
# drop-down, and the order here is the order of the chips: the stages of a life, then the help
# anyone may need at any age. The Chinese names are what residents read and hear.
CATEGORY_NAMES = {
    "birth_school": "生育上学", "marriage_hukou": "婚育户籍", "work_insurance": "就业社保",
    "business": "开店经营", "housing": "住房建房", "elderly": "养老敬老", "assistance": "救助帮扶",
    "after_death": "身后事",
}

MATERIAL_FORM_NAMES = {"original": "原件", "copy": "复印件", "original_and_copy": "原件及复印件",
                       "electronic": "电子材料"}

# Relation to the applicant: the fixed list the `relation` type offers when a field has no options.
# No 本人: a relation question asks how the applicant is related to *another* person (您是老人的…),
# and offering 本人 there, after 是否为自己申请 = 否, contradicted the answer just given.
RELATIONS: tuple[tuple[str, str], ...] = (
    ("spouse", "配偶"), ("son", "儿子"), ("daughter", "女儿"), ("father", "父亲"),
    ("mother", "母亲"), ("grandchild", "孙子女/外孙子女"), ("grandparent", "祖父母/外祖父母"),
    ("sibling", "兄弟姐妹"), ("guardian", "监护人"), ("other_relative", "其他亲属"), ("other", "其他"),
)


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    icon: str = ""


@dataclass(frozen=True)
class Field:
    """One question. `rules` keeps the type-specific settings (min, max, pattern, id_kinds …)."""

    id: str
    type: str
    label: str
    page_id: str
    help: str = ""
    required: bool = True
    required_if: Condition | None = None
    visible_if: Condition | None = None
    for_items: tuple[str, ...] = ()
    prefill: str | None = None
    prefill_if: Condition | None = None      # an answer.* prefill follows only while this holds
    options: tuple[Option, ...] = ()
    display: str = ""
    rules: dict[str, Any] = field(default_factory=dict)

    def option_label(self, value: Any) -> str | None:
        for option in self.options:
            if option.value == value:
                return option.label
        return None


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    fields: tuple[Field, ...]
    visible_if: Condition | None = None


@dataclass(frozen=True)
class Computed:
    id: str
    label: str
    expr: Condition


@dataclass(frozen=True)
class Check:
    """A cross-field rule: when `rule` is false, `message` is shown on `field`."""

    rule: Condition
    message: str
    field: str


@dataclass(frozen=True)
class Item:
    """One service item (事项) of a bundle."""

    code: str
    name: str
    department: str
    legal_days: int
    promised_days: int
    kind: str  # immediate (即办件) | promised (承诺件)
    fee: str
    allows_deferral: bool
    allows_commitment: bool
    applies_if: Condition | None = None
    dropped_note: str = ""
    credit_check: bool = False   # 逢办必查: the kiosk shows the credit-check notice before this item
    # where it can be handled: local 属地 | city 全市通办 | province 全省通办 | country 跨省通办;
    # None for a bundle that does not say (forms.handling: the station takes it, staff decide)
    handled_where: str | None = None
    # 居住证: when this holds (a local 居住证, asked only of people registered elsewhere) the
    # resident counts as living in this station's county for this item (forms.handling)
    residence_if: Condition | None = None

    @property
    def kind_name(self) -> str:
        return "即办件" if self.kind == "immediate" else "承诺件"


@dataclass(frozen=True)
class Material:
    id: str
    name: str
    items: tuple[str, ...]
    form: str
    count: int
    required_if: Condition | None = None
    deferral_days: int | None = None
    commitment_text: str | None = None
    e_certificate: str | None = None
    produced_by: str | None = None
    note: str = ""

    @property
    def form_name(self) -> str:
        return MATERIAL_FORM_NAMES[self.form]


@dataclass(frozen=True)
class Bundle:
    """A life event (一件事): its items, one form and one set of materials."""

    id: str
    version: str
    name: str
    icon: str
    description: str
    codes_illustrative: bool
    applicant_fields: dict[str, str]
    items: tuple[Item, ...]
    form_version: str
    pages: tuple[Page, ...]
    computed: tuple[Computed, ...]
    checks: tuple[Check, ...]
    materials: tuple[Material, ...]
    commitment_preamble: str
    document: dict[str, Any]
    # node ids in dependency order: "item:CODE", "page:ID", "computed:ID", "field:ID"
    evaluation_order: tuple[str, ...]
    # 按类别 on the kiosk: a code of CATEGORY_NAMES; "" for a bundle that does not say (it shows
    # under 全部 only)
    category: str = ""

    @property
    def category_name(self) -> str:
        """The category as residents read it (生育上学 …); "" when the bundle has none."""
        return CATEGORY_NAMES.get(self.category, "")

    @property
    def fields(self) -> dict[str, Field]:
        return _fields_of(self)

    def field(self, field_id: str) -> Field:
        from forms.errors import UnknownFieldError

        try:
            return self.fields[field_id]
        except KeyError:
            raise UnknownFieldError(field_id, self.id) from None

    def item(self, code: str) -> Item | None:
        return next((item for item in self.items if item.code == code), None)

    @property
    def needs_credit_check(self) -> bool:
        """Some item of this bundle is handled only after a credit check (逢办必查). Checked for the
        whole bundle, before the questions: which items apply is not known yet, and asking the
        resident twenty questions before saying "there is a record" would be unkind."""
        return any(item.credit_check for item in self.items)

    def material(self, material_id: str) -> Material | None:
        return next((m for m in self.materials if m.id == material_id), None)

    def __hash__(self) -> int:
        return hash((self.id, self.version))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bundle) and (self.id, self.version) == (other.id, other.version)



def _fields_of(bundle: Bundle) -> dict[str, Field]:
    # Bundles are immutable; the mapping is rebuilt cheaply but cached per object for the engine.
    cached = bundle.__dict__.get("_fields")
    if cached is None:
        cached = {f.id: f for page in bundle.pages for f in page.fields}
        object.__setattr__(bundle, "_fields", cached)
    return cached


@dataclass(frozen=True)
class Catalogue:
    """Every bundle on offer, in display order, with the catalogue's version."""

    version: str
    bundles: tuple[Bundle, ...]

    def bundle(self, bundle_id: str) -> Bundle:
        for bundle in self.bundles:
            if bundle.id == bundle_id:
                return bundle
        raise UnknownBundleError(bundle_id)

    def document(self) -> dict[str, Any]:
        """The one JSON-able document (what the platform serves at GET /catalogue)."""
        return {"version": self.version, "bundles": [b.document for b in self.bundles]}

    @classmethod
    def from_document(cls, doc: Any, *, source: str = "目录文档") -> Catalogue:
        """A catalogue from one document {"version": "...", "bundles": [...]} (e.g. downloaded)."""
        from forms.limits import InputLimitError, check_limits

        try:
            check_limits(doc, source)  # a downloaded document was parsed by someone else
        except InputLimitError as exc:
            raise CatalogueError([str(exc)]) from None
        if not isinstance(doc, dict) or not isinstance(doc.get("bundles"), list):
            raise CatalogueError([f"{source}：应是含 “version” 和 “bundles” 列表的 JSON 对象。"])
        version = doc.get("version")
        if not isinstance(version, str) or not version:
            raise CatalogueError([f"{source}：缺少目录版本号 “version”（文字）。"])
        entries = [(f"{source}第 {n + 1} 个一件事", entry) for n, entry in enumerate(doc["bundles"])]
        return cls(version, build_bundles(entries))


def version_key(version: str) -> tuple:
    """Sort key for catalogue / bundle versions such as "2026.11.1" (numeric parts compare as numbers),
    so "2026.11.1" > "2026.9.3". The sync helper uses it to refuse a lower catalogue version."""
    import re

    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"[.\-_]", version))


# ------------------------------------------------------------------------------ loading files


def _read_json(path: Path) -> Any:
    """A catalogue file within the input limits (size, depth, string length: forms/limits.py)."""
    from forms.limits import InputLimitError, read_json_file

    try:
        return read_json_file(path, "文件")
    except InputLimitError as exc:
        raise CatalogueError([str(exc)]) from None


def _directory_entries(directory: Path) -> tuple[str | None, list[tuple[str, Any]]]:
    index_path = directory / INDEX_NAME
    if index_path.exists():
        index = _read_json(index_path)
        if not isinstance(index, dict) or not isinstance(index.get("bundles"), list) \
                or not isinstance(index.get("version"), str):
            raise CatalogueError([f"文件 {INDEX_NAME}：应含 “version”（文字）和 “bundles”（文件名列表）。"])
        names = [str(name) for name in index["bundles"]]
        version: str | None = index["version"]
    else:
        names = sorted(p.name for p in directory.glob("*.json"))
        version = None
    if not names:
        raise CatalogueError([f"目录 {directory} 中没有一件事文件（*.json）。"])
    return version, [(name, _read_json(directory / name)) for name in names]


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and check a catalogue: None = the shipped one; a folder of bundle files (with an
    optional index.json giving version and order); a catalogue document; or one bundle file."""
    target = Path(path) if path is not None else SHIPPED_DIR
    if target.is_dir():
        version, entries = _directory_entries(target)
        bundles = build_bundles(entries)
        return Catalogue(version or max(b.version for b in bundles), bundles)
    doc = _read_json(target)
    if isinstance(doc, dict) and "bundles" in doc:
        return Catalogue.from_document(doc, source=f"文件 {target.name}")
    bundles = build_bundles([(target.name, doc)])
    return Catalogue(bundles[0].version, bundles)


def shipped_catalogue_document() -> dict[str, Any]:
    """The shipped catalogue as one JSON-able document with a top-level "version"."""
    return load_catalogue(None).document()


# ------------------------------------------------------------------------------ building/checks


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # 0.07 s to import: only when a catalogue is actually checked

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _schema_message(error: jsonschema.ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return f"缺少必填项“{'、'.join(missing)}”"
    if kind == "additionalProperties":
        allowed = set((error.schema.get("properties") or {}).keys())
        extra = [k for k in error.instance if k not in allowed]
        return f"不认识的键“{'、'.join(extra)}”（是否拼错？）"
    if kind == "enum":
        return f"取值“{error.instance}”无效，应为 {'、'.join(map(str, error.validator_value))} 之一"
    if kind == "pattern":
        return f"“{error.instance}”格式不对（应符合 {error.validator_value}）"
    if kind == "type":
        names = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true/false",
                 "array": "列表", "object": "对象"}
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"类型应为{'或'.join(names.get(w, w) for w in wanted)}"
    if kind in ("minItems", "minLength"):
        return f"不能为空或过短（至少 {error.validator_value}）"
    if kind in ("maxItems", "maxLength"):
        size = len(error.instance) if isinstance(error.instance, (str, list)) else 0
        return f"过长（现在 {size}，最多 {error.validator_value}），请删减"
    if kind in ("minimum", "maximum"):
        bound = "最小" if kind == "minimum" else "最大"
        return f"数值 {error.instance} 超出范围（{bound} {error.validator_value}）"
    return f"不符合格式要求（{kind}）"


def _where(doc: Any, path: Iterable[Any]) -> str:
    """'第 2 页“母亲信息”，字段 mother_name' from a JSON path, for people rather than machines."""
    parts: list[str] = []
    node = doc
    path = list(path)
    for index, key in enumerate(path):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(key, int) and isinstance(node, dict):
            ident = node.get("id") or node.get("code") or node.get("value")
            parent = path[index - 1] if index else ""
            label = {"pages": "页", "fields": "字段", "items": "事项", "materials": "材料",
                     "computed": "计算值", "checks": "校验规则", "options": "选项"}.get(str(parent), "")
            parts.append(f"{label} {ident}" if ident else f"{label}第 {key + 1} 项")
        elif isinstance(key, str) and key not in ("pages", "fields", "items", "materials", "form",
                                                  "computed", "checks", "options"):
            parts.append(f"“{key}”")
    return "，".join(parts)


def build_bundles(entries: list[tuple[str, Any]]) -> tuple[Bundle, ...]:
    """Check and build every bundle; one CatalogueError listing all problems if any."""
    problems: list[str] = []
    bundles: list[Bundle] = []
    seen: dict[str, str] = {}
    for source, doc in entries:
        builder = _BundleBuilder(source, doc)
        bundle = builder.build()
        problems.extend(builder.problems)
        if bundle is None:
            continue
        if bundle.id in seen:
            problems.append(f"{source}，一件事 {bundle.id}：编号与 {seen[bundle.id]} 重复。")
        seen[bundle.id] = source
        bundles.append(bundle)
    if problems:
        raise CatalogueError(problems)
    return tuple(bundles)


class _BundleBuilder:
    """Builds one Bundle, collecting problems instead of stopping at the first."""

    def __init__(self, source: str, doc: Any) -> None:
        self.source = source
        self.doc = doc
        self.problems: list[str] = []
        self.bundle_id = doc.get("id", "?") if isinstance(doc, dict) else "?"

    def problem(self, where: str, message: str) -> None:
        place = f"，{where}" if where else ""
        self.problems.append(f"{self.source}，一件事 {self.bundle_id}{place}：{message}。")

    def condition(self, where: str, text: str | None) -> Condition | None:
        if text is None:
            return None
        try:
            return Condition.compile(text)
        except ConditionSyntaxError as exc:
            self.problem(where, f"{exc}（表达式：{text}）")
            return None

    def build(self) -> Bundle | None:
        doc = self.doc
        if not isinstance(doc, dict):
            self.problem("", "应是一个 JSON 对象")
            return None
        errors = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors:
            self.problem(_where(doc, error.absolute_path), _schema_message(error))
        if errors:
            return None

        items = tuple(self._item(i) for i in doc["items"])
        item_codes = [i.code for i in items]
        self._unique("事项编码", item_codes)
        codes = set(item_codes)

        pages: list[Page] = []
        for page_doc in doc["form"]["pages"]:
            fields = tuple(self._field(f, page_doc["id"], codes) for f in page_doc["fields"])
            pages.append(Page(page_doc["id"], page_doc["title"], fields,
                              self.condition(f"页 {page_doc['id']}", page_doc.get("visible_if"))))
        self._unique("页编号", [p.id for p in pages])
        computed = tuple(Computed(c["id"], c["label"], self.condition(f"计算值 {c['id']}", c["expr"])
                                  or Condition.compile("null"))
                         for c in doc["form"].get("computed", []))
        field_ids = [f.id for p in pages for f in p.fields]
        self._unique("字段编号（含计算值）", field_ids + [c.id for c in computed])
        names = set(field_ids) | {c.id for c in computed}
        fields = {f.id: f for p in pages for f in p.fields}

        checks = tuple(Check(self.condition(f"校验规则（{c['field']}）", c["rule"])
                             or Condition.compile("true"), c["message"], c["field"])
                       for c in doc["form"].get("checks", []))
        for check in checks:
            if check.field not in fields:
                self.problem(f"校验规则“{check.message}”", f"所挂的字段 {check.field} 不存在")

        materials = tuple(self._material(m, codes) for m in doc["materials"])
        self._unique("材料编号", [m.id for m in materials])
        self._unique("材料名称（同一材料只列一次，由各事项共用）", [m.name for m in materials])
        material_ids = {m.id for m in materials}

        self._check_references(items, pages, computed, checks, materials, names, codes, material_ids, fields)
        self._check_applicant(doc["applicant"], fields)
        order = self._order(items, pages, computed, fields)
        if self.problems:
            return None
        return Bundle(
            id=doc["id"], version=doc["version"], name=doc["name"], icon=doc["icon"],
            description=doc["description"], codes_illustrative=bool(doc.get("codes_illustrative", False)),
            applicant_fields=dict(doc["applicant"]), items=items, form_version=doc["form"]["version"],
            pages=tuple(pages), computed=computed, checks=checks, materials=materials,
            commitment_preamble=doc.get("commitment_preamble", DEFAULT_PREAMBLE),
            document=json.loads(json.dumps(doc, ensure_ascii=False)), evaluation_order=order,
            category=doc.get("category", ""))

    # -- pieces

    def _unique(self, what: str, values: list[str]) -> None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                self.problem("", f"{what}“{value}”重复")
            seen.add(value)

    def _item(self, d: dict[str, Any]) -> Item:
        if d["promised_days"] > d["legal_days"]:
            self.problem(f"事项 {d['code']}", "承诺时限不能长于法定时限")
        if d["kind"] == "immediate" and d["promised_days"] != 0:
            self.problem(f"事项 {d['code']}", "即办件的承诺时限应为 0 个工作日")
        return Item(d["code"], d["name"], d["department"], d["legal_days"], d["promised_days"], d["kind"],
                    d["fee"], d["allows_deferral"], d["allows_commitment"],
                    self.condition(f"事项 {d['code']}", d.get("applies_if")), d.get("dropped_note", ""),
                    bool(d.get("credit_check", False)), d.get("handled_where"),
                    self.condition(f"事项 {d['code']}", d.get("residence_if")))

    def _field(self, d: dict[str, Any], page_id: str, codes: set[str]) -> Field:
        where = f"字段 {d['id']}"
        options: tuple[Option, ...] = tuple(
            Option(o["value"], o["label"], o.get("hint", ""), o.get("icon", ""))
            for o in d.get("options", []))
        if d["type"] == "relation" and not options:
            options = tuple(Option(v, label) for v, label in RELATIONS)
        if d["type"] == "yes_no":
            options = (Option("yes", "是"), Option("no", "否"))
        values = [o.value for o in options]
        if len(values) != len(set(values)):
            self.problem(where, "选项取值有重复")
        for code in d.get("for_items", []):
            if code not in codes:
                self.problem(where, f"for_items 中的事项编码 {code} 不在本一件事中")
        if "pattern" in d:
            import re

            try:
                re.compile(d["pattern"])
            except re.error as exc:
                self.problem(where, f"正则表达式有误：{exc}")
        rule_keys = ("min", "max", "min_length", "max_length", "min_selected", "max_selected", "pattern",
                     "pattern_message", "integer", "unit", "id_kinds", "accept_landline", "luhn", "scope",
                     "require_detail", "material", "text", "allow_latin", "check")
        rules = {k: d[k] for k in rule_keys if k in d}
        if "prefill_if" in d and not str(d.get("prefill", "")).startswith("answer."):
            self.problem(where, "prefill_if 只能和 answer.* 预填一起用")
        if d["type"] == "date":
            from forms.fieldtypes import resolve_date_bound

            for key in ("min", "max"):
                if key in rules and resolve_date_bound(rules[key], None) is None:
                    self.problem(where, f"日期范围“{key}”应为 YYYY-MM-DD、today 或 today-18y 这样的写法")
        return Field(
            id=d["id"], type=d["type"], label=d["label"], page_id=page_id, help=d.get("help", ""),
            required=d.get("required", True), required_if=self.condition(where, d.get("required_if")),
            visible_if=self.condition(where, d.get("visible_if")), for_items=tuple(d.get("for_items", [])),
            prefill=d.get("prefill"), prefill_if=self.condition(where, d.get("prefill_if")), options=options,
            display=d.get("display", ""), rules=rules)

    def _material(self, d: dict[str, Any], codes: set[str]) -> Material:
        where = f"材料 {d['id']}"
        for code in d["items"]:
            if code not in codes:
                self.problem(where, f"所属事项 {code} 不在本一件事中")
        if d.get("produced_by") and d["produced_by"] not in codes:
            self.problem(where, f"produced_by 的事项 {d['produced_by']} 不在本一件事中")
        if d.get("produced_by") in d["items"]:
            self.problem(where, "不能既由某事项产生又被同一事项需要")
        return Material(d["id"], d["name"], tuple(d["items"]), d["form"], d["count"],
                        self.condition(where, d.get("required_if")),
                        (d.get("deferral") or {}).get("days"), (d.get("commitment") or {}).get("text"),
                        d.get("e_certificate"), d.get("produced_by"), d.get("note", ""))

    def _check_references(self, items: tuple[Item, ...], pages: list[Page], computed: tuple[Computed, ...],
                          checks: tuple[Check, ...], materials: tuple[Material, ...], names: set[str],
                          codes: set[str], material_ids: set[str], fields: dict[str, Field]) -> None:
        def check(where: str, cond: Condition | None) -> None:
            if cond is None:
                return
            for name in sorted(cond.names() - names):
                self.problem(where, f"条件“{cond.source}”中的 {name} 不是本表单的字段")
            for code in sorted(cond.item_codes() - codes):
                self.problem(where, f"条件“{cond.source}”中的事项编码 {code} 不在本一件事中")

        for item in items:
            check(f"事项 {item.code}", item.applies_if)
            check(f"事项 {item.code}", item.residence_if)
        for page in pages:
            check(f"页 {page.id}", page.visible_if)
            for f in page.fields:
                check(f"字段 {f.id}", f.visible_if)
                check(f"字段 {f.id}", f.required_if)
                check(f"字段 {f.id}", f.prefill_if)
                if f.prefill and f.prefill.startswith("answer."):
                    source = f.prefill.split(".", 1)[1]
                    if source not in fields or source == f.id:
                        self.problem(f"字段 {f.id}", f"预填来源 {f.prefill} 不是本表单的其他字段")
                    elif fields[source].type != f.type:
                        self.problem(f"字段 {f.id}", f"预填来源 {source} 的类型与本字段不同")
                if f.type == "scan" and f.rules.get("material") not in material_ids:
                    self.problem(f"字段 {f.id}", f"拍摄的材料 {f.rules.get('material')} 不在材料清单中")
        for c in computed:
            check(f"计算值 {c.id}", c.expr)
        for chk in checks:
            check(f"校验规则（{chk.field}）", chk.rule)
        for m in materials:
            check(f"材料 {m.id}", m.required_if)
            if m.deferral_days and not any(i.allows_deferral for i in items if i.code in m.items):
                self.problem(f"材料 {m.id}", "可容缺，但需要它的事项都不允许容缺受理")
            if m.commitment_text and not any(i.allows_commitment for i in items if i.code in m.items):
                self.problem(f"材料 {m.id}", "可告知承诺，但需要它的事项都不允许告知承诺")

    def _check_applicant(self, mapping: dict[str, str], fields: dict[str, Field]) -> None:
        wanted = {"name": ("name",), "id_number": ("id_number",), "phone": ("phone",),
                  "address": ("address",)}
        for key, field_id in mapping.items():
            f = fields.get(field_id)
            if f is None:
                self.problem("申请人“applicant”", f"{key} 对应的字段 {field_id} 不存在")
            elif f.type not in wanted[key]:
                self.problem("申请人“applicant”", f"{key} 对应的字段 {field_id} 类型应为 {wanted[key][0]}")
            elif f.visible_if or f.for_items or f.required_if or not f.required:
                self.problem("申请人“applicant”", f"{key} 对应的字段 {field_id} 应始终显示且必填")

    def _order(self, items: tuple[Item, ...], pages: list[Page], computed: tuple[Computed, ...],
               fields: dict[str, Field]) -> tuple[str, ...]:
        """Dependency order of every evaluated node; reports a cycle with its path."""
        computed_ids = {c.id for c in computed}

        def ref(name: str) -> str:
            return f"computed:{name}" if name in computed_ids else f"field:{name}"

        deps: dict[str, list[str]] = {}
        for item in items:
            cond = item.applies_if
            deps[f"item:{item.code}"] = ([ref(n) for n in sorted(cond.names())] +
                                         [f"item:{c}" for c in sorted(cond.item_codes())]) if cond else []
        for c in computed:
            deps[f"computed:{c.id}"] = [ref(n) for n in sorted(c.expr.names())] + \
                [f"item:{x}" for x in sorted(c.expr.item_codes())]
        for page in pages:
            cond = page.visible_if
            deps[f"page:{page.id}"] = ([ref(n) for n in sorted(cond.names())] +
                                       [f"item:{x}" for x in sorted(cond.item_codes())]) if cond else []
            for f in page.fields:
                d = [f"page:{page.id}"] + [f"item:{code}" for code in f.for_items]
                for cond in (f.visible_if, f.required_if, f.prefill_if):
                    if cond:
                        d += [ref(n) for n in sorted(cond.names())]
                        d += [f"item:{x}" for x in sorted(cond.item_codes())]
                if f.prefill and f.prefill.startswith("answer."):
                    d.append(ref(f.prefill.split(".", 1)[1]))
                deps[f"field:{f.id}"] = d

        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done

        def visit(node: str, trail: list[str]) -> bool:
            if state.get(node) == 2:
                return True
            if state.get(node) == 1:
                loop = trail[trail.index(node):] + [node]
                self.problem("", "条件相互依赖成环：" + " → ".join(n.split(":", 1)[1] for n in loop))
                return False
            state[node] = 1
            for dep in deps.get(node, []):
                if dep in deps and not visit(dep, trail + [node]):
                    return False
            state[node] = 2
            order.append(node)
            return True

        for node in deps:
            if not visit(node, []):
                break
        return tuple(order)
