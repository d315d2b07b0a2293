"""The document camera's worker thread: live frames, live advice, and a capture on request.

Why a thread of its own: reading frames, finding the paper, measuring blur and glare, flattening
and JPEG-encoding take tens to hundreds of milliseconds each, which would freeze a touch screen.
The worker does all of it and reports through callbacks (called on its own thread); the Qt layer
(kiosk/ui/viewmodels/camera.py) turns them into queued signals and pictures for QML.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from devices.camera.source import CameraError

if TYPE_CHECKING:   # numpy and OpenCV load with the first frame, not with the kiosk's first screen
    import numpy as np

    from devices.camera.source import FrameSource
    from devices.capture.presets import Preset

log = logging.getLogger(__name__)

ADVICE_READY = "位置合适，可以拍照了"
CAPTURE_WINDOW_S = 3.0     # after 拍照, wait this long at most for a frame with nothing to fix
GUIDANCE_EVERY_S = 0.25    # live advice a few times a second
FRAME_EVERY_S = 1 / 15     # at most 15 pictures a second to the screen


@dataclass(frozen=True)
class Shot:
    """One 拍照: the flattened page (BGR, for the screen), its JPEG, and advice if it is not perfect."""

    jpeg: bytes | None
    page: np.ndarray | None
    advice: str


class CameraWorker:
    """Reads frames on its own thread: live pictures, live advice, and captures on request."""

    def __init__(self, open_source: Callable[[], FrameSource], preset: Preset, *,
                 on_frame: Callable[[np.ndarray], None], on_guidance: Callable[[str, bool], None],
                 on_shot: Callable[[Shot], None], on_error: Callable[[str], None],
                 after: CameraWorker | None = None) -> None:
        self._open_source = open_source
        self._after = after       # a worker still letting go of the camera: opened after it ends
        self._preset = preset
        self._on_frame = on_frame
        self._on_guidance = on_guidance
        self._on_shot = on_shot
        self._on_error = on_error
        self._stop = threading.Event()
        self._capture = threading.Event()
        self._thread = threading.Thread(target=self._run, name="document-camera", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request_capture(self) -> None:
        self._capture.set()

    def stop(self, timeout: float = 5.0, wait: bool = True) -> None:
        """Ask the thread to end. `wait=False` for the GUI thread: a frame being read (up to a
        frame period) or analysed must not hold up the screen change; the next worker waits."""
        self._stop.set()
        if wait:
            self.join(timeout)

    def join(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        from devices.capture.pipeline import capture, check

        source = None
        try:
            if self._after is not None:
                self._after.join()        # one owner of the device at a time
                self._after = None
            if self._stop.is_set():
                return
            source = self._open_source()
            last_frame_sent = last_check = 0.0
            deadline = None
            fallback = None   # the last frame where paper was found, while waiting for a good one
            while not self._stop.is_set():
                frame = source.read()
                if frame is None:
                    self._on_error("摄像头没有画面，请工作人员检查")
                    break
                now = time.monotonic()
                if now - last_frame_sent >= FRAME_EVERY_S:
                    self._on_frame(frame)
                    last_frame_sent = now
                if self._capture.is_set():
                    self._capture.clear()
                    deadline, fallback = now + CAPTURE_WINDOW_S, None
                if deadline is not None:
                    quad, _, quality = check(frame, self._preset)
                    if quad is not None:
                        fallback = frame
                    if quad is not None and quality.ok or now >= deadline:
                        self._on_shot(self._shoot(capture, frame if quad is not None else fallback))
                        deadline = None
                    continue
                if now - last_check >= GUIDANCE_EVERY_S:
                    _, _, quality = check(frame, self._preset)
                    self._on_guidance(quality.advice[0] if quality.advice else ADVICE_READY, quality.ok)
                    last_check = now
        except CameraError as exc:
            self._on_error(str(exc))
        except Exception as exc:  # noqa: BLE001 - a camera failing never takes the kiosk down
            log.exception("document camera failed")
            self._on_error(f"摄像头出错，请工作人员检查（{type(exc).__name__}）")
        finally:
            if source is not None:
                source.close()

    def _shoot(self, capture, frame: np.ndarray | None) -> Shot:  # noqa: ANN001
        from devices.capture.quality import ADVICE_NO_PAPER

        if frame is None:
            return Shot(None, None, ADVICE_NO_PAPER)
        result = capture(frame, self._preset)
        if result.page is None or result.jpeg is None:
            return Shot(None, None, result.quality.advice[0] if result.quality.advice else ADVICE_NO_PAPER)
        advice = result.quality.advice[0] if result.quality.advice else ""
        return Shot(result.jpeg, result.page, advice)
