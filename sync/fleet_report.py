"""The station's report to the fleet console (console/console_api.yaml): build, queue, send.

Why its own small loop and not a row in the outbox: a report is not a resident's application.
Only the newest one matters (it says everything an older one did), so it is kept in its own
table (`fleet_reports`, one row) and replaced every interval, sent or not; the outbox and its
worker never see it, and the console being down or slow never delays a delivery to the platform
nor fills the disk. Sending happens on this loop's own thread with a short timeout.

The report is signed with the station's key exactly as a platform request is (sync/signing.py),
so the console verifies it with the key the station enrolled with. It carries no personal data:
counts, times, versions, device states, bundle ids and the 好差评 reasons from the kiosk's fixed
list; a rating's typed comment is never read.

`sync` does not import `kiosk`: what only the kiosk knows (device states, the software version,
when the last update was rolled back) comes in as plain arguments or small callables.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sync import fleet_offers, signing

log = logging.getLogger(__name__)

CONTRACT = "1"
REPORT_PATH = "/reports"
DEVICE_STATES = ("ok", "paper_low", "paper_out", "missing", "fault", "absent")
# The 好差评 reasons a report may carry: the kiosk's fixed list (kiosk/ui/viewmodels/rating.py
# REASONS; tests/console/test_report.py keeps the three copies equal: there, here, the contract).
RATING_REASONS = (
    "等待时间长",
    "操作太复杂",
    "字太小看不清",
    "设备出故障",
    "材料要求不清楚",
    "结果不满意",
    "其他",
)
ROLLBACKS_SEEN = "fleet_rollbacks"  # store settings: how many rollbacks were counted,
ROLLBACK_AT = "fleet_last_rollback_at"  # and the time of the last one counted
MAX_BAD_RATINGS = 200
# The console's staged rollouts that include this station, from its last answer; after each
# report that reached the console, sync/fleet_offers.py acts on them (fetches a newer catalogue,
# stages a newer software package for the root side's `update apply-staged`).
OFFERS = "fleet_offers"
FIRST_REPORT_AFTER_S = 10.0


def build_report(
    *,
    station_id: str,
    seq: int,
    now: float,
    software_version: str,
    catalogue_version: str | None,
    queue: dict[str, Any],
    last_sync_at: float | None,
    devices: dict[str, str],
    disk_free_mb: float,
    rollbacks: int,
    day: str,
    submissions: dict[str, int],
    ratings: dict[str, dict[str, int]],
    bad_ratings: list[dict[str, Any]],
    offers_refused: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The report document (console_api.yaml `Report`) from plain facts; times are epoch seconds
    (the station's clock corrected by the offset learnt from the platform). `offers_refused`
    (contract 1.1) is sent only when there is one: a report without it suits every console."""
    waiting = queue.get("oldest_age_s") if queue.get("pending") else None
    report = {
        "contract": CONTRACT,
        "station_id": station_id,
        "seq": int(seq),
        "heartbeat_at": signing.rfc3339(now),
        "software_version": software_version,
        "catalogue_version": catalogue_version or None,
        "queue": {
            "pending": int(queue.get("pending") or 0),
            "failed": int(queue.get("failed") or 0),
            "oldest_age_s": round(float(waiting), 1) if waiting is not None else None,
        },
        "last_sync_at": signing.rfc3339(last_sync_at) if last_sync_at is not None else None,
        "devices": {
            name: state if state in DEVICE_STATES else "fault" for name, state in sorted(devices.items())
        },
        "disk_free_mb": round(max(0.0, float(disk_free_mb)), 1),
        "rollbacks": int(rollbacks),
        "day": day,
        "figures": {
            "submissions": {b: int(n) for b, n in submissions.items()},
            "ratings": {b: {str(k): int(n) for k, n in levels.items()} for b, levels in ratings.items()},
        },
        "bad_ratings": [
            {
                "id": b["id"],
                "rated_at": signing.rfc3339(b["created_at"]),
                "bundle": b["bundle"],
                "level": int(b["score"]),
                "reasons": [t for t in b.get("tags", []) if t in RATING_REASONS],
            }
            for b in bad_ratings[:MAX_BAD_RATINGS]
        ],
    }
    if offers_refused:
        report["offers_refused"] = [{"kind": r["kind"], "version": r["version"], "code": r["code"]}
                                    for r in offers_refused[:8]]
    return report


def encode(report: dict[str, Any]) -> bytes:
    return json.dumps(report, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def start_of_day(ts: float) -> float:
    """Local midnight before `ts`: the day the figures cover is the station's calendar day."""
    day = datetime.fromtimestamp(ts).date()
    return datetime(day.year, day.month, day.day).timestamp()


def disk_free_mb(path: Path) -> float:
    try:
        return shutil.disk_usage(path).free / (1024 * 1024)
    except OSError:
        return 0.0


def count_rollbacks(store, last_rollback_at: float | None) -> int:  # noqa: ANN001 - sync.store.Store
    """How many rollbacks this station has had, counted from the time of the last one the update
    machinery recorded (each new time is one more)."""
    seen = int(store.setting(ROLLBACKS_SEEN, "0") or 0)
    if last_rollback_at is None:
        return seen
    counted = store.setting(ROLLBACK_AT)
    if counted is None or abs(float(counted) - float(last_rollback_at)) > 1e-6:
        seen += 1
        store.set_setting(ROLLBACKS_SEEN, str(seen))
        store.set_setting(ROLLBACK_AT, repr(float(last_rollback_at)))
    return seen


def report_from_store(  # noqa: ANN001 - store: sync.store.Store
    store,
    seq: int,
    *,
    station_id: str,
    software_version: str,
    devices: dict[str, str],
    rollbacks: int,
    catalogue_version: str | None = None,
    disk_path: Path | None = None,
) -> dict[str, Any]:
    """The report for the station whose store this is, now. The catalogue version is the one
    downloaded from the platform when there is one, else `catalogue_version` (the shipped one)."""
    now = store.now() + store.clock_offset_s
    today = start_of_day(store.now())
    summary = store.pending_summary()
    counts, bad = store.ratings_per_bundle(today)
    info = store.document_info("catalogue")
    catalogue_version = (info["version"] if info else None) or catalogue_version
    return build_report(
        station_id=station_id,
        seq=seq,
        now=now,
        software_version=software_version,
        catalogue_version=catalogue_version,
        queue={
            "pending": summary["pending"],
            "failed": summary["failed"],
            "oldest_age_s": summary["oldest_pending_age_s"],
        },
        last_sync_at=store.last_sync_at(),
        devices=devices,
        disk_free_mb=disk_free_mb(disk_path or store.data_dir),
        rollbacks=rollbacks,
        day=datetime.fromtimestamp(store.now()).date().isoformat(),
        submissions=store.submissions_per_bundle(today),
        ratings=counts,
        bad_ratings=bad,
        offers_refused=fleet_offers.reported_refusals(store.data_dir),
    )


class FleetReporter:
    """Every `interval_s`: make a report (queued durably, replacing the last) and send what is
    unsent. `run_once()` does one round (tests, `sync --once`); `start()`/`stop()` the loop."""

    def __init__(
        self,
        store,
        key,
        console_url: str,
        *,
        station_id: str,
        software_version: str,
        devices: Callable[[], dict[str, str]] = dict,
        last_rollback_at: Callable[[], float | None] = lambda: None,
        catalogue_version: Callable[[], str | None] = lambda: None,
        interval_s: float = 60.0,
        timeout_s: float = 10.0,
        session=None,
        act_on_offers: bool = True,
    ) -> None:  # noqa: ANN001
        import requests

        self.store = store
        self.key = key
        self.station_id = station_id
        self.url = console_url.rstrip("/") + REPORT_PATH
        self.path = urlsplit(self.url).path
        self.software_version = software_version
        self.devices = devices
        self.last_rollback_at = last_rollback_at
        self.catalogue_version = catalogue_version
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.session = session or requests.Session()
        self.session.trust_env = False  # a county network's proxy settings are not ours
        self.last_reply: dict[str, Any] | None = None
        self.last_error: str | None = None
        self._not_before = 0.0
        self._failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.offers = fleet_offers.OfferAgent(
            store, key, console_url, station_id=station_id, software_version=software_version,
            catalogue_version=catalogue_version, session=self.session, timeout_s=max(30.0, timeout_s),
        ) if act_on_offers else None

    def make(self) -> int:
        """Build the report now and queue it (replacing an unsent one). Returns its seq."""
        devices = self.devices()
        rollbacks = count_rollbacks(self.store, self.last_rollback_at())
        catalogue = self.catalogue_version()

        def body(seq: int) -> bytes:
            return encode(
                report_from_store(
                    self.store,
                    seq,
                    station_id=self.station_id,
                    software_version=self.software_version,
                    devices=devices,
                    rollbacks=rollbacks,
                    catalogue_version=catalogue,
                )
            )

        return self.store.queue_fleet_report(body)

    def send(self) -> bool:
        """Send the unsent report, if any; True when the console recorded it (or nothing was due)."""
        pending = self.store.unsent_fleet_report()
        if pending is None:
            return True
        seq, body = pending
        now = self.store.now() + self.store.clock_offset_s
        headers = {
            "Content-Type": "application/json",
            **signing.sign_headers(self.key, self.station_id, "POST", self.path, body, now),
        }
        import requests

        try:
            response = self.session.post(self.url, data=body, headers=headers, timeout=self.timeout_s)
        except requests.RequestException as exc:
            return self._failed(f"管控平台无法连接：{type(exc).__name__}")
        if response.status_code == 200:
            self.store.fleet_report_sent(seq)
            try:
                self.last_reply = response.json()
            except ValueError:
                self.last_reply = None
            offers = (self.last_reply or {}).get("offers")
            if isinstance(offers, list) and json.dumps(offers) != self.store.setting(OFFERS):
                self.store.set_setting(OFFERS, json.dumps(offers, ensure_ascii=False))
            self.last_error = None
            self._failures = 0
            self._not_before = 0.0
            return True
        retry_after = response.headers.get("Retry-After")
        try:
            message = response.json().get("message", "")
        except ValueError:
            message = ""
        return self._failed(
            f"管控平台未接收报告（{response.status_code}）{message}",
            float(retry_after) if retry_after and retry_after.isdigit() else None,
        )

    def _failed(self, reason: str, retry_after: float | None = None) -> bool:
        self.last_error = reason
        self._failures += 1
        backoff = min(3600.0, self.interval_s * (2 ** min(self._failures - 1, 6)))
        self._not_before = time.monotonic() + max(backoff, retry_after or 0.0)
        log.info("fleet report not sent: %s", reason)
        return False

    def run_once(self) -> bool:
        self.make()
        sent = self.send()
        if sent:
            self.act()
        return sent

    def act(self) -> str:
        """Act on the offers of the console's last answer (one download at most): see
        sync/fleet_offers.py. Never raises into the loop; returns what was done."""
        if self.offers is None:
            return "none"
        try:
            offers = json.loads(self.store.setting(OFFERS) or "[]")
            return self.offers.act(offers)
        except Exception:  # noqa: BLE001 - an offer must never take the reports down
            log.exception("acting on the console's offers failed")
            return "later"

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fleet report", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout_s + 5)
            self._thread = None

    def _run(self) -> None:
        # the first report waits for the devices to be found (a report at start-up would say
        # "no devices" for a station that has them all)
        if self._stop.wait(min(FIRST_REPORT_AFTER_S, self.interval_s)):
            return
        while not self._stop.is_set():
            try:
                self.make()
                if time.monotonic() >= self._not_before and self.send():
                    self.act()
            except Exception:  # noqa: BLE001 - a report must never take the kiosk down
                log.exception("fleet report round failed")
            self._stop.wait(self.interval_s)
