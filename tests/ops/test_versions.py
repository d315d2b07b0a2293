"""Updates change what runs: the installer puts this checkout into a temporary PREFIX on the
versions/current layout, a signed update made with `update make` is applied, and the command the
systemd unit would run (its ExecStart, rendered for that PREFIX) then starts the new version; a
version that does not come up is rolled back by the unit's own guard (ExecStartPre), and staff
can roll back by hand. Real files, real subprocesses, a station enrolled over loopback HTTP."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.station import versions
from kiosk.station.health import HealthReport
from kiosk.station.status import install_facts
from sync.store import Store
from tests.ops.test_updates import cli, station  # noqa: F401 - `station` is a fixture

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "installer" / "install-station.sh"
VENV = Path(sys.prefix)            # the tests' own environment stands in for PREFIX/venv


def install(prefix: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(INSTALL), "--app-only", "--prefix", str(prefix), "--venv", str(VENV),
                           *extra], capture_output=True, text=True, timeout=300, cwd="/")


def unit_commands(prefix: Path, tmp: Path) -> dict[str, list[list[str]]]:
    """ExecStart/ExecStartPre/ExecStartPost of the rendered units for `prefix`, split as systemd
    does, with the `-`/`+` prefixes removed."""
    out = tmp / "units"
    result = subprocess.run(["bash", str(INSTALL), "--render-units", str(out), "--prefix", str(prefix),
                             "--config-dir", str(tmp / "etc"), "--data-dir", str(tmp / "data")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    commands: dict[str, list[list[str]]] = {}
    for unit in ("station-kiosk.service", "station-kiosk-sync.service"):
        for line in (out / unit).read_text(encoding="utf-8").splitlines():
            match = re.match(r"^(ExecStart(?:Pre|Post)?)=([-+@:!]*)(.*)$", line)
            if match:
                commands.setdefault(f"{unit}:{match[1]}", []).append(shlex.split(match[3]))
    return commands


def running_version(commands: dict, tmp: Path) -> str:
    """What the daily sync unit's ExecStart starts: its program, asked for `--version`."""
    program = commands["station-kiosk-sync.service:ExecStart"][0][0]
    result = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=60, cwd=tmp)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def guard(commands: dict, action: str) -> str:
    """Run the kiosk unit's version guard as systemd would (trial-start before a start,
    trial-ready after READY=1)."""
    key = "station-kiosk.service:" + ("ExecStartPre" if action == "trial-start" else "ExecStartPost")
    command = next(c for c in commands[key] if c[-1] == action)
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def release(prefix: Path, station: Path, version: str) -> Path:  # noqa: F811 - the fixture's value
    """A release of the real program: the installed tree with its version number raised, packed and
    signed by the platform with `update make`."""
    tree = station / f"release-{version}"
    shutil.copytree(prefix / "versions" / "0.1.0", tree, ignore=shutil.ignore_patterns(".source.sha256"))
    project = tree / "pyproject.toml"
    project.write_text(re.sub(r'^version = ".*"$', f'version = "{version}"', project.read_text("utf-8"),
                              count=1, flags=re.M), "utf-8")
    package = station / f"station-kiosk-{version}.tar.gz"
    made = cli("update", "make", str(tree), "--version", version, "--data", str(station / "platform"),
               "--out", str(package))
    assert made.returncode == 0, made.stderr
    return package


def apply(prefix: Path, station: Path, package: Path) -> subprocess.CompletedProcess:  # noqa: F811
    return cli("update", "apply", str(package), "--root", str(prefix), "--no-restart",
               "--data-dir", str(station / "data"), "--key-dir", str(station / "keys"))


@pytest.mark.slow
def test_install_apply_runs_the_new_version_and_a_failing_one_is_rolled_back(station):  # noqa: F811
    prefix = station / "opt"
    first = install(prefix)
    assert first.returncode == 0, first.stderr
    assert os.readlink(prefix / "current") == "versions/0.1.0"
    again = install(prefix)                          # idempotent: nothing to do the second time
    assert again.returncode == 0 and "已写入" not in again.stdout and "已复制" not in again.stdout
    assert "程序不变" in again.stdout and "不变：" + str(prefix / "current") in again.stdout

    commands = unit_commands(prefix, station)
    assert running_version(commands, station) == "station-kiosk 0.1.0"

    # a signed update: applied, the unit's command now starts it, on trial with 0.1.0 to go back to
    applied = apply(prefix, station, release(prefix, station, "0.2.0"))
    assert applied.returncode == 0, applied.stderr
    assert "已安装版本 0.2.0" in applied.stdout and "未重启服务（--no-restart）" in applied.stdout
    assert running_version(commands, station) == "station-kiosk 0.2.0"
    assert os.readlink(prefix / "previous") == "versions/0.1.0"
    assert versions.trial(prefix)["version"] == "0.2.0"

    # re-running the installer from the 0.1.0 checkout does not downgrade the station
    rerun = install(prefix)
    assert rerun.returncode == 0 and "保留" in rerun.stdout
    assert running_version(commands, station) == "station-kiosk 0.2.0"

    # 0.2.0 never gets to READY=1: three starts, and the guard before the fourth goes back
    for attempt in (1, 2, 3):
        assert f"第 {attempt} 次启动" in guard(commands, "trial-start")
    said = guard(commands, "trial-start")
    assert "已自动退回版本 0.1.0" in said, said
    assert running_version(commands, station) == "station-kiosk 0.1.0"
    rolled = versions.last_rollback(prefix)
    assert (rolled["from"], rolled["to"]) == ("0.2.0", "0.1.0") and "未能正常启动" in rolled["reason"]
    assert (prefix / "versions" / "0.2.0.rolled-back").is_dir() and versions.trial(prefix) is None
    assert "无试运行中的版本" in guard(commands, "trial-start")     # the old version just starts
    # the county's monitoring and staff see it: `status` through the installed runner
    status = subprocess.run([commands["station-kiosk-sync.service:ExecStart"][0][0], "status", "--json",
                             "--data-dir", str(station / "data"), "--key-dir", str(station / "keys"),
                             "--port", "1", "--timeout", "0.2"], capture_output=True, text=True, timeout=60)
    doc = json.loads(status.stdout)
    assert doc["install"]["current"] == doc["install"]["running"] == "0.1.0", doc["install"]
    assert any("从版本 0.2.0 退回了 0.1.0" in p for p in doc["problems"]), doc["problems"]

    # a later release, and staff roll it back by hand
    assert apply(prefix, station, release(prefix, station, "0.3.0")).returncode == 0
    assert running_version(commands, station) == "station-kiosk 0.3.0"
    assert "已就绪" in guard(commands, "trial-ready")
    # the kiosk still running 0.1.0 (not restarted) tells the truth about it on /health
    facts = install_facts(prefix / "versions" / "0.1.0")["install"]
    assert (facts["running"], facts["current"], facts["on_trial"]) == ("0.1.0", "0.3.0", True)
    doc = HealthReport(lambda: {"devices": {"id_reader": {"state": "ok"}}, "queue": {"pending": 0},
                                **install_facts(prefix / "versions" / "0.1.0")},
                       version="0.1.0", station_id="210102-0001", data_dir=station).build()
    assert any("已安装版本 0.3.0，但运行的仍是 0.1.0" in p for p in doc["problems"]), doc["problems"]
    back = cli("update", "rollback", "--root", str(prefix), "--no-restart",
               "--data-dir", str(station / "data"), "--key-dir", str(station / "keys"))
    assert back.returncode == 0, back.stderr
    assert "已从版本 0.3.0 退回版本 0.1.0" in back.stdout
    assert running_version(commands, station) == "station-kiosk 0.1.0"
    nothing = cli("update", "rollback", "--root", str(prefix), "--no-restart",
                  "--data-dir", str(station / "data"), "--key-dir", str(station / "keys"))
    assert nothing.returncode == 1 and "没有可以退回的上一个版本" in nothing.stderr
    assert "Traceback" not in nothing.stderr
    shown = json.loads(cli("update", "show", "--root", str(prefix), "--json").stdout)
    assert shown["current"] == "0.1.0" and shown["last_rollback"]["reason"] == "工作人员手动退回"

    store = Store.open(station / "data", station / "keys")
    events = [e["event"] for e in store.audit_entries()]
    store.close()
    assert events.count("update_installed") == 2 and events.count("update_rolled_back") == 1


# ------------------------------------------------------------------ the guard's rules, by the clock


def tree(root: Path, version: str) -> Path:
    directory = root / "versions" / version
    directory.mkdir(parents=True)
    (directory / "main.py").write_text(f'__version__ = "{version}"\n')
    return directory


def installed(tmp_path: Path) -> Path:
    root = tmp_path / "opt"
    versions.switch_to(root, tree(root, "1.0.0"), on_trial=False)
    return root


def test_a_version_that_was_ready_and_stayed_up_is_kept_and_old_ones_pruned(tmp_path):
    root = installed(tmp_path)
    for number in ("1.1.0", "1.2.0", "1.3.0"):
        versions.switch_to(root, tree(root, number), now=0)
        versions.trial_start(root, now=10)
        versions.trial_ready(root, now=20)
        said = versions.trial_start(root, now=20 + versions.CONFIRM_S)   # up 5 minutes, restarted
        assert "试运行通过" in said and versions.trial(root) is None
    assert versions.version_of(versions.current_dir(root)) == "1.3.0"
    left = sorted(p.name for p in (root / "versions").iterdir())
    assert "1.3.0" in left and len(left) <= 1 + versions.KEEP_OLD and "1.0.0" not in left


def test_ready_then_a_quick_crash_counts_as_a_failed_start(tmp_path):
    root = installed(tmp_path)
    versions.switch_to(root, tree(root, "2.0.0"), now=0)
    for start in range(versions.MAX_STARTS):
        versions.trial_start(root, now=100 * start)
        versions.trial_ready(root, now=100 * start + 5)              # up, then gone within 5 min
    assert "已自动退回版本 1.0.0" in versions.trial_start(root, now=100 * versions.MAX_STARTS)
    assert versions.version_of(versions.current_dir(root)) == "1.0.0"


def test_an_update_during_a_trial_keeps_the_proven_version_to_go_back_to(tmp_path):
    root = installed(tmp_path)
    versions.switch_to(root, tree(root, "2.0.0"), now=0)             # 2.0.0 unproven
    versions.switch_to(root, tree(root, "2.0.1"), now=1)             # a fix arrives quickly
    assert versions.trial(root)["previous"] == "1.0.0"
    assert versions.rollback(root, "test") == ("2.0.1", "1.0.0")


def test_a_first_version_has_no_trial_and_nothing_to_roll_back_to(tmp_path):
    root = installed(tmp_path)
    assert versions.trial(root) is None
    with pytest.raises(versions.VersionsError, match="没有可以退回"):
        versions.rollback(root, "test")
    assert versions.main(["--root", str(root), "rollback"]) == 1


def test_a_release_needing_other_python_packages_is_refused(station):  # noqa: F811
    from tests.ops.test_updates import app_tree

    prefix = station / "opt"
    base = app_tree(station / "base", "1")
    (base / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["requests"]\n')
    package = station / "base.tar.gz"
    assert cli("update", "make", str(base), "--version", "0.2.0", "--data", str(station / "platform"),
               "--out", str(package)).returncode == 0
    assert apply(prefix, station, package).returncode == 0
    newer = app_tree(station / "newer", "2")
    (newer / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["requests", "lxml"]\n')
    assert cli("update", "make", str(newer), "--version", "0.3.0", "--data", str(station / "platform"),
               "--out", str(station / "newer.tar.gz")).returncode == 0
    refused = apply(prefix, station, station / "newer.tar.gz")
    assert refused.returncode == 1 and "需要不同的 Python 软件包" in refused.stderr
    assert versions.version_of(versions.current_dir(prefix)) == "0.2.0"
    assert sorted(p.name for p in (prefix / "versions").iterdir()) == ["0.2.0"]
