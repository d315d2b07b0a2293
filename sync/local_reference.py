"""Provisional references: what the resident reads off the receipt before the platform answers.

Why this shape: the reference is read aloud over the phone to a county clerk, so it is short
(8 symbols), grouped (XXXX-XXXX), and drawn from an alphabet without look-alikes (no 0/O, 1/I/L,
2/Z, 5/S, 8/B, no U/V pair) that also sounds distinct in Mandarin-accented English letter names.
Unique per station: the number behind it is the station's own counter, advanced in the same
transaction that stores the submission, scrambled by a fixed bijection so consecutive receipts do
not look consecutive. The last symbol is a check character (weighted sum modulo 23, a prime),
which catches every single wrong symbol and every swap of two neighbours, so a mistyped
reference is refused rather than finding someone else's application.
"""

from __future__ import annotations

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"  # 23 symbols
_N = len(ALPHABET)
_DATA_LEN = 7
_SPACE = _N**_DATA_LEN  # 3.4e9 references per station
_MULT = 2_104_297_851  # ≈ 0.618 × _SPACE (golden ratio: neighbours land far apart); not a multiple of 23
_OFFSET = 271_828_182


def _check_char(data: str) -> str:
    """Weighted sum modulo the (prime) alphabet size, like ISBN-10 modulo 11: with weights 1..8,
    all distinct and non-zero mod 23, any single wrong symbol and any swap of two different
    neighbours (the check character included) changes the sum, so it is caught."""
    total = sum(w * ALPHABET.index(ch) for w, ch in enumerate(data, start=1))
    weight = len(data) + 1
    return ALPHABET[(-total * pow(weight, -1, _N)) % _N]


def make(counter: int) -> str:
    """The reference for the station's `counter`-th submission (counter ≥ 1)."""
    if not 0 < counter < _SPACE:
        raise ValueError("counter out of range")
    n = (counter * _MULT + _OFFSET) % _SPACE
    symbols = []
    for _ in range(_DATA_LEN):
        n, r = divmod(n, _N)
        symbols.append(ALPHABET[r])
    data = "".join(reversed(symbols))
    full = data + _check_char(data)
    return f"{full[:4]}-{full[4:]}"


def normalise(text: str) -> str | None:
    """A reference as typed or read back (any case, spaces, missing dash) → canonical, or None
    when it cannot be one of ours (wrong length, foreign symbol, bad check character)."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_")
    if len(cleaned) != _DATA_LEN + 1 or any(ch not in ALPHABET for ch in cleaned):
        return None
    if _check_char(cleaned[:-1]) != cleaned[-1]:
        return None
    return f"{cleaned[:4]}-{cleaned[4:]}"


def is_valid(text: str) -> bool:
    return normalise(text) is not None
