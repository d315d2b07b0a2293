"""The command line as a technician runs it: a real process, real exit codes, Chinese messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=ROOT)


def test_help_is_in_chinese_and_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for word in ("用法", "demo", "kiosk", "screenshots"):
        assert word in result.stdout


def test_bad_config_names_the_key_without_a_traceback(tmp_path):
    config = tmp_path / "station.toml"
    config.write_text("[ui]\nwarning_s = 5\n", encoding="utf-8")
    result = run("kiosk", "--config", str(config))
    assert result.returncode == 2
    assert "warning_s" in result.stderr and "配置错误" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_config_file():
    result = run("kiosk", "--config", "/nonexistent/station.toml")
    assert result.returncode == 2 and "找不到配置文件" in result.stderr


def test_bad_screenshot_size_is_explained():
    result = run("screenshots", "--out", "/tmp/x", "--size", "800x600")
    assert result.returncode == 2 and "1080x1920" in result.stderr


def test_demo_runs_headless_and_exits_cleanly(tmp_path):
    result = run("demo", "--exit-after", "3", "--data-dir", str(tmp_path / "demo"), timeout=90)
    assert result.returncode == 0, result.stderr
    assert "QML 警告" not in result.stderr and "Traceback" not in result.stderr
