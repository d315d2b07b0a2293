"""Look at PDFs the way a person would: pdftoppm pages to images, pdftotext to text (poppler-utils)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest


def need_poppler() -> None:
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("需要 poppler-utils（pdftoppm、pdftotext）")


def pages_as_images(pdf: Path, dpi: int, out: Path) -> list[np.ndarray]:
    """Each page as a BGR image (files kept in `out` so a failing test can be looked at)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "page")], check=True, timeout=60)
    return [cv2.imread(str(p)) for p in sorted(out.glob("page-*.png"))]


def text_of(pdf: Path) -> str:
    """Extracted text, exactly as a search or a screen reader would get it (no normalisation:
    radicals such as ⽣ for 生 must not appear — `render.fix_to_unicode` sees to that)."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")
