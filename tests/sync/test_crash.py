"""kill -9 during `queue add` and during `sync`: 0 lost, 0 duplicated (see crash_harness.py)."""

from __future__ import annotations

import pytest

from tests.sync.crash_harness import run
from tests.sync.helpers import PYTHON


@pytest.mark.slow
def test_kill_9_during_queue_add_and_sync(tmp_path, platform):
    outcome = run(
        tmp_path,
        platform.url,
        platform.service.data_dir / "platform.db",
        platform.service.new_enrollment_code(),
        PYTHON,
        add_kills=12,
        sync_kills=10,
    )
    assert outcome.killed_add == 12 and outcome.killed_sync == 10, outcome  # 22 real kill -9
    assert outcome.acknowledged, outcome
    assert outcome.lost == [] and outcome.duplicated == [], outcome
    assert outcome.undelivered == [] and outcome.final_sync_rc == 0, outcome
    assert outcome.integrity == "ok"
