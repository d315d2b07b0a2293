"""Zinnia (Debian `libzinnia0`) with the Tegaki simplified-Chinese model, through ctypes.

Why ctypes: the library has a small C API and Debian ships no Python binding for it. Why a state
and not an exception when it is missing: a station without the package still has the template
recogniser, and the staff screen should say what is missing rather than the pad failing.

The model covers GB2312 (6,763 characters); it never returns 喆, 堃 and the like — the template
recogniser (devices.handwriting.templates) covers those.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from devices.handwriting.ink import Ink, normalise, resample

MODEL_PATHS = (
    Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model"),
    Path("/usr/local/share/tegaki/models/zinnia/handwriting-zh_CN.model"),
)
LIBRARY_NAMES = ("libzinnia.so.0", "zinnia")
CANVAS = 1000       # Tegaki models were trained on a 1000×1000 canvas
MARGIN = 0.1        # the character filled about 80 % of it
TOTAL_POINTS = 1200  # at most this many points go to Zinnia (a character has a few hundred)


@dataclass(frozen=True)
class ZinniaState:
    """`ready` or why not (a Chinese sentence for the staff screen)."""

    ready: bool
    reason: str = ""


class ZinniaRecogniser:
    """Loads on first use; `classify` is thread-safe (one lock: Zinnia's docs promise nothing)."""

    def __init__(self, model: Path | None = None, library: str | None = None) -> None:
        self._model_path = model
        self._library_name = library
        self._lock = threading.Lock()
        self._lib: ctypes.CDLL | None = None
        self._recogniser: int | None = None
        self._state: ZinniaState | None = None

    def state(self) -> ZinniaState:
        with self._lock:
            return self._load()

    def classify(self, ink: Ink, nbest: int = 20) -> list[tuple[str, float]]:
        """Best first (character, score); [] when Zinnia is not available or the ink is empty."""
        strokes = [s for s in ink.arrays() if len(s)]
        if not strokes:
            return []
        most = max(2, TOTAL_POINTS // len(strokes))
        placed = [_thin(np.rint((s * (1 - 2 * MARGIN) + MARGIN) * CANVAS).astype(int), most=most)
                  for s in normalise(strokes)]
        with self._lock:
            if not self._load().ready:
                return []
            lib = self._lib
            assert lib is not None
            character = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(character, CANVAS)
                lib.zinnia_character_set_height(character, CANVAS)
                for number, stroke in enumerate(placed):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, number, int(x), int(y))
                result = lib.zinnia_recognizer_classify(self._recogniser, character, nbest)
                if not result:
                    return []
                try:
                    return [(lib.zinnia_result_value(result, i).decode("utf-8"),
                             float(lib.zinnia_result_score(result, i)))
                            for i in range(lib.zinnia_result_size(result))]
                finally:
                    lib.zinnia_result_destroy(result)
            finally:
                lib.zinnia_character_destroy(character)

    def close(self) -> None:
        with self._lock:
            if self._lib is not None and self._recogniser:
                self._lib.zinnia_recognizer_destroy(self._recogniser)
            self._recogniser = None
            self._state = None

    # -- loading (under the lock) ---------------------------------------------------------------

    def _load(self) -> ZinniaState:
        if self._state is not None:
            return self._state
        lib = _open_library(self._library_name)
        if lib is None:
            self._state = ZinniaState(False, "未安装手写识别库 Zinnia（Debian 软件包 libzinnia0）")
            return self._state
        model = self._model_path or next((p for p in MODEL_PATHS if p.is_file()), None)
        if model is None or not model.is_file():
            self._state = ZinniaState(
                False, "未安装 Zinnia 简体中文手写模型（tegaki-zinnia-simplified-chinese）")
            return self._state
        _declare(lib)
        recogniser = lib.zinnia_recognizer_new()
        if not lib.zinnia_recognizer_open(recogniser, str(model).encode()):
            lib.zinnia_recognizer_destroy(recogniser)
            self._state = ZinniaState(False, f"Zinnia 手写模型 {model} 无法打开（文件损坏？）")
            return self._state
        self._lib, self._recogniser = lib, recogniser
        self._state = ZinniaState(True)
        return self._state


def _thin(stroke: np.ndarray, spacing: int = 8, most: int = 256) -> np.ndarray:
    """Drop points closer than `spacing` canvas units to the last one kept (the last point always
    stays), and resample to at most `most`: Zinnia's time grows with the points it is given, and
    a scribble of thousands of points took a second. Character-sized strokes are not changed in
    any way that matters to it (tried: same accuracy)."""
    kept = [stroke[0]]
    for point in stroke[1:]:
        if abs(int(point[0]) - int(kept[-1][0])) + abs(int(point[1]) - int(kept[-1][1])) >= spacing:
            kept.append(point)
    if len(stroke) > 1 and not np.array_equal(kept[-1], stroke[-1]):
        kept.append(stroke[-1])
    out = np.array(kept)
    if len(out) > most:
        out = np.rint(resample(out.astype(float), most)).astype(int)
    return out


def _open_library(name: str | None) -> ctypes.CDLL | None:
    candidates = [name] if name else [*LIBRARY_NAMES[:1], ctypes.util.find_library("zinnia")]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ctypes.CDLL(candidate)
        except OSError:
            continue
    return None


def _declare(lib: ctypes.CDLL) -> None:
    """Argument and result types: without them ctypes truncates the 64-bit pointers to int."""
    p, size, c_int = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    lib.zinnia_recognizer_new.restype = p
    lib.zinnia_recognizer_new.argtypes = []
    lib.zinnia_recognizer_open.restype = c_int
    lib.zinnia_recognizer_open.argtypes = [p, ctypes.c_char_p]
    lib.zinnia_recognizer_destroy.restype = None
    lib.zinnia_recognizer_destroy.argtypes = [p]
    lib.zinnia_recognizer_classify.restype = p
    lib.zinnia_recognizer_classify.argtypes = [p, p, size]
    lib.zinnia_character_new.restype = p
    lib.zinnia_character_new.argtypes = []
    lib.zinnia_character_destroy.restype = None
    lib.zinnia_character_destroy.argtypes = [p]
    lib.zinnia_character_set_width.restype = None
    lib.zinnia_character_set_width.argtypes = [p, size]
    lib.zinnia_character_set_height.restype = None
    lib.zinnia_character_set_height.argtypes = [p, size]
    lib.zinnia_character_add.restype = c_int
    lib.zinnia_character_add.argtypes = [p, size, c_int, c_int]
    lib.zinnia_result_value.restype = ctypes.c_char_p
    lib.zinnia_result_value.argtypes = [p, size]
    lib.zinnia_result_score.restype = ctypes.c_float
    lib.zinnia_result_score.argtypes = [p, size]
    lib.zinnia_result_size.restype = size
    lib.zinnia_result_size.argtypes = [p]
    lib.zinnia_result_destroy.restype = None
    lib.zinnia_result_destroy.argtypes = [p]
