"""`main.py diag handwriting`: the JSON-lines contract, readable lines, bad files, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import write_sample

ROOT = Path(__file__).resolve().parents[2]


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "handwriting", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=ROOT)


def test_one_json_line_per_file(tmp_path, stroke_source):
    files = [write_sample(tmp_path, stroke_source, c, 2) for c in "李昇淼"]
    result = _main(*map(str, files), "--json", "--context", "name")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(f) for f in files]
    for line, char in zip(lines, "李昇淼", strict=True):
        assert set(line) == {"file", "candidates", "ms"}
        assert len(line["candidates"]) >= 10 and char in line["candidates"][:5]
        assert isinstance(line["ms"], float) and line["ms"] > 0


def test_readable_lines_and_zinnia_alone(tmp_path, stroke_source):
    sample = write_sample(tmp_path, stroke_source, "王", 1)
    result = _main(str(sample))
    assert result.returncode == 0 and result.stdout.startswith(f"{sample}  ")
    assert "毫秒" in result.stdout and "王" in result.stdout
    zinnia = _main(str(sample), "--engine", "zinnia", "--json")
    assert zinnia.returncode == 0
    assert len(json.loads(zinnia.stdout)["candidates"]) >= 10


def test_bad_files_are_named_in_chinese_and_the_rest_still_done(tmp_path, stroke_source):
    good = write_sample(tmp_path, stroke_source, "张", 0)
    not_json = tmp_path / "not.json"
    not_json.write_text("{strokes:", encoding="utf-8")
    no_strokes = tmp_path / "no-strokes.json"
    no_strokes.write_text(json.dumps({"width": 100, "height": 100}), encoding="utf-8")
    bad_point = tmp_path / "bad-point.json"
    bad_point.write_text(json.dumps({"width": 100, "height": 100, "strokes": [[[1, "x"]]]}), encoding="utf-8")
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes('{"说明": "手写"}'.encode("gbk"))
    missing = tmp_path / "missing.json"
    result = _main(*map(str, (not_json, good, no_strokes, bad_point, gbk, missing)), "--json")
    assert result.returncode == 3
    assert [json.loads(line)["file"] for line in result.stdout.splitlines()] == [str(good)]
    errors = result.stderr.splitlines()
    assert len(errors) == 5 and "Traceback" not in result.stderr
    assert errors[0].startswith(f"{not_json}：文件不是有效的 JSON")
    assert "缺少 strokes" in errors[1] and "第 1 笔" in errors[2]
    assert "UTF-8" in errors[3] and errors[4].endswith("文件不存在。")


def test_usage_errors_exit_2(tmp_path):
    result = _main()
    assert result.returncode == 2 and "缺少必填参数" in result.stderr
    result = _main(str(tmp_path / "x.json"), "--count", "3")
    assert result.returncode == 2 and "至少为 10" in result.stderr


def test_no_engine_exits_4(tmp_path, stroke_source):
    sample = write_sample(tmp_path, stroke_source, "王", 1)
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "handwriting", str(sample),
                             "--engine", "templates"], capture_output=True, text=True, encoding="utf-8",
                            timeout=120, cwd=ROOT,
                            env={**_env(), "STATION_KIOSK_HANDWRITING_MODEL": str(tmp_path / "none.npz")})
    assert result.returncode == 4 and "手写识别引擎不可用" in result.stderr and "setup.sh" in result.stderr


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
