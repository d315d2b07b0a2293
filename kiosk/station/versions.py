#!/usr/bin/env python3
"""The installed versions of the kiosk under one root, which of them runs, and going back.

    ROOT/versions/0.1.0/        one complete program tree per version (root-owned, read-only)
    ROOT/versions/0.2.0/
    ROOT/current  -> versions/0.2.0     what the services start (bin/station-kiosk-run resolves it)
    ROOT/previous -> versions/0.1.0     the last version known to have come up: where a rollback goes
    ROOT/trial.json                     present while `current` has not yet proven itself
    ROOT/last-rollback.json             the last rollback: when, from which version to which, why

Why a trial and an automatic rollback: a station is unattended and far from an engineer; a
signed update that does not start on this PC's hardware (a missing library, a driver quirk) must
not leave a black screen until someone drives out. `update apply` switches `current` and opens a
trial; the kiosk unit runs `trial-start` before every start (ExecStartPre) and `trial-ready` once
the app has sent READY=1 (ExecStartPost). A start whose version was ready and then stayed up for
CONFIRM_S proves the version (the trial ends, old versions are pruned); MAX_STARTS starts without
that and the next start switches `current` back to `previous` first. Counting starts here rather
than relying on systemd's start limit: a version that never sends READY=1 takes TimeoutStartSec
per attempt, so StartLimitBurst would never be reached inside StartLimitIntervalSec.

Why this module uses the standard library only and is also installed as
ROOT/bin/station-kiosk-versions: the guard that rolls a broken version back must not run code from
that broken version. The installer copies this file next to the units, outside `versions/`, and
only the installer changes it; `main.py update rollback` (staff) imports the same functions.

Every switch of `current` or `previous` is one atomic rename of a symlink: a power cut at any
moment leaves one of the two versions running, never half of each.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

MAX_STARTS = 3          # starts of an unproven version before the next one rolls it back
CONFIRM_S = 300.0       # ready, then up this long: the version has proven itself
KEEP_OLD = 2            # old versions kept besides `current` (`previous` always among them)
TRIAL, LAST_ROLLBACK = "trial.json", "last-rollback.json"
ROLLED_BACK_SUFFIX = ".rolled-back"


class VersionsError(Exception):
    """Why a switch could not be made (Chinese, for staff). Nothing was changed."""


def _link_target(root: Path, name: str) -> Path | None:
    link = Path(root) / name
    if not link.is_symlink():
        return None
    target = (Path(root) / os.readlink(link)).resolve()
    return target if target.is_dir() else None


def current_dir(root: Path) -> Path | None:
    """The version directory `current` points at (resolved), or None."""
    return _link_target(root, "current")


def previous_dir(root: Path) -> Path | None:
    return _link_target(root, "previous")


def version_of(directory: Path | None) -> str | None:
    """The version a program tree says it is: the signed manifest an update left in it, else the
    package metadata it carries (`station_kiosk-<v>.dist-info`, as the running program reads it),
    else its pyproject.toml; a tree installed before the metadata existed still has the
    `__version__` line of its main.py."""
    if directory is None:
        return None
    directory = Path(directory)
    try:
        return str(json.loads((directory / ".update-manifest.json").read_text("utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    for info in sorted(directory.glob("station_kiosk-*.dist-info")):
        try:
            match = re.search(r"^Version:\s*(\S+)\s*$", (info / "METADATA").read_text("utf-8"), re.M)
        except OSError:
            continue
        if match:
            return match.group(1)
    declared = pyproject_version(directory)
    if declared is not None:
        return declared
    try:
        text = (directory / "main.py").read_text("utf-8")
        match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', text, re.M)
    except OSError:
        return None
    return match.group(1) if match else None


def pyproject_version(directory: Path) -> str | None:
    """The `[project] version` of a tree's pyproject.toml (the one place a version is written)."""
    import tomllib

    try:
        with (Path(directory) / "pyproject.toml").open("rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _set_link(root: Path, name: str, target: Path | None) -> None:
    """Point ROOT/name at target (relative, so the tree can be moved) with one atomic rename."""
    link = Path(root) / name
    if target is None:
        if link.is_symlink():
            link.unlink()
        return
    temporary = Path(root) / f".{name}-{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(target, root), temporary)
    os.replace(temporary, link)
    _sync_dir(Path(root))


def _sync_dir(directory: Path) -> None:
    """fsync the directory, so the rename survives a power cut that follows."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _write_json(path: Path, value: dict[str, Any]) -> None:
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(value, ensure_ascii=False, indent=1), "utf-8")
    temporary.chmod(0o644)
    os.replace(temporary, path)
    _sync_dir(path.parent)


def trial(root: Path) -> dict[str, Any] | None:
    """The open trial ({"version", "previous", "starts", "started_at", "ready_at", "since"}) or None."""
    return _read_json(Path(root) / TRIAL)


def last_rollback(root: Path) -> dict[str, Any] | None:
    return _read_json(Path(root) / LAST_ROLLBACK)


def switch_to(root: Path, target: Path, *, on_trial: bool = True, now: float | None = None) -> None:
    """Make `target` (a directory under ROOT/versions) current.

    `previous` becomes the version to go back to: the one running now — unless that one is itself
    still on trial, then the trial's own fallback (never roll back onto an unproven version)."""
    root, target = Path(root), Path(target).resolve()
    running = current_dir(root)
    open_trial = trial(root)
    fallback = running
    if open_trial and running is not None and version_of(running) == open_trial.get("version"):
        fallback = previous_dir(root)
    if fallback is not None and fallback != target:
        _set_link(root, "previous", fallback)
    _set_link(root, "current", target)
    if on_trial and fallback is not None and fallback != target:
        _write_json(root / TRIAL, {"version": version_of(target), "previous": version_of(fallback),
                                   "starts": 0, "started_at": None, "ready_at": None,
                                   "since": time.time() if now is None else now})
    else:
        (root / TRIAL).unlink(missing_ok=True)


def rollback(root: Path, reason: str, *, now: float | None = None) -> tuple[str | None, str | None]:
    """Switch `current` back to `previous`. Returns (from version, to version).

    The version left behind is renamed `<version>.rolled-back` (kept to look at, pruned later),
    so the same package can be applied again once the cause is found."""
    root = Path(root)
    going_back_to, leaving = previous_dir(root), current_dir(root)
    if going_back_to is None:
        raise VersionsError("没有可以退回的上一个版本（previous 不存在）。")
    if going_back_to == leaving:
        raise VersionsError("上一个版本就是正在使用的版本，无需退回。")
    from_version, to_version = version_of(leaving), version_of(going_back_to)
    _set_link(root, "current", going_back_to)
    _set_link(root, "previous", None)
    (root / TRIAL).unlink(missing_ok=True)
    if leaving is not None and leaving.parent == (root / "versions").resolve():
        parked = leaving.with_name(leaving.name + ROLLED_BACK_SUFFIX)
        if parked.exists():
            shutil.rmtree(parked, ignore_errors=True)
        os.replace(leaving, parked)
    _write_json(root / LAST_ROLLBACK, {"at": time.time() if now is None else now, "from": from_version,
                                       "to": to_version, "reason": reason})
    return from_version, to_version


def trial_start(root: Path, *, now: float | None = None, max_starts: int = MAX_STARTS,
                confirm_s: float = CONFIRM_S) -> str:
    """Before each start of the kiosk (ExecStartPre): count the start of an unproven version, or
    roll it back when it has had its MAX_STARTS chances. Returns what was done, for the journal."""
    root, now = Path(root), time.time() if now is None else now
    state = trial(root)
    if state is None:
        return "无试运行中的版本"
    running = version_of(current_dir(root))
    if running != state.get("version"):
        (root / TRIAL).unlink(missing_ok=True)
        return f"试运行记录（{state.get('version')}）与当前版本 {running} 不符，已清除"
    ready_at = state.get("ready_at")
    if isinstance(ready_at, int | float) and now - ready_at >= confirm_s:
        confirm(root)
        return f"版本 {running} 上次启动后正常运行 {int(now - ready_at)} 秒，试运行通过"
    starts = int(state.get("starts") or 0)
    if starts >= max_starts:
        try:
            why = f"新版本连续 {starts} 次未能正常启动（未就绪，或就绪后 {int(confirm_s)} 秒内退出）"
            from_version, to_version = rollback(root, why, now=now)
        except VersionsError as exc:
            (root / TRIAL).unlink(missing_ok=True)
            return f"版本 {running} 连续 {starts} 次未能正常启动，但无法退回：{exc}"
        return f"版本 {from_version} 连续 {starts} 次未能正常启动，已自动退回版本 {to_version}"
    state.update(starts=starts + 1, started_at=now, ready_at=None)
    _write_json(root / TRIAL, state)
    return f"版本 {running} 试运行：第 {starts + 1} 次启动（最多 {max_starts} 次）"


def trial_ready(root: Path, *, now: float | None = None) -> str:
    """After the app sent READY=1 (ExecStartPost): note the time; staying up CONFIRM_S from here
    proves the version at its next start (or at `confirm`)."""
    root = Path(root)
    state = trial(root)
    if state is None or version_of(current_dir(root)) != state.get("version"):
        return "无试运行中的版本"
    state["ready_at"] = time.time() if now is None else now
    _write_json(root / TRIAL, state)
    return f"版本 {state.get('version')} 已就绪"


def confirm(root: Path, keep_old: int = KEEP_OLD) -> None:
    """The current version has proven itself: end the trial and prune old versions."""
    (Path(root) / TRIAL).unlink(missing_ok=True)
    prune(root, keep_old)


def prune(root: Path, keep_old: int = KEEP_OLD) -> list[str]:
    """Delete versions beyond `current`, `previous` and the newest `keep_old` others (the disk of a
    station PC is small). Never touches what a link points at. Returns the names removed."""
    root = Path(root)
    versions = root / "versions"
    if not versions.is_dir():
        return []
    keep = {p for p in (current_dir(root), previous_dir(root)) if p is not None}
    others = sorted((p for p in versions.iterdir() if p.is_dir() and p.resolve() not in keep
                     and ".partial-" not in p.name),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    room = max(0, keep_old - len(keep - {current_dir(root)}))
    removed = []
    for old in others[room:]:
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old.name)
    return removed


def describe(root: Path) -> dict[str, Any]:
    """What staff and `main.py status` see: current, previous, trial, last rollback, all versions."""
    root = Path(root)
    versions = root / "versions"
    installed = sorted(p.name for p in versions.iterdir() if p.is_dir()) if versions.is_dir() else []
    return {"root": str(root), "current": version_of(current_dir(root)),
            "previous": version_of(previous_dir(root)), "trial": trial(root),
            "last_rollback": last_rollback(root),
            "installed": installed}


def main(argv: list[str] | None = None) -> int:
    """`station-kiosk-versions --root ROOT trial-start|trial-ready|rollback|show|current` (the units
    run the first two; the installer asks `current`, which prints the running version or nothing).

    Exit codes: 0 done (also when there is nothing to do), 1 the switch could not be made."""
    parser = argparse.ArgumentParser(prog="station-kiosk-versions",
                                     description="自助终端的已安装版本：试运行计数、自动退回、查看。")
    parser.add_argument("--root", type=Path, required=True, help="安装目录（如 /opt/station-kiosk）")
    parser.add_argument("action", choices=("trial-start", "trial-ready", "rollback", "show", "current"))
    args = parser.parse_args(argv)
    try:
        if args.action == "trial-start":
            print(trial_start(args.root))
        elif args.action == "trial-ready":
            print(trial_ready(args.root))
        elif args.action == "rollback":
            from_version, to_version = rollback(args.root, "工作人员手动退回")
            print(f"已从版本 {from_version} 退回版本 {to_version}。")
        elif args.action == "current":
            print(version_of(current_dir(args.root)) or "")
        else:
            print(json.dumps(describe(args.root), ensure_ascii=False, indent=1))
    except VersionsError as exc:
        print(f"未退回：{exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法读写安装目录 {args.root}：{exc.strerror}（{exc.filename}）。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
