"""The handwriting recogniser the UI calls: the template matcher and Zinnia combined, re-ranked by
what the field expects.

    recogniser = open_recogniser()                    # cheap: nothing loaded yet
    recogniser.recognise(strokes, width, height, context="surname")  # -> ["王", "玉", ...] (≥ 10)

Why combine: the template matcher (devices.handwriting.templates) covers 9,600 characters,
including the rare name characters GB2312 lacks, and copes with wrong stroke order and joined
strokes; Zinnia was trained on real people's handwriting, so it is a second opinion drawn from a
different source. A character Zinnia ranks high gets a bonus; Zinnia's characters the template
shortlist missed are compared stroke by stroke too. Either one alone still works: a station
without libzinnia0 or without the compiled model degrades to the other (`status()` says which).

Threading: `recognise` takes 10–30 ms (two cores: Zinnia runs on a helper thread beside the
template matcher), so the UI calls it on a worker thread. It is safe to call from several threads;
the models load once, on the first call (or `warm_up()`, ~1 s).

The weights below were tuned on synthetic dev sets (seeds 1 and 3 of benchmarks/handwriting.py's
sets, never the benchmark's seed 2026).
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.handwriting.context import CONTEXTS, Context, Priors
from devices.handwriting.ink import Ink
from devices.handwriting.modelfile import MODEL_VERSION
from devices.handwriting.pinyin import CharacterIndex
from devices.handwriting.templates import Match, ModelError, TemplateRecogniser
from devices.handwriting.zinnia import ZinniaRecogniser

MODEL_ENV = "STATION_KIOSK_HANDWRITING_MODEL"
MODEL_NAME = f"handwriting-v{MODEL_VERSION}.npz"
MIN_CANDIDATES = 10

ORDER_FREE_WEIGHT = 0.5     # the order-free distance's share beside the aligned one
SHAPE_WEIGHT = 0.5          # the direction feature's cosine
ZINNIA_WEIGHT = 0.02        # bonus for Zinnia's first choice; 1/sqrt(rank) for the others
ZINNIA_CONSIDERED = 10


def default_model_path() -> Path:
    """Where setup.sh and install-station.sh put the compiled model: inside the Python environment
    that runs the kiosk (`.venv` of a checkout, `/opt/station-kiosk/venv` on a station), so it
    stays out of git and is shared by every installed version. `STATION_KIOSK_HANDWRITING_MODEL`
    overrides it."""
    override = os.environ.get(MODEL_ENV)
    if override:
        return Path(override)
    return Path(sys.prefix) / "share" / "station-kiosk" / MODEL_NAME


@dataclass(frozen=True)
class RecogniserStatus:
    """For the staff screen: which engines are usable, and why not (Chinese)."""

    templates: bool
    zinnia: bool
    problems: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.templates or self.zinnia


class Recogniser:
    """Thread-safe. Build with `open_recogniser()`; nothing is read from disk until first use."""

    def __init__(self, model_path: Path | None = None, zinnia: ZinniaRecogniser | None = None,
                 use_zinnia: bool = True) -> None:
        self._templates = TemplateRecogniser(model_path or default_model_path())
        self._zinnia = (zinnia or ZinniaRecogniser()) if use_zinnia else None
        self._priors: Priors | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._index: CharacterIndex | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> RecogniserStatus:
        """Load both engines and the character index now (on a worker thread at start-up, so the
        first character a resident writes is answered at full speed) and say how they are."""
        status = self.status()
        self.characters().rare_characters("吉吉", 1)
        return status

    def status(self) -> RecogniserStatus:
        problems: list[str] = []
        templates = True
        try:
            self._templates.model()
        except ModelError as exc:
            templates = False
            problems.append(str(exc))
        zinnia = False
        if self._zinnia is not None:
            state = self._zinnia.state()
            zinnia = state.ready
            if not state.ready:
                problems.append(state.reason)
        return RecogniserStatus(templates, zinnia, tuple(problems))

    def recognise(self, strokes: Any, width: float, height: float, context: Context | None = None,
                  count: int = MIN_CANDIDATES) -> list[str]:
        """Candidates for the character written, best first, at least `count` (≥ 10) when any engine
        works; [] for an empty pad. `strokes`: `[[[x, y], ...], ...]` in pad pixels, y down, in the
        order written. Raises `InkError` (a Chinese sentence) for malformed strokes."""
        return [char for char, _ in self.scored(Ink.of(strokes, width, height), context, count)]

    def scored(self, ink: Ink, context: Context | None = None,
               count: int = MIN_CANDIDATES) -> list[tuple[str, float]]:
        """(character, score) best first — lower is better; for the benchmark and diagnostics."""
        if context is not None and context not in CONTEXTS:
            raise ValueError(f"unknown context {context!r}; one of {CONTEXTS}")
        if not ink.strokes:
            return []
        count = max(count, MIN_CANDIDATES)
        # Zinnia runs beside the template matcher's first pass (ctypes and numpy both release the
        # GIL), so on two cores the two overlap; then one stroke-by-stroke pass over the shape
        # shortlist and Zinnia's guesses together.
        pending = (self._zinnia_pool().submit(self._zinnia.classify, ink, max(count, 20))
                   if self._zinnia is not None else None)
        try:
            prepared = self._templates.prepare(ink)
        except ModelError:
            prepared = None
        zinnia = pending.result() if pending is not None else []
        zinnia_chars = [c for c, _ in zinnia]
        if prepared is None:
            return [(c, float(i)) for i, (c, _) in enumerate(zinnia[:count])]
        picked = self._templates.shortlist(prepared, extra=tuple(zinnia_chars))
        matches = self._templates.score(prepared, picked)
        priors = self._priors_for()
        ctx: Context = context or "text"
        top = zinnia_chars[:ZINNIA_CONSIDERED]
        scored = []
        for match in matches:
            score = _match_score(match) + priors.penalty(match.char, ctx)
            if match.char in top:
                score -= ZINNIA_WEIGHT / (1 + top.index(match.char)) ** 0.5
            scored.append((match.char, score))
        scored.sort(key=lambda pair: pair[1])
        return scored[:count]

    def _zinnia_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="zinnia")
            return self._pool

    def close(self) -> None:
        """Stop the helper thread (the kiosk calls this at exit; tests too)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    # -- the other ways in -----------------------------------------------------------------------

    def characters(self) -> CharacterIndex:
        """Readings, parts and frequencies (built on first use from the model; without the model,
        pinyin still works from pypinyin's table, but search by parts does not)."""
        with self._lock:
            if self._index is None:
                try:
                    model = self._templates.model()
                    self._index = CharacterIndex(model.frequency, model.decomp_text)
                except ModelError:
                    self._index = CharacterIndex()
            return self._index

    def rare_characters(self, query: str, limit: int = 30) -> list[str]:
        """A character no keyboard offers, by its parts ('吉吉' → 喆, '方方土' → 堃, '王禹' → 瑀) or
        its reading ('zhe' → 喆 哲 …); rare name characters first. The first call builds the parts
        index (about a second): call it, or `warm_up()`, on a worker thread."""
        return self.characters().rare_characters(query, limit)

    def pinyin_candidates(self, pinyin: str, context: Context | None = None, limit: int = 60) -> list[str]:
        """Characters read `pinyin`, most likely first for the field (surnames in a surname box,
        name characters in a name box); for the pinyin strip."""
        return self.characters().pinyin_candidates(pinyin, context, limit)

    def _priors_for(self) -> Priors:
        with self._lock:
            if self._priors is None:
                self._priors = Priors(self._templates.model().frequency)
            return self._priors


def _match_score(match: Match) -> float:
    """Lower is better. The aligned distance unless the order-free one is clearly better (strokes
    written out of order), plus a share of the order-free distance and of the shape."""
    return (min(match.strokes, match.order_free + 0.02) + ORDER_FREE_WEIGHT * match.order_free
            - SHAPE_WEIGHT * match.shape)


def open_recogniser(model_path: Path | None = None, use_zinnia: bool = True) -> Recogniser:
    """The one factory. Cheap: the template model (~15 MB) and Zinnia load on the first
    `recognise` or `warm_up`, which the UI does on a worker thread."""
    return Recogniser(model_path, use_zinnia=use_zinnia)
