"""Where a crash report lands and who may read it, and the permissions of the key directory and
the data directory — on real files, with a real hard crash (SIGSEGV) in a child process."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from sync.store import Store

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "11010519491231002X"


def test_a_hard_crash_is_reported_in_a_private_file_without_personal_data(tmp_path):
    child = textwrap.dedent(f"""
        import ctypes, logging, sys
        sys.path.insert(0, {str(ROOT)!r})
        from kiosk.station.privacy_log import setup_logging
        setup_logging({str(tmp_path)!r}, console=False)
        person = {{"id_number": {ID_NUMBER!r}, "name": "欧阳娜娜"}}
        logging.getLogger("kiosk.test").info("about to crash for %s", person)
        def read_card(card):
            ctypes.string_at(0)          # a driver bug: SIGSEGV in native code
        read_card(person)
    """)
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGSEGV, result.stderr
    logs = tmp_path / "logs"
    crash = logs / "crash.log"
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    report = crash.read_text(encoding="utf-8")
    assert "Fatal Python error: Segmentation fault" in report and "read_card" in report
    everything = report + (logs / "kiosk.log").read_text(encoding="utf-8")
    assert ID_NUMBER not in everything and "欧阳娜娜" not in everything


def test_the_store_keeps_its_keys_and_data_private(tmp_path):
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    store.close()
    keys = tmp_path / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    for path in keys.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert not (tmp_path / "data" / "station.key").exists()          # keys never in the data dir
    database = [p for p in (tmp_path / "data").iterdir() if p.suffix in (".db", ".sqlite")]
    assert database and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in database)
