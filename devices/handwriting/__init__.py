"""Handwriting and pinyin input engines for Chinese text fields (plain Python, no Qt).

The UI calls:

    recogniser = open_recogniser()            # cheap; models load on first use or warm_up()
    recogniser.warm_up()                      # on a worker thread at start-up -> RecogniserStatus
    recogniser.recognise(strokes, width, height, context="surname")   # worker thread; ≥ 10 chars
    recogniser.rare_characters("吉吉")        # ['喆', ...]   parts or a reading
    recogniser.pinyin_candidates("zhe", "given_name")     # ['喆', '哲', ...]
    matches_pinyin("txyj", "退休一件事")        # True: bundle search by initials / syllables

Parts: `ink` (strokes in, geometry), `zinnia` (libzinnia through ctypes), `templates` (the
stroke-template matcher), `model_build` (compiles its model from npm stroke data at install
time), `context` (re-ranking by field), `pinyin` (readings, parts, search), `lexicon` (surnames,
name characters), `testset` (realistic synthetic handwriting), `cli` (`main.py diag handwriting`).
"""

from devices.handwriting.context import CONTEXTS, Context
from devices.handwriting.ink import Ink, InkError
from devices.handwriting.pinyin import (
    CharacterIndex,
    matches_initials,
    matches_pinyin,
    rank_by_pinyin,
    split_syllables,
)
from devices.handwriting.recogniser import (
    Recogniser,
    RecogniserStatus,
    default_model_path,
    open_recogniser,
)

__all__ = [
    "CONTEXTS", "CharacterIndex", "Context", "Ink", "InkError", "Recogniser", "RecogniserStatus",
    "default_model_path", "matches_initials", "matches_pinyin", "open_recogniser", "rank_by_pinyin",
    "split_syllables",
]
