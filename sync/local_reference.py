"""Provisional references: what the resident reads off the receipt before the platform answers.

Why this shape: the reference is read aloud over the phone to a county clerk, so it is short,
grouped (XXXXX-XXXX-XXXX, like a mobile number's 3-4-4 rhythm) and drawn from an alphabet without
look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, no U/V pair) that also sounds distinct in
Mandarin-accented English letter names. At 15 characters it is printed double width even on 58 mm
paper (16 columns there, 24 on 80 mm).

Unique across every station of the province, without asking the platform: the number behind the
12 data symbols is `station × PER_STATION + counter`, where `station` is the station id read as
the ten digits it is (210102-0001 → 2101020001, so 0 ≤ station < 10¹⁰) and `counter` the
station's own counter (1 ≤ counter < PER_STATION), advanced in the same transaction that stores
the submission. That number is below 10¹⁰ × PER_STATION ≤ 23¹² and is scrambled by an affine map
modulo 23¹² whose multiplier is prime to 23 — a bijection, so consecutive receipts do not look
consecutive — and written as exactly 12 base-23 symbols. Every step is one-to-one, so two
different (station, counter) pairs can never give the same symbols: no two stations, and no two
applications of one station, ever share a reference (`station_of` inverts it; property-tested,
and 10 000 references on each of 100 simulated stations in tests/sync/test_references.py).

The last symbol is a check character: a weighted sum modulo 23 (a prime) with weights 1..13, all
distinct and non-zero modulo 23, which catches every single wrong symbol and every swap of two
different neighbours, so a mistyped reference is refused rather than finding someone else's.

Legacy references: until this format, a reference was 8 symbols (XXXX-XXXX: 7 data symbols from
the counter alone, and the same check). They are on residents' receipts, so `normalise` still
accepts them; but two stations could make the same one (every fresh station's first was
P47Y-NMJD), which is why the platform refuses a local reference another station already used
(`422 local_reference_taken`, PLATFORM-API.md).
"""

from __future__ import annotations

import functools
import re

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"  # 23 symbols
_N = len(ALPHABET)
_DATA_LEN = 12
_SPACE = _N**_DATA_LEN                   # 2.19e16
STATIONS = 10**10                        # every station id the format NNNNNN-NNNN allows
PER_STATION = _SPACE // STATIONS         # 2 191 462 references per station (counter < this)
_MULT = 13_544_055_515_233_467           # ≈ 0.618 × _SPACE: neighbours land far apart; prime to 23
_OFFSET = 3_141_592_653_589_793
_GROUPS = (5, 4, 4)

_LEGACY_DATA_LEN = 7
_LEGACY_SPACE = _N**_LEGACY_DATA_LEN
_LEGACY_MULT = 2_104_297_851
_LEGACY_OFFSET = 271_828_182

_STATION_ID = re.compile(r"[0-9]{6}-[0-9]{4}")
# What references are made with when the store knows no station id (a scratch store in a test or
# for screenshots): 000000 is no division code, so it never collides with a real station's.
UNCONFIGURED_STATION = "000000-0000"

assert _MULT % _N and STATIONS * PER_STATION <= _SPACE


_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_INVERSE_WEIGHT = {length: pow(length + 1, -1, _N) for length in (_DATA_LEN, _LEGACY_DATA_LEN)}


def _check_digit(digits: list[int]) -> int:
    """Weighted sum modulo the (prime) alphabet size, like ISBN-10 modulo 11: with weights
    1..len+1, all distinct and non-zero mod 23 (len + 1 ≤ 22), any single wrong symbol and any
    swap of two different neighbours (the check character included) changes the sum."""
    total = sum(w * d for w, d in enumerate(digits, start=1))
    return (-total * _INVERSE_WEIGHT[len(digits)]) % _N


def _check_char(data: str) -> str:
    return ALPHABET[_check_digit([_VALUE[ch] for ch in data])]


def _symbols(n: int, length: int) -> str:
    """`n` as exactly `length` base-23 symbols, with the check character after them."""
    digits = [0] * length
    for i in range(length - 1, -1, -1):
        n, digits[i] = divmod(n, _N)
    digits.append(_check_digit(digits))
    return "".join([ALPHABET[d] for d in digits])


# Every three symbols at once: (the symbols, d0 + d1 + d2, d0 + 2·d1 + 3·d2). Why: a station makes
# one reference per application, but the uniqueness test makes a million, and one divmod per three
# symbols is three times faster. The weighted sum of a triple at positions 3k+1..3k+3 is
# 3k·(d0 + d1 + d2) + (d0 + 2·d1 + 3·d2), so the check character comes out of the same table.
_TRIPLES = [(ALPHABET[v // 529] + ALPHABET[v // 23 % 23] + ALPHABET[v % 23],
             v // 529 + v // 23 % 23 + v % 23, v // 529 + 2 * (v // 23 % 23) + 3 * (v % 23))
            for v in range(_N**3)]


def _symbols12(n: int) -> str:
    """`_symbols(n, 12)`, a triple at a time (checked equal in tests/sync/test_references.py)."""
    n, d = divmod(n, 12_167)
    n, c = divmod(n, 12_167)
    a, b = divmod(n, 12_167)
    ta, tb, tc, td = _TRIPLES[a], _TRIPLES[b], _TRIPLES[c], _TRIPLES[d]
    total = ta[2] + 3 * tb[1] + tb[2] + 6 * tc[1] + tc[2] + 9 * td[1] + td[2]
    return ta[0] + tb[0] + tc[0] + td[0] + ALPHABET[(-total * _INVERSE_WEIGHT[_DATA_LEN]) % _N]


def _number(symbols: str) -> int:
    n = 0
    for ch in symbols:
        n = n * _N + _VALUE[ch]
    return n


def _grouped(full: str) -> str:
    parts, at = [], 0
    for size in _GROUPS:
        parts.append(full[at:at + size])
        at += size
    return "-".join(parts)


@functools.lru_cache(maxsize=64)
def station_number(station_id: str) -> int:
    """210102-0001 → 2101020001: the station id's ten digits as one number (one-to-one)."""
    if not isinstance(station_id, str) or not _STATION_ID.fullmatch(station_id):
        raise ValueError("驿站编号应为“6 位行政区划代码-4 位序号”，如 210102-0001")
    return int(station_id.replace("-", ""))


def make(station_id: str, counter: int) -> str:
    """The reference for station `station_id`'s `counter`-th submission (1 ≤ counter < PER_STATION)."""
    if not 0 < counter < PER_STATION:
        raise ValueError("counter out of range")
    n = (station_number(station_id) * PER_STATION + counter) * _MULT + _OFFSET
    full = _symbols12(n % _SPACE)
    return f"{full[:5]}-{full[5:9]}-{full[9:]}"


def station_of(reference: str) -> tuple[str, int] | None:
    """(station id, counter) a reference of the current format was made from, or None (a legacy
    reference, or not a reference at all). The inverse of `make`, which proves it one-to-one."""
    canonical = normalise(reference)
    if canonical is None or len(canonical) != _DATA_LEN + 1 + len(_GROUPS) - 1:
        return None
    data = canonical.replace("-", "")[:-1]
    n = ((_number(data) - _OFFSET) * pow(_MULT, -1, _SPACE)) % _SPACE
    station, counter = divmod(n, PER_STATION)
    if station >= STATIONS or counter == 0:
        return None
    digits = f"{station:010d}"
    return f"{digits[:6]}-{digits[6:]}", counter


def make_legacy(counter: int) -> str:
    """The 8-symbol form printed before station components (counter alone, so two stations could
    make the same one). Kept only so tests can produce what old receipts carry."""
    if not 0 < counter < _LEGACY_SPACE:
        raise ValueError("counter out of range")
    full = _symbols((counter * _LEGACY_MULT + _LEGACY_OFFSET) % _LEGACY_SPACE, _LEGACY_DATA_LEN)
    return f"{full[:4]}-{full[4:]}"


def normalise(text: str) -> str | None:
    """A reference as typed or read back (any case, spaces, missing dashes) → canonical, or None
    when it cannot be one of ours (wrong length, foreign symbol, bad check character). Both the
    current 13-symbol form and the legacy 8-symbol one are accepted."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_")
    if len(cleaned) not in (_DATA_LEN + 1, _LEGACY_DATA_LEN + 1) or any(ch not in _VALUE for ch in cleaned):
        return None
    if _check_char(cleaned[:-1]) != cleaned[-1]:
        return None
    if len(cleaned) == _LEGACY_DATA_LEN + 1:
        return f"{cleaned[:4]}-{cleaned[4:]}"
    return _grouped(cleaned)


def is_valid(text: str) -> bool:
    return normalise(text) is not None
