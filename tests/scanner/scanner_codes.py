"""Helpers for the scanner tests: QR images made with segno, photo-set location."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np


def qr_image(qr: object, scale: int = 4) -> np.ndarray:
    """A segno symbol as a grayscale array, with the standard 4-module quiet zone."""
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)  # type: ignore[attr-defined]
    return cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)


def side_by_side(images: list[np.ndarray], gap: int = 20) -> np.ndarray:
    height = max(i.shape[0] for i in images) + 2 * gap
    width = sum(i.shape[1] + gap for i in images) + gap
    canvas = np.full((height, width), 255, np.uint8)
    x = gap
    for image in images:
        canvas[gap:gap + image.shape[0], x:x + image.shape[1]] = image
        x += image.shape[1] + gap
    return canvas


def in_720p_frame(gray: np.ndarray, background: int = 128) -> np.ndarray:
    frame = np.full((720, 1280), background, np.uint8)
    h, w = gray.shape
    y, x = (720 - h) // 2, (1280 - w) // 2
    frame[y:y + h, x:x + w] = gray
    return frame


def photo_set() -> Path | None:
    """../shared/benchmarks/qr-photos beside the repository (wherever the repository is cloned)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "benchmarks" / "qr-photos"
        if candidate.is_dir():
            return candidate
    return None
