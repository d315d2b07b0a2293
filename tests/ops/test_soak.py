"""The soak benchmark's short version: 20 residents through one kiosk process (offscreen, pty
simulators, loopback platform, virtual clock) with a reader and a printer unplugged and replugged
and a network outage. Memory is reported by the full run (benchmarks/soak.py), not asserted here:
20 sessions are too few to tell growth from warm-up."""

from __future__ import annotations

import pytest

from benchmarks.soak import run_soak, table


@pytest.mark.slow
def test_twenty_sessions_with_unplugs_and_an_outage(qapp, tmp_path):
    result = run_soak(20, tmp_path, log=lambda text: None)
    print(table(result))
    assert result.failures == [] and result.qml_warnings == []
    assert result.completed + result.abandoned_wiped == 20 and result.abandoned_wiped == 2
    assert result.by_card >= 18                       # all but the one while the reader was unplugged
    assert result.reader_unplug_seen and result.reader_recovered_s is not None
    assert result.printer_unplug_seen and result.printer_recovered_s is not None
    assert result.receipts_not_printed >= 1           # the receipt while the printer was unplugged
    assert result.outage_peak_pending >= 2 and result.pending_after_drain == 0
    assert result.pending_end == 0 and result.failed_end == 0
    assert result.platform_received == result.submissions_saved and result.platform_duplicates == 0
    assert result.threads_end <= result.threads_warm
