"""Ink: what a handwriting pad gives (strokes of (x, y) points on a W×H pad) and the geometry every
recogniser shares. Pure: no I/O beyond parsing a JSON document handed in, no clock.

Why one module: the template matcher's model is compiled from stroke data with the same
normalising and resampling code that runs on a resident's strokes, so the two can never drift
apart; and the diag command, the benchmark and the UI all read ink through `Ink.from_json`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

Point = tuple[float, float]
MAX_STROKES = 64          # a character has at most ~36 strokes; more is a scribble or a bad file
MAX_POINTS = 4096         # per stroke


class InkError(ValueError):
    """The ink cannot be used; the message is one plain Chinese sentence for the person."""


@dataclass(frozen=True)
class Ink:
    """Strokes in pad pixels (y grows downwards), in the order written, and the pad's size."""

    strokes: tuple[tuple[Point, ...], ...]
    width: float
    height: float

    @classmethod
    def of(cls, strokes: Any, width: float, height: float) -> Ink:
        """Check and freeze strokes from the UI or a file: `[[[x, y], ...], ...]`.

        Raises `InkError` (a Chinese sentence) rather than letting a malformed list reach numpy.
        Empty strokes are dropped (a tap that left no point); NaN and infinities are refused.
        """
        if not _is_number(width) or not _is_number(height) or width <= 0 or height <= 0:
            raise InkError("书写板的宽度和高度必须是正数。")
        if not isinstance(strokes, (list, tuple)):
            raise InkError("笔画数据应当是一个列表，每一笔是若干 [x, y] 点。")
        if len(strokes) > MAX_STROKES:
            raise InkError(f"笔画太多（{len(strokes)} 笔），一个字最多 {MAX_STROKES} 笔。")
        frozen: list[tuple[Point, ...]] = []
        for number, stroke in enumerate(strokes, 1):
            if not isinstance(stroke, (list, tuple)):
                raise InkError(f"第 {number} 笔不是点的列表。")
            if len(stroke) > MAX_POINTS:
                raise InkError(f"第 {number} 笔的点太多（{len(stroke)} 个）。")
            points: list[Point] = []
            for point in stroke:
                if (not isinstance(point, (list, tuple)) or len(point) != 2
                        or not _is_number(point[0]) or not _is_number(point[1])):
                    raise InkError(f"第 {number} 笔中有一个点不是 [x, y] 两个数。")
                points.append((float(point[0]), float(point[1])))
            if points:
                frozen.append(tuple(points))
        return cls(tuple(frozen), float(width), float(height))

    @classmethod
    def from_json(cls, document: Any) -> Ink:
        """`{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}` as the diag command reads it."""
        if not isinstance(document, dict):
            raise InkError("文件内容应当是一个 JSON 对象，含 width、height 和 strokes。")
        missing = [key for key in ("width", "height", "strokes") if key not in document]
        if missing:
            raise InkError(f"文件缺少 {'、'.join(missing)}。")
        return cls.of(document["strokes"], document["width"], document["height"])

    def to_json(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height,
                "strokes": [[[round(x, 1), round(y, 1)] for x, y in s] for s in self.strokes]}

    def arrays(self) -> list[np.ndarray]:
        return [np.asarray(s, dtype=np.float64) for s in self.strokes]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def normalise(strokes: list[np.ndarray]) -> list[np.ndarray]:
    """Move and scale the strokes so the character's box is centred in the unit square, keeping its
    shape (the longer side becomes 1, so a flat 一 stays flat). Why the box and not the pad:
    residents write big, small, or in a corner of the pad; only the character's own extent says
    where its parts are.
    """
    points = np.concatenate(strokes) if strokes else np.zeros((1, 2))
    low, high = points.min(axis=0), points.max(axis=0)
    centre = (low + high) / 2
    size = max(float((high - low).max()), 1e-6)
    return [(s - centre) / size + 0.5 for s in strokes]


def resample(stroke: np.ndarray, count: int) -> np.ndarray:
    """`count` points evenly spaced along the stroke's length (a dot gives `count` copies).

    Why: pads report points at the rate the finger moved (dense where slow, sparse where fast);
    comparing shapes needs points placed by distance, not by time.
    """
    if len(stroke) == 1:
        return np.repeat(stroke[:1], count, axis=0)
    steps = np.sqrt(((stroke[1:] - stroke[:-1]) ** 2).sum(axis=1))
    along = np.concatenate([[0.0], np.cumsum(steps)])
    total = along[-1]
    if total <= 1e-9:
        return np.repeat(stroke[:1], count, axis=0)
    targets = np.linspace(0.0, total, count)
    return np.stack([np.interp(targets, along, stroke[:, 0]),
                     np.interp(targets, along, stroke[:, 1])], axis=1)


def stroke_length(stroke: np.ndarray) -> float:
    return float(np.sqrt(((stroke[1:] - stroke[:-1]) ** 2).sum(axis=1)).sum()) if len(stroke) > 1 else 0.0


GRID = 8            # spatial cells per side of the direction feature
DIRECTIONS = 8      # pen directions (every 45°)
FEATURE_SIZE = GRID * GRID * DIRECTIONS
STEP = 1.0 / 48     # densify strokes to this spacing (unit square) before taking directions


def direction_feature(strokes: list[np.ndarray]) -> np.ndarray:
    """Where the pen moved in which direction: an 8×8 grid × 8 directions, soft-binned, square-rooted
    and L2-normalised (a 512-float32 vector; the dot product of two is their similarity).

    Why this feature for the first pass: it does not care about stroke order, joined or broken
    strokes, which elderly writers produce often, and it compares against every template in one
    matrix product. `strokes` must already be `normalise`d.
    """
    segments: list[np.ndarray] = []
    for stroke in strokes:
        # Capped: a scribble (or a malformed file) of huge zigzags must not cost seconds.
        count = min(max(2, int(math.ceil(stroke_length(stroke) / STEP)) + 1), 400)
        dense = resample(stroke, count) if len(stroke) > 1 else stroke
        if len(dense) > 1:
            segments.append(np.concatenate([dense[:-1], dense[1:]], axis=1))
    feature = np.zeros((GRID, GRID, DIRECTIONS), dtype=np.float64)
    if not segments:
        # Only dots: put their weight where they are, in no particular direction.
        for stroke in strokes:
            _splat(feature, stroke[:, 0], stroke[:, 1], np.full(len(stroke), 0.0), np.full(len(stroke), 0.05))
    else:
        seg = np.concatenate(segments)
        dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
        length = np.sqrt(dx * dx + dy * dy)
        keep = length > 1e-9
        mid_x, mid_y = (seg[keep, 0] + seg[keep, 2]) / 2, (seg[keep, 1] + seg[keep, 3]) / 2
        angle = np.arctan2(dy[keep], dx[keep]) % (2 * math.pi) / (2 * math.pi / DIRECTIONS)
        _splat(feature, mid_x, mid_y, angle, length[keep])
    flat = np.sqrt(_blur(feature).reshape(-1))
    norm = np.linalg.norm(flat)
    return (flat / norm if norm > 0 else flat).astype(np.float32)


def _splat(feature: np.ndarray, x: np.ndarray, y: np.ndarray, direction: np.ndarray,
           weight: np.ndarray) -> None:
    """Add `weight` at (x, y, direction), shared linearly among the neighbouring cells and the two
    nearest directions, so a stroke moved by a hair changes the feature by a hair."""
    gx = np.clip(x * GRID - 0.5, 0, GRID - 1)
    gy = np.clip(y * GRID - 0.5, 0, GRID - 1)
    x0, y0 = np.floor(gx).astype(int), np.floor(gy).astype(int)
    x1, y1 = np.minimum(x0 + 1, GRID - 1), np.minimum(y0 + 1, GRID - 1)
    fx, fy = gx - x0, gy - y0
    d0 = np.floor(direction).astype(int) % DIRECTIONS
    d1 = (d0 + 1) % DIRECTIONS
    fd = direction - np.floor(direction)
    for xi, wx in ((x0, 1 - fx), (x1, fx)):
        for yi, wy in ((y0, 1 - fy), (y1, fy)):
            for di, wd in ((d0, 1 - fd), (d1, fd)):
                np.add.at(feature, (yi, xi, di), weight * wx * wy * wd)


def _blur(feature: np.ndarray) -> np.ndarray:
    """A [1 2 1] smoothing across cells: tolerance for where a part sits, which varies by writer."""
    padded = np.pad(feature, ((1, 1), (1, 1), (0, 0)), mode="edge")
    rows = padded[:-2] + 2 * padded[1:-1] + padded[2:]
    return rows[:, :-2] + 2 * rows[:, 1:-1] + rows[:, 2:]
