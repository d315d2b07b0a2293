"""Issue 15's fault matrix: each input fault × each command that reads it, as a person runs it.

Every cell runs `main.py` in its own process on real files and asserts the documented exit code
(README.md, "Exit codes"), a plain Chinese message (no traceback, no English prose, one line
unless the command lists every problem of a file) and the words that say what to do. The
processes run three at a time in one module fixture, so the whole matrix costs seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests.plain_chinese import assert_plain_chinese

REPO = Path(__file__).resolve().parents[1]
# The module fixture runs all the cells (a process each) before the first test: on a loaded
# 2-core machine that alone can pass the suite's 120 s per test, so this module gets more.
pytestmark = pytest.mark.timeout(600)
VALID_ID = "210402197802193429"


@dataclass(frozen=True)
class Cell:
    fault: str
    argv: tuple[str, ...]          # DIR in an argument is replaced by the matrix's folder
    code: int
    says: str = ""                 # words the message must contain
    lines: int | None = 1          # None: the command lists every problem (a head line + one each)
    closed_stdout: bool = False    # the reader of stdout went away before the first byte
    on_stdout: bool = False        # diag commands report per file, as JSON lines on stdout


def _answers(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False)


def _make_inputs(d: Path) -> None:
    """The faulty inputs, each a real file or folder."""
    from forms.examples import example

    (d / "syntax.toml").write_text("[platform\ntimeout_s = 1\n", encoding="utf-8")
    (d / "nan.toml").write_text("[platform]\ntimeout_s = nan\n", encoding="utf-8")
    (d / "negative.toml").write_text("[platform]\ntimeout_s = -1\n", encoding="utf-8")
    (d / "gbk.toml").write_bytes('[station]\nname = "驿站"\n'.encode("gbk"))
    (d / "gbk.json").write_bytes('{"answers": {"applicant_name": "张三"}}'.encode("gbk"))
    (d / "folder.json").mkdir()
    (d / "deep.json").write_text("[" * 100_000)
    (d / "broken.json").write_text("{ 不是 json", encoding="utf-8")
    doc = example("resident_pension", 0)
    doc["answers"].pop("applicant_id_number", None)
    for name, number in (("ethiopic", VALID_ID[:15] + "፬" + VALID_ID[16:]),
                         ("arabic", VALID_ID[:15] + "٤" + VALID_ID[16:]),
                         ("mistyped", VALID_ID[:-1] + "8")):
        doc["applicant"]["id_number"] = number
        (d / f"{name}.json").write_text(_answers(doc), encoding="utf-8")
    (d / "unsigned.json").write_text(_answers(example("newborn", 2)), encoding="utf-8")
    bundle = json.loads((REPO / "forms" / "catalogue" / "newborn.json").read_text(encoding="utf-8"))
    bundle["description"] = "长" * 17_000_000  # 51 MB
    (d / "huge-description.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    bundle["description"] = "长" * 5000
    (d / "long-description.json").write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    (d / "a-file").write_text("not a folder")
    (d / "db-folder" / "kiosk.db").mkdir(parents=True)
    # A station whose database file was replaced by something else: its keys are there (without
    # them the store refuses first, for that reason: tests/sync/test_fault_matrix.py).
    from sync.store import Store

    Store.open(d / "db-garbage", d / "k4-keys").close()
    for leftover in (d / "db-garbage").glob("kiosk.db*"):
        leftover.unlink()
    (d / "db-garbage" / "kiosk.db").write_bytes(b"this is not sqlite" * 100)
    Image.new("1", (20_000, 20_000)).save(d / "bomb.png", optimize=True)
    import openpyxl

    from forms.workbook import export

    (d / "table.xlsx").write_text("编号,名称\nnewborn,新生儿\n", encoding="utf-8")
    export("newborn", d / "newborn.xlsx")
    book = openpyxl.load_workbook(d / "newborn.xlsx")
    book.remove(book["问题"])
    book.save(d / "no-questions.xlsx")
    (d / "not-an-image.png").write_text("not an image")


def _kiosk(data: str) -> tuple[str, ...]:
    return ("--data-dir", f"DIR/{data}", "--key-dir", f"DIR/{data}-keys")


ID_FAULTS = [("ethiopic", "0–9"), ("arabic", "0–9"), ("mistyped", "有误")]
CATALOGUE_FAULTS = [("100000 [", "deep.json", "嵌套"),
                    ("50 MB description", "huge-description.json", "超过上限")]
IMAGE_FAULTS = [("20000×20000 PNG", "bomb.png", "万像素"),
                ("not an image", "not-an-image.png", "无法读取图片")]

CELLS: list[Cell] = [
    # -------- station.toml × commands that load it (all do, in main.py)
    *[Cell(f"toml syntax error × {cmd[0]}", ("--config", "DIR/syntax.toml", *cmd), 2, "第 1 行")
      for cmd in [("status",), ("sync", "--once"), ("catalogue", "list"), ("queue", "list")]],
    *[Cell(f"timeout_s = nan × {cmd[0]}", ("--config", "DIR/nan.toml", *cmd), 2, "有限的数字")
      for cmd in [("sync", "--once"), ("enroll", "--platform-url", "http://127.0.0.1:9/api/v1",
                                       "--station-id", "210102-0001", "--code", "x"), ("status",)]],
    Cell("timeout_s = -1 × sync", ("--config", "DIR/negative.toml", "sync", "--once"), 2, "不能小于 1"),
    Cell("GBK station.toml × status", ("--config", "DIR/gbk.toml", "status"), 2, "UTF-8"),
    # -------- command-line numbers and URLs
    *[Cell(f"sync --timeout {value}", ("sync", "--once", "--timeout", value, *_kiosk("k0")), 2, "秒数")
      for value in ("-1", "0", "nan", "inf", "abc")],
    Cell("sync --poll 0", ("sync", "--forever", "--poll", "0", *_kiosk("k0")), 2, "秒数"),
    Cell("sync --platform-url 'not a url'", ("sync", "--once", "--platform-url", "not a url", *_kiosk("k0")),
         2, "http://"),
    Cell("enroll --platform-url ftp://x", ("enroll", "--platform-url", "ftp://x", "--station-id",
                                          "210102-0001", "--code", "c", *_kiosk("k0")), 2, "http://"),
    Cell("platform identity-code --minutes nan", ("platform", "identity-code", "--id-number", VALID_ID,
                                                  "--name", "张三", "--minutes", "nan"), 2, "秒数"),
    # -------- answers files × catalogue fill and queue add
    *[Cell(f"answers {fault} × catalogue fill", ("catalogue", "fill", "newborn", "--answers", f"DIR/{file}"),
           2, says) for fault, file, says in [
        ("GBK", "gbk.json", "UTF-8"), ("folder", "folder.json", "文件夹"), ("100000 [", "deep.json", "嵌套"),
        ("missing", "missing.json", "找不到"), ("not JSON", "broken.json", "第 1 行")]],
    *[Cell(f"answers {fault} × queue add", ("queue", "add", "--bundle", "newborn", "--answers", f"DIR/{file}",
                                           *_kiosk("k1")), 2, says) for fault, file, says in [
        ("GBK", "gbk.json", "UTF-8"), ("folder", "folder.json", "文件夹"), ("100000 [", "deep.json", "嵌套"),
        ("missing", "missing.json", "找不到")]],
    *[Cell(f"ID number {fault} × catalogue fill",
           ("catalogue", "fill", "resident_pension", "--answers", f"DIR/{fault}.json"), 1, says, lines=None)
      for fault, says in ID_FAULTS],
    *[Cell(f"ID number {fault} × queue add",
           ("queue", "add", "--bundle", "resident_pension", "--answers", f"DIR/{fault}.json", *_kiosk("k1")),
           4, says, lines=None) for fault, says in ID_FAULTS],
    Cell("告知承诺 without signature × queue add",
         ("queue", "add", "--bundle", "newborn", "--answers", "DIR/unsigned.json", *_kiosk("k1")), 4,
         "--signature"),
    # -------- catalogue files × the catalogue commands
    *[Cell(f"catalogue {fault} × validate", ("catalogue", "validate", f"DIR/{file}"), 1, says, lines=None)
      for fault, file, says in [*CATALOGUE_FAULTS, ("GBK", "gbk.json", "UTF-8"),
                                ("5000-character description", "long-description.json", "过长")]],
    *[Cell(f"catalogue {fault} × {' '.join(cmd[:2])}", (*cmd, "--catalogue", f"DIR/{file}"), 2, says)
      for fault, file, says in CATALOGUE_FAULTS
      for cmd in [("catalogue", "list"), ("catalogue", "show", "newborn")]],
    # -------- data and key folders × the kiosk commands
    *[Cell(f"{fault} × {' '.join(cmd[:2])}", (*cmd, "--data-dir", data, "--key-dir", keys), 5, says)
      for fault, data, keys, says in [
          ("data dir is a file", "DIR/a-file", "DIR/k2-keys", "文件夹"),
          ("key dir is a file", "DIR/k2", "DIR/a-file", "文件夹"),
          ("kiosk.db is a folder", "DIR/db-folder", "DIR/k3-keys", "kiosk.db"),
          ("kiosk.db is not sqlite", "DIR/db-garbage", "DIR/k4-keys", "无法打开")]
      for cmd in [("queue", "list"), ("sync", "--once")]],
    # -------- images × the image readers
    *[Cell(f"{fault} × {' '.join(cmd)}", (*cmd, f"DIR/{file}"), 3, says, on_stdout=True)
      for fault, file, says in IMAGE_FAULTS
      for cmd in [("diag", "scan"), ("diag", "capture", "--preset", "a4", "--out", "DIR/capture-out")]],
    # -------- workbooks × the workbook commands (forms/WORKBOOK.md)
    *[Cell(f"workbook {fault} × {cmd}", ("catalogue", cmd, f"DIR/{file}", "--out", "DIR/wb-out"), 2, says)
      for fault, file, says in [("CSV named .xlsx", "table.xlsx", "不是 Excel 工作簿"),
                                ("folder", "folder.json", "文件夹"), ("missing", "missing.xlsx", "找不到")]
      for cmd in ("build",)],
    Cell("workbook without 问题 × build",
         ("catalogue", "build", "DIR/no-questions.xlsx", "--out", "DIR/wb-out"), 1, "没有「问题」表",
         lines=None),
    # -------- a closed stdout pipe × commands that print
    *[Cell(f"closed stdout × {' '.join(cmd[:3])}", cmd, 141, closed_stdout=True) for cmd in [
        ("catalogue", "list", "--json"), ("catalogue", "show", "newborn"),
        ("catalogue", "example", "newborn"), ("status", *_kiosk("k5")), ("queue", "list", *_kiosk("k5")),
        ("catalogue", "build", "DIR/newborn.xlsx", "--out", "DIR/wb-piped")]],
]


def _run(cell: Cell, d: Path) -> subprocess.CompletedProcess:
    argv = [a.replace("DIR", str(d)) for a in cell.argv]
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": str(d / "home")}
    if cell.closed_stdout:
        proc = subprocess.Popen([sys.executable, "main.py", *argv], cwd=REPO, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdout.close()  # the reader is gone before anything was written
        stderr = proc.stderr.read()
        proc.wait(60)
        return subprocess.CompletedProcess(argv, proc.returncode, b"", stderr)
    return subprocess.run([sys.executable, "main.py", *argv], cwd=REPO, env=env, capture_output=True,
                          timeout=120)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    d = tmp_path_factory.mktemp("faults")
    _make_inputs(d)
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = dict(zip([c.fault for c in CELLS], pool.map(lambda c: _run(c, d), CELLS), strict=True))
    return done


def test_every_fault_name_is_unique() -> None:
    assert len({c.fault for c in CELLS}) == len(CELLS)


@pytest.mark.parametrize("cell", CELLS, ids=[c.fault for c in CELLS])
def test_fault(cell: Cell, results: dict[str, subprocess.CompletedProcess]) -> None:
    result = results[cell.fault]
    stdout, stderr = result.stdout.decode("utf-8", "replace"), result.stderr.decode("utf-8", "replace")
    assert result.returncode == cell.code, f"{cell.fault}: exit {result.returncode}\n{stderr}{stdout[-500:]}"
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    if cell.closed_stdout:
        assert stderr == ""  # a quiet exit
        return
    message = json.loads(stdout.splitlines()[-1])["error"] if cell.on_stdout else stderr
    assert_plain_chinese(message, lines=cell.lines)
    assert cell.says in message, message
