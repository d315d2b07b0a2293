"""智能预审: an offline pre-check of photographed papers (issue 17).

What the paper is (户口簿, 出生医学证明, 结婚证, 身份证, 残疾人证, 营业执照 or something else), whose it
is (names and ID numbers, compared with the form's answers tolerantly), and whether it can be read
(dark, shiny, covered). Advice only: the resident may keep the photo; staff decide.

    checker = open_precheck()                      # cheap; models load on first use
    result = checker.check(page_jpeg, expectation_for(bundle, material, answers))  # worker thread
    payload = to_payload(result)                   # the attachment's optional `precheck` object

Plain Python, no Qt; see README.md beside this file.
"""

from __future__ import annotations

import importlib
from typing import Any

# Exported names and the module each lives in. Imported on first access (PEP 562), because
# `main.py` imports this package's `cli` for every command, `--help` included, and the checker
# pulls in OpenCV and NumPy.
_EXPORTS = {
    "ENGINE_VERSION": "checker",
    "Expectation": "checker",
    "ExpectedPerson": "checker",
    "PageReading": "checker",
    "PrecheckResult": "checker",
    "Prechecker": "checker",
    "open_precheck": "checker",
    "to_payload": "checker",
    "MATERIALS": "materials",
    "expectation_for": "materials",
    "BadImage": "page",
    "OcrUnavailable": "ocr",
    "DOC_LABELS": "understand",
    "DOC_TYPES": "understand",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'devices.precheck' has no attribute {name!r}")
    return getattr(importlib.import_module(f"devices.precheck.{_EXPORTS[name]}"), name)
