"""A new station's store opened by several programs at once (the kiosk and the sync service start
together on first boot): each gets the one store, none takes a store half made for a damaged one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_eight_programs_opening_a_new_store_at_once_all_succeed(tmp_path):
    data, keys = tmp_path / "data", tmp_path / "keys"
    script = ("import sys; from sync.store import Store; "
              "s = Store.open(sys.argv[1], sys.argv[2]); print(s.setting('store_id')); s.close()")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(data), str(keys)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
    results = [run.communicate(timeout=120) + (run.returncode,) for run in runs]
    assert [code for _, _, code in results] == [0] * 8, [err for _, err, _ in results]
    assert len({out.strip() for out, _, _ in results}) == 1          # one store, one identity
