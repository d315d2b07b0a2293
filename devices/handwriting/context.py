"""What the field expects, as a score added to each candidate: the re-ranking by context.

Contexts: `surname` (姓), `given_name` (名), `name` (a whole name typed character by character),
`address`, `text` (anything else; also the default). Why priors and not filters: a resident may
write an uncommon surname or a rare given-name character, so nothing is removed, only reordered;
but 王 in a surname box should beat 玉, and 吴 (simplified, on every ID card) should beat 吳.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

from devices.handwriting.lexicon import ADDRESS_ORDER, NAME_ORDER, RARE_ORDER, SURNAME_ORDER

Context = Literal["surname", "given_name", "name", "address", "text"]
CONTEXTS: tuple[Context, ...] = ("surname", "given_name", "name", "address", "text")

FREQUENCY_WEIGHT = 0.020   # per decade of frequency rank (score units: mean stroke distance)
NOT_GB2312 = 0.045         # a character outside GB2312 (traditional forms, rare variants) …
RARE_NAME_RANK = 3000      # … but a known rare name character (喆 堃 昇 …) is no rarer than this
                           # in a name field, and never penalised for being outside GB2312
LEXICON_BONUS = 0.040      # in the field's own list, at its head; less further down


class Priors:
    """Score adjustments (lower is better, like the matcher's distances) per context."""

    def __init__(self, frequency: str) -> None:
        self._rank = {c: i for i, c in enumerate(frequency)}

    @lru_cache(maxsize=65536)  # noqa: B019 - one Priors per model, kept for the process's life
    def penalty(self, char: str, context: Context = "text") -> float:
        rank = self._rank.get(char, 20000)
        rare_name = char in RARE_ORDER
        if rare_name and context in ("surname", "given_name", "name"):
            rank = min(rank, RARE_NAME_RANK)
        value = FREQUENCY_WEIGHT * math.log10(10 + rank)
        if not rare_name and not _in_gb2312(char):
            value += NOT_GB2312
        lists: tuple[str, ...] = {
            "surname": (SURNAME_ORDER,),
            "given_name": (NAME_ORDER,),
            "name": (SURNAME_ORDER, NAME_ORDER),
            "address": (ADDRESS_ORDER,),
            "text": (),
        }[context]
        for lexicon in lists:
            where = lexicon.find(char)
            if where >= 0:
                value -= LEXICON_BONUS * (1.0 - 0.5 * where / len(lexicon))
                break
        return value


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
