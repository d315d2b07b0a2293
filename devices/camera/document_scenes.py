"""Synthetic photographs of papers on a table, for the simulated document camera.

Why generated and not shipped: the demo and the tests need camera frames that look like a real
高拍仪 view (a page or an ID card, a little tilted, on a textured table, under uneven light), and
making them takes a fraction of a second, so no binary pictures live in the repository. The same
recipe as the capture room's tests (tests/capture/capture_synth.py), which is not importable from
the product.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np

FRAME_SIZE = (1280, 720)  # width, height of a camera frame


def _words(page: np.ndarray, rng: np.random.Generator, left: int, top: int, right: int, bottom: int,
           scale: float, step: int) -> None:
    y = top
    while y < bottom:
        x = left
        while x < right - 60:
            word = "".join(chr(int(c)) for c in rng.integers(65, 91, int(rng.integers(3, 8))))
            cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (35, 35, 35), 2)
            x += int(25 * scale / 0.8) * len(word) + 20
        y += step


def render_page(seed: int = 1) -> np.ndarray:
    """An A4-shaped form: a title, lines of 'text', a ruled table and a red seal (BGR)."""
    width, height = 840, 1188
    rng = np.random.default_rng(seed)
    page = np.full((height, width, 3), 236, np.uint8)
    cv2.putText(page, "CERTIFICATE", (width // 4, 110), cv2.FONT_HERSHEY_DUPLEX, 1.6, (20, 20, 20), 3)
    _words(page, rng, 70, 190, width - 70, height - 280, 0.8, 46)
    top = height - 240
    for i in range(5):
        cv2.line(page, (70, top + 40 * i), (width - 70, top + 40 * i), (40, 40, 40), 2)
    for x in (70, width // 2, width - 70):
        cv2.line(page, (x, top), (x, top + 160), (40, 40, 40), 2)
    cv2.circle(page, (width - 170, height - 330), 60, (40, 40, 200), 4)
    return page


def render_card(seed: int = 4) -> np.ndarray:
    """An ID-card-shaped card (85.6 × 54 mm, landscape): a photo box and lines of text (BGR)."""
    width, height = 856, 540
    rng = np.random.default_rng(seed)
    card = np.full((height, width, 3), (225, 232, 238), np.uint8)
    cv2.rectangle(card, (590, 90), (800, 360), (150, 160, 170), -1)     # the portrait
    cv2.circle(card, (695, 190), 55, (110, 120, 130), -1)
    _words(card, rng, 50, 100, 560, 400, 0.9, 56)
    cv2.putText(card, "110105194912310021", (200, 480), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3)
    return card


def table_texture(seed: int = 2) -> np.ndarray:
    """A wood-like brown table: grain stripes plus noise."""
    width, height = FRAME_SIZE
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    grain = 0.5 + 0.5 * np.sin(xx / 9.0 + 3 * np.sin(yy / 60.0)) * np.sin(yy / 140.0 + xx / 400.0)
    base = 95 + 35 * grain + rng.normal(0, 8, (height, width)).astype(np.float32)
    table = np.stack([base * 0.55, base * 0.8, base * 1.05], axis=2)
    return np.clip(table, 0, 255).astype(np.uint8)


def photograph(paper: np.ndarray | None, corners: np.ndarray | None, *, glare: float = 0.0,
               seed: int = 3) -> np.ndarray:
    """`paper` warped onto the table at `corners` (TL, TR, BR, BL), lamp light, optional glare."""
    rng = np.random.default_rng(seed)
    frame = table_texture(seed=seed).astype(np.float32)
    width, height = FRAME_SIZE
    if paper is not None and corners is not None:
        h, w = paper.shape[:2]
        src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
        matrix = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
        warped = cv2.warpPerspective(paper, matrix, FRAME_SIZE, flags=cv2.INTER_AREA)
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, FRAME_SIZE)
        frame = np.where(mask[:, :, None] > 127, warped.astype(np.float32), frame)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 0.85 + 0.15 * np.exp(-((xx - 500) ** 2 + (yy - 300) ** 2) / (2 * 500.0 ** 2))
    frame = frame * light[:, :, None]
    if glare > 0 and corners is not None:
        cx, cy = corners.mean(axis=0)
        spot = np.exp(-((xx - cx) ** 2 / (2 * 80.0 ** 2) + (yy - cy) ** 2 / (2 * 55.0 ** 2)))
        frame = frame + glare * 255 * spot[:, :, None]
    frame = frame + rng.normal(0, 2.0, frame.shape)
    return np.clip(frame, 0, 255).astype(np.uint8)


PAGE_CORNERS = np.array([[452, 58], [838, 72], [850, 662], [436, 650]], np.float32)
CARD_CORNERS = np.array([[330, 170], [950, 188], [940, 572], [322, 556]], np.float32)


def empty_table(seed: int = 9) -> np.ndarray:
    """The bare table under the lamp, no paper: only for tests that ask what a photo of nothing
    does (never in what the simulated camera plays by itself)."""
    return photograph(None, None, seed=seed)


def scenes(kind: str = "page") -> list[np.ndarray]:
    """What a resident does at the camera: the paper with a reflection, then the paper laid well.
    `kind` is "page" (A4, 户口簿) or "card" (ID card). There is no empty table here: the simulated
    camera must never hand out a photo of nothing by accident (a shot taken as the scene changed
    used to be the bare desk); `empty_table` is for the tests that ask for one."""
    paper, corners = (render_card(), CARD_CORNERS) if kind == "card" else (render_page(), PAGE_CORNERS)
    return [
        photograph(paper, corners, glare=0.9),
        photograph(paper, corners),
    ]


def write_scenes(kind: str, folder: Path | None = None) -> list[Path]:
    """Write the scenes as PNG files (the simulated camera plays files); the good one three times
    over so a resident who presses 拍照 soon gets a usable frame. Returns the play list."""
    folder = Path(folder or tempfile.mkdtemp(prefix="kiosk-camera-"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, frame in enumerate(scenes(kind)):
        path = folder / f"{kind}-{n}.png"
        cv2.imwrite(str(path), frame)
        paths.append(path)
    glare, good = paths
    return [glare, good, good, good]
