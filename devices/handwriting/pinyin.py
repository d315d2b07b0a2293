"""Pinyin, for residents who can spell a little of it: candidates ranked for name fields, the way
in to rare characters (by reading or by their parts: 吉吉 → 喆), and search by pinyin initials.

Plain Python on pypinyin's own reading table (41,000 characters, every reading of each), the
frequency list and the component decompositions compiled into the handwriting model.

Why the bundle search needs more than it has: the choose-a-bundle hint promises "输入拼音首字母，
如 txyj", but
(1) the search box (kiosk/qml/screens/ChooseBundleScreen.qml) sets `Qt.ImhPreferLatin`, which Qt
    Virtual Keyboard ignores: its Keyboard.qml switches to Latin input only for `ImhLatinOnly`
    (or e-mail/URL hints). So the box opens in zh_CN pinyin mode, the letters t-x-y-j stay in
    the input method's pre-edit as a pinyin syllable string, `text` does not change and
    `onTextEdited` never fires until the resident picks a Chinese candidate — the view-model never
    sees "txyj" (tests/ui/test_form_flow.py sends a ready-made commit string, so it passes);
(2) `BundleTile.matches` (kiosk/bundles_vm.py) accepts only one contiguous run of first letters of
    the title, each character read one way: not "tuixiu" or "tuixyj" (whole or partial
    syllables), not the items inside a bundle ("ylbx" for its 养老保险 item), not another reading
    of a polyphone (参 can/shen, 居 ju/ji), not "退x".
`matches_pinyin` / `rank_by_pinyin` accept all of those. For the UI: set `Qt.ImhLatinOnly` on
the search box (or search on the pre-edit string as it is typed) and call `rank_by_pinyin`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from devices.handwriting.context import Context
from devices.handwriting.lexicon import (
    ADDRESS_ORDER,
    NAME_ORDER,
    RARE_ORDER,
    SURNAME_ORDER,
    SURNAME_READINGS,
)

CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))   # what station fonts draw and ID cards use
TONE_DIGIT = re.compile(r"[1-5]$")


def plain_syllable(reading: str) -> str:
    """'zhé' → 'zhe', 'lǘ' → 'lv', 'lu:' → 'lv', 'ZHE2' → 'zhe'."""
    text = unicodedata.normalize("NFD", reading.strip().lower().replace("u:", "v"))
    text = "".join(c for c in text.replace("u\u0308", "v") if not unicodedata.combining(c))
    return TONE_DIGIT.sub("", text)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in CJK_RANGES)


@lru_cache(maxsize=1)
def _reading_table() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(syllable → characters, character → syllables), from pypinyin's table (read once)."""
    from pypinyin.pinyin_dict import pinyin_dict

    by_syllable: dict[str, list[str]] = {}
    by_char: dict[str, tuple[str, ...]] = {}
    for code, readings in pinyin_dict.items():
        char = chr(code)
        if not _is_cjk(char):
            continue
        syllables = tuple(dict.fromkeys(plain_syllable(r) for r in readings.split(",")))
        by_char[char] = syllables
        for syllable in syllables:
            by_syllable.setdefault(syllable, []).append(char)
    return {k: tuple(v) for k, v in by_syllable.items()}, by_char


def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of a character ('参' → ('can', 'shen', 'cen'))."""
    return _reading_table()[1].get(char, ())


def syllables() -> frozenset[str]:
    return frozenset(_reading_table()[0])


def split_syllables(text: str) -> list[str]:
    """'lishengmiao' → ['li', 'sheng', 'miao']: the longest valid syllable first, so the UI can
    offer candidates for a whole name typed without spaces. A letter that starts no syllable is
    kept on its own (an initial)."""
    valid = syllables()
    text = plain_syllable(text).replace("'", "").replace(" ", "")
    out: list[str] = []
    i = 0
    while i < len(text):
        for end in range(min(len(text), i + 6), i, -1):
            if text[i:end] in valid:
                out.append(text[i:end])
                i = end
                break
        else:
            out.append(text[i])
            i += 1
    return out


class CharacterIndex:
    """Characters by reading and by parts, ranked for a field. Build once; thread-safe after that.

    `frequency`: characters most frequent first (the model's Jun Da list; without it, pypinyin's
    order). `decompositions`: the cjk-decomp text (without it, no search by parts).
    """

    def __init__(self, frequency: str = "", decompositions: str = "") -> None:
        self._rank = {c: i for i, c in enumerate(frequency)}
        self._decomp_text = decompositions
        self._parts: dict[str, Counter[str]] | None = None
        self._lock = threading.Lock()

    # -- pinyin -----------------------------------------------------------------------------------

    def pinyin_candidates(self, pinyin: str, context: Context | None = None, limit: int = 60) -> list[str]:
        """Characters read `pinyin` ('sheng', 'shēng', 'sheng1'), most likely first for the field:
        in a surname box the surnames, in a name box the name characters (喆 before 这 for zhe),
        elsewhere by frequency; rare characters come after the common ones but are never left out."""
        syllable = plain_syllable(pinyin)
        chars = _reading_table()[0].get(syllable, ())
        return sorted(chars, key=lambda c: self._key(c, context, syllable))[:limit]

    def _key(self, char: str, context: Context | None, syllable: str) -> tuple[int, int, int]:
        lists = {"surname": (SURNAME_ORDER,), "given_name": (NAME_ORDER,),
                 "name": (SURNAME_ORDER, NAME_ORDER), "address": (ADDRESS_ORDER,)}.get(context or "text", ())
        for tier, lexicon in enumerate(lists):
            where = lexicon.find(char)
            if where < 0:
                continue
            usual = (*readings(char)[:1], SURNAME_READINGS.get(char))
            if lexicon is SURNAME_ORDER and syllable not in usual:
                continue  # 位 is not the surname a resident means by li
            return (tier, 0, where)
        # Outside the field's list a character's first reading is its usual one: 位 is wei, and
        # li only an archaic reading of it, so 位 comes after every character usually read li.
        unusual = int(readings(char)[:1] != (syllable,))
        rank = self._rank.get(char)
        if rank is not None and rank < 5000:
            return (10, unusual, rank)
        if char in RARE_ORDER:
            return (11, unusual, RARE_ORDER.index(char))
        return (12, unusual, rank if rank is not None else 100000 + ord(char))

    # -- rare characters --------------------------------------------------------------------------

    def rare_characters(self, query: str, limit: int = 30) -> list[str]:
        """The way in for a character no keyboard offers. `query` is either its parts written as
        characters ('吉吉' → 喆, '方方土' → 堃, '日升' → 昇, '王禹' → 瑀) or a reading ('zhe' →
        喆 哲 …). Known rare name characters come first, then by frequency; [] when nothing fits."""
        query = query.strip()
        if not query:
            return []
        if query.isascii():
            syllable = plain_syllable(query)
            chars = _reading_table()[0].get(syllable, ())
            return sorted(chars, key=lambda c: (readings(c)[:1] != (syllable,), self._rare_key(c)))[:limit]
        wanted = Counter(c for c in query if _is_cjk(c))
        if not wanted:
            return []
        found = []
        for char, parts in self._all_parts().items():
            if len(char) == 1 and _is_cjk(char) and all(parts[p] >= n for p, n in wanted.items()):
                leftover = sum(parts.values()) - sum(wanted.values())
                found.append((leftover, self._rare_key(char), char))
        found.sort()
        return [char for _, _, char in found[:limit]]

    def _rare_key(self, char: str) -> tuple[int, int]:
        if char in RARE_ORDER:
            return (0, RARE_ORDER.index(char))
        if char in NAME_ORDER:
            return (1, NAME_ORDER.index(char))
        rank = self._rank.get(char)
        return (2, rank) if rank is not None else (3, ord(char))

    def _all_parts(self) -> dict[str, Counter[str]]:
        """Each character's parts at every level: 喆 → {吉: 2, 士: 2, 口: 2}."""
        with self._lock:
            if self._parts is None:
                self._parts = _flatten(self._decomp_text)
            return self._parts


_DECOMP = re.compile(r"^([^:]+):([a-z0-9/]+)\((.*)\)$")
_REPEAT = {"ra": 2, "rd": 2, "r3tr": 3, "r3a": 3, "r3d": 3, "r4sq": 4}


@lru_cache(maxsize=2)      # one model's table per process, shared read-only by every recogniser
def _flatten(text: str) -> dict[str, Counter[str]]:
    direct: dict[str, list[str]] = {}
    for line in text.splitlines():
        match = _DECOMP.match(line.strip())
        if not match:
            continue
        parts = [p for p in match.group(3).split(",") if p]
        repeat = _REPEAT.get(match.group(2).split("/")[0])
        direct[match.group(1)] = parts * repeat if repeat and len(parts) == 1 else parts
    memo: dict[str, Counter[str]] = {}

    def expand(key: str, depth: int) -> Counter[str]:
        if key in memo:
            return memo[key]
        total: Counter[str] = Counter()
        if depth < 8:
            for part in direct.get(key, ()):
                if part == key:
                    continue
                total[part] += 1
                total.update(expand(part, depth + 1))
        memo[key] = total
        return total

    return {key: expand(key, 0) for key in direct if len(key) == 1 and _is_cjk(key)}


# -- search by pinyin -------------------------------------------------------------------------------

def matches_pinyin(query: str, text: str) -> bool:
    """Whether `query` finds `text`: Chinese words in it, or pinyin typed against a run of its
    characters, each character given by its initial ('txyj'), its whole syllable ('tuixiu'), the
    start of it ('tuix'), or itself ('退x'), in any of its readings. Case and spaces ignored."""
    q = "".join(query.lower().split())
    if not q:
        return True
    if q in text:
        return True
    chars = [c for c in text if not c.isspace()]
    options = [_pieces(c) for c in chars]

    @cache
    def match_from(at: int, index: int) -> bool:
        """Whether q[at:] can be typed for the characters from `index` on (memoised: "shishi…"
        against "事事…" would otherwise branch at every character)."""
        if at == len(q):
            return True
        if index >= len(options):
            return False
        return any(q.startswith(piece, at) and match_from(at + len(piece), index + 1)
                   for piece in options[index])

    return any(match_from(0, start) for start in range(len(chars)))


def matches_initials(query: str, text: str) -> bool:
    """Pinyin initials (or syllables) of a run of `text`'s characters: 'txyj' finds 退休一件事."""
    return matches_pinyin(query, text)


def _pieces(char: str) -> tuple[str, ...]:
    """What a person may type for one character: itself, its syllables, and every prefix of them."""
    if char.isascii():
        return (char.lower(),)
    out = {char}
    for syllable in readings(char):
        out.update(syllable[:i] for i in range(1, len(syllable) + 1))
    return tuple(sorted(out, key=len, reverse=True))


def rank_by_pinyin(query: str, entries: Iterable[tuple[str, Sequence[str]]]) -> list[str]:
    """The bundle search, ranked: `entries` are (id, [title, item name, …]); the ids whose title
    matches come first, then those where only an item name matches, in the given order (most used
    first, as the tiles are). An empty query returns every id."""
    title_hits, item_hits = [], []
    for entry_id, texts in entries:
        if not texts:
            continue
        if matches_pinyin(query, texts[0]):
            title_hits.append(entry_id)
        elif any(matches_pinyin(query, t) for t in texts[1:]):
            item_hits.append(entry_id)
    return title_hits + item_hits
