"""devices.camera.open_camera: the one place that decides real or simulated."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from devices.camera import CameraError, open_camera
from devices.camera.document_scenes import write_scenes


def test_the_simulator_plays_the_pictures_it_is_given_with_sensor_noise(tmp_path):
    camera = open_camera("simulator", simulated_pictures=lambda: write_scenes("page", tmp_path), fps=0)
    try:
        first, second = camera.read(), camera.read()
    finally:
        camera.close()
    assert first.shape == second.shape and first.ndim == 3
    assert not np.array_equal(first, second)        # a real sensor never gives the same bytes twice


def test_an_image_file_is_held_in_view(tmp_path):
    picture = tmp_path / "code.png"
    cv2.imwrite(str(picture), np.full((90, 160, 3), 200, np.uint8))
    camera = open_camera(str(picture), fps=0)
    try:
        assert camera.read().shape == (90, 160, 3)
    finally:
        camera.close()


def test_a_simulator_with_nothing_to_show_and_a_missing_device_say_so_in_chinese(tmp_path):
    with pytest.raises(CameraError, match="模拟摄像头"):
        open_camera("simulator")
    with pytest.raises(CameraError, match="无法打开"):
        open_camera(str(tmp_path / "no-such-video-device"))
