"""Fixtures for the pre-check tests: one real pre-checker for the session (the OCR models load
once), and good photographs of generated papers made from fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest

from devices.precheck.checker import open_precheck
from devices.precheck.synthetic import Condition, photograph, render_document
from tests.sync.helpers import start_platform

# A fair photo under the document camera: a little turned and in perspective, ordinary light.
FAIR = Condition(
    px_per_mm=6.6,
    rotate_deg=2.0,
    perspective=0.015,
    brightness=0.95,
    gradient=0.1,
    blur_sigma=0.5,
    jpeg_quality=85,
    table="wood",
)


@pytest.fixture(scope="session")
def checker():
    return open_precheck(threads=2)


def photo_of(
    doc_type: str,
    seed: int,
    people=None,
    layout: str | None = None,  # noqa: ANN001
    condition: Condition | None = None,
):
    """(camera frame BGR, truth) of one generated paper."""
    rng = np.random.default_rng(seed)
    page, truth = render_document(doc_type, rng, people, layout)
    frame, _ = photograph(page, rng, condition or FAIR, truth)
    return frame, truth


@pytest.fixture
def platform(tmp_path):
    p = start_platform(tmp_path / "platform")
    yield p
    p.server.shutdown()
    p.server.server_close()
