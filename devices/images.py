"""Reading an image file from outside, with one decoded-pixel cap checked from the header first.

Why: a 20000×20000 PNG is 76 KB on disk and 400 megapixels decoded; `diag scan` took 1.3 GB and
6 s on it before answering anything. Every image reader in devices/ (scanner, document capture,
the simulated cameras) goes through `read_image`, which reads only the header (Pillow opens
lazily: the size is known before a single pixel is decoded) and refuses anything over
`MAX_PIXELS` with a Chinese sentence. Only then does OpenCV decode it.

The cap is far above any real camera: a document camera's largest frame is about 16 MP
(4608×3456), an A4 page scanned at 600 dpi 35 MP.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

MAX_PIXELS = 40_000_000


class ImageRefused(Exception):
    """An image file that is missing, unreadable or over the pixel cap; `str(exc)` is Chinese."""


def image_size(path: str | Path) -> tuple[int, int]:
    """(width, height) from the file's header alone, or ImageRefused."""
    from PIL import Image, UnidentifiedImageError

    path = Path(path)
    if not path.is_file():
        raise ImageRefused(f"无法读取图片 {path.name}：找不到文件。")
    try:
        with warnings.catch_warnings():
            # over Pillow's own bomb threshold it warns or raises on open: the cap below decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return image.size
    except Image.DecompressionBombError:
        too_many = f"图片 {path.name} 像素过多（超过 {MAX_PIXELS // 10_000} 万像素），不予读取。"
        raise ImageRefused(too_many) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRefused(f"无法读取图片 {path.name}（文件已损坏或格式不支持）。") from None


def check_pixels(width: int, height: int, name: str = "图片") -> None:
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            f"{name}有 {width}×{height} 像素，超过上限 {MAX_PIXELS // 10_000} 万像素，不予读取；"
            "请用不超过 4000 万像素的照片。")


def read_image(path: str | Path, *, gray: bool = False) -> np.ndarray:
    """Decode an image file (BGR, or one channel with `gray`) within the pixel cap."""
    import cv2

    width, height = image_size(path)
    check_pixels(width, height, f"图片 {Path(path).name} ")
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE if gray else cv2.IMREAD_COLOR)
    if image is None:
        raise ImageRefused(f"无法读取图片 {Path(path).name}（文件已损坏或格式不支持）。")
    return image
