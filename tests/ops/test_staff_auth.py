"""Staff PINs: scrypt hashes in a 0600 file, lockout after five wrong tries, every attempt audited."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.station.staff_auth import Outcome, PinError, StaffPins, check_pin_format

ROOT = Path(__file__).resolve().parents[2]
PIN = "480916"


class Clock:
    def __init__(self) -> None:
        self.now = 1_795_830_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def audit():
    """The audit hook's record: (event, details) in order."""
    return []


def make(tmp_path, events, clock=None, **kwargs) -> StaffPins:
    return StaffPins(tmp_path / "keys", lambda e, d: events.append((e, d)), clock=clock or Clock(), **kwargs)


def test_pin_is_stored_as_scrypt_in_a_private_file(tmp_path, audit):
    pins = make(tmp_path, audit)
    pins.set_pin("0001", PIN)
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert stat.S_IMODE(pins.path.stat().st_mode) == 0o600
    raw = pins.path.read_text(encoding="utf-8")
    assert PIN not in raw
    entry = json.loads(raw)["staff"]["0001"]
    assert entry["scrypt"] == {"n": 2**14, "r": 8, "p": 1} and len(entry["salt"]) == 24
    pins.set_pin("0002", PIN)                                   # same PIN, different salt and hash
    again = json.loads(pins.path.read_text(encoding="utf-8"))["staff"]
    assert again["0001"]["hash"] != again["0002"]["hash"]
    assert [p.name for p in (tmp_path / "keys").iterdir()] == ["staff-pins.json"]  # no temp left
    assert audit == [("staff.pin_set", {"staff_id": "0001"}), ("staff.pin_set", {"staff_id": "0002"})]
    assert pins.verify("0001", PIN).ok and pins.verify("0002", PIN).ok


@pytest.mark.parametrize(("pin", "reason"), [
    ("12345", "6–12 位"), ("1234567890123", "6–12 位"), ("12a456", "数字"), ("１２３４５６", "数字"),
    ("111111", "重复"), ("123456", "连续"), ("987654", "连续"),
])
def test_weak_pins_are_refused_in_chinese(tmp_path, audit, pin, reason):
    assert reason in check_pin_format(pin)
    with pytest.raises(PinError, match=reason):
        make(tmp_path, audit).set_pin("0001", pin)
    assert audit == []


def test_five_wrong_tries_lock_for_the_configured_time_and_survive_a_restart(tmp_path, audit):
    clock = Clock()
    pins = make(tmp_path, audit, clock, lockout_s=600)
    pins.set_pin("0001", PIN)
    audit.clear()
    results = [pins.verify("0001", "000000") for _ in range(4)]
    assert [r.tries_left for r in results] == [4, 3, 2, 1]
    assert "还可尝试 1 次" in results[-1].message()
    fifth = pins.verify("nobody", "000000")                     # unknown staff numbers count too
    assert fifth.outcome is Outcome.LOCKED and fifth.locked_until == clock.now + 600

    restarted = make(tmp_path, audit, clock, lockout_s=600)     # a new process reads the lockout
    locked = restarted.verify("0001", PIN)                      # even the right PIN is refused
    assert locked.outcome is Outcome.LOCKED
    assert "10 分钟后再试" in locked.message(clock.now)
    clock.now += 599
    assert restarted.verify("0001", PIN).outcome is Outcome.LOCKED
    clock.now += 1
    assert restarted.verify("0001", PIN).ok
    assert restarted.verify("0001", "000000").tries_left == 4   # the count started afresh

    events = [e for e, _ in audit]
    assert events == ["staff.login_failed"] * 5 + ["staff.lockout_started"] + \
        ["staff.login_refused_locked"] * 2 + ["staff.login_ok", "staff.login_failed"]
    assert audit[4][1] == {"staff_id": "nobody", "known_staff": False, "failures": 5}
    assert all(PIN not in json.dumps(d) and "000000" not in json.dumps(d) for _, d in audit)


def test_a_right_pin_resets_the_count_and_unlock_lifts_a_lockout(tmp_path, audit):
    clock = Clock()
    pins = make(tmp_path, audit, clock, max_failures=3, lockout_s=60)
    pins.set_pin("0001", PIN)
    pins.verify("0001", "1")
    pins.verify("0001", "2")
    assert pins.verify("0001", PIN).ok
    assert pins.verify("0001", "3").tries_left == 2
    pins.verify("0001", "4")
    assert pins.verify("0001", "5").outcome is Outcome.LOCKED
    assert pins.unlock(by="technician") is True
    assert pins.verify("0001", PIN).ok
    assert ("staff.unlocked", {"by": "technician", "was_locked": True}) in audit


def test_a_readable_or_corrupt_pin_file_is_refused_with_a_reason(tmp_path, audit):
    pins = make(tmp_path, audit)
    pins.set_pin("0001", PIN)
    os.chmod(pins.path, 0o644)
    with pytest.raises(PinError, match="权限过宽"):
        pins.verify("0001", PIN)
    os.chmod(pins.path, 0o600)
    pins.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PinError, match="已损坏"):
        pins.verify("0001", PIN)


def _cli(tmp_path: Path, *args: str, stdin: str) -> subprocess.CompletedProcess:
    config = tmp_path / "station.toml"
    config.write_text(f'[paths]\ndata_dir = "{tmp_path / "data"}"\nkey_dir = "{tmp_path / "keys"}"\n',
                      encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--config", str(config), *args],
                          input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.mark.slow
def test_staff_set_pin_command(tmp_path):
    mismatch = _cli(tmp_path, "staff", "set-pin", "--id", "0007", stdin="480916\n480917\n")
    assert mismatch.returncode == 1 and "两次输入的密码不一致" in mismatch.stderr
    assert "请输入工号 0007 的新密码" in mismatch.stderr and "请再输入一次" in mismatch.stderr
    weak = _cli(tmp_path, "staff", "set-pin", stdin="123456\n123456\n")
    assert weak.returncode == 1 and "连续的数字" in weak.stderr
    short = _cli(tmp_path, "staff", "set-pin", stdin="480916\n")
    assert short.returncode == 1 and "需要输入两次" in short.stderr and "Traceback" not in short.stderr

    done = _cli(tmp_path, "staff", "set-pin", "--id", "0007", stdin="480916\n480916\n")
    assert done.returncode == 0, done.stderr
    assert "已设置工号 0007 的密码" in done.stdout and "480916" not in done.stdout + done.stderr
    pins = StaffPins(tmp_path / "keys", lambda e, d: None)
    assert pins.staff_ids() == ["0007"] and pins.verify("0007", "480916").ok
    assert stat.S_IMODE(pins.path.stat().st_mode) == 0o600

    unlocked = _cli(tmp_path, "staff", "unlock", stdin="")
    assert unlocked.returncode == 0 and "错误次数已清零" in unlocked.stdout
