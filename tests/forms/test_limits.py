"""Issue 15: limits on every JSON input (forms/limits.py) — size, depth, string length, encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import forms
from forms.catalogue import load_catalogue
from forms.errors import AnswersFileError, CatalogueError
from forms.limits import MAX_DEPTH, InputLimitError, loads, read_json_file
from tests.plain_chinese import assert_plain_chinese

SHIPPED = Path(forms.__file__).with_name("catalogue")


def test_100000_nested_brackets_are_refused_not_a_recursion_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(deep)
    assert "嵌套" in str(caught.value)
    with pytest.raises(AnswersFileError, match="嵌套"):
        forms.AnswersFile.read(deep)


def test_depth_just_inside_the_limit_is_read_and_one_more_is_not() -> None:
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH, "x") is not None
    with pytest.raises(InputLimitError, match="嵌套"):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "x")
    with pytest.raises(InputLimitError, match="嵌套"):  # objects count as levels too
        loads('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1), "x")


def test_a_50_mb_description_is_refused_before_it_is_read(tmp_path: Path) -> None:
    doc = json.loads((SHIPPED / "newborn.json").read_text(encoding="utf-8"))
    doc["description"] = "长" * 17_000_000  # 51 MB of UTF-8
    big = tmp_path / "newborn.json"
    big.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError, match="超过上限"):
        load_catalogue(big)


def test_a_long_description_inside_the_size_limit_is_refused_by_the_schema(tmp_path: Path) -> None:
    doc = json.loads((SHIPPED / "newborn.json").read_text(encoding="utf-8"))
    doc["description"] = "长" * 5000
    path = tmp_path / "newborn.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CatalogueError, match="description.*过长"):
        load_catalogue(path)


def test_a_downloaded_document_is_held_to_the_same_limits() -> None:
    doc = load_catalogue().document()
    doc["bundles"][0]["description"] = "长" * 30_000
    with pytest.raises(CatalogueError, match="超过上限"):
        forms.Catalogue.from_document(doc)


@pytest.mark.parametrize("fault", ["gbk", "folder", "deep", "missing", "not_json"])
def test_answers_file_faults_are_one_chinese_sentence(tmp_path: Path, fault: str) -> None:
    path = tmp_path / "answers.json"
    if fault == "gbk":
        path.write_bytes('{"answers": {"applicant_name": "张三"}}'.encode("gbk"))
    elif fault == "folder":
        path.mkdir()
    elif fault == "deep":
        path.write_text("[" * 100_000)
    elif fault == "not_json":
        path.write_text("{ 不是 json")
    with pytest.raises(AnswersFileError) as caught:
        forms.AnswersFile.read(path)
    assert_plain_chinese(str(caught.value))


def test_the_shipped_catalogue_is_well_inside_every_limit() -> None:
    for path in SHIPPED.glob("*.json"):
        read_json_file(path, "文件", max_depth=12, max_string=1000, max_bytes=64 << 10)
