"""A real camera: a USB/UVC device (or a video file) through OpenCV's VideoCapture."""

from __future__ import annotations

import time

import cv2
import numpy as np

from devices.camera.source import CameraError


class OpenCvCamera:
    """A USB/UVC camera (or a video file path) through OpenCV's VideoCapture."""

    def __init__(self, device: int | str, width: int = 1280, height: int = 720,
                 read_failures: int = 30) -> None:
        self._cap = cv2.VideoCapture(device)
        if not self._cap.isOpened():
            raise CameraError(f"摄像头 {device} 无法打开：请检查摄像头是否连接、是否被其他程序占用")
        if isinstance(device, int):
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self._is_file = not isinstance(device, int)
        self._failures_allowed = read_failures

    def read(self) -> np.ndarray | None:
        for _ in range(self._failures_allowed):
            ok, frame = self._cap.read()
            if ok and frame is not None:
                return frame
            if self._is_file:
                return None  # end of the video
            time.sleep(0.01)
        raise CameraError("摄像头没有画面：可能已被拔出，请检查连接后重试")

    def close(self) -> None:
        self._cap.release()
