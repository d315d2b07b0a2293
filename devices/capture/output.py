"""Captured pages out: a JPEG under a size cap, and several pages into one PDF.

JPEG through Pillow (so the file carries its dpi, and the PDF page gets the paper's real size);
the quality is searched downwards until the file fits the cap, and only if even quality 40 does
not fit is the image scaled down. The PDF through img2pdf, which wraps the JPEG bytes unchanged
(no second compression, no Qt), with each page sized from the JPEG's dpi.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import cv2
import numpy as np

QUALITIES = (90, 85, 80, 75, 70, 65, 60, 55, 50, 45, 40)


class CaptureOutputError(RuntimeError):
    """A page could not be written; the message is in Chinese."""


def encode_jpeg(page: np.ndarray, dpi: int, max_bytes: int) -> bytes:
    """JPEG bytes of `page` (BGR or gray) no larger than `max_bytes`, tagged with `dpi`."""
    from PIL import Image

    rgb = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2RGB)
    image = Image.fromarray(rgb)
    effective_dpi = dpi
    for _ in range(4):
        for quality in QUALITIES:
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=quality, dpi=(effective_dpi, effective_dpi),
                       optimize=True, subsampling="4:2:0")
            if buffer.tell() <= max_bytes:
                return buffer.getvalue()
        # Still too big at the lowest quality: scale down (the page keeps its physical size).
        image = image.resize((int(image.width * 0.85), int(image.height * 0.85)), Image.LANCZOS)
        effective_dpi = max(1, round(effective_dpi * 0.85))
    raise CaptureOutputError(f"图片无法压缩到 {max_bytes // 1000} KB 以内")


def pages_to_pdf(jpegs: Sequence[bytes]) -> bytes:
    """One PDF with one page per JPEG, each page the size the JPEG's dpi gives."""
    import img2pdf

    if not jpegs:
        raise CaptureOutputError("没有可以合成 PDF 的页面")
    try:
        return img2pdf.convert(list(jpegs))
    except Exception as exc:  # img2pdf raises its own error types for bad images
        raise CaptureOutputError(f"合成 PDF 失败：{exc}") from exc
