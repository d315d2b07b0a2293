"""Proxy agents' PINs: found by a slow hash of the ID number (never the number on disk), their own
file and lockout apart from staff, 4-digit PINs allowed (the card is the second factor)."""

from __future__ import annotations

import stat

import pytest

from devices.idcard.samples import sample_for
from kiosk.station.agent_auth import DEMO_AGENT_PIN, AgentPins, enrol_demo_agent
from kiosk.station.staff_auth import Outcome, PinError, StaffPins
from tests.ops.test_staff_auth import _cli

AGENT_ID = sample_for("resident_zhang").id_number
OTHER_ID = sample_for("resident").id_number


def test_agent_is_found_by_card_and_pin_and_the_number_is_not_on_disk(tmp_path):
    events = []
    pins = AgentPins(tmp_path / "keys", lambda e, d: events.append((e, d)))
    assert not pins.verify(AGENT_ID, "1357").ok             # nobody enrolled yet: refused, no crash
    pins.enrol(AGENT_ID, "1357")
    assert pins.verify(AGENT_ID, "1357").ok
    assert pins.verify(AGENT_ID.lower(), "1357").ok         # the same number, however typed
    wrong = pins.verify(AGENT_ID, "2468")
    assert wrong.outcome is Outcome.WRONG and "身份证或密码不正确" in wrong.message()
    assert not pins.verify(OTHER_ID, "1357").ok             # another card with the right PIN
    text = pins.path.read_text(encoding="utf-8")
    assert AGENT_ID not in text and AGENT_ID[:14] not in text and "1357" not in text
    assert stat.S_IMODE(pins.path.stat().st_mode) == 0o600
    assert pins.path.name == "agent-pins.json"
    assert {e for e, _ in events} >= {"agent.pin_set", "agent.login_ok", "agent.login_failed"}
    assert AGENT_ID not in repr(events)


def test_agent_lockout_is_apart_from_staff(tmp_path):
    events = []
    pins = AgentPins(tmp_path / "keys", lambda e, d: events.append(e), max_failures=3)
    pins.enrol(AGENT_ID, "1357")
    staff = StaffPins(tmp_path / "keys", lambda e, d: None)
    staff.set_pin("0001", "480916")
    for _ in range(3):
        last = pins.verify(AGENT_ID, "0000")
    assert last.outcome is Outcome.LOCKED and "agent.lockout_started" in events
    assert pins.verify(AGENT_ID, "1357").outcome is Outcome.LOCKED
    assert staff.verify("0001", "480916").ok                # staff still log in
    assert pins.unlock(by="test") and pins.verify(AGENT_ID, "1357").ok


@pytest.mark.parametrize(("id_number", "pin", "reason"), [
    (AGENT_ID, "135", "4–12 位"), (AGENT_ID, "1234", "连续"),
    ("210603197507302110", "1357", "身份证号码有误"),
])
def test_bad_enrolments_are_refused_in_chinese(tmp_path, id_number, pin, reason):
    with pytest.raises(PinError, match=reason):
        AgentPins(tmp_path / "keys", lambda e, d: None).enrol(id_number, pin)


def test_demo_agent_is_the_sample_card_zhang_with_pin_1357(tmp_path):
    enrol_demo_agent(tmp_path / "keys", lambda e, d: None)
    assert AgentPins(tmp_path / "keys", lambda e, d: None).verify(AGENT_ID, DEMO_AGENT_PIN).ok


@pytest.mark.slow
def test_staff_set_pin_agent_command(tmp_path):
    bad = _cli(tmp_path, "staff", "set-pin", "--agent", "210603197507302110", stdin="1357\n1357\n")
    assert bad.returncode == 1 and "身份证号码有误" in bad.stderr and "Traceback" not in bad.stderr
    done = _cli(tmp_path, "staff", "set-pin", "--agent", AGENT_ID, stdin="2468\n2468\n")
    assert done.returncode == 0, done.stderr
    assert "已设置代办员" in done.stdout and AGENT_ID not in done.stdout + done.stderr
    assert AgentPins(tmp_path / "keys", lambda e, d: None).verify(AGENT_ID, "2468").ok
    assert not (tmp_path / "keys" / "staff-pins.json").exists()
    unlocked = _cli(tmp_path, "staff", "unlock", "--agent", stdin="")
    assert unlocked.returncode == 0, unlocked.stderr
