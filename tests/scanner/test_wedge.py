"""The HID keyboard-wedge burst detector: a person's typing is never taken for a scan, an engine's
scan always is, and a scan's keys never reach the field."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.scanner.wedge import Decision, WedgeDetector, WedgeKey, alt_codes_for, engine_key_events


class Field:
    """What the UI would do with the detector's decisions: type released and passed keys."""

    def __init__(self, detector: WedgeDetector) -> None:
        self.detector = detector
        self.typed = ""
        self.codes: list[str] = []
        self.swallowed: list[WedgeKey] = []

    def key(self, event: WedgeKey) -> None:
        decision = self.detector.feed(event.text, event.timestamp, key=event.key, alt=event.alt,
                                      keypad=event.keypad, released=event.released)
        self._apply(decision)
        if decision.swallow:
            self.swallowed.append(event)
        elif not event.released:
            self.typed += event.text

    def settle(self, now: float) -> None:
        due = self.detector.deadline()
        while due is not None and due <= now:
            self._apply(self.detector.poll(due))
            due = self.detector.deadline()

    def _apply(self, decision: Decision) -> None:
        self.typed += "".join(k.text for k in decision.release)
        if decision.code is not None:
            self.codes.append(decision.code.text)


def person_typing(text: str, gaps: list[float], start: float) -> tuple[list[WedgeKey], float]:
    """Press and release per character, as from a USB keyboard; releases 40–90 % into the gap."""
    events, t = [], start
    for char, gap in zip(text, gaps, strict=True):
        events.append(WedgeKey(char, char.upper(), timestamp=t))
        events.append(WedgeKey("", char.upper(), released=True, timestamp=t + gap * 0.6))
        t += gap
    return events, t


PRINTABLE = string.ascii_letters + string.digits + " .,-/@"
# People at a keyboard: 0.06–1.5 s between keys, and now and then a fast pair (a roll-over,
# 10–35 ms), but never two fast gaps in a row.
human_gaps = st.lists(st.one_of(st.floats(0.06, 1.5), st.floats(0.010, 0.035)), min_size=1,
                      max_size=40).filter(lambda gaps: all(not (a < 0.06 and b < 0.06)
                                                           for a, b in zip(gaps, gaps[1:], strict=False)))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), gaps=human_gaps)
def test_a_person_typing_is_never_taken_for_a_scan(data, gaps):
    text = data.draw(st.text(PRINTABLE, min_size=len(gaps), max_size=len(gaps)))
    field = Field(WedgeDetector())
    events, end = person_typing(text, gaps, 100.0)
    for event in events:
        field.key(event)
    field.settle(end + 1)
    assert field.codes == [] and field.typed == text


codes = st.text(PRINTABLE + "王喆李昇淼堃垚辽事通一件事", min_size=6, max_size=300)


@settings(max_examples=300, deadline=None)
@given(code=codes, gap=st.floats(0.0005, 0.008), mode=st.sampled_from(["gbk", "unicode", "utf-8"]),
       terminator=st.sampled_from(["Enter", "Tab", None]))
def test_an_engine_scan_is_always_taken_and_never_typed(code, gap, mode, terminator):
    field = Field(WedgeDetector(mode))
    events = engine_key_events(code, mode, 50.0, gap, terminator)
    for event in events:
        field.key(event)
    field.settle(events[-1].timestamp + 1)
    assert field.codes == [code]
    # Nothing reached the field, except the modifiers that come before anything is held (a lone
    # Shift or Alt types nothing) and the terminator's release.
    assert field.typed == ""


@settings(max_examples=200, deadline=None)
@given(before=st.text(PRINTABLE, min_size=1, max_size=10), after=st.text(PRINTABLE, min_size=1, max_size=10),
       code=st.text(string.ascii_uppercase + string.digits + "王喆", min_size=6, max_size=80),
       pause=st.floats(0.2, 3.0))
def test_typing_then_a_scan_then_typing(before, after, code, pause):
    field = Field(WedgeDetector("gbk"))
    events, t = person_typing(before, [0.2] * len(before), 10.0)
    for event in events:
        field.key(event)
    scan = engine_key_events(code, "gbk", t + pause, 0.003, "Enter")
    for event in scan:
        field.key(event)
    rest, end = person_typing(after, [0.25] * len(after), scan[-1].timestamp + pause)
    for event in rest:
        field.key(event)
    field.settle(end + 1)
    assert field.typed == before + after and field.codes == [code]


def test_engine_with_a_slow_inter_key_delay_is_still_a_scan():
    # 20 ms between key events (the slowest "inter-key delay" setting of common engines), ASCII.
    field = Field(WedgeDetector())
    for event in engine_key_events("RCPT-2026-000123", "gbk", 0.0, 0.010, "Enter"):
        field.key(event)
    assert field.codes == ["RCPT-2026-000123"] and field.typed == ""


@pytest.mark.parametrize(("mode", "numbers"), [("gbk", [[0xCDF5]]), ("unicode", [[0x738B]]),
                                               ("utf-8", [[0xE7, 0x8E, 0x8B]])])
def test_alt_codes_for_wang(mode, numbers):
    assert alt_codes_for("王", mode) == numbers


def test_a_short_code_is_typing_and_enter_after_it_passes():
    field = Field(WedgeDetector())
    for event in engine_key_events("AB12", "gbk", 0.0, 0.003, "Enter"):
        field.key(event)
    field.settle(5.0)
    assert field.codes == [] and field.typed == "AB12\r"


def test_deadline_tells_when_to_poll():
    detector = WedgeDetector()
    assert detector.deadline() is None
    assert detector.feed("a", 1.0) == Decision(swallow=True)
    assert detector.deadline() == pytest.approx(1.035)
    assert detector.poll(1.01) == Decision(swallow=False)
    assert [k.text for k in detector.poll(1.04).release] == ["a"] and not detector.busy


def test_a_key_held_down_repeats_into_the_field_not_a_scan():
    # X11's default repeat is 25/s; some set 30/s or more: as fast as a slow engine.
    field = Field(WedgeDetector())
    field.key(WedgeKey("a", "A", timestamp=1.0))
    detector, t = field.detector, 1.5
    for _ in range(20):
        decision = detector.feed("a", t, key="A", repeat=True)
        field.typed += "".join(k.text for k in decision.release)
        assert not decision.swallow and decision.code is None
        field.typed += "a"
        t += 0.030
    field.settle(t + 1)
    assert field.typed == "a" * 21 and field.codes == []
