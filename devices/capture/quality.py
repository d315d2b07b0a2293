"""Is the capture good enough to read? Blur, glare and framing, with advice in plain Chinese.

Blur is the variance of the Laplacian of the flattened page scaled to a fixed width (so the figure
does not depend on camera resolution); glare is the share of the page that is blown out (near
white and colourless) in blobs big enough to hide writing. Advice is written for the resident
standing at the kiosk, one short sentence each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from devices.capture.geometry import Quad

BLUR_MIN = 60.0          # variance of Laplacian at 1000 px width; below: too soft to read
GLARE_MAX = 0.004        # share of the page in blown-out blobs
PAPER_MIN_SHARE = 0.15   # paper smaller than this share of the frame: too far away
TILT_MAX_DEG = 25.0      # corner angles further than this from 90°: the paper is not flat

ADVICE_NO_PAPER = "没有找到材料，请把材料平放在拍摄区域内"
ADVICE_TOO_FAR = "材料太小，请放在拍摄区域中间"
ADVICE_TILTED = "请把材料放平"
ADVICE_BLUR = "图像模糊，请保持材料不动"
ADVICE_GLARE = "有反光，请调整角度"


@dataclass(frozen=True)
class Quality:
    """Measured figures and the advice to show; `ok` when there is nothing to fix."""

    blur: float
    glare: float
    paper_share: float
    tilt_deg: float
    advice: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.advice


def blur_score(page: np.ndarray) -> float:
    gray = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    scale = 1000.0 / gray.shape[1]
    gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1
                      else cv2.INTER_LINEAR)
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def glare_share(page: np.ndarray) -> float:
    """Share of the page in blown-out blobs (tiny specks of white paper do not count)."""
    if page.ndim == 2:
        blown = page >= 252
    else:
        hsv = cv2.cvtColor(page, cv2.COLOR_BGR2HSV)
        blown = (hsv[:, :, 2] >= 252) & (hsv[:, :, 1] <= 30)
    mask = blown.astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
    return float(np.count_nonzero(mask)) / mask.size


def assess(frame: np.ndarray, quad: Quad | None, page: np.ndarray | None) -> Quality:
    """Measure a capture; `quad`/`page` are None when no paper was found."""
    if quad is None or page is None:
        return Quality(0.0, 0.0, 0.0, 0.0, (ADVICE_NO_PAPER,))
    share = quad.area / float(frame.shape[0] * frame.shape[1])
    tilt = max(abs(a - 90.0) for a in quad.corner_angles())
    blur = blur_score(page)
    glare = glare_share(page)
    advice = []
    if share < PAPER_MIN_SHARE:
        advice.append(ADVICE_TOO_FAR)
    if tilt > TILT_MAX_DEG:
        advice.append(ADVICE_TILTED)
    if glare > GLARE_MAX:
        advice.append(ADVICE_GLARE)
    if blur < BLUR_MIN:
        advice.append(ADVICE_BLUR)
    return Quality(blur, glare, share, tilt, tuple(advice))
