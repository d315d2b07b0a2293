"""The catalogue workbook (forms/workbook.py): the format carries the whole schema, export → build
gives back every bundle, and broken workbooks get one sentence per problem naming sheet, row and
column — never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import main
from forms.catalogue import SCHEMA_PATH, load_catalogue
from forms.examples import EXAMPLES_DIR
from forms.workbook import (
    DOC_BEGIN,
    DOC_END,
    SHEETS,
    WorkbookError,
    WorkbookProblems,
    build,
    carried_paths,
    export,
    reference_markdown,
    schema_paths,
)
from tests.plain_chinese import assert_plain_chinese

from .conftest import mini_doc

ROOT = Path(__file__).resolve().parents[2]
BUNDLE_IDS = [b.id for b in load_catalogue().bundles]   # bundles added later are covered too


def test_every_schema_property_has_a_column() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    missing = schema_paths(schema) - carried_paths()
    assert not missing, f"the workbook cannot carry {sorted(missing)}: add a Column to workbook.SHEETS"


def test_every_column_is_a_schema_property() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert carried_paths() <= schema_paths(schema)


def test_every_enumeration_of_the_schema_has_its_chinese_names() -> None:
    """A value added to an enum of the schema (a fifth 通办范围 …) needs its Chinese name here, or
    authors could not pick it from the drop-down."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    defs = {"items[]": "item", "form.pages[].fields[]": "field", "materials[]": "material", "": None}
    checked = 0
    for sheet in SHEETS:
        for column in sheet.columns:
            if not column.codec.values or sheet.json_path not in defs or not column.path:
                continue
            at = schema["$defs"][defs[sheet.json_path]] if defs[sheet.json_path] else schema
            node = at["properties"][column.path[0]]
            enum = node.get("enum") or node["items"]["enum"]
            assert set(column.codec.values) == set(enum), (sheet.name, column.header)
            checked += 1
    assert checked >= 9      # 类别, 办件类型, 通办范围, 类型, 显示方式, 证件种类, 地址范围, 附加校验, 形式


def test_the_documentation_shows_the_columns_as_they_are() -> None:
    text = (ROOT / "forms" / "WORKBOOK.md").read_text(encoding="utf-8")
    between = text.split(DOC_BEGIN, 1)[1].split(DOC_END, 1)[0].strip()
    assert between == reference_markdown().strip(), \
        "forms/WORKBOOK.md is behind forms/workbook.py: paste reference_markdown() between the markers"


@pytest.mark.parametrize("bundle_id", BUNDLE_IDS)
def test_export_then_build_gives_back_the_bundle(bundle_id: str, tmp_path: Path) -> None:
    book = tmp_path / f"{bundle_id}.xlsx"
    export(bundle_id, book)
    built = build([book], tmp_path / "out", tmp_path / "examples")
    assert built.bundle_ids == [bundle_id]
    written = json.loads((tmp_path / "out" / f"{bundle_id}.json").read_text(encoding="utf-8"))
    assert written == load_catalogue().bundle(bundle_id).document
    example_file = EXAMPLES_DIR / f"{bundle_id}.json"
    if example_file.exists():
        assert json.loads((tmp_path / "examples" / f"{bundle_id}.json").read_text(encoding="utf-8")) == \
            json.loads(example_file.read_text(encoding="utf-8"))
    assert load_catalogue(tmp_path / "out").bundle(bundle_id).document == written


def test_a_bundle_with_every_field_type_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "mini.json"
    source.write_text(json.dumps(mini_doc(), ensure_ascii=False), encoding="utf-8")
    export("mini", tmp_path / "mini.xlsx", source)
    build([tmp_path / "mini.xlsx"], tmp_path / "out")
    assert json.loads((tmp_path / "out" / "mini.json").read_text(encoding="utf-8")) == mini_doc()
    assert not (tmp_path / "out" / "examples").exists()   # mini has no examples: none invented


def test_export_refuses_what_the_workbook_cannot_carry(tmp_path: Path) -> None:
    """An example whose applicant has a key no column carries is not exported half: exit 2 and a
    sentence naming the key, no file."""
    import shutil

    shutil.copytree(ROOT / "forms" / "catalogue", tmp_path / "catalogue")
    doc = json.loads((EXAMPLES_DIR / "newborn.json").read_text(encoding="utf-8"))
    doc["variants"][0]["applicant"]["nationality"] = "中国"
    (tmp_path / "catalogue" / "examples").mkdir()
    (tmp_path / "catalogue" / "examples" / "newborn.json").write_text(json.dumps(doc, ensure_ascii=False),
                                                                     encoding="utf-8")
    with pytest.raises(WorkbookError, match=r"variants\[0\]\.applicant\.nationality 在工作簿中表达不了"):
        export("newborn", tmp_path / "n.xlsx", tmp_path / "catalogue")
    assert not (tmp_path / "n.xlsx").exists()


def test_export_is_byte_for_byte_stable_and_made_for_people(tmp_path: Path) -> None:
    export("newborn", tmp_path / "a.xlsx")
    export("newborn", tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames[0] == "说明" and [s.name for s in SHEETS] == book.sheetnames[1:]
    questions = book["问题"]
    assert questions.freeze_panes == "A2"
    assert all(cell.font.bold for cell in questions[1])
    assert "单选" in questions["C1"].comment.text          # what to type, on hovering over 类型
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in questions.data_validations.dataValidation}
    assert "是/否" in lists["C2"] and "单选" in lists["C2"]       # 类型
    assert lists["F2"] == '"是,否"'                                # 必填
    items = book["事项"]
    kinds = [dv.formula1 for dv in items.data_validations.dataValidation]
    assert '"即办件,承诺件"' in kinds and '"属地,全市通办,全省通办,跨省通办"' in kinds
    assert items["A2"].number_format == "@" and items["A2"].value == "002000101000"
    assert items.column_dimensions["B"].width >= 20                # 事项名称 readable
    assert items["F2"].value in ("即办件", "承诺件")


# ------------------------------------------------------------------------------ broken workbooks


@pytest.fixture(scope="module")
def newborn_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("book") / "newborn.xlsx"
    export("newborn", path)
    return path


def _edited(src: Path, dst: Path, edit) -> Path:  # noqa: ANN001
    book = openpyxl.load_workbook(src)
    edit(book)
    book.save(dst)
    return dst


def _problems(book: Path, tmp_path: Path) -> list[str]:
    with pytest.raises(WorkbookProblems) as caught:
        build([book], tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing is written when the workbook has problems"
    for problem in caught.value.problems:
        assert_plain_chinese(problem)
        assert problem.endswith("。")
    return caught.value.problems


def _set(sheet: str, ref: str, value) -> callable:  # noqa: ANN001
    def edit(book) -> None:  # noqa: ANN001
        book[sheet][ref] = value
    return edit


@pytest.mark.parametrize(("edit", "expected"), [
    (_set("问题", "C3", "文本"), "「问题」表第 3 行「类型」列：“文本”不是可选的问题类型"),
    (_set("事项", "E2", 40), "「事项」表第 2 行「承诺时限（工作日）」列：承诺时限不能长于法定时限。"),
    (_set("事项", "D2", "三十"), "「事项」表第 2 行「法定时限（工作日）」列：应填整数（如 20），"
                                 "现在是“三十”。"),
    (_set("事项", "A3", 2000102000), "「事项」表第 3 行「事项编码」列：事项编码被表格当成了数字"),
    (_set("问题", "H5", "spouse_age > 1"), "「问题」表第 5 行「显示条件」列："
                                           "条件“spouse_age > 1”中的 spouse_age 不是本表单的字段。"),
    (_set("问题", "H5", "x = = 1"), "「问题」表第 5 行「显示条件」列：条件表达式有误"),
    (_set("问题", "D2", None), "「问题」表第 2 行「问题」列：没有填写，这一项必填。"),
    (_set("问题", "D2", "=CONCAT(\"申请\",\"人\")"), "「问题」表第 2 行「问题」列：这里是公式"),
    (_set("问题", "A9", "nowhere"), "「问题」表第 9 行「所在页」列：“nowhere”不在「页面」表中"),
    (_set("材料", "C4", "999999999999"), "「材料」表第 4 行「所需事项」列："
                                         "所属事项 999999999999 不在本一件事中。"),
    (_set("设置", "B11", "nobody"), "「设置」表第 11 行「内容」列：申请人姓名问题对应的字段 nobody 不存在。"),
    (_set("设置", "B7", "看病吃药"), "「设置」表第 7 行「内容」列：“看病吃药”不是可选的类别，"
                                     "请从下拉列表中选：生育上学、"),
    (_set("问题", "Z1", "备用"), "「问题」表第 1 行「备用」列：不认识这一列"),
    (_set("选项", "A2", "ghost"), "「选项」表第 2 行「问题编号」列：问题“ghost”不在「问题」表中。"),
    (_set("示例答案", "C6", "也许"), "「示例答案」表第 6 行「答案」列：应填“是”或“否”"),
    (_set("示例答案", "C3", "123"), "「示例答案」表第 3 行「答案」列："
                                    "示例 0 的回答 applicant_phone 通不过表单：手机号码应为 11 位"),
    (_set("事项", "F3", "马上办"), "「事项」表第 3 行「办件类型」列：“马上办”不是可选的办件类型"),
    (_set("事项", "K2", "全国通办"), "「事项」表第 2 行「通办范围」列：“全国通办”不是可选的通办范围"),
    (lambda book: book.remove(book["问题"]), "工作簿中没有「问题」表"),
    (lambda book: book["问题"].merge_cells("D2:D4"), "「问题」表第 2–4 行有合并的单元格（D2:D4）"),
    (lambda book: book["问题"].cell(3, 2, book["问题"].cell(2, 2).value),
     "「问题」表第 3 行「问题编号」列：字段编号（含计算值）“applicant_name”与第 2 行重复"),
    (lambda book: book["材料"].cell(3, 1, book["材料"].cell(2, 1).value),
     "「材料」表第 3 行「材料编号」列：材料编号“parents_id_cards”与第 2 行重复"),
])
def test_a_broken_workbook_gets_one_sentence_naming_the_cell(newborn_book: Path, tmp_path: Path, edit,
                                                              expected: str) -> None:
    problems = _problems(_edited(newborn_book, tmp_path / "bad.xlsx", edit), tmp_path)
    assert any(p.startswith(expected) for p in problems), problems


def test_the_category_is_a_drop_down_of_chinese_names_and_round_trips(newborn_book: Path,
                                                                       tmp_path: Path) -> None:
    """The 设置 sheet's 类别 row offers the fixed list (Chinese names), and a name chosen there is the
    bundle's category code in the JSON (the JSON code typed in the cell is read too)."""
    from forms.catalogue import CATEGORY_NAMES

    book = openpyxl.load_workbook(newborn_book)
    sheet = book["设置"]
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "类别")
    assert sheet.cell(row, 2).value == "生育上学"
    offered = [v for v in sheet.data_validations.dataValidation if f"B{row}" in str(v.sqref)]
    assert offered and all(name in offered[0].formula1 for name in CATEGORY_NAMES.values())
    for typed, code in (("养老敬老", "elderly"), ("housing", "housing")):
        built = build([_edited(newborn_book, tmp_path / f"{code}.xlsx", _set("设置", f"B{row}", typed))],
                      tmp_path / code)
        assert json.loads((tmp_path / code / "newborn.json").read_text(encoding="utf-8"))["category"] == code
        assert built.bundle_ids == ["newborn"]
    build([_edited(newborn_book, tmp_path / "none.xlsx", _set("设置", f"B{row}", None))], tmp_path / "none")
    assert "category" not in json.loads((tmp_path / "none" / "newborn.json").read_text(encoding="utf-8"))


def test_what_people_type_is_read_kindly(newborn_book: Path, tmp_path: Path) -> None:
    """Numbers typed as text, full-width digits and spaces, an empty row, 是/否 as TRUE/FALSE: the same
    bundle comes out."""
    def edit(book) -> None:  # noqa: ANN001
        items = book["事项"]
        items["D2"] = "30"                # a number typed as text
        items["E2"] = "３"                # full-width digit
        items["H2"] = True                # a real boolean instead of 是
        items["C2"] = "\u3000" + items["C2"].value + "\u3000"   # full-width spaces around text
        questions = book["问题"]
        questions.insert_rows(5)          # an empty row between questions
        questions["C1"] = "\u3000类型 "   # the header with full-width space
        book["设置"]["A3"] = "版本（发布用）"   # a note in brackets after the name
    build([_edited(newborn_book, tmp_path / "kind.xlsx", edit)], tmp_path / "out")
    built = json.loads((tmp_path / "out" / "newborn.json").read_text(encoding="utf-8"))
    assert built == load_catalogue().bundle("newborn").document


def test_building_into_the_catalogue_folder_keeps_its_order_and_note(newborn_book: Path,
                                                                     tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "catalogue"
    shutil.copytree(ROOT / "forms" / "catalogue", out)
    before = json.loads((out / "index.json").read_text(encoding="utf-8"))
    book = _edited(newborn_book, tmp_path / "renamed.xlsx", _set("设置", "B2", "newborn_copy"))
    _edited(book, book, _set("设置", "B4", "新生儿出生一件事（副本）"))
    notes = build([book], out, tmp_path / "examples").notes
    version = before["version"]
    assert notes == [f"目录版本仍是 {version}：请把改动的一件事的版本调到高于 {version}，"
                     "新目录才有自己的版本号。"]    # a new bundle under the old catalogue version
    after = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert after["bundles"] == before["bundles"] + ["newborn_copy.json"]
    assert after["note"] == before["note"] and after["version"] == before["version"]
    assert [b.id for b in load_catalogue(out).bundles][-1] == "newborn_copy"


def test_a_change_under_the_same_version_is_pointed_out(newborn_book: Path, tmp_path: Path) -> None:
    """Two different catalogues under one version number cannot be told apart: an edit that keeps
    the versions is built, with a 提示 for each version to raise."""
    import shutil

    out = tmp_path / "catalogue"
    shutil.copytree(ROOT / "forms" / "catalogue", out)
    assert build([newborn_book], out, tmp_path / "examples").notes == []     # nothing changed
    edited = _edited(newborn_book, tmp_path / "edited.xlsx", _set("问题", "E3", "请核对身份证上的号码"))
    notes = build([edited], out, tmp_path / "examples").notes
    assert len(notes) == 2
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    newborn = load_catalogue(out).bundle("newborn")
    assert notes[0].startswith(f"edited.xlsx：内容变了，但「设置」表的「版本」仍是 {newborn.version}")
    assert notes[1].startswith(f"目录版本仍是 {index['version']}")


@pytest.mark.parametrize(("content", "expected"), [
    (b"id,name\nnewborn,x\n", "不是 Excel 工作簿（.xlsx）"),
    (b"PK\x03\x04 not really a zip", "不是 Excel 工作簿（.xlsx）"),
    (None, "是文件夹，不是工作簿"),
])
def test_a_file_that_is_not_a_workbook_is_exit_2(tmp_path: Path, content: bytes | None,
                                                  expected: str) -> None:
    path = tmp_path / "book.xlsx"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(WorkbookError, match=re.escape(expected)):
        build([path], tmp_path / "out")


# Cells a person or a broken tool may leave anywhere in the workbook.
_JUNK = st.one_of(st.none(), st.sampled_from(["", "\u3000", "是", "否", "=A1+1", "today-18y", "0", "-3",
                                               "即办件", "中文文字", "a" * 300, "{", "[]", "（空）"]),
                  st.integers(-10**6, 10**13), st.floats(allow_nan=False, allow_infinity=False),
                  st.booleans(), st.text(max_size=30))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.sampled_from([s.name for s in SHEETS]), st.integers(1, 14),
                                st.integers(1, 14), _JUNK), min_size=1, max_size=4))
def test_any_cell_changed_gives_sentences_not_a_traceback(newborn_book: Path, tmp_path_factory,  # noqa: ANN001
                                                          edits) -> None:  # noqa: ANN001
    tmp = tmp_path_factory.mktemp("fuzz")
    book = openpyxl.load_workbook(newborn_book)
    for sheet, row, column, value in edits:
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")   # what xlsx can hold
        book[sheet].cell(row, column, value)
    book.save(tmp / "fuzz.xlsx")
    try:
        build([tmp / "fuzz.xlsx"], tmp / "out", tmp / "examples")
    except WorkbookProblems as exc:
        assert exc.problems
        for problem in exc.problems:
            assert "Traceback" not in problem and problem.endswith("。") and "\n" not in problem.strip()


# ------------------------------------------------------------------------------ the command line


def test_build_and_export_commands(capsys, tmp_path: Path) -> None:
    assert main.main(["catalogue", "export", "retirement", "--xlsx", str(tmp_path / "r.xlsx")]) == 0
    assert main.main(["catalogue", "build", str(tmp_path / "r.xlsx"), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert str(tmp_path / "out" / "retirement.json") in out.out.splitlines()
    assert "检查通过" in out.err
    assert main.main(["catalogue", "validate", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    assert main.main(["catalogue", "export", "nosuch", "--xlsx", str(tmp_path / "x.xlsx")]) == 2
    assert_plain_chinese(capsys.readouterr().err)


def test_the_real_command_line_says_where_and_exits_1_or_2(newborn_book: Path, tmp_path: Path) -> None:
    bad = _edited(newborn_book, tmp_path / "bad.xlsx", _set("问题", "C3", "文本"))
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "catalogue", "build", str(bad),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "「问题」表第 3 行「类型」列" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "text.xlsx").write_text("不是工作簿", encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "catalogue", "build",
                             str(tmp_path / "text.xlsx"), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert_plain_chinese(result.stderr)
