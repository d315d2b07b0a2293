"""Typed results of the scanner: one decoded symbol, and what a scan of one frame produced."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Symbol:
    """One code found in a frame.

    `raw` keeps the bytes exactly as encoded, so a consumer can re-read them if `charset` guessed
    wrong. `corners` are four (x, y) points in frame pixels (clockwise from top-left when known).
    `parts` > 1 means structured-append symbols joined into this one message.
    """

    text: str
    raw: bytes
    format: str
    charset: str
    eci: int | None = None
    corners: tuple[tuple[int, int], ...] = ()
    decoder: str = ""
    parts: int = 1

    @property
    def key(self) -> tuple[str, bytes]:
        """Identity for "the same code": format and bytes (not the text, which depends on a guess)."""
        return (self.format, self.raw)


@dataclass(frozen=True)
class FrameScan:
    """What one frame gave: its symbols, the time spent, and which passes ran (for diagnostics)."""

    symbols: tuple[Symbol, ...]
    ms: float
    passes: tuple[str, ...] = field(default=())
