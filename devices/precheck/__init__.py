"""智能预审: an offline pre-check of photographed papers (issue 17).

What the paper is (户口簿, 出生医学证明, 结婚证, 身份证, 残疾人证, 营业执照 or something else), whose it
is (names and ID numbers, compared with the form's answers tolerantly), and whether it can be read
(dark, shiny, covered). Advice only: the resident may keep the photo; staff decide.

    checker = open_precheck()                      # cheap; models load on first use
    result = checker.check(page_jpeg, expectation_for(bundle, material, answers))  # worker thread
    payload = to_payload(result)                   # the attachment's optional `precheck` object

Plain Python, no Qt; see README.md beside this file.
"""

from devices.precheck.checker import (
    ENGINE_VERSION,
    Expectation,
    ExpectedPerson,
    PageReading,
    Prechecker,
    PrecheckResult,
    open_precheck,
    to_payload,
)
from devices.precheck.materials import MATERIALS, expectation_for
from devices.precheck.page import BadImage
from devices.precheck.understand import DOC_LABELS, DOC_TYPES

__all__ = [
    "DOC_LABELS",
    "DOC_TYPES",
    "ENGINE_VERSION",
    "MATERIALS",
    "BadImage",
    "Expectation",
    "ExpectedPerson",
    "PageReading",
    "PrecheckResult",
    "Prechecker",
    "expectation_for",
    "open_precheck",
    "to_payload",
]
