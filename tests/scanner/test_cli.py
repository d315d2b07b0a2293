"""`main.py diag scan`: the JSON-lines contract, exit codes, and live mode on a video file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import segno

sys.path.insert(0, str(Path(__file__).parent))
from scanner_codes import in_720p_frame, qr_image, side_by_side  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "diag", "scan", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=ROOT)


def test_one_json_line_per_image(tmp_path: Path) -> None:
    one = tmp_path / "one.png"
    cv2.imwrite(str(one), qr_image(segno.make_qr("申请编号 2026-001".encode("gbk"))))
    two = tmp_path / "two.png"
    cv2.imwrite(str(two), side_by_side([qr_image(segno.make_qr("甲")), qr_image(segno.make_qr("乙乙"))]))
    none = tmp_path / "none.png"
    cv2.imwrite(str(none), np.full((200, 200), 255, np.uint8))
    result = _main(str(one), str(two), str(none))
    assert result.returncode == 1, result.stderr  # one image had no code
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    assert lines[0]["file"] == str(one) and lines[0]["text"] == "申请编号 2026-001"
    assert lines[0]["format"] == "QRCode" and isinstance(lines[0]["ms"], float)
    assert sorted(lines[1]["texts"]) == ["乙乙", "甲"] and lines[1]["text"] in ("甲", "乙乙")
    assert lines[2]["text"] is None and lines[2]["format"] is None
    assert set(lines[0]) == {"file", "text", "format", "ms"}


def test_unreadable_file_exit_3_without_traceback(tmp_path: Path) -> None:
    result = _main(str(tmp_path / "missing.png"))
    assert result.returncode == 3
    assert json.loads(result.stdout)["error"].startswith("无法读取图片")
    assert "Traceback" not in result.stderr


def test_camera_mode_with_a_video_file(tmp_path: Path) -> None:
    path = tmp_path / "counter.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (1280, 720))
    for text in ("甲", "乙"):
        frame = cv2.cvtColor(in_720p_frame(qr_image(segno.make_qr(text), 6)), cv2.COLOR_GRAY2BGR)
        for _ in range(12):
            writer.write(frame)
    writer.release()
    result = _main("--camera", str(path), "--fps", "200")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["甲", "乙"]


def test_camera_that_does_not_exist(tmp_path: Path) -> None:
    result = _main("--camera", str(tmp_path / "no-video.avi"))
    assert result.returncode == 3 and "找不到文件" in result.stderr
