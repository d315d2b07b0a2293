"""The template recogniser: the resident's strokes against 9,600 characters' stroke templates.

Two passes, both numpy over arrays (no Python loop per template):

1. **Shape, order-free** — the direction feature (`ink.direction_feature`) against every template
   in one matrix product. It ignores stroke order and joined or broken strokes, which elderly
   writers produce often, and keeps the best `SHORTLIST`.
2. **Strokes, in order** — for the shortlist, a dynamic-programming alignment of the written
   strokes to the template's, where one written stroke may cover two template strokes (the pen
   did not lift) or two written strokes one template stroke (it lifted mid-way), and a stray or
   missing stroke costs a fixed penalty; plus an order-free stroke assignment, for strokes written
   in the wrong order. Why both passes: shape alone confuses 土/士 and 己/已; stroke matching alone
   is slow over 9,600 templates and brittle when the order is wrong.

Unlike Zinnia's GB2312 model it covers everything in the stroke data (喆 堃 昇 垚 淼 彧 …) and the
name characters synthesised from their parts (翀 瑀 赟 弢 珺 …, see model_build).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from devices.handwriting.ink import Ink, direction_feature, normalise, resample
from devices.handwriting.modelfile import MODEL_VERSION

SHORTLIST = 120
JOIN_COST = 0.04       # one written stroke for two template strokes
BREAK_COST = 0.04      # two written strokes for one template stroke
SKIP_COST = 0.30       # a stray written stroke, or a template stroke not written
POSITION_WEIGHT = 0.15 # where a stroke sits, against its shape (see _dist)


class ModelError(Exception):
    """The model file is missing, unreadable or of another version (a Chinese sentence)."""


@dataclass(frozen=True)
class Match:
    """One template's scores: `shape` (cosine, higher is better) and `strokes` (mean point distance
    in the unit square after alignment, lower is better); `synthesised` marks a built template."""

    char: str
    shape: float
    strokes: float
    order_free: float
    stroke_delta: int
    synthesised: bool


class TemplateModel:
    """The arrays of one model file (see model_build), read once."""

    def __init__(self, path: Path) -> None:
        try:
            with np.load(path) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                if meta.get("version") != MODEL_VERSION:
                    raise ModelError(f"手写模板模型 {path} 版本不符，请重新运行 installer/setup.sh")
                self.chars = [chr(c) for c in data["chars"]]
                self.synthesised = data["synthesised"].astype(bool)
                self.offsets = data["offsets"].astype(np.int64)
                self.strokes = data["strokes"].astype(np.float32)
                self.joined = data["joined"].astype(np.float32)
                self.features = data["features"].astype(np.float32)
                self.frequency = "".join(chr(c) for c in data["frequency"])
                self.decomp_text = bytes(data["decomp"]).decode("utf-8")
                self.meta = meta
        except ModelError:
            raise
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"手写模板模型 {path} 无法读取（{exc.__class__.__name__}），"
                             "请重新运行 installer/setup.sh") from exc
        self.points = int(meta["points"])
        self.counts = np.diff(self.offsets)
        self.index = {c: i for i, c in enumerate(self.chars)}
        # Built templates are the least like a real hand's parts: always compared stroke by stroke.
        self.always = np.flatnonzero(self.synthesised)


_LOADED: dict[tuple[str, int, int], TemplateModel] = {}
_LOADED_LOCK = threading.Lock()


def load_model(path: Path) -> TemplateModel:
    """The model in `path`, loaded once per process and file version. Why shared: the arrays are
    ~40 MB and read-only after loading, and every recogniser made in one process (a kiosk rebuilt
    after a wipe, the tests' hundreds of kiosks in one worker) otherwise kept its own copy alive."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _LOADED_LOCK:
        model = _LOADED.get(key)
        if model is None:
            model = TemplateModel(path)
            _LOADED.clear()              # an older version of the file is not needed any more
            _LOADED[key] = model
        return model


class TemplateRecogniser:
    """Thread-safe: the model is read-only after loading (loading itself is under a lock)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._model: TemplateModel | None = None

    def model(self) -> TemplateModel:
        with self._lock:
            if self._model is None:
                if not self._path.is_file():
                    raise ModelError(f"找不到手写模板模型 {self._path}，请运行 installer/setup.sh 生成")
                self._model = load_model(self._path)
            return self._model

    def match(self, ink: Ink, shortlist: int = SHORTLIST, extra: tuple[str, ...] = ()) -> list[Match]:
        """The shortlist (plus `extra` characters, e.g. another recogniser's guesses), scored."""
        prepared = self.prepare(ink)
        if prepared is None:
            return []
        return self.score(prepared, self.shortlist(prepared, shortlist, extra))

    def prepare(self, ink: Ink) -> Prepared | None:
        """Normalise the ink and compare its shape with every template (None for an empty pad)."""
        model = self.model()
        raw = [s for s in ink.arrays() if len(s)]
        if not raw:
            return None
        unit = normalise(raw)
        # einsum, not `@`: a BLAS matrix-vector product here spins up its threads for 9,600 × 512
        # and took 8 ms against einsum's 1.6 ms on the station-class 2-core machine.
        return Prepared(unit, np.einsum("kd,d->k", model.features, direction_feature(unit)))

    def shortlist(self, prepared: Prepared, size: int = SHORTLIST, extra: tuple[str, ...] = ()) -> list[int]:
        """The best `size` by shape, every built template, and the `extra` characters."""
        model = self.model()
        order = np.argpartition(-prepared.shape, min(size, len(prepared.shape) - 1))[:size]
        return list(dict.fromkeys([*order.tolist(), *model.always.tolist(),
                                   *(model.index[c] for c in extra if c in model.index)]))

    def indices(self, chars: list[str]) -> list[int]:
        model = self.model()
        return [model.index[c] for c in chars if c in model.index]

    def score(self, prepared: Prepared, picked: list[int]) -> list[Match]:
        """Stroke-by-stroke scores of the templates at `picked` (model indices)."""
        if not picked:
            return []
        model = self.model()
        idx = np.array(picked)
        dp, free = _stroke_distances(model, idx, prepared.unit)
        n = len(prepared.unit)
        return [Match(model.chars[i], float(prepared.shape[i]), float(dp[k]), float(free[k]),
                      int(model.counts[i]) - n, bool(model.synthesised[i])) for k, i in enumerate(idx)]


@dataclass(frozen=True)
class Prepared:
    """A resident's ink made ready: strokes in the unit square, and its shape score per template."""

    unit: list[np.ndarray]
    shape: np.ndarray


def _stroke_distances(model: TemplateModel, idx: np.ndarray,
                      unit: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(aligned distance, order-free distance) of the written strokes to each template in `idx`."""
    points = model.points
    written = np.stack([resample(s, points) for s in unit]).astype(np.float32)    # (n, P, 2)
    n = len(written)
    halves = (np.stack([resample(np.concatenate([unit[i], unit[i + 1]]), points) for i in range(n - 1)])
              if n > 1 else np.zeros((0, points, 2))).astype(np.float32)            # (n-1, P, 2)
    counts = model.counts[idx]
    m_max = int(counts.max())
    k = len(idx)
    # Gather the templates' strokes into (K, M, P, 2), padded.
    starts = model.offsets[idx]
    slot = np.arange(m_max)
    valid = slot[None, :] < counts[:, None]                                       # (K, M)
    rows = np.where(valid, starts[:, None] + slot[None, :], 0)
    tpl = model.strokes[rows]                                                      # (K, M, P, 2)
    tpl_joined = model.joined[rows]
    big = np.float32(1e3)
    c11 = _dist(written, tpl)                                                      # (K, n, M)
    c12 = _dist(written, tpl_joined)                                               # written i ~ tpl j+j+1
    c21 = _dist(halves, tpl) if n > 1 else np.zeros((k, 0, m_max), np.float32)     # written i+i+1 ~ tpl j
    c11 = np.where(valid[:, None, :], c11, big)
    # Order-free: each written stroke to its nearest template stroke and back.
    forward = c11.min(axis=2).mean(axis=1)
    backward = np.where(valid, c11.min(axis=1), 0).sum(axis=1) / counts
    free = (forward + backward) / 2 + SKIP_COST * np.abs(counts - n) / np.maximum(counts, n)
    # Alignment: row i holds the cost of the first i written strokes against the first j template
    # strokes, for every template at once. The only dependency along a row is "skip a template
    # stroke" (cost grows by SKIP_COST per step), which is a running minimum of (cost - j·SKIP):
    # so one numpy pass per written stroke, not one per (written, template) pair.
    steps = np.arange(m_max + 1, dtype=np.float32) * SKIP_COST
    inf = np.float32(1e6)
    before, previous = None, steps[None, :].repeat(k, axis=0)
    for i in range(1, n + 1):
        base = np.full((k, m_max + 1), inf, dtype=np.float32)
        base[:, 0] = i * SKIP_COST
        np.minimum(base[:, 1:], previous[:, :-1] + c11[:, i - 1, :], out=base[:, 1:])
        np.minimum(base, previous + SKIP_COST, out=base)
        if m_max >= 2:
            np.minimum(base[:, 2:], previous[:, :-2] + c12[:, i - 1, :-1] + JOIN_COST, out=base[:, 2:])
        if before is not None:
            np.minimum(base[:, 1:], before[:, :-1] + c21[:, i - 2, :] + BREAK_COST, out=base[:, 1:])
        row = np.minimum.accumulate(base - steps, axis=1) + steps
        before, previous = previous, row
    aligned = previous[np.arange(k), counts] / np.maximum(counts, n)
    return aligned, free


def _dist(written: np.ndarray, templates: np.ndarray) -> np.ndarray:
    """Distance between resampled strokes: written (n, P, 2) against templates (K, M, P, 2) →
    (K, n, M). Shape and place are weighed apart: the root-mean-square distance of the two
    strokes each centred on itself, plus POSITION_WEIGHT × the distance of their centres.
    Why: a resident's parts rarely sit where the font puts them (a wider left side, a lower
    bottom part), while each stroke's own shape survives; the plain point distance (shape² +
    place²)^½ punished the first as much as the second.

    Through one matrix product (|a - b|² = |a|² + |b|² - 2a·b) in einsum, not BLAS, whose
    threads fought Zinnia's for the two cores."""
    k, m, p, _ = templates.shape
    written_centre = written.mean(axis=1)                                           # (n, 2)
    templates_centre = templates.mean(axis=2)                                       # (K, M, 2)
    w = (written - written_centre[:, None, :]).reshape(len(written), -1)
    t = (templates - templates_centre[:, :, None, :]).reshape(k * m, -1)
    cross = np.einsum("kd,nd->kn", t, w)
    squared = np.einsum("kd,kd->k", t, t)[:, None] + np.einsum("nd,nd->n", w, w)[None, :] - 2.0 * cross
    shape = np.sqrt(np.maximum(squared, 0.0) / p).reshape(k, m, -1).transpose(0, 2, 1)
    offset = templates_centre[:, None, :, :] - written_centre[None, :, None, :]      # (K, n, M, 2)
    place = np.sqrt(np.einsum("knmd,knmd->knm", offset, offset))
    return shape + POSITION_WEIGHT * place
