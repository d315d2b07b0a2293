"""The scanning worker thread: frames from a camera (devices.camera) in, each new code out once.

The worker owns its decoder and tracker (decoders are not thread-safe) and reports through
callbacks, so the Qt layer can turn them into signals and a script can just print. A camera that
cannot be opened or stops delivering frames becomes an `on_error` with a Chinese message and the
worker ends; it never raises into the caller's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import cv2
import numpy as np

from devices.camera.source import CameraError, FrameSource
from devices.scanner.ensemble import EnsembleDecoder
from devices.scanner.tracker import SeenTracker
from devices.scanner.types import Symbol


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
