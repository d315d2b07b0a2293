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


# What the fake papers say: plain made-up Chinese (the demo showed "CERTIFICATE" and random Latin
# letters on a Chinese government kiosk). Nobody's data: the names are marked 示例.
_SENTENCES = (
    "兹证明张某某（示例）系本村常住居民，户籍所在地为本镇示例村一组。",
    "该同志在本辖区居住满三年，遵纪守法，无不良记录，特此证明。",
    "本证明仅用于办理相关政务服务事项，复印无效，有效期六个月。",
    "如有疑问，请与示例村村民委员会联系，联系电话见村务公开栏。",
)


Writes = list[tuple[tuple[int, int], str, int]]     # (x, y), text, size in px


def _chinese(image: np.ndarray, writes: Writes) -> np.ndarray:
    """Draw Chinese text onto a BGR image (OpenCV's fonts have no Chinese): (x, y), text, size px."""
    from PIL import Image, ImageDraw

    from devices.precheck.synthetic import _font

    picture = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    draw = ImageDraw.Draw(picture)
    for (x, y), text, size in writes:
        draw.text((x, y), text, font=_font("serif_bold" if size >= 48 else "serif", size), fill=(30, 30, 30))
    return cv2.cvtColor(np.asarray(picture), cv2.COLOR_RGB2BGR)


def _lines(left: int, top: int, right: int, bottom: int, size: int, step: int) -> Writes:
    """Lines of the sentences above, as many as fit, each cut to the width."""
    per_line = max(1, (right - left) // size)
    text = "".join(_SENTENCES) * 4
    writes: Writes = []
    y, start = top, 0
    while y + size < bottom:
        writes.append(((left, y), text[start:start + per_line], size))
        start += per_line
        y += step
    return writes


def render_page(seed: int = 1) -> np.ndarray:
    """An A4-shaped 证明: a title, lines of Chinese text, a ruled table and a red seal (BGR).
    `seed` is kept for the callers; the page is the same every time."""
    width, height = 840, 1188
    page = np.full((height, width, 3), 236, np.uint8)
    top = height - 240
    for i in range(5):
        cv2.line(page, (70, top + 40 * i), (width - 70, top + 40 * i), (40, 40, 40), 2)
    for x in (70, width // 2, width - 70):
        cv2.line(page, (x, top), (x, top + 160), (40, 40, 40), 2)
    cv2.circle(page, (width - 170, height - 330), 60, (40, 40, 200), 4)
    return _chinese(page, page_writes(width, height))


def page_writes(width: int = 840, height: int = 1188) -> Writes:
    """What the fake 证明 says, where (render_page draws it)."""
    top = height - 240
    return [((width // 2 - 110, 70), "证  明", 64), *_lines(70, 190, width - 70, height - 380, 30, 46),
            ((80, top + 6), "申请人（示例）", 26), ((width // 2 + 10, top + 6), "办理日期", 26),
            ((80, top + 46), "事项", 26), ((width // 2 + 10, top + 46), "经办人", 26)]


def render_card(seed: int = 4) -> np.ndarray:
    """An ID-card-shaped card (85.6 × 54 mm, landscape): a photo box and its fields in Chinese (BGR)."""
    width, height = 856, 540
    card = np.full((height, width, 3), (225, 232, 238), np.uint8)
    cv2.rectangle(card, (590, 90), (800, 360), (150, 160, 170), -1)     # the portrait
    cv2.circle(card, (695, 190), 55, (110, 120, 130), -1)
    card = _chinese(card, card_writes())
    cv2.putText(card, "110105194912310021", (250, 480), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3)
    return card


def card_writes() -> Writes:
    """What the fake card says, where (render_card draws it, and the number in OpenCV's digits)."""
    fields = [("姓  名", "张某某（示例）"), ("性  别", "男    民族  汉"), ("出  生", "1949 年 12 月 31 日"),
              ("住  址", "示例省示例市示例村"), ("", "一组 8 号")]
    writes: Writes = []
    for n, (label, value) in enumerate(fields):
        writes += [((50, 90 + 56 * n), label, 30), ((170, 90 + 56 * n), value, 32)]
    writes.append(((50, 456), "公民身份号码", 28))
    return writes


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
