"""The resident's session as a state machine in plain Python (no Qt), with the idle timeout.

Why plain Python: the rules that protect people live here — nobody's work is erased without a
warning that leaves at least 20 seconds to continue, and every personal field is wiped when a
session ends or times out. They must be testable without a screen, with a fake clock.

States: idle → identified ⇄ in_form → submitted ⇄ rating → idle. The state follows the screen
(kiosk.ui.navigation gives each screen the state it implies; the shell calls `follow`), so 返回
from the first question to 办理须知 is identified again and the form can be reopened, and 返回 from
好差评 to the receipt is submitted again; nothing leads back into the form once it is submitted.
The Qt layer calls `tick()` from a timer and `touch()` on every user input; it listens for
`on_warning`, `on_wipe` and `on_change`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

MIN_WARNING_S = 20


class State(StrEnum):
    IDLE = "idle"
    IDENTIFIED = "identified"
    IN_FORM = "in_form"
    SUBMITTED = "submitted"
    RATING = "rating"


# Allowed moves. Ending (首页, finish, timeout) is always allowed and goes through `end()`. Going
# back is allowed where nothing is lost by it: from the form to 办理须知 (the answers stay), and
# from 好差评 to the receipt. Once saved, the application is never reopened.
_TRANSITIONS: dict[State, set[State]] = {
    State.IDLE: {State.IDENTIFIED},
    State.IDENTIFIED: {State.IN_FORM},
    State.IN_FORM: {State.IDENTIFIED, State.SUBMITTED},
    State.SUBMITTED: {State.RATING},
    State.RATING: {State.SUBMITTED},
}


class SessionError(Exception):
    """A move the flow does not allow (a programming error in the caller, not a user error)."""


class EndReason(StrEnum):
    FINISHED = "finished"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"


@dataclass
class Person:
    """Who the session is for. Held only in memory and dropped on wipe."""

    name: str
    id_number: str
    source: str = "manual"  # manual | id_card | liaoshitong (the 辽事通 identity code)
    extra: dict = field(default_factory=dict)


class Session:
    """One resident at the kiosk, from identification to the wipe.

    `idle_timeout_s`: quiet time before the warning appears. `warning_s`: the countdown the
    warning gives (never below 20 s). While idle (nobody identified, nothing typed) there is
    nothing to lose, so no warning is shown.
    """

    def __init__(
        self,
        idle_timeout_s: float = 90,
        warning_s: float = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if warning_s < MIN_WARNING_S:
            raise ValueError(f"warning_s must be at least {MIN_WARNING_S} s, got {warning_s}")
        self.idle_timeout_s = idle_timeout_s
        self.warning_s = warning_s
        self._clock = clock
        self.state = State.IDLE
        self.person: Person | None = None
        self._last_activity = clock()
        self._has_input = False
        self._warning_since: float | None = None
        self.on_change: Callable[[State], None] | None = None
        self.on_warning: Callable[[int], None] | None = None   # seconds left; called on each tick
        self.on_warning_cleared: Callable[[], None] | None = None
        self.on_wipe: Callable[[EndReason], None] | None = None

    # --- activity and the timer -------------------------------------------------------------
    @property
    def has_work(self) -> bool:
        """Is there anything of a person's on screen that a timeout would erase?"""
        return self.state is not State.IDLE or self._has_input

    @property
    def warning_active(self) -> bool:
        return self._warning_since is not None

    def touch(self) -> None:
        """Any input from the person: restart the quiet time and dismiss a warning (继续)."""
        self._last_activity = self._clock()
        if self._warning_since is not None:
            self._warning_since = None
            if self.on_warning_cleared:
                self.on_warning_cleared()

    def note_input(self) -> None:
        """The person typed something while still idle (e.g. half an ID number): worth a warning."""
        self._has_input = True
        self.touch()

    def seconds_left(self) -> int | None:
        if self._warning_since is None:
            return None
        left = self.warning_s - (self._clock() - self._warning_since)
        return max(0, int(left + 0.999))

    def tick(self) -> None:
        """Call about once a second. Shows, counts down and finally acts on the warning."""
        now = self._clock()
        if not self.has_work:
            self._last_activity = now
            return
        if self._warning_since is None:
            if now - self._last_activity >= self.idle_timeout_s:
                self._warning_since = now
                if self.on_warning:
                    self.on_warning(int(self.warning_s))
            return
        left = self.seconds_left()
        if left is not None and left <= 0:
            self.end(EndReason.TIMEOUT)
        elif self.on_warning and left is not None:
            self.on_warning(left)

    # --- the flow ---------------------------------------------------------------------------
    def can_follow(self, target: State) -> bool:
        """Would `follow(target)` be allowed now? (The shell asks before it moves a screen.)"""
        if target is self.state:
            return True
        needs_person = target is State.IDENTIFIED and self.person is None
        return target in _TRANSITIONS[self.state] and not needs_person

    def follow(self, target: State) -> bool:
        """The screen moved to one implying `target`: take that state if the rules allow it.
        Returns False (and changes nothing) when they do not; never raises."""
        if not self.can_follow(target):
            return False
        if target is not self.state:
            self.state = target
            self.touch()
            if self.on_change:
                self.on_change(target)
        return True

    def _move(self, target: State) -> None:
        if not self.follow(target):
            raise SessionError(f"cannot go from {self.state.value} to {target.value}")

    def identify(self, person: Person) -> None:
        self.person = person
        self._move(State.IDENTIFIED)

    def start_form(self) -> None:
        self._move(State.IN_FORM)

    def submitted(self) -> None:
        self._move(State.SUBMITTED)

    def start_rating(self) -> None:
        self._move(State.RATING)

    def end(self, reason: EndReason = EndReason.FINISHED) -> None:
        """Back to idle, wiping everything personal. Safe to call in any state."""
        self.person = None
        self._has_input = False
        was_warning = self._warning_since is not None
        self._warning_since = None
        self._last_activity = self._clock()
        changed = self.state is not State.IDLE
        self.state = State.IDLE
        if was_warning and self.on_warning_cleared:
            self.on_warning_cleared()
        if self.on_wipe:
            self.on_wipe(reason)
        if changed and self.on_change:
            self.on_change(State.IDLE)
