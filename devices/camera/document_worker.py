"""The document camera's worker thread: live frames, live advice, and a capture on request.

Why a thread of its own: reading frames, finding the paper, measuring blur and glare, flattening
and JPEG-encoding take tens to hundreds of milliseconds each, which would freeze a touch screen.
The worker does all of it and reports through callbacks (called on its own thread); the Qt layer
(kiosk/ui/viewmodels/camera.py) turns them into queued signals and pictures for QML.
"""

from __future__ import annotations

import collections
import logging
import queue
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
# 拍照 on a frame in which no paper was found: one sentence, shown and spoken, nothing kept.
NO_DOCUMENT = "这张照片里没有找到材料，请把材料平放在摄像头下方，看到“位置合适”后再点拍照。"
FRAME_EVERY_S = 1 / 15     # at most 15 analysed pictures a second to the screen
# Frames remembered for 拍照: the one on screen (`shown`, always kept) and those sent after it; at
# most this many (two seconds), should the screen fall behind — a 1080p frame is 6 MB on a small PC.
RECENT_FRAMES = 30
FRAME_GONE = "画面刚刚变了，请看一下画面，再点一次拍照。"


@dataclass(frozen=True)
class Shot:
    """One 拍照: the flattened page (BGR, for the screen), its JPEG, and advice if it is not perfect.
    `number` is the shown frame it was taken from; `document` whether paper was found in it (never
    a page or a JPEG without)."""

    jpeg: bytes | None
    page: np.ndarray | None
    advice: str
    number: int = 0

    @property
    def document(self) -> bool:
        return self.jpeg is not None and self.page is not None


class CameraWorker:
    """Reads frames on its own thread. Each frame sent to the screen is analysed first and goes
    out with its own advice (`on_frame(number, frame, advice, ok)`), so the hint always describes
    the picture under it; 拍照 asks for the frame the screen shows, by its number, and the shot is
    made from exactly that frame."""

    def __init__(self, open_source: Callable[[], FrameSource], preset: Preset, *,
                 on_frame: Callable[[int, np.ndarray, str, bool], None],
                 on_shot: Callable[[Shot], None], on_error: Callable[[str], None],
                 after: CameraWorker | None = None) -> None:
        self._open_source = open_source
        self._after = after       # a worker still letting go of the camera: opened after it ends
        self._preset = preset
        self._on_frame = on_frame
        self._on_shot = on_shot
        self._on_error = on_error
        self._stop = threading.Event()
        self._wanted: queue.SimpleQueue[int] = queue.SimpleQueue()   # frame numbers asked for by 拍照
        self._asked: set[int] = set()      # those not shot yet: never let go, whatever shows since
        self._asked_lock = threading.Lock()
        self._on_screen = 0       # the number of the frame the screen shows (older ones are let go)
        self._thread = threading.Thread(target=self._run, name="document-camera", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def shown(self, number: int) -> None:
        """The screen now shows frame `number`: frames before it will never be asked for."""
        self._on_screen = max(self._on_screen, number)

    def request_capture(self, number: int) -> None:
        """拍照 on the frame the screen shows (`number`, as `on_frame` sent it). It is kept until
        shot even when a newer frame reaches the screen before this thread gets to the request
        (the tap and the next picture are both on their way to it)."""
        with self._asked_lock:
            self._asked.add(number)
        self._wanted.put(number)

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
        from devices.capture.pipeline import check

        source = None
        try:
            if self._after is not None:
                self._after.join()        # one owner of the device at a time
                self._after = None
            if self._stop.is_set():
                return
            source = self._open_source()
            last_sent = 0.0
            number = 0
            recent: collections.OrderedDict[int, tuple[np.ndarray, bool]] = collections.OrderedDict()
            while not self._stop.is_set():
                while not self._wanted.empty():
                    asked = self._wanted.get()
                    self._on_shot(self._shoot(recent, asked))
                    with self._asked_lock:
                        self._asked.discard(asked)
                frame = source.read()
                if frame is None:
                    self._on_error("摄像头没有画面，请工作人员检查")
                    break
                now = time.monotonic()
                if now - last_sent < FRAME_EVERY_S:
                    continue
                quad, _, quality = check(frame, self._preset)
                number += 1
                recent[number] = (frame, quad is not None)
                self._let_go(recent)
                self._on_frame(number, frame, quality.advice[0] if quality.advice else ADVICE_READY,
                               quality.ok)
                last_sent = now
        except CameraError as exc:
            self._on_error(str(exc))
        except Exception as exc:  # noqa: BLE001 - a camera failing never takes the kiosk down
            log.exception("document camera failed")
            self._on_error(f"摄像头出错，请工作人员检查（{type(exc).__name__}）")
        finally:
            if source is not None:
                source.close()

    def _let_go(self, recent: collections.OrderedDict) -> None:
        """Forget frames the screen has moved past, and beyond RECENT_FRAMES the oldest of those
        sent since — never the one on screen, which 拍照 may still ask for."""
        on_screen = self._on_screen
        with self._asked_lock:
            keep = {on_screen, *self._asked}
        for number in [n for n in recent if n < on_screen and n not in keep]:
            del recent[number]
        for number in [n for n in recent if n not in keep][:max(0, len(recent) - RECENT_FRAMES)]:
            del recent[number]

    def _shoot(self, recent: collections.OrderedDict, number: int) -> Shot:
        """The shot of frame `number` — the one the resident saw — or no shot when no paper was
        found in it (or it is too old to be remembered: the screen moved on long ago)."""
        from devices.capture.pipeline import capture

        frame, found = recent.get(number, (None, False))
        if frame is None:
            return Shot(None, None, FRAME_GONE, number)
        if not found:
            return Shot(None, None, NO_DOCUMENT, number)
        result = capture(frame, self._preset)
        if result.page is None or result.jpeg is None:
            return Shot(None, None, NO_DOCUMENT, number)
        advice = result.quality.advice[0] if result.quality.advice else ""
        return Shot(result.jpeg, result.page, advice, number)
