"""Find the paper in a camera frame and flatten it (OpenCV, pure functions on arrays).

Finding: the paper is the largest convex quadrilateral of plausible size. Two candidate masks are
tried, because either alone fails on some tables: edges (Canny, closed) find a page on a light
table; brightness (Otsu on a blurred frame) finds a white page whose edges are washed out or
broken by glare. Flattening: a perspective warp to the preset's size at its dpi, portrait or
landscape as the paper lies, then a small deskew from the text lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from devices.capture.presets import Preset

MIN_AREA_FRACTION = 0.08
# Grey levels between a thin band just inside the quadrilateral and one just outside it. Paper on
# a table differs by 90–120 in the synthetic photographs, a white page on a light desk by some
# tens; the edge of a desk lamp's pool of light on a bare table by under 1 — which Otsu's
# threshold happily outlines as a "page" (28 of 30 bare tables were taken for paper).
EDGE_CONTRAST_MIN = 12.0
_BAND = np.ones((9, 9), np.uint8)


@dataclass(frozen=True)
class Quad:
    """Four corners, ordered top-left, top-right, bottom-right, bottom-left (float pixels)."""

    points: np.ndarray  # shape (4, 2), float32

    @property
    def area(self) -> float:
        return float(cv2.contourArea(self.points.astype(np.float32)))

    def side_lengths(self) -> list[float]:
        p = self.points
        return [float(np.linalg.norm(p[i] - p[(i + 1) % 4])) for i in range(4)]

    def corner_angles(self) -> list[float]:
        """Interior angles in degrees (90 for a paper seen straight on)."""
        p = self.points
        angles = []
        for i in range(4):
            a, b, c = p[i - 1], p[i], p[(i + 1) % 4]
            v1, v2 = a - b, c - b
            cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-9))
            angles.append(math.degrees(math.acos(max(-1.0, min(1.0, cos)))))
        return angles


def order_corners(points: np.ndarray) -> np.ndarray:
    """Order four points as top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    s = pts.sum(axis=1)
    d = np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]],
                    dtype=np.float32)


def find_paper(frame: np.ndarray) -> Quad | None:
    """The largest plausible quadrilateral in the frame, or None when there is no paper."""
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    scale = 800.0 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    scale = min(scale, 1.0)
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    edges = cv2.Canny(blurred, 40, 120)
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    _, bright = cv2.threshold(cv2.GaussianBlur(small, (9, 9), 0), 0, 255,
                              cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
    best: np.ndarray | None = None
    best_area = MIN_AREA_FRACTION * small.shape[0] * small.shape[1]
    for mask, mode in ((edges, cv2.RETR_LIST), (bright, cv2.RETR_EXTERNAL)):
        contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            quad = _as_quad(contour)
            if quad is None:
                continue
            area = cv2.contourArea(quad)
            if area > best_area * 1.02 and _plausible(quad, small.shape) and _stands_out(quad, small):
                best, best_area = quad, area
    if best is None:
        return None
    return Quad(order_corners(best.reshape(4, 2) / scale))


def _as_quad(contour: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            return approx.astype(np.float32)
    return None


def _plausible(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    q = Quad(order_corners(quad.reshape(4, 2)))
    if not all(35.0 <= a <= 145.0 for a in q.corner_angles()):
        return False
    sides = q.side_lengths()
    if min(sides) < 0.08 * max(shape[:2]):
        return False
    # A quad hugging the whole frame border is the frame, not the paper.
    h, w = shape[:2]
    margin = 2
    on_border = sum(1 for x, y in q.points if x <= margin or y <= margin or x >= w - 1 - margin
                    or y >= h - 1 - margin)
    return on_border < 4


def _stands_out(quad: np.ndarray, gray: np.ndarray) -> bool:
    """Is there a step in brightness across the quadrilateral's outline, as at a paper's edge?
    Why: a quadrilateral of plausible shape is not yet a paper — the pool of a desk lamp's light
    on a bare table is one too, and a photo of nothing must never be taken for a document."""
    mask = np.zeros(gray.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, quad.reshape(4, 2).astype(np.int32), 255)
    inner = cv2.subtract(mask, cv2.erode(mask, _BAND))
    outer = cv2.subtract(cv2.dilate(mask, _BAND), mask)
    if not cv2.countNonZero(inner) or not cv2.countNonZero(outer):
        return False
    return abs(cv2.mean(gray, inner)[0] - cv2.mean(gray, outer)[0]) >= EDGE_CONTRAST_MIN


def page_transform(quad: Quad, target: Preset, scale: float = 1.0,
                   rotate_deg: float = 0.0) -> tuple[np.ndarray, tuple[int, int]]:
    """The homography from frame to flattened page (portrait or landscape as the paper lies), at
    `scale` × the preset's size, with an optional deskew rotation about the page centre folded in
    (one warp instead of two: each warp of an A4 page at 200 dpi costs tens of milliseconds)."""
    top, right, bottom, left = (quad.side_lengths()[i] for i in range(4))
    landscape = (top + bottom) > (left + right)
    full_w, full_h = target.pixels(landscape=landscape)
    width, height = max(1, round(full_w * scale)), max(1, round(full_h * scale))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.points.astype(np.float32), dst)
    if abs(rotate_deg) >= 0.1:
        rotation = np.vstack([cv2.getRotationMatrix2D((width / 2, height / 2), rotate_deg, 1.0), [0, 0, 1]])
        matrix = rotation @ matrix
    return matrix, (width, height)


def flatten(frame: np.ndarray, quad: Quad, target: Preset, scale: float = 1.0,
            rotate_deg: float = 0.0) -> np.ndarray:
    """Perspective-correct (and optionally deskew) the paper to the preset's size × `scale`."""
    matrix, size = page_transform(quad, target, scale, rotate_deg)
    return cv2.warpPerspective(frame, matrix, size, flags=cv2.INTER_CUBIC if scale >= 1 else cv2.INTER_AREA,
                               borderMode=cv2.BORDER_REPLICATE)


def skew_angle(page: np.ndarray, limit_deg: float = 5.0) -> float:
    """Residual text-line skew in degrees (positive = counter-clockwise), 0 when unsure."""
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    # Hough on a 600-px image is ~10× cheaper than at 1000 px; text lines and table rules are
    # long enough there, and the median of many segment angles is finer than the 0.5° bins.
    scale = 600.0 / max(gray.shape)
    if scale < 1:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 15)
    lines = cv2.HoughLinesP(ink, 1, math.pi / 360, threshold=60, minLineLength=gray.shape[1] // 4,
                            maxLineGap=8)
    if lines is None:
        return 0.0
    angles = []
    for x1, y1, x2, y2 in lines.reshape(-1, 4):
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        if abs(angle) <= limit_deg:
            angles.append(angle)
    if len(angles) < 3:
        return 0.0
    return -float(np.median(angles))
