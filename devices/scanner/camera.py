"""Frame sources (a real camera through OpenCV, or a simulated one) and the scanning worker thread.

The worker owns its decoder and tracker (decoders are not thread-safe) and reports through
callbacks, so the Qt layer can turn them into signals and a script can just print. A camera that
cannot be opened or stops delivering frames becomes an `on_error` with a Chinese message and the
worker ends; it never raises into the caller's thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from devices.images import ImageRefused, read_image
from devices.scanner.ensemble import EnsembleDecoder
from devices.scanner.tracker import SeenTracker
from devices.scanner.types import Symbol

VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v"}


class CameraError(RuntimeError):
    """The camera cannot be opened or read; the message is for the station staff, in Chinese."""


class FrameSource(Protocol):
    """Something that yields BGR or grayscale frames; `read()` returns None at the end."""

    def read(self) -> np.ndarray | None: ...

    def close(self) -> None: ...


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


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Decoders work on 8-bit grayscale; cameras give BGR."""
    if frame.ndim == 2:
        return frame
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


class ScannerWorker:
    """Reads frames on its own thread, decodes, reports each new code once through `on_code`."""

    def __init__(self, source: FrameSource, on_code: Callable[[Symbol], None],
                 on_error: Callable[[str], None] | None = None,
                 on_stopped: Callable[[], None] | None = None,
                 decoder_factory: Callable[[], object] = EnsembleDecoder,
                 tracker: SeenTracker | None = None) -> None:
        self._source = source
        self._on_code = on_code
        self._on_error = on_error or (lambda message: None)
        self._on_stopped = on_stopped or (lambda: None)
        self._decoder_factory = decoder_factory
        self._tracker = tracker or SeenTracker()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scanner", daemon=True)
        self.frames = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the source to run out (simulated camera); True when the worker has ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        try:
            decoder = self._decoder_factory()
            while not self._stop.is_set():
                frame = self._source.read()
                if frame is None:
                    break
                self.frames += 1
                symbols = decoder.decode(to_gray(frame))  # type: ignore[attr-defined]
                for symbol in self._tracker.update(symbols):
                    self._on_code(symbol)
        except CameraError as exc:
            self._on_error(str(exc))
        except Exception as exc:  # a device failing never takes the application down
            self._on_error(f"扫码出错：{exc}")
        finally:
            try:
                self._source.close()
            finally:
                self._on_stopped()
