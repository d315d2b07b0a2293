"""The session state machine and its idle timer, with a clock the test moves."""

from __future__ import annotations

import pytest

from kiosk.ui.session import EndReason, Person, Session, SessionError, State


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make(idle=60, warning=20):
    clock = Clock()
    session = Session(idle_timeout_s=idle, warning_s=warning, clock=clock)
    events = []
    session.on_warning = lambda left: events.append(("warning", left))
    session.on_warning_cleared = lambda: events.append(("cleared",))
    session.on_wipe = lambda reason: events.append(("wipe", reason))
    session.on_change = lambda state: events.append(("state", state))
    return session, clock, events


def test_the_whole_flow_and_back_to_idle():
    session, _, events = make()
    session.identify(Person("张三", "11010519491231002X"))
    session.start_form()
    session.submitted()
    session.start_rating()
    session.end(EndReason.FINISHED)
    states = [e[1] for e in events if e[0] == "state"]
    assert states == [State.IDENTIFIED, State.IN_FORM, State.SUBMITTED, State.RATING, State.IDLE]
    assert ("wipe", EndReason.FINISHED) in events
    assert session.person is None


def test_moves_out_of_order_are_refused():
    session, _, _ = make()
    with pytest.raises(SessionError):
        session.submitted()
    session.identify(Person("张三", "x"))
    with pytest.raises(SessionError):
        session.start_rating()


def test_warning_shorter_than_20_seconds_is_refused():
    with pytest.raises(ValueError):
        Session(warning_s=19)


def test_timeout_warns_counts_down_and_then_wipes():
    session, clock, events = make(idle=60, warning=20)
    session.identify(Person("张三", "x"))
    clock.now = 59.5
    session.tick()
    assert not session.warning_active
    clock.now = 60
    session.tick()
    assert events[-1] == ("warning", 20)
    for second in range(1, 20):
        clock.now = 60 + second
        session.tick()
        assert session.state is State.IDENTIFIED, "erased before the countdown ended"
        assert events[-1] == ("warning", 20 - second)
    clock.now = 80
    session.tick()
    assert ("wipe", EndReason.TIMEOUT) in events
    assert session.state is State.IDLE and session.person is None


def test_any_touch_cancels_the_warning_and_restarts_the_quiet_time():
    session, clock, events = make(idle=30, warning=25)
    session.identify(Person("张三", "x"))
    clock.now = 31
    session.tick()
    assert session.warning_active
    session.touch()
    assert events[-1] == ("cleared",) and not session.warning_active
    clock.now = 60
    session.tick()
    assert not session.warning_active
    clock.now = 61.5
    session.tick()
    assert session.warning_active


def test_idle_kiosk_never_warns_but_half_typed_input_does():
    session, clock, events = make(idle=30)
    clock.now = 10_000
    session.tick()
    assert not events
    session.note_input()
    clock.now = 10_031
    session.tick()
    assert session.warning_active
