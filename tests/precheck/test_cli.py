"""`python main.py diag precheck` as a technician runs it: one JSON line per photo, the expected
person compared, and bad files answered in one Chinese sentence with exit code 3."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2

from tests.precheck.conftest import photo_of

REPO = Path(__file__).resolve().parents[2]


def diag(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "diag", "precheck", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_json_lines_and_exit_codes(tmp_path):
    frame, truth = photo_of("disability_cert", 21, layout="booklet")
    photo = tmp_path / "disability.jpg"
    cv2.imwrite(str(photo), frame)
    junk = tmp_path / "notes.jpg"
    junk.write_text("这不是照片")
    huge = tmp_path / "huge.png"
    huge.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (20000).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    )

    done = diag(
        str(photo),
        str(tmp_path / "missing.jpg"),
        str(junk),
        str(huge),
        "--json",
        "--expect-name",
        truth.fields["name"],
        "--expect-id",
        truth.fields["id_number"],
    )
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 3 and all(any("\u4e00" <= c <= "\u9fff" for c in e) for e in errors)
    assert "找不到文件" in errors[0] and "不是能识别的图片" in errors[1] and "图片太大" in errors[2]
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert set(line) == {"file", "doc_type", "confidence", "fields", "mismatch", "findings", "ms"}
    assert line["file"] == str(photo) and line["doc_type"] == "disability_cert"
    assert line["fields"]["id_number"] == truth.fields["id_number"]
    assert line["fields"]["certificate_number"] == truth.fields["certificate_number"]
    assert line["mismatch"] is False and line["findings"] == [] and line["ms"] > 0

    other = diag(str(photo), "--json", "--expect-name", "欧阳娜娜", "--expect-id", "11010519491231002X")
    assert other.returncode == 1
    result = json.loads(other.stdout)
    assert result["mismatch"] is True and any("欧**" in f for f in result["findings"])


def test_arguments_are_checked_before_any_work(tmp_path):
    done = diag(str(tmp_path / "a.jpg"), "--expect-id", "110105194912310021")
    assert done.returncode == 2 and "校验位" in done.stderr and "Traceback" not in done.stderr


def test_registering_the_command_loads_no_model_and_no_checker():
    """Kiosk start-up and `main.py --help` stay as they were: the command's registration imports
    neither the checker nor onnxruntime; the models load only on the first check."""
    probe = (
        "import sys, main; main.build_parser(); "
        "print([m in sys.modules for m in "
        "('devices.precheck.checker', 'rapidocr_onnxruntime', 'onnxruntime')])"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[False, False, False]", done.stderr


def test_the_command_offers_exactly_the_engine_s_document_types():
    from devices.precheck import cli, understand

    assert cli.DOC_TYPES == understand.DOC_TYPES
