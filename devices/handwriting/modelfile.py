"""The template model file's version and where its description lives, without the builder.

Why apart from model_build: the recogniser needs only these two things at run time, and
importing the builder (a runnable module) from the package would make `python -m
devices.handwriting.model_build` run a module that is already imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

MODEL_VERSION = 3          # bump when the file's layout or the features change


def read_meta(path: Path) -> dict[str, Any] | None:
    """The model's description (version, sources, synthesised characters), or None if unreadable."""
    try:
        with np.load(path) as data:
            return json.loads(bytes(data["meta"]).decode("utf-8"))
    except (OSError, KeyError, ValueError):
        return None
