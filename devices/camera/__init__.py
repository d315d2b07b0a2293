"""Cameras: the document camera (高拍仪) over the counter and the front camera that reads QR codes.

The same shape as devices/idcard: the interface (`source.FrameSource`, `CameraError`), the real
backend (`opencv.OpenCvCamera`), the simulator (`simulator.SimulatedCamera` with `SensorNoise`,
playing pictures drawn by `document_scenes` and `phone_scenes`), the document camera's worker
thread (`document_worker`), and `open_camera`, the one place that decides real or simulated.
The QR scanning worker is the scanner room's (devices/scanner/worker.py); capture (finding,
flattening and checking the paper) is devices/capture's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from devices.camera.source import IMAGE_SUFFIXES, CameraError, FrameSource

SIMULATOR = "simulator"

__all__ = ["SIMULATOR", "CameraError", "FrameSource", "open_camera"]


def open_camera(spec: str, *, simulated_pictures: Callable[[], list[Path]] | None = None,
                fps: float = 10.0) -> FrameSource:
    """Open the camera a configuration names (call it on a worker thread: a USB camera can take
    a second to open).

    `simulator` plays the pictures `simulated_pictures()` draws (each held a second, looped, with
    sensor noise); an image file is held in view; a number is a USB camera; anything else is a
    video device or file path. A simulator is refused on a real station before this is reached
    (kiosk.station.composition).
    """
    from devices.camera.simulator import SensorNoise, SimulatedCamera

    if spec == SIMULATOR:
        if simulated_pictures is None:
            raise CameraError("模拟摄像头没有可播放的画面")
        return SensorNoise(SimulatedCamera(simulated_pictures(), fps=fps, hold_s=1.0, loop=True))
    if Path(spec).suffix.lower() in IMAGE_SUFFIXES:
        return SimulatedCamera([spec], fps=fps, hold_s=1.0, loop=True)
    from devices.camera.opencv import OpenCvCamera

    return OpenCvCamera(int(spec) if spec.isdigit() else spec)
