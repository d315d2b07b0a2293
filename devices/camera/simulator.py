"""The simulated cameras: recorded or generated pictures played as frames, with sensor noise.

For the demo and the tests: the same workers, decoders and capture pipeline run on them as on a
real camera. Which pictures they play is the caller's (devices/camera/document_scenes.py draws
papers on a table, phone_scenes.py a phone showing a QR code).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import cv2
import numpy as np

from devices.camera.source import VIDEO_SUFFIXES, CameraError, FrameSource
from devices.images import ImageRefused, read_image


class SimulatedCamera:
    """Plays image files (each held for `hold_s` seconds) or a video file at `fps` frames a second.

    For the demo and the tests: the same worker and decoder code as with a real camera. `fps=0`
    plays as fast as frames can be decoded (tests), `loop` starts again at the end.
    """

    def __init__(self, paths: Sequence[str | Path], fps: float = 15.0, hold_s: float = 1.0,
                 loop: bool = False, sleep: Callable[[float], None] = time.sleep) -> None:
        self._paths = [Path(p) for p in paths]
        if not self._paths:
            raise CameraError("模拟摄像头没有可播放的图片或视频")
        for p in self._paths:
            if not p.exists():
                raise CameraError(f"模拟摄像头找不到文件：{p}")
        self._fps = fps
        self._repeat = max(1, round(hold_s * fps)) if fps > 0 else 1
        self._loop = loop
        self._sleep = sleep
        self._frames = self._generate()
        self._next_due = 0.0

    def _generate(self):
        while True:
            for path in self._paths:
                if path.suffix.lower() in VIDEO_SUFFIXES:
                    cap = cv2.VideoCapture(str(path))
                    if not cap.isOpened():
                        raise CameraError(f"模拟摄像头无法打开视频：{path}")
                    try:
                        while True:
                            ok, frame = cap.read()
                            if not ok:
                                break
                            yield frame
                    finally:
                        cap.release()
                else:
                    try:
                        image = read_image(path)  # the one pixel cap, checked from the header
                    except ImageRefused as exc:
                        raise CameraError(f"模拟摄像头无法读取图片：{exc}") from None
                    for _ in range(self._repeat):
                        yield image
            if not self._loop:
                return

    def read(self) -> np.ndarray | None:
        if self._fps > 0:
            now = time.monotonic()
            if self._next_due > now:
                self._sleep(self._next_due - now)
            self._next_due = max(now, self._next_due) + 1.0 / self._fps
        return next(self._frames, None)

    def close(self) -> None:
        self._frames.close()


class SensorNoise:
    """Wraps a simulated camera so no two frames are identical, as with a real sensor. Without
    it two photographs of a held picture are byte-identical and collapse into one attachment."""

    def __init__(self, source: FrameSource, sigma: float = 2.0) -> None:
        self._source = source
        self._sigma = sigma
        self._noise: np.ndarray | None = None

    def read(self) -> np.ndarray | None:
        frame = self._source.read()
        if frame is None:
            return None
        if self._noise is None or self._noise.shape != frame.shape:
            self._noise = np.empty(frame.shape, np.int16)
        cv2.randn(self._noise, 0, self._sigma)
        return cv2.add(frame, self._noise, dtype=cv2.CV_8U)

    def close(self) -> None:
        self._source.close()
