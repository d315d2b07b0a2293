"""One capture: frame in, flattened page + quality + JPEG out (what the kiosk and the CLI call)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from devices.capture.geometry import Quad, find_paper, flatten, skew_angle
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


def check(frame: np.ndarray, target: Preset) -> tuple[Quad | None, float, Quality]:
    """The live-preview step, cheap enough for every camera frame: find the paper, measure skew,
    blur and glare on a 1000-px-wide flattened preview. Returns (quad, the deskew rotation in
    degrees, quality)."""
    quad = find_paper(frame)
    if quad is None:
        return None, 0.0, assess(frame, None, None)
    preview_scale = min(1.0, 1000.0 / target.pixels()[0])
    preview = flatten(frame, quad, target, scale=preview_scale)
    angle = -skew_angle(preview)  # the rotation that levels the text lines
    if angle:
        preview = flatten(frame, quad, target, scale=preview_scale, rotate_deg=angle)
    return quad, angle, assess(frame, quad, preview)


def capture(frame: np.ndarray, target: Preset, encode: bool = True) -> Capture:
    """Find the paper, flatten, deskew, measure, and (if `encode`) make the capped JPEG.

    The full-size page is warped once, with the deskew folded into the same transform.
    """
    quad, angle, quality = check(frame, target)
    if quad is None:
        return Capture(None, None, quality, None)
    page = flatten(frame, quad, target, rotate_deg=angle)
    jpeg = encode_jpeg(page, target.dpi, target.max_jpeg_bytes) if encode else None
    return Capture(quad, page, quality, jpeg, angle)
