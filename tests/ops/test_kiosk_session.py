"""The kiosk session as the station runs it: cage starts the installed session script, which runs
the kiosk full screen through Xwayland with the Qt Virtual Keyboard, as an unprivileged user.

Cage runs on its headless back end with the software renderer, so no GPU or screen is needed. The
kiosk is the PyInstaller build (readable by any user, unlike a developer's venv)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("cage") is None or shutil.which("Xwayland") is None,
    reason="cage and xwayland are not installed (apt-get install cage xwayland)")


@pytest.mark.slow
def test_cage_runs_the_session_script_and_the_kiosk_comes_up_without_warnings(built):
    home = Path(tempfile.mkdtemp(prefix="kiosk-session-", dir="/tmp"))
    try:
        prefix, runtime, data = home / "opt", home / "run", home / "data"
        result = subprocess.run(
            ["bash", str(ROOT / "installer" / "install-station.sh"), "--render-units", str(home / "units"),
             "--prefix", str(prefix), "--config-dir", str(home / "etc"), "--data-dir", str(data)],
            capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        (home / "etc").mkdir()
        (home / "etc" / "station.toml").write_text(
            f'[paths]\ndata_dir = "{data}"\nkey_dir = "{home / "keys"}"\n[ui]\nvoice = false\n',
            encoding="utf-8")
        runtime.mkdir(mode=0o700)
        session = home / "units" / "station-kiosk-session"
        # cage hides the app's exit code (it exits 0), so the shell around the session keeps it.
        script = f'"{session}" --exit-after 4 >"{home}/app.log" 2>&1; echo $? >"{home}/app.rc"'
        env = {
            "PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
            "WLR_BACKENDS": "headless", "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1",
            "STATION_KIOSK_APP": str(built), "STATION_KIOSK_CONFIG": str(home / "etc" / "station.toml"),
            "QT_QPA_PLATFORM": "wayland",   # the session script must override this with xcb
            "QT_IM_MODULE": "ibus",         # ... and this with the virtual keyboard
        }
        command = ["cage", "-d", "--", "sh", "-c", script]
        if os.geteuid() == 0:                       # cage refuses to run as root, as it should
            nobody = pwd.getpwnam("nobody")
            for path in [home, *home.rglob("*")]:
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
            command = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups",
                       *command]
        subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=home)

        log = (home / "app.log").read_text(encoding="utf-8", errors="replace")
        assert (home / "app.rc").read_text().strip() == "0", log
        # Exit 0 from `kiosk --exit-after` means no Qt/QML warning; the Wayland platform would
        # also have said "qtvirtualkeyboard currently is not supported at client-side".
        assert "QML 警告" not in log and "not supported" not in log, log
    finally:
        shutil.rmtree(home, ignore_errors=True)
