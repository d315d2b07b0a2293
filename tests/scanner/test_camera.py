"""The scanning worker with the simulated camera: image files and a real video file."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
import segno

sys.path.insert(0, str(Path(__file__).parent))
from scanner_codes import in_720p_frame, qr_image  # noqa: E402

from devices.camera import CameraError  # noqa: E402
from devices.camera.simulator import SimulatedCamera  # noqa: E402
from devices.scanner import ScannerWorker, SeenTracker, Symbol  # noqa: E402


def _write(path: Path, gray: np.ndarray) -> Path:
    cv2.imwrite(str(path), gray)
    return path


def _run(worker_source, timeout: float = 60.0) -> tuple[list[Symbol], list[str]]:
    codes: list[Symbol] = []
    errors: list[str] = []
    stopped = threading.Event()
    worker = ScannerWorker(worker_source, codes.append, errors.append, stopped.set)
    worker.start()
    assert worker.wait(timeout)
    assert stopped.is_set()
    return codes, errors


def test_images_each_reported_once_while_in_view(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.png", in_720p_frame(qr_image(segno.make_qr("甲：申请表"))))
    second = _write(tmp_path / "b.png", in_720p_frame(qr_image(segno.make_qr("乙：办事码".encode("gbk")))))
    # Each image is held for 6 frames at 200 fps: the code is in view in 6 frames, reported once.
    source = SimulatedCamera([first, second, first], fps=200, hold_s=0.03)
    codes, errors = _run(source)
    assert errors == []
    # "甲" comes back after only 6 frames away (< forget_after = 8): still the same presentation.
    assert [c.text for c in codes] == ["甲：申请表", "乙：办事码"]


def test_video_file_plays_through_the_same_worker(tmp_path: Path) -> None:
    path = tmp_path / "scan.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (1280, 720))
    assert writer.isOpened()
    blank = np.full((720, 1280, 3), 180, np.uint8)
    code = cv2.cvtColor(in_720p_frame(qr_image(segno.make_qr("https://zwfw.example/q/42"), 6), 180),
                        cv2.COLOR_GRAY2BGR)
    for frame in [blank] * 3 + [code] * 10 + [blank] * 10 + [code] * 5:
        writer.write(frame)
    writer.release()
    codes, errors = _run(SimulatedCamera([path], fps=500))
    assert errors == []
    assert [c.text for c in codes] == ["https://zwfw.example/q/42"] * 2  # shown twice, gone between


def test_missing_file_is_a_chinese_error(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="找不到文件"):
        SimulatedCamera([tmp_path / "nope.png"])


def test_unreadable_image_ends_the_worker_with_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    codes, errors = _run(SimulatedCamera([bad], fps=0))
    assert codes == [] and errors and "无法读取图片" in errors[0]


def test_tracker_forgets_after_missing_frames() -> None:
    s = Symbol(text="x", raw=b"x", format="QRCode", charset="utf-8")
    t = SeenTracker(forget_after=2)
    assert t.update([s]) == [s]
    assert t.update([s, s]) == []
    assert t.update([]) == []      # missing once: still in view
    assert t.update([s]) == []
    t.update([])
    t.update([])                   # missing twice: gone
    assert t.update([s]) == [s]
