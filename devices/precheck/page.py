"""From whatever the caller has to an upright page image the reader can use.

The kiosk passes the capture pipeline's flattened page (`devices.capture.capture(...).page` or its
JPEG); `diag precheck` and the benchmark pass raw document-camera photos, which are flattened here
with the capture room's own paper finder. Decoding is capped: a 20 000 × 20 000 PNG is refused
before it is decoded, not after it has taken a gigabyte.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from devices.capture.geometry import find_paper, skew_angle

MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest a document camera makes
PAGE_LONG_SIDE = 1800  # a flattened page is kept at most this long (≈ 150 dpi on A4)


class BadImage(ValueError):
    """The input is not a picture we can use; `str()` is one plain Chinese sentence."""


def _header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, without decoding the pixels."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                return int.from_bytes(data[i + 7 : i + 9], "big"), int.from_bytes(data[i + 5 : i + 7], "big")
            i += 2 + length
    return None


def decode_image(data: bytes) -> np.ndarray:
    """Encoded image bytes → BGR array, refusing huge or broken images with a Chinese sentence."""
    if not data:
        raise BadImage("文件是空的，不是照片。")
    size = _header_size(data)
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise BadImage(f"图片太大（{size[0]}×{size[1]} 像素），最多 {MAX_PIXELS // 1_000_000} 百万像素。")
    buffer = np.frombuffer(data, np.uint8)
    if size is None:  # other formats (BMP, TIFF, WebP): read the size through a reduced decode
        probe = cv2.imdecode(buffer, cv2.IMREAD_REDUCED_COLOR_8)
        if probe is None:
            raise BadImage("这不是能识别的图片文件。")
        if probe.shape[0] * probe.shape[1] * 64 > MAX_PIXELS:
            raise BadImage(f"图片太大，最多 {MAX_PIXELS // 1_000_000} 百万像素。")
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if image is None:
        raise BadImage("这不是能识别的图片文件，或者文件已损坏。")
    return image


def as_image(source: np.ndarray | bytes) -> np.ndarray:
    """A BGR (or gray) array, or encoded JPEG/PNG bytes → a BGR array."""
    if isinstance(source, bytes | bytearray | memoryview):
        return decode_image(bytes(source))
    image = np.asarray(source)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim != 3 or image.shape[2] not in (3, 4) or image.dtype != np.uint8:
        raise BadImage("图片格式不对：需要 8 位彩色或灰度图像。")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise BadImage(f"图片太大，最多 {MAX_PIXELS // 1_000_000} 百万像素。")
    if image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def flatten_paper(frame: np.ndarray) -> tuple[np.ndarray, bool]:
    """The paper found in a camera frame, flattened to its own proportions and levelled; the frame
    itself (scaled) when no paper edge is found, e.g. because it already is a flattened page.
    Returns (page, whether a paper was found in the frame)."""
    quad = find_paper(frame)
    if quad is None:
        quad = _find_small_paper(frame)
    if quad is None:
        return _limit(frame), False
    top, right, bottom, left = quad.side_lengths()
    width, height = (top + bottom) / 2, (left + right) / 2
    scale = min(1.0, PAGE_LONG_SIDE / max(width, height))
    # Text on small papers (an ID card fills a fifth of the frame) keeps its camera resolution:
    # the warp never enlarges, and the reader scales for its detector by itself.
    w, h = max(8, round(width * scale)), max(8, round(height * scale))
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    matrix = cv2.getPerspectiveTransform(quad.points.astype(np.float32), dst)
    page = cv2.warpPerspective(
        frame,
        matrix,
        (w, h),
        flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    angle = -skew_angle(page)
    if abs(angle) >= 0.3:
        rotation = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        page = cv2.warpAffine(page, rotation, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return page, True


def _find_small_paper(frame: np.ndarray):  # noqa: ANN202 - Quad | None
    """An ID card or a 残疾人证 covers only a few percent of the frame, under the paper finder's
    minimum: look again inside the box around the largest bright object, where it is large."""
    from devices.capture.geometry import Quad

    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    scale = 800.0 / max(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, bright = cv2.threshold(cv2.GaussianBlur(small, (7, 7), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    biggest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(biggest) < 0.01 * small.size:
        return None
    x, y, w, h = cv2.boundingRect(biggest)
    pad = int(0.25 * max(w, h))
    x0, y0 = max(0, x - pad), max(0, y - pad)
    x1, y1 = min(small.shape[1], x + w + pad), min(small.shape[0], y + h + pad)
    if (x1 - x0) * (y1 - y0) > 0.8 * small.size:
        return None
    inv = 1.0 / scale
    X0, Y0, X1, Y1 = int(x0 * inv), int(y0 * inv), int(x1 * inv), int(y1 * inv)
    quad = find_paper(frame[Y0:Y1, X0:X1])
    if quad is None:
        return None
    return Quad((quad.points + np.array([X0, Y0], np.float32)).astype(np.float32))


def _limit(image: np.ndarray) -> np.ndarray:
    long_side = max(image.shape[:2])
    if long_side <= PAGE_LONG_SIDE:
        return image
    scale = PAGE_LONG_SIDE / long_side
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def light_figures(page: np.ndarray) -> tuple[float, float]:
    """(median brightness 0–255, share of blown-out pixels) of a page: what "太暗" and "反光" mean."""
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    step = max(1, int(math.sqrt(gray.size / 250_000)))
    small = gray[::step, ::step]
    return float(np.median(small)), float(np.mean(small >= 250))


def sharpness(page: np.ndarray) -> float:
    """Variance of the Laplacian at the page's own resolution (never enlarged: enlarging a small
    ID-card page would make a sharp card look blurred), at most 1000 px wide."""
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    if gray.shape[1] > 1000:
        scale = 1000.0 / gray.shape[1]
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())
