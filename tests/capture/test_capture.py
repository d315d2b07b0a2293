"""Document capture on synthetic photographs: corners found, page flat and readable, advice right."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from capture_synth import photograph, render_page, tilted_corners  # noqa: E402

from devices.capture import capture, pages_to_pdf, preset  # noqa: E402
from devices.capture.output import encode_jpeg  # noqa: E402
from devices.capture.quality import ADVICE_BLUR, ADVICE_GLARE, ADVICE_NO_PAPER  # noqa: E402

MAX_CORNER_ERROR_PX = 8.0  # in a 1280×720 frame; the page is about 600 px tall


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return render_page()


def _corner_error(found: np.ndarray, true: np.ndarray) -> float:
    return float(np.max(np.linalg.norm(found - true, axis=1)))


def _similarity(flat: np.ndarray, original: np.ndarray) -> float:
    """Normalised cross-correlation of the flattened page and the original, both 210 px wide and
    softened, so it measures layout (a page turned, mirrored or cropped wrong scores near 0)."""
    a = cv2.cvtColor(cv2.resize(flat, (210, 297), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    b = cv2.cvtColor(cv2.resize(original, (210, 297), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    a = cv2.GaussianBlur(a.astype(np.float32), (0, 0), 2.0)
    b = cv2.GaussianBlur(b.astype(np.float32), (0, 0), 2.0)
    a = (a - a.mean()) / (a.std() + 1e-6)
    b = (b - b.mean()) / (b.std() + 1e-6)
    return float((a * b).mean())


@pytest.mark.parametrize("seed", range(4))
def test_warped_page_comes_back_flat(page: np.ndarray, seed: int) -> None:
    photo = photograph(page, tilted_corners(seed), seed=seed)
    result = capture(photo.frame, preset("a4"))
    assert result.quad is not None
    assert _corner_error(result.quad.points, photo.corners) <= MAX_CORNER_ERROR_PX
    assert result.page is not None and result.page.shape[:2] == (2339, 1654)  # A4 at 200 dpi
    assert _similarity(result.page, page) > 0.8
    assert result.quality.ok, result.quality.advice
    assert result.jpeg is not None and len(result.jpeg) <= 500_000


def test_flattened_text_is_as_sharp_as_the_original(page: np.ndarray) -> None:
    photo = photograph(page, tilted_corners(7), seed=7)
    result = capture(photo.frame, preset("a4"))
    assert result.page is not None
    # The readable-text check: the rendered title is found again by template matching.
    title = cv2.cvtColor(page[60:130, 120:720], cv2.COLOR_BGR2GRAY)
    flat = cv2.cvtColor(cv2.resize(result.page, (page.shape[1], page.shape[0])), cv2.COLOR_BGR2GRAY)
    score = cv2.matchTemplate(flat, title, cv2.TM_CCOEFF_NORMED).max()
    assert score > 0.6


def test_blurred_photo_asks_to_hold_still(page: np.ndarray) -> None:
    photo = photograph(page, tilted_corners(1), blur_sigma=2.5, seed=1)
    result = capture(photo.frame, preset("a4"))
    assert result.quad is not None
    assert _corner_error(result.quad.points, photo.corners) <= MAX_CORNER_ERROR_PX
    assert ADVICE_BLUR in result.quality.advice
    assert ADVICE_GLARE not in result.quality.advice


def test_glare_is_reported_in_plain_chinese(page: np.ndarray) -> None:
    photo = photograph(page, tilted_corners(2), glare=1.2, seed=2)
    result = capture(photo.frame, preset("a4"))
    assert result.quad is not None
    assert _corner_error(result.quad.points, photo.corners) <= MAX_CORNER_ERROR_PX
    assert result.quality.advice == (ADVICE_GLARE,)


def test_empty_table_says_no_paper() -> None:
    from capture_synth import table_texture

    result = capture(table_texture(), preset("a4"))
    assert result.quad is None and result.page is None
    assert result.quality.advice == (ADVICE_NO_PAPER,)


def test_id_card_preset_lies_landscape() -> None:
    card = np.full((540, 856, 3), 225, np.uint8)
    cv2.putText(card, "ID 210102199001011234", (60, 420), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (20, 20, 20), 3)
    cv2.rectangle(card, (560, 60), (800, 360), (90, 90, 90), -1)
    corners = np.array([[420, 200], [880, 215], [870, 505], [410, 490]], np.float32)
    photo = photograph(card, corners, seed=5)
    result = capture(photo.frame, preset("idcard_front"))
    assert result.quad is not None
    assert _corner_error(result.quad.points, corners) <= MAX_CORNER_ERROR_PX
    assert result.page is not None and result.page.shape[1] > result.page.shape[0]  # landscape
    assert result.jpeg is not None and len(result.jpeg) <= preset("idcard_front").max_jpeg_bytes


def test_jpeg_respects_the_cap_even_for_noise() -> None:
    noise = np.random.default_rng(0).integers(0, 256, (2339, 1654, 3), dtype=np.uint8)
    data = encode_jpeg(noise, 200, 500_000)
    assert len(data) <= 500_000
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.info.get("dpi") is not None


def test_pages_into_one_pdf(page: np.ndarray, tmp_path: Path) -> None:
    import shutil
    import subprocess

    jpegs = []
    for seed in (0, 1):
        result = capture(photograph(page, tilted_corners(seed), seed=seed).frame, preset("a4"))
        assert result.jpeg is not None
        jpegs.append(result.jpeg)
    pdf = pages_to_pdf(jpegs)
    out = tmp_path / "materials.pdf"
    out.write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+2$", info, re.M)
        assert re.search(r"^Page size:\s+595\.\d+ x 842\.\d+ pts", info, re.M)  # A4, from the 200 dpi


def test_no_pages_is_a_clear_error() -> None:
    from devices.capture import CaptureOutputError

    with pytest.raises(CaptureOutputError, match="没有可以合成"):
        pages_to_pdf([])


@pytest.mark.parametrize("angle", [-2.5, -1.0, 1.5, 3.0])
def test_skew_is_measured(page: np.ndarray, angle: float) -> None:
    from devices.capture.geometry import skew_angle

    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    tilted = cv2.warpAffine(page, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    assert abs(skew_angle(tilted) - angle) <= 0.5


def test_text_printed_askew_comes_back_level(page: np.ndarray) -> None:
    """Text printed 2° off on the paper (a skewed photocopy): the captured page is levelled."""
    from devices.capture.geometry import skew_angle

    h, w = page.shape[:2]
    askew = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0), (w, h),
                           borderMode=cv2.BORDER_REPLICATE)
    result = capture(photograph(askew, tilted_corners(3), seed=3).frame, preset("a4"))
    assert result.page is not None
    assert abs(result.skew_deg + 2.0) <= 0.6
    assert abs(skew_angle(result.page)) <= 0.5
