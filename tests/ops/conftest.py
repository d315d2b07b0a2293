"""Fixtures for tests/ops: the shell's `make_kiosk`, and one PyInstaller build per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import make_kiosk  # noqa: F401 - a fixture, used by name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def qapp_cls():
    """The kiosk is a QGuiApplication (no widgets); other rooms' tests may already have made one."""
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication
BUILD = ROOT / "installer" / "pyinstaller" / "build.sh"


@pytest.fixture(scope="session")
def built() -> Iterator[Path]:
    """installer/pyinstaller/build.sh into a temporary folder; the path of the built executable.

    The folder is readable by all (pytest's own are 0700): the cage session test runs the build
    as an unprivileged user, as the station does."""
    pytest.importorskip("PyInstaller", reason="PyInstaller comes with the dev extra (setup.sh --dev)")
    out = Path(tempfile.mkdtemp(prefix="kiosk-pyinstaller-", dir="/tmp"))
    out.chmod(0o755)
    env = dict(os.environ, PYTHON=sys.executable)
    result = subprocess.run(["bash", str(BUILD), "--dist", str(out / "dist"), "--work", str(out / "work")],
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    exe = out / "dist" / "station-kiosk" / "station-kiosk"
    assert result.stdout.strip().endswith(str(exe))
    yield exe
    shutil.rmtree(out, ignore_errors=True)


