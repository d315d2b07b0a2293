"""The kinds of paper the pre-check tells apart. A module of its own so that the command line can
offer them without importing OpenCV or the OCR."""

from __future__ import annotations

DOC_TYPES = (
    "hukou",
    "birth_cert",
    "marriage_cert",
    "id_card_front",
    "id_card_back",
    "disability_cert",
    "business_license",
    "other",
)
