"""One capture: frame in, flattened page + quality + JPEG out (what the kiosk and the CLI call)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from devices.capture.geometry import Quad, deskew, find_paper, flatten, skew_angle
from devices.capture.output import encode_jpeg
from devices.capture.presets import Preset
from devices.capture.quality import Quality, assess


@dataclass(frozen=True)
class Capture:
    """The result of capturing one frame. `page`/`jpeg` are None when no paper was found."""

    quad: Quad | None
    page: np.ndarray | None
    quality: Quality
    jpeg: bytes | None
    skew_deg: float = 0.0


def capture(frame: np.ndarray, target: Preset, encode: bool = True) -> Capture:
    """Find the paper, flatten, deskew, measure, and (if `encode`) make the capped JPEG."""
    quad = find_paper(frame)
    if quad is None:
        return Capture(None, None, assess(frame, None, None), None)
    page = flatten(frame, quad, target)
    angle = skew_angle(page)
    page = deskew(page, angle)
    quality = assess(frame, quad, page)
    jpeg = encode_jpeg(page, target.dpi, target.max_jpeg_bytes) if encode else None
    return Capture(quad, page, quality, jpeg, angle)
