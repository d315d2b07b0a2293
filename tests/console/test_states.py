"""A station's calm state from one report's facts: each rule, and the worst one wins."""

from __future__ import annotations

import pytest

from console import states

NOW = 1_796_000_000.0


def facts(**over) -> dict:
    base = {
        "devices": {"id_reader": "ok", "receipt_printer": "ok", "camera": "ok"},
        "queue_pending": 0,
        "queue_failed": 0,
        "queue_oldest_age_s": None,
        "last_sync_at": NOW - 60,
        "received_at": NOW,
        "disk_free_mb": 50_000.0,
        "rollbacks": 0,
    }
    base.update(over)
    return base


@pytest.mark.parametrize(
    ("over", "state", "alerts"),
    [
        ({}, states.OK, ()),
        ({"devices": {"receipt_printer": "paper_low"}}, states.ATTENTION, ("paper_low",)),
        ({"devices": {"receipt_printer": "paper_out"}}, states.FAULT, ("paper_out",)),
        ({"devices": {"id_reader": "missing"}}, states.FAULT, ("reader_missing",)),
        ({"devices": {"camera": "fault"}}, states.FAULT, ("camera_missing",)),
        ({"devices": {"scanner": "absent", "a4_printer": "ok"}}, states.OK, ()),
        ({"queue_failed": 2}, states.ATTENTION, ("queue_failed",)),
        ({"queue_pending": 3, "queue_oldest_age_s": 5 * 3600}, states.ATTENTION, ("queue_stuck",)),
        (
            {"queue_pending": 3, "queue_oldest_age_s": 30 * 3600, "last_sync_at": NOW - 30 * 3600},
            states.FAULT,
            ("queue_stuck_day", "sync_stale"),
        ),
        ({"queue_pending": 0, "queue_oldest_age_s": 30 * 3600}, states.OK, ()),
        ({"disk_free_mb": 1000.0}, states.ATTENTION, ("disk_low",)),
        ({"disk_free_mb": 100.0}, states.FAULT, ("disk_full",)),
        (
            {"devices": {"receipt_printer": "paper_low", "id_reader": "missing"}},
            states.FAULT,
            ("reader_missing", "paper_low"),
        ),
    ],
)
def test_rules(over: dict, state: str, alerts: tuple) -> None:
    derived = states.derive(facts(**over))
    assert derived.state == state and derived.alerts == alerts
    assert all(states.ALERTS[a][0] for a in derived.alerts)


def test_a_rise_in_rollbacks_opens_an_alert() -> None:
    assert states.derive(facts(rollbacks=2), previous_rollbacks=1).alerts == ("rolled_back",)
    assert states.derive(facts(rollbacks=2), previous_rollbacks=2).alerts == ()
    assert states.derive(facts(rollbacks=2)).alerts == ()  # a first report is no news


def test_offline_and_labels() -> None:
    assert states.shown_state(states.FAULT, NOW - 60, NOW) == states.FAULT
    assert states.shown_state(states.OK, NOW - states.OFFLINE_AFTER_S - 1, NOW) == states.OFFLINE
    assert states.shown_state(states.OK, None, NOW) == states.OFFLINE
    assert states.label(states.OFFLINE, NOW - 400, NOW) == "离线 1 小时"
    assert states.label(states.OFFLINE, NOW - 5.5 * 3600, NOW) == "离线 5 小时"
    assert states.label(states.OFFLINE, NOW - 3 * 86400, NOW) == "离线 3 天"
    assert states.label(states.OFFLINE) == "从未上报"
    assert [states.label(s) for s in (states.OK, states.ATTENTION, states.FAULT)] == [
        "正常",
        "需关注",
        "故障",
    ]
