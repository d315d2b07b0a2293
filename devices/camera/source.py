"""What every camera is to the code that reads it: a source of frames, and the one error it raises."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp"}


class CameraError(RuntimeError):
    """The camera cannot be opened or read; the message is for the station staff, in Chinese."""


class FrameSource(Protocol):
    """Something that yields BGR or grayscale frames; `read()` returns None at the end."""

    def read(self) -> np.ndarray | None: ...

    def close(self) -> None: ...
