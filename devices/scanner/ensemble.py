"""The ensemble decoder: zxing-cpp first, then cheap rescue passes, inside a time budget per frame.

Why an ensemble: on the real-photo set zxing-cpp alone misses codes that a different binarizer, a
downscaled copy (thin print noise averages out), a median-filtered copy (JPEG/print speckle) or a
thickened copy (eroded dark modules of over-exposed paper) read at once. Each rescue pass runs only
when nothing was found so far, so a frame with a readable code costs one zxing-cpp call, and the
passes stop when the budget is spent (a camera frame must not stall the worker). ZBar is the last
pass: slower, but it reads some damaged codes zxing-cpp does not, and it joins structured-append
symbols that sit side by side in one frame.

The passes were chosen by measuring each alone on the frames zxing-cpp missed in
`benchmarks/qr_decode.py`; the order is cheapest-and-most-useful first.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from devices.scanner.decoders import (
    DEFAULT_FORMATS,
    Decoder,
    DecoderUnavailable,
    ZbarDecoder,
    ZxingDecoder,
)
from devices.scanner.types import FrameScan, Symbol

_MATRIX_FORMATS = ("QRCode", "MicroQRCode", "RMQRCode", "DataMatrix")


@dataclass(frozen=True)
class Pass:
    """One attempt: an optional image transform, then a decoder."""

    name: str
    decoder: Decoder
    transform: Callable[[np.ndarray], np.ndarray] | None = None

    def run(self, gray: np.ndarray) -> list[Symbol]:
        image = self.transform(gray) if self.transform else gray
        symbols = self.decoder.decode(image)
        scale = _scale_of(gray, image)
        if scale != 1.0:
            symbols = [_rescaled(s, scale) for s in symbols]
        return symbols


def _scale_of(original: np.ndarray, image: np.ndarray) -> float:
    return original.shape[1] / image.shape[1] if image.shape[1] else 1.0


def _rescaled(symbol: Symbol, scale: float) -> Symbol:
    from dataclasses import replace

    return replace(symbol, corners=tuple((round(x * scale), round(y * scale)) for x, y in symbol.corners))


def _half(gray: np.ndarray) -> np.ndarray:
    return cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)


def _median(gray: np.ndarray) -> np.ndarray:
    return cv2.medianBlur(gray, 3)


def _thicken(gray: np.ndarray) -> np.ndarray:
    return cv2.erode(gray, np.ones((2, 2), np.uint8))


def _sharpen(gray: np.ndarray) -> np.ndarray:
    soft = cv2.GaussianBlur(gray, (0, 0), 2.0)
    return cv2.addWeighted(gray, 1.8, soft, -0.8, 0)


class EnsembleDecoder:
    """Decoder that runs `passes` in order until one finds something or the budget is spent."""

    name = "ensemble"

    def __init__(self, formats: Sequence[str] = DEFAULT_FORMATS, *, budget_ms: float = 30.0,
                 use_zbar: bool = True) -> None:
        self.budget_ms = budget_ms
        primary = ZxingDecoder(formats)
        matrix = ZxingDecoder([f for f in formats if f in _MATRIX_FORMATS] or formats, try_downscale=False)
        matrix_global = ZxingDecoder([f for f in formats if f in _MATRIX_FORMATS] or formats,
                                     binarizer="GlobalHistogram")
        self.passes: list[Pass] = [
            Pass("zxing", primary),
            Pass("global-half", matrix_global, _half),
            Pass("median", matrix, _median),
            Pass("thicken", matrix, _thicken),
            Pass("sharpen", matrix, _sharpen),
        ]
        if use_zbar:
            # ZBar is optional: without it the ensemble simply has one pass fewer
            with contextlib.suppress(DecoderUnavailable):
                self.passes.append(Pass("zbar", ZbarDecoder()))

    def decode(self, gray: np.ndarray) -> list[Symbol]:
        return list(self.scan(gray).symbols)

    def scan(self, gray: np.ndarray) -> FrameScan:
        """Decode one grayscale frame; the result says which passes ran and how long it took."""
        start = time.perf_counter()
        ran: list[str] = []
        symbols: list[Symbol] = []
        for index, step in enumerate(self.passes):
            if index and (time.perf_counter() - start) * 1000 >= self.budget_ms:
                break
            ran.append(step.name)
            symbols = step.run(gray)
            if symbols:
                break
        symbols = _join_with_zbar(gray, symbols, self.passes)
        return FrameScan(tuple(_unique(symbols)), (time.perf_counter() - start) * 1000, tuple(ran))


def _unique(symbols: list[Symbol]) -> list[Symbol]:
    seen: set[tuple[str, bytes]] = set()
    out = []
    for s in symbols:
        if s.key not in seen:
            seen.add(s.key)
            out.append(s)
    return out


def _join_with_zbar(gray: np.ndarray, symbols: list[Symbol], passes: list[Pass]) -> list[Symbol]:
    """Several QR symbols in one frame may be one structured-append message: ask ZBar to join them.

    zxing-cpp's Python binding hides the structured-append header, ZBar joins complete sequences.
    A joined message replaces its parts (it contains each part's bytes).
    """
    qr = [s for s in symbols if s.format == "QRCode"]
    zbar = next((p.decoder for p in passes if p.name == "zbar"), None)
    if len(qr) < 2 or zbar is None:
        return symbols
    joined = [s for s in zbar.decode(gray) if s.format == "QRCode"]
    out = list(symbols)
    for message in joined:
        parts = [s for s in qr if s.raw and s.raw in message.raw and len(s.raw) < len(message.raw)]
        if len(parts) >= 2:
            from dataclasses import replace

            out = [s for s in out if s not in parts]
            out.append(replace(message, parts=len(parts)))
    return out
