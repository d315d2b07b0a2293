"""Synthetic document photographs: a rendered page, warped onto a textured table, then spoiled.

Made in the test, so the true corners are known and the corner error can be measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def render_page(width: int = 840, height: int = 1188, seed: int = 1) -> np.ndarray:
    """A white A4-shaped page with a title, ruled table and lines of 'text' (BGR)."""
    rng = np.random.default_rng(seed)
    page = np.full((height, width, 3), 232, np.uint8)
    cv2.putText(page, "APPLICATION FORM", (width // 6, 110), cv2.FONT_HERSHEY_DUPLEX, 1.6, (20, 20, 20), 3)
    y = 190
    while y < height - 260:
        x = 70
        while x < width - 140:
            word = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(3, 9))))
            cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (30, 30, 30), 2)
            x += 25 * len(word) + 20
        y += 46
    top = height - 240
    for i in range(5):
        cv2.line(page, (70, top + 40 * i), (width - 70, top + 40 * i), (40, 40, 40), 2)
    for x in (70, width // 2, width - 70):
        cv2.line(page, (x, top), (x, top + 160), (40, 40, 40), 2)
    cv2.circle(page, (width - 170, height - 330), 60, (40, 40, 200), 4)  # a red seal
    return page


def table_texture(height: int = 720, width: int = 1280, seed: int = 2) -> np.ndarray:
    """A wood-like brown table: grain stripes plus noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = 0.5 + 0.5 * np.sin(xx / 9.0 + 3 * np.sin(yy / 60.0)) * np.sin(yy / 140.0 + xx / 400.0)
    noise = rng.normal(0, 8, (height, width)).astype(np.float32)
    base = 95 + 35 * grain + noise
    table = np.stack([base * 0.55, base * 0.8, base * 1.05], axis=2)
    return np.clip(table, 0, 255).astype(np.uint8)


@dataclass
class Photo:
    frame: np.ndarray
    corners: np.ndarray  # true page corners in the frame: TL, TR, BR, BL
    page: np.ndarray


def photograph(page: np.ndarray, corners: np.ndarray, *, blur_sigma: float = 0.0, glare: float = 0.0,
               seed: int = 3) -> Photo:
    """Warp `page` onto the table at `corners`, then blur and add a glare spot of strength `glare`."""
    rng = np.random.default_rng(seed)
    table = table_texture(seed=seed)
    h, w = page.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    size = (table.shape[1], table.shape[0])
    warped = cv2.warpPerspective(page, matrix, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size)
    frame = np.where(mask[:, :, None] > 127, warped, table)
    # uneven lighting, as under a desk lamp
    yy, xx = np.mgrid[0:size[1], 0:size[0]].astype(np.float32)
    light = 0.85 + 0.15 * np.exp(-((xx - 500) ** 2 + (yy - 300) ** 2) / (2 * 500.0 ** 2))
    frame = np.clip(frame.astype(np.float32) * light[:, :, None], 0, 255)
    if glare > 0:
        cx, cy = corners.mean(axis=0) + rng.normal(0, 30, 2)
        spot = np.exp(-((xx - cx) ** 2 / (2 * 70.0 ** 2) + (yy - cy) ** 2 / (2 * 45.0 ** 2)))
        frame = np.clip(frame + glare * 255 * spot[:, :, None], 0, 255)
    frame = frame + rng.normal(0, 2.0, frame.shape)
    frame = np.clip(frame, 0, 255).astype(np.uint8)
    if blur_sigma > 0:
        frame = cv2.GaussianBlur(frame, (0, 0), blur_sigma)
    return Photo(frame, corners.astype(np.float32), page)


def tilted_corners(seed: int, spread: float = 40.0) -> np.ndarray:
    """Corners of a portrait page about 600 px tall near the frame centre, each moved at random."""
    rng = np.random.default_rng(seed)
    base = np.array([[430, 70], [850, 70], [850, 660], [430, 660]], np.float32)
    return base + rng.uniform(-spread, spread, (4, 2)).astype(np.float32)
