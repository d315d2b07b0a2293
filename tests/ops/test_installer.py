"""The station installer: a dry run that changes nothing, its refusals, and the systemd units it
installs, rendered exactly as on a station and checked by `systemd-analyze verify`."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "installer" / "install-station.sh"
UNITS = ("station-kiosk.service", "station-kiosk-sync.service", "station-kiosk-sync.timer",
         "station-kiosk-update.path", "station-kiosk-update.service")
SCRIPTS = ("station-kiosk-session", "station-kiosk-run", "station-kiosk-versions")

# Everything a real run would create or change on the machine.
TOUCHED = [
    "/opt/station-kiosk", "/etc/station-kiosk", "/var/lib/station-kiosk", "/etc/pam.d/station-kiosk",
    "/etc/systemd/system/station-kiosk.service", "/etc/systemd/system/station-kiosk-sync.service",
    "/etc/systemd/system/station-kiosk-sync.timer", "/etc/udev/rules.d/60-station-kiosk-serial.rules",
    "/etc/sysctl.d/60-station-kiosk.conf", "/etc/systemd/logind.conf.d/station-kiosk.conf",
    "/etc/systemd/journald.conf.d/station-kiosk.conf", "/etc/systemd/system/station-kiosk-update.path",
    "/etc/systemd/system/station-kiosk-update.service",
]


def machine_state() -> dict:
    state = {}
    for path in TOUCHED:
        try:
            info = os.stat(path)
            state[path] = (info.st_mode, info.st_uid, info.st_mtime_ns)
        except FileNotFoundError:
            state[path] = None
    try:
        state["user"] = pwd.getpwnam("kiosk").pw_uid
    except KeyError:
        state["user"] = None
    return state


def install(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(INSTALL), *args], capture_output=True, text=True, timeout=120,
                          cwd="/")


@pytest.mark.slow
def test_dry_run_prints_every_step_and_changes_nothing():
    before = machine_state()
    result = install("--dry-run", "--idcard", "1a86:7523", "--receipt", "067b:2303:A1B2",
                     "--printer-name", "A4", "--printer-uri", "ipp://192.168.1.20/ipp/print", "--rotate", "1")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for step in range(1, 10):
        assert f"{step}/9 " in out
    assert "演练模式" in out and "没有做任何改动" in out
    expected = [
        "/opt/station-kiosk", "/etc/station-kiosk/keys", "/var/lib/station-kiosk",
        "/etc/station-kiosk/station.toml", "/etc/systemd/system/station-kiosk.service",
        "/etc/systemd/system/station-kiosk-sync.timer", "/etc/pam.d/station-kiosk",
        "/etc/udev/rules.d/60-station-kiosk-serial.rules",
        "/opt/station-kiosk/versions/", "/opt/station-kiosk/bin/station-kiosk-run",
        "/opt/station-kiosk/bin/station-kiosk-versions",
    ]
    for path in expected:
        assert path in out, f"{path} not mentioned"
    if before["user"] is None:
        assert "useradd --system" in out and "--shell /usr/sbin/nologin" in out
    if before["/etc/station-kiosk"] is None:
        assert "install -d -m 0700 -o kiosk -g kiosk /etc/station-kiosk/keys" in out
        assert "install -d -m 0700 -o kiosk -g kiosk /var/lib/station-kiosk" in out
    assert "lpadmin -p A4 -E -v ipp://192.168.1.20/ipp/print -m everywhere" in out or "已配置：A4" in out
    assert machine_state() == before


@pytest.mark.parametrize(("args", "message"), [
    (["--idcard", "1a86-7523"], "VID:PID"),
    (["--printer-name", "A4"], "须同时给出"),
    (["--printer-name", "A 4", "--printer-uri", "usb://x"], "打印机名"),
    (["--rotate", "5"], "--rotate"),
    (["--data-dir", "relative/path"], "绝对路径"),
    (["--bogus"], "未知参数"),
    (["--constraint", "/nonexistent/constraints.txt"], "约束文件"),
])
def test_wrong_options_are_refused_in_chinese_before_anything_happens(args, message):
    before = machine_state()
    result = install("--dry-run", *args)
    assert result.returncode == 2
    assert message in result.stderr and "install-station.sh：" in result.stderr
    assert machine_state() == before


def render(tmp_path: Path, *extra: str) -> Path:
    """Render the units for a station whose prefix is under tmp_path, with the executables they
    name present (the venv's python, the session script), as after a real install."""
    prefix, out = tmp_path / "opt", tmp_path / "units"
    result = install("--render-units", str(out), "--prefix", str(prefix), "--config-dir",
                     str(tmp_path / "etc"), "--data-dir", str(tmp_path / "data"), *extra)
    assert result.returncode == 0, result.stderr
    (prefix / "venv" / "bin").mkdir(parents=True)
    (prefix / "venv" / "bin" / "python").symlink_to(sys.executable)
    (prefix / "bin").mkdir()
    for script in SCRIPTS:
        shutil.copy(out / script, prefix / "bin" / script)
    return out


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_every_unit_passes_systemd_analyze_verify(tmp_path):
    out = render(tmp_path)
    for unit in UNITS:
        text = (out / unit).read_text(encoding="utf-8")
        assert not re.search(r"@[A-Z_]+@", text), f"placeholder left in {unit}"
    result = subprocess.run(["systemd-analyze", "verify", *(str(out / u) for u in UNITS)],
                            capture_output=True, text=True, timeout=60, cwd=out)
    # verify exits 0 even for unknown keys and bad values, so any message at all is a failure.
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout + result.stderr


def test_units_say_what_the_issue_asks(tmp_path):
    out = render(tmp_path)
    kiosk = (out / "station-kiosk.service").read_text(encoding="utf-8")
    for line in ("Type=notify", "NotifyAccess=all", "WatchdogSec=30", "Restart=always",
                 "StartLimitIntervalSec=600", "StartLimitBurst=10", "StandardOutput=journal",
                 "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                 f"ReadWritePaths={tmp_path / 'data'} {tmp_path / 'etc' / 'keys'} /run/user",
                 f"ExecStart=/usr/bin/cage -d $CAGE_FLAGS -- {tmp_path / 'opt'}/bin/station-kiosk-session"):
        assert line in kiosk.splitlines(), line
    opt = tmp_path / "opt"
    guard = f"+{opt}/venv/bin/python -I {opt}/bin/station-kiosk-versions --root {opt}"
    assert f"ExecStartPre=-{guard} trial-start" in kiosk.splitlines()       # before every start
    assert f"ExecStartPost=-{guard} trial-ready" in kiosk.splitlines()      # after READY=1
    sync = (out / "station-kiosk-sync.service").read_text(encoding="utf-8").splitlines()
    run, config = f"{opt}/bin/station-kiosk-run", tmp_path / "etc" / "station.toml"
    assert f"ExecStart={run} --config {config} sync --once" in sync
    assert f"ExecStart={run} --config {config} catalogue update" in sync
    assert "/app/" not in kiosk + "\n".join(sync)              # everything runs through current
    timer = (out / "station-kiosk-sync.timer").read_text(encoding="utf-8").splitlines()
    assert "OnCalendar=*-*-* 02:00:00" in timer and "Persistent=true" in timer
    watch = (out / "station-kiosk-update.path").read_text(encoding="utf-8").splitlines()
    assert f"PathExistsGlob={tmp_path / 'data'}/updates/staged/*.tar.gz" in watch   # sync/fleet_offers.py
    apply = (out / "station-kiosk-update.service").read_text(encoding="utf-8").splitlines()
    assert f"ExecStart={run} --config {config} update apply-staged --root {opt}" in apply
    assert "User=root" in apply and "PrivateNetwork=yes" in apply and "NoNewPrivileges=yes" in apply
    assert f"ReadWritePaths={opt} {tmp_path / 'data'}" in apply
    session = (out / "station-kiosk-session").read_text(encoding="utf-8")
    assert "QT_IM_MODULE=qtvirtualkeyboard" in session and "WATCHDOG_PID=$$" in session
    assert f'APP="${{STATION_KIOSK_APP:-{run}}}"' in session
    runner = (out / "station-kiosk-run").read_text(encoding="utf-8")
    assert f'readlink -f "{opt}/current"' in runner and f'exec "{opt}/venv/bin/python"' in runner


def test_udev_rules_for_vid_pid_serial_and_usb_port(tmp_path):
    out = render(tmp_path, "--idcard", "1A86:7523", "--receipt", "path=pci-0000:00:14.0-usb-0:2:1.0")
    rules = (out / "60-station-kiosk-serial.rules").read_text(encoding="utf-8").splitlines()
    idcard = [r for r in rules if 'SYMLINK+="idcard"' in r]
    receipt = [r for r in rules if 'SYMLINK+="receipt"' in r]
    assert idcard == ['SUBSYSTEM=="tty", ATTRS{idVendor}=="1a86", ATTRS{idProduct}=="7523", '
                      'SYMLINK+="idcard", GROUP="dialout", MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"']
    assert receipt and 'ENV{ID_PATH}=="pci-0000:00:14.0-usb-0:2:1.0"' in receipt[0]
    serial = render(tmp_path / "s", "--idcard", "0403:6001:A50285BI")
    rules = (serial / "60-station-kiosk-serial.rules").read_text(encoding="utf-8")
    assert 'ATTRS{serial}=="A50285BI"' in rules
