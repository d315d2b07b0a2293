"""CTC arithmetic on a recognised line's kept probabilities: how likely is a given text?

Used by the matcher (could this line say the expected name?) and by the reader (which repair of a
number with a dropped digit does the recogniser itself support?).
"""

from __future__ import annotations

import numpy as np

from devices.precheck.ocr import OcrEngine, TopK

WILDCARD = -1  # a character the recogniser cannot output: any character (or none) may stand there


def ctc_log_likelihood(probs: TopK, labels: list[int]) -> float:
    """log P(labels | per-step probabilities) under CTC (blank = class 0). A WILDCARD label takes,
    at each step, the best non-blank probability: any character may stand there."""
    steps = probs.steps
    if not labels:
        return float(np.sum(np.log(np.maximum(probs.blank, 1e-12))))
    wild = np.log(np.maximum(probs.best_nonblank(), 1e-12))
    ext = [0]
    for label in labels:
        ext += [label, 0]
    n = len(ext)
    emit = np.empty((steps, n), np.float64)
    columns: dict[int, np.ndarray] = {}
    for s, label in enumerate(ext):
        if label == WILDCARD:
            emit[:, s] = wild
        else:
            if label not in columns:
                columns[label] = np.log(np.maximum(probs.column(label), 1e-12))
            emit[:, s] = columns[label]
    skip = np.zeros(n, bool)
    for s in range(2, n):
        skip[s] = ext[s] != 0 and ext[s] != ext[s - 2] or ext[s] == WILDCARD
    alpha = np.full(n, -np.inf)
    alpha[0] = emit[0, 0]
    if n > 1:
        alpha[1] = emit[0, 1]
    for t in range(1, steps):
        prev = alpha
        a1 = np.concatenate(([-np.inf], prev[:-1]))
        a2 = np.concatenate(([-np.inf, -np.inf], prev[:-2]))
        a2 = np.where(skip, a2, -np.inf)
        alpha = np.logaddexp(np.logaddexp(prev, a1), a2) + emit[t]
    tail = np.logaddexp(alpha[-1], alpha[-2]) if n > 1 else alpha[-1]
    return float(tail)


def labels_of(text: str, ocr: OcrEngine) -> list[int]:
    """The recogniser's class of each character; WILDCARD for one it cannot output."""
    out = []
    for char in text:
        cls = ocr.class_of(char)
        out.append(WILDCARD if cls is None else cls)
    return out
