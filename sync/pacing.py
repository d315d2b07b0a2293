"""Platform pacing (contract 1.2, `pacing` version 1): the platform tells each station when to come.

Why: with only full-jitter backoff, 12 000 stations that lost the platform for a day come back
spread over the backoff cap (25 min) and still meet bursts above capacity; the platform knows its
capacity, how many stations it serves and the load it sees, so it hands out *delivery windows*
instead of letting the fleet guess. Every station gets a window of `window_s` seconds starting at
`slot_s` within a cycle of `cycle_s` seconds (platform time, counted from the Unix epoch); the
platform spreads the windows evenly over the cycle and sizes the cycle so that all stations coming
back at once stay below its capacity.

What a station does with it (`retry_delay`, the one rule used by `sync.worker` and modelled by
`benchmarks/fleet.py`):
- a short hiccup (the backoff's ceiling below the cycle) is retried with full jitter as before;
- a longer outage is retried at the station's own window (so when the network returns, the
  stations arrive evenly over one cycle), never earlier than a Retry-After;
- a platform that does not send `pacing` (or another version of it) gets the old behaviour.

The platform side (`PlatformPacer`) counts requests per second, refuses beyond capacity (503 with
Retry-After = until the station's next window, and the announcement in the body), and computes
the announcement from its capacity, the number of stations and the load it saw recently.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

VERSION = 1
# Requests a station needs on its first pass after a long outage (a batch, ratings, a status pull,
# a heartbeat, a document check): what the cycle is sized for.
RETURN_REQUESTS = 6
# Share of capacity the cycle may plan for; the rest absorbs the steady load's noise.
HEADROOM = 0.75
MIN_CYCLE_S = 60.0
MAX_CYCLE_S = 1500.0       # never longer than the old backoff cap
LOAD_WINDOW_S = 300        # "recent load": the mean over the last five minutes
# The longest cycle a station accepts (contract 1.2): a wrong announcement must not silence it.
ACCEPTED_CYCLE_S = 3600.0


class _Backoff(Protocol):
    base_s: float
    cap_s: float

    def delay(self, failures: int, rng: random.Random, retry_after: float | None = None) -> float: ...


@dataclass(frozen=True)
class Pacing:
    """One station's announcement (the `pacing` object of heartbeat replies and 503/429 bodies)."""

    cycle_s: float
    slot_s: float
    window_s: float
    capacity_per_s: float
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> Pacing | None:
        """The announcement, or None for anything this station does not understand (absent, another
        version, malformed): then it keeps the old behaviour rather than guessing."""
        if not isinstance(value, dict) or value.get("version") != VERSION:
            return None
        try:
            cycle, slot, window, cap = (float(value[k]) for k in ("cycle_s", "slot_s", "window_s",
                                                                  "capacity_per_s"))
        except (KeyError, TypeError, ValueError):
            return None
        if not all(math.isfinite(x) for x in (cycle, slot, window, cap)) \
                or not 0 < cycle <= ACCEPTED_CYCLE_S or not 0 <= slot < cycle \
                or not 0 <= window <= cycle or cap <= 0:
            return None
        return cls(cycle, slot, window, cap)

    def until_window(self, platform_now: float) -> float:
        """Seconds from `platform_now` to the next opening of this station's window (0 < … ≤ cycle)."""
        into = (platform_now - self.slot_s) % self.cycle_s
        return self.cycle_s - into if into > 0 else self.cycle_s


def retry_delay(
    backoff: _Backoff,
    failures: int,
    rng: random.Random,
    retry_after: float | None,
    pacing: Pacing | None,
    platform_now: float,
    *,
    refused_with_pacing: bool = False,
    jitter: bool = True,
) -> float:
    """Seconds to wait before the next try after `failures` failures in a row.

    `refused_with_pacing`: the platform itself refused (503/429) and sent its announcement, so its
    Retry-After already points at the window. `jitter=False` gives the window's opening: queued
    rows use it, so they are due by the time the station's own pass comes (inside the window)."""
    ceiling = min(backoff.cap_s, backoff.base_s * (2 ** min(failures, 30)))
    if pacing is None or (ceiling < pacing.cycle_s and not refused_with_pacing):
        return backoff.delay(failures, rng, retry_after)
    if retry_after is None:
        wait = pacing.until_window(platform_now)
    else:
        wait = max(0.0, retry_after)
        into = (platform_now + wait - pacing.slot_s) % pacing.cycle_s
        if into > max(pacing.window_s, 1.0):    # Retry-After does not land in the window
            wait += pacing.cycle_s - into
        else:
            return wait
    return wait + (rng.uniform(0, pacing.window_s) if jitter else 0.0)


class PlatformPacer:
    """The platform's side: admission per second, and the announcement per station.

    Thread-safe (the reference server answers on one thread per connection). `clock` is the
    platform's clock (the same as its `Date` header and signature check)."""

    def __init__(self, capacity_per_s: float, clock: Callable[[], float]) -> None:
        if not capacity_per_s > 0:
            raise ValueError("capacity must be above 0")
        self.capacity_per_s = float(capacity_per_s)
        self.clock = clock
        self.rejected = 0
        self._lock = threading.Lock()
        self._second: int | None = None
        self._count = 0
        self._recent: deque[tuple[int, int]] = deque()   # (second, requests) of closed seconds
        self._recent_sum = 0

    def _roll(self, second: int) -> None:
        if second != self._second:
            if self._second is not None and self._count:
                self._recent.append((self._second, self._count))
                self._recent_sum += self._count
            self._second, self._count = second, 0
        while self._recent and self._recent[0][0] <= second - LOAD_WINDOW_S:
            self._recent_sum -= self._recent.popleft()[1]

    def admit(self, now: float | None = None) -> bool:
        """Count one request in its second; False (refuse it) beyond capacity."""
        second = math.floor(self.clock() if now is None else now)
        with self._lock:
            self._roll(second)
            self._count += 1
            if self._count > self.capacity_per_s:
                self.rejected += 1
                return False
            return True

    def recent_load(self, now: float | None = None) -> float:
        """Requests per second over the last LOAD_WINDOW_S seconds (what the platform saw)."""
        second = math.floor(self.clock() if now is None else now)
        with self._lock:
            self._roll(second)
            return self._recent_sum / LOAD_WINDOW_S

    def cycle(self, stations: int, now: float | None = None) -> float:
        """Long enough that every station coming back at once, each with RETURN_REQUESTS requests,
        fits in the capacity left beside the steady load the platform sees (at least a quarter of
        the planned share is always counted on)."""
        planned = self.capacity_per_s * HEADROOM
        available = max(planned * 0.25, planned - self.recent_load(now))
        return min(MAX_CYCLE_S, max(MIN_CYCLE_S, math.ceil(max(1, stations) * RETURN_REQUESTS / available)))

    def announce(self, rank: int, stations: int, now: float | None = None) -> Pacing:
        """The announcement for the station at `rank` (0-based) among `stations`: windows laid
        side by side over the cycle, so arrivals are even."""
        stations = max(1, stations)
        cycle = float(self.cycle(stations, now))
        window = cycle / stations
        slot = (min(max(rank, 0), stations - 1) * window) % cycle
        return Pacing(cycle, slot, window, self.capacity_per_s)

    def retry_after(self, pacing: Pacing, now: float | None = None) -> int:
        """Retry-After (whole seconds, ≥ 1) for a refused request: until the station's window."""
        now = self.clock() if now is None else now
        return max(1, math.ceil(pacing.until_window(now)))
