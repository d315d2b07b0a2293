"""A station's calm state from its last report: 正常 / 需关注 / 故障 / 离线 N 小时, and its alerts.

Why one module: the ingest path, the store's listing query (offline is decided at read time from
the age of the last report) and the pages must all say the same thing about a station. The rules
are plain data in, plain data out: no database, no clock of its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

OK = "ok"
ATTENTION = "attention"
FAULT = "fault"
OFFLINE = "offline"
STATES = (OK, ATTENTION, FAULT, OFFLINE)
LABELS = {OK: "正常", ATTENTION: "需关注", FAULT: "故障", OFFLINE: "离线"}
_RANK = {OK: 0, ATTENTION: 1, FAULT: 2}

# Stations report every 60 s; five missed reports is offline (a station between two reports
# is never shown offline for a late packet).
OFFLINE_AFTER_S = 300
OFFLINE_ALERT_AFTER_S = 3600  # an alert (not just the grey state) once a station is silent an hour
# Thresholds (seconds, MB). The queue rules match what a station's own staff page warns about.
QUEUE_OLDEST_ATTENTION_S = 4 * 3600  # something waited half a working day
QUEUE_OLDEST_FAULT_S = 24 * 3600  # a queue that has not moved for a day
DISK_ATTENTION_MB = 2048
DISK_FAULT_MB = 500
SYNC_ATTENTION_S = 24 * 3600  # no successful delivery for a day while online

# Alert kinds: (label, state it implies). One open alert per station and kind.
ALERTS: dict[str, tuple[str, str]] = {
    "paper_low": ("凭条纸快用完", ATTENTION),
    "paper_out": ("凭条纸已用完", FAULT),
    "printer_fault": ("凭条打印机故障", FAULT),
    "a4_fault": ("A4 打印机故障", FAULT),
    "reader_missing": ("身份证阅读器未连接", FAULT),
    "camera_missing": ("摄像头未连接", FAULT),
    "scanner_missing": ("扫码器未连接", ATTENTION),
    "queue_failed": ("有提交被拒绝或失败，需人工处理", ATTENTION),
    "queue_stuck": ("待发送队列长时间未动", ATTENTION),
    "queue_stuck_day": ("待发送队列超过一天未动", FAULT),
    "sync_stale": ("超过一天没有成功同步", ATTENTION),
    "disk_low": ("磁盘空间不足", ATTENTION),
    "disk_full": ("磁盘空间即将用尽", FAULT),
    "rolled_back": ("软件更新后已回退", ATTENTION),
    "offline": ("驿站离线超过 1 小时", FAULT),   # opened by Store.sweep_offline, closed by the next report
}

# Device states a report may carry (the same words as the station's health document).
DEVICE_STATES = ("ok", "paper_low", "paper_out", "missing", "fault", "absent")
_DEVICE_ALERT = {
    ("receipt_printer", "paper_low"): "paper_low",
    ("receipt_printer", "paper_out"): "paper_out",
    ("receipt_printer", "missing"): "printer_fault",
    ("receipt_printer", "fault"): "printer_fault",
    ("a4_printer", "paper_out"): "a4_fault",
    ("a4_printer", "missing"): "a4_fault",
    ("a4_printer", "fault"): "a4_fault",
    ("id_reader", "missing"): "reader_missing",
    ("id_reader", "fault"): "reader_missing",
    ("camera", "missing"): "camera_missing",
    ("camera", "fault"): "camera_missing",
    ("scanner", "missing"): "scanner_missing",
    ("scanner", "fault"): "scanner_missing",
}


@dataclass(frozen=True)
class Derived:
    """What one report says about its station: the state and the alert kinds that are open."""

    state: str
    alerts: tuple[str, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> list[str]:
        return [ALERTS[k][0] for k in self.alerts]


def derive(facts: dict[str, Any], previous_rollbacks: int | None = None) -> Derived:
    """The state and open alerts from one report's facts (console.ingest.facts_of: times are epoch
    seconds, `received_at` the console's clock). `previous_rollbacks` is the count in the
    station's previous report: a rise opens `rolled_back`, which closes with the next report that
    shows no new rollback (the alert page keeps it, acknowledged or not)."""
    kinds: list[str] = []
    for device, status in sorted((facts.get("devices") or {}).items()):
        kind = _DEVICE_ALERT.get((device, status))
        if kind and kind not in kinds:
            kinds.append(kind)
    pending = int(facts.get("queue_pending") or 0)
    if int(facts.get("queue_failed") or 0) > 0:
        kinds.append("queue_failed")
    oldest = facts.get("queue_oldest_age_s")
    if oldest is not None and pending > 0:
        if oldest >= QUEUE_OLDEST_FAULT_S:
            kinds.append("queue_stuck_day")
        elif oldest >= QUEUE_OLDEST_ATTENTION_S:
            kinds.append("queue_stuck")
    last_sync = facts.get("last_sync_at")
    received = facts.get("received_at")
    if (
        pending
        and last_sync is not None
        and received is not None
        and received - last_sync >= SYNC_ATTENTION_S
    ):
        kinds.append("sync_stale")
    disk = facts.get("disk_free_mb")
    if disk is not None:
        if disk < DISK_FAULT_MB:
            kinds.append("disk_full")
        elif disk < DISK_ATTENTION_MB:
            kinds.append("disk_low")
    rollbacks = int(facts.get("rollbacks") or 0)
    if previous_rollbacks is not None and rollbacks > previous_rollbacks:
        kinds.append("rolled_back")
    state = OK
    for kind in kinds:
        implied = ALERTS[kind][1]
        if _RANK[implied] > _RANK[state]:
            state = implied
    return Derived(state, tuple(kinds))


def shown_state(state: str, last_seen: float | None, now: float) -> str:
    """The state a page shows: offline wins once the last report is older than OFFLINE_AFTER_S."""
    if last_seen is None or now - last_seen > OFFLINE_AFTER_S:
        return OFFLINE
    return state


def offline_hours(last_seen: float | None, now: float) -> int | None:
    """Whole hours since the last report (at least 1 once offline), None when never seen."""
    if last_seen is None:
        return None
    return max(1, math.floor((now - last_seen) / 3600))


def label(state: str, last_seen: float | None = None, now: float | None = None) -> str:
    """正常 / 需关注 / 故障 / 离线 N 小时 (离线 N 天 from two days on; 从未上报 when never seen)."""
    if state != OFFLINE:
        return LABELS[state]
    if last_seen is None or now is None:
        return "从未上报"
    hours = offline_hours(last_seen, now) or 1
    if hours >= 48:
        return f"离线 {hours // 24} 天"
    return f"离线 {hours} 小时"
