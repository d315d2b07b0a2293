"""The `catalogue` commands through main.py: output formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from forms.catalogue import SHIPPED_DIR

from .conftest import mini_doc

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main.main(["catalogue", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_plain_and_json(capsys) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 22 and lines[0] == "newborn\t2026.12.1\t新生儿出生一件事\t5 个事项"
    code, out, _ = run(capsys, "list", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[2] == {"id": "after_death", "version": "2026.12.1", "name": "身后一件事", "item_count": 6}


def test_validate_ok_and_broken(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "validate", str(SHIPPED_DIR))
    assert code == 0 and "22 件事" in out
    doc = mini_doc()
    doc["form"]["pages"][0]["fields"][0]["visible_if"] = "nobody == 1"
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and out == ""
    assert "mini.json，一件事 mini，字段 who：条件“nobody == 1”中的 nobody 不是本表单的字段" in err
    code, _, err = run(capsys, "validate", str(tmp_path / "missing.json"))
    assert code == 1 and "找不到文件" in err


def test_show_outline(capsys) -> None:
    code, out, _ = run(capsys, "show", "sole_proprietor")
    assert code == 0
    assert "个体工商户开办一件事（sole_proprietor" in out
    assert "可告知承诺：“本人对所申报的经营场所享有合法使用权" in out
    assert "第 1 页 经营者信息" in out
    code, _, err = run(capsys, "show", "nope")
    assert code == 2 and "没有“nope”" in err


def test_example_then_fill_round_trip(capsys, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "example", "after_death", "--variant", "2")
    assert code == 0
    answers = tmp_path / "answers.json"
    answers.write_text(out, encoding="utf-8")
    code, out, err = run(capsys, "fill", "after_death", "--answers", str(answers))
    assert code == 0, err
    payload = json.loads(out)
    assert payload["commitment"]["text"].startswith("本人（逝者家属）自愿作出以下承诺")
    assert {"submission_id", "local_reference", "created_at", "clock_offset_s"}.isdisjoint(payload)


def test_fill_errors_exit_1_and_file_problems_exit_2(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"answers": {"operator_phone": "123"}}), encoding="utf-8")
    code, out, err = run(capsys, "fill", "sole_proprietor", "--answers", str(bad))
    assert code == 1 and out == ""
    assert "operator_phone：手机号码应为 11 位" in err
    code, _, err = run(capsys, "fill", "newborn", "--answers", str(tmp_path / "none.json"))
    assert code == 2 and "找不到答案文件" in err
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "fill", "newborn", "--answers", str(broken))
    assert code == 2 and "不是有效的 JSON" in err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"bundle_id": "retirement", "answers": {}}), encoding="utf-8")
    code, _, err = run(capsys, "fill", "newborn", "--answers", str(other))
    assert code == 2 and "是“retirement”的" in err
    code, _, err = run(capsys, "example", "newborn", "--variant", "7")
    assert code == 2 and "--variant 0 到 2" in err


@pytest.mark.slow
def test_the_real_command_line_prints_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "main.py", "catalogue", "fill", "newborn", "--answers", str(tmp_path / "x.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and "找不到答案文件" in result.stderr
