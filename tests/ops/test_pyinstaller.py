"""The PyInstaller onedir build: it builds, and the built kiosk runs its QML with no Python around.

Measured on the 2-core CI machine: the build takes about 25 s (the spec leaves the unused parts
of Qt out), so the test always runs; it is marked slow.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

# `built` (the build, made once per test session) is a fixture in tests/ops/conftest.py.


def _run(exe: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    # A clean environment: no venv, no PYTHONPATH, so nothing can come from outside the bundle.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_the_build_reports_its_version(built, tmp_path):
    from kiosk.station.version import app_version

    result = _run(built, "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"station-kiosk {app_version()}"


@pytest.mark.slow
def test_the_build_carries_the_qml_and_the_virtual_keyboard(built, tmp_path):
    internal = built.parent / "_internal"
    qt = internal / "PySide6" / "Qt"
    assert (qt / "plugins" / "platforminputcontexts" / "libqtvirtualkeyboardplugin.so").is_file()
    assert (qt / "qml" / "QtQuick" / "VirtualKeyboard" / "Plugins" / "Pinyin").is_dir()
    assert (internal / "kiosk" / "ui" / "qml" / "Main.qml").is_file()
    # The demo loads Main.qml (which imports QtQuick.VirtualKeyboard) and exits non-zero on any
    # QML warning; the screenshots command renders every screen from the bundled QML.
    demo = _run(built, "demo", "--exit-after", "2", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-4000:]
    shots = _run(built, "screenshots", "--out", str(tmp_path / "shots"), cwd=tmp_path)
    assert shots.returncode == 0, shots.stderr[-4000:]
    written = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert "identify_manual-1080x1920.png" in written and len(written) >= 5
    assert all((tmp_path / "shots" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in written)
