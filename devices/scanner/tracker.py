"""Report each code once while it stays in view (pure logic, no clock: counts frames).

A camera sees the same code in every frame for seconds; the resident must hear one beep and the
form must get one value. A code counts as gone after it has been missing from `forget_after`
consecutive frames (a few frames are missed anyway when the code tilts or blurs), and is reported
again if it comes back after that.
"""

from __future__ import annotations

from collections.abc import Iterable

from devices.scanner.types import Symbol


class SeenTracker:
    """Feed it each frame's symbols; it returns the ones that are new since they came into view."""

    def __init__(self, forget_after: int = 8) -> None:
        if forget_after < 1:
            raise ValueError("forget_after 至少为 1")
        self.forget_after = forget_after
        self._missing: dict[tuple[str, bytes], int] = {}

    def update(self, symbols: Iterable[Symbol]) -> list[Symbol]:
        new: list[Symbol] = []
        present = set()
        for symbol in symbols:
            key = symbol.key
            if key in present:
                continue
            present.add(key)
            if key not in self._missing:
                new.append(symbol)
            self._missing[key] = 0
        for key in list(self._missing):
            if key not in present:
                self._missing[key] += 1
                if self._missing[key] >= self.forget_after:
                    del self._missing[key]
        return new

    @property
    def in_view(self) -> int:
        """How many distinct codes are currently considered in view."""
        return len(self._missing)
