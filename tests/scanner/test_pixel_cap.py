"""Issue 15: one decoded-pixel cap for every image reader, checked from the header before decoding."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from devices.camera import CameraError
from devices.camera.simulator import SimulatedCamera
from devices.images import MAX_PIXELS, ImageRefused, image_size, read_image
from tests.plain_chinese import assert_plain_chinese

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """20000×20000 one-bit PNG: about 50 KB on disk, 400 megapixels decoded."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(path, optimize=True)
    assert path.stat().st_size < 200_000
    return path


def test_the_header_is_enough_to_refuse_a_pixel_bomb(bomb: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(ImageRefused) as caught:
        read_image(bomb, gray=True)
    assert time.perf_counter() - start < 1.0  # nothing was decoded (decoding takes seconds)
    assert_plain_chinese(str(caught.value))


def test_just_over_the_cap_is_refused_and_a_camera_frame_is_read(tmp_path: Path) -> None:
    over = tmp_path / "over.png"
    Image.new("L", (MAX_PIXELS // 5000 + 1, 5000)).save(over)
    assert image_size(over)[0] * image_size(over)[1] > MAX_PIXELS
    with pytest.raises(ImageRefused, match="万像素"):
        read_image(over)
    frame = tmp_path / "frame.png"
    Image.fromarray(np.full((3120, 4208), 200, np.uint8)).save(frame)
    assert read_image(frame, gray=True).shape == (3120, 4208)


def test_the_simulated_camera_uses_the_same_cap(bomb: Path) -> None:
    with pytest.raises(CameraError, match="万像素"):
        SimulatedCamera([bomb], fps=0).read()


@pytest.mark.parametrize("command", [["diag", "scan"], ["diag", "capture", "--preset", "a4", "--out", "OUT"]])
def test_diag_commands_refuse_the_bomb_quickly(bomb: Path, tmp_path: Path, command: list[str]) -> None:
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    result = subprocess.run([sys.executable, "main.py", *argv, str(bomb)], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    line = json.loads(result.stdout.splitlines()[-1])
    assert_plain_chinese(line["error"])
    assert "万像素" in line["error"]
