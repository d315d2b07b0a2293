"""The delivery worker: empties the outbox into the platform, exactly once, whenever it can.

    worker = DeliveryWorker(store, client, on_status=banner_update)
    report = worker.run_once()          # one pass (the command line's `sync --once`)
    worker.start(); ...; worker.stop()  # a background thread for the kiosk

Why it works this way:
- A row is marked `delivered` only on the contract's definite success; anything else leaves it
  queued with its frozen body and idempotency key, so a resend after any failure is harmless.
- Attachments go first (resumable), then the submission; when many rows are due they go in
  `POST /submissions:batch` requests of up to 50, which is what lets a station drain a day's
  queue with a handful of requests.
- Backoff is exponential with *full jitter* (a uniformly random wait in [0, min(cap, base·2^n)]),
  and never shorter than the platform's Retry-After. When 12 000 stations come back after an
  outage, jitter is what spreads them out (benchmarks/fleet.py measures it).
- A transport failure stops the pass for the whole station (the network is down for all rows),
  instead of hammering every row once.
- Ratings and heartbeats use the same client, the same classification and the same backoff.
- A storage fault (StoreError: full disk, damaged database, read-only disk) is never a network
  problem: it goes into `RunReport.storage_error` / `WorkerStatus.storage_error`, never into
  `last_error` or `online`, and `sync` exits 5 for it, not 3.
- One worker per data directory (sync.integrity.DeliveryLock, a file lock): a second one (two
  `sync --forever`, or `sync --once` beside the running kiosk) sends nothing and says who does.
- Every heartbeat carries the signed head of the audit chain; the platform keeps the latest and
  answers it, so a data disk swapped for an older copy is noticed (`anchor_problem`).
- A platform that paces its fleet (contract 1.2, `sync.pacing`) gives each station a delivery
  window in heartbeat replies and 503/429 answers; a longer outage is then retried in that window,
  so the fleet comes back evenly at the platform's capacity. Without it: the backoff above.
- Status pulls and heartbeats run on their own jittered timers (5 min), not on every pass, and
  the catalogue / credit list are fetched when the heartbeat reports a version we do not have
  (a weekly ETag check is only a safety net): the steady load of a 12 000-station province stays
  a small, even fraction of the platform's capacity.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sync import documents
from sync.client import DocumentRefused, PlatformClient, Reply, StationRefused, Terminal, Transient
from sync.enrollment import platform_key
from sync.integrity import DeliveryLock
from sync.pacing import Pacing, retry_delay
from sync.store import KIND_SUBMISSION, REJECTED, OutboxRow, Store, StoreError

log = logging.getLogger("sync.worker")

# Store settings the worker keeps for the health report (kiosk/station/status.py reads them).
LAST_SYNC_OK_AT = "last_sync_ok_at"
MIN_APP_VERSION = "platform_min_app_version"
# Set when the platform's anchored audit head is ahead of this store's (an older disk put back);
# kiosk/station/status.py reports it. Cleared when the store catches up or gets a new identity.
ANCHOR_PROBLEM = "audit_anchor_problem"
# The platform's last pacing announcement (contract 1.2), JSON; kept across restarts so a station
# restarted during an outage still retries in its window. Empty: the platform does not pace.
PACING = "platform_pacing"


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter; `rng` injectable so simulations are reproducible."""

    base_s: float = 2.0
    cap_s: float = 1500.0  # while offline, at most 25 min between tries (see benchmarks/fleet.py)

    def delay(self, failures: int, rng: random.Random, retry_after: float | None = None) -> float:
        ceiling = min(self.cap_s, self.base_s * (2 ** min(failures, 30)))
        wait = rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait


@dataclass
class RunReport:
    delivered: int = 0
    failed: int = 0
    rejected: int = 0
    retry_later: int = 0
    statuses: int = 0
    certificates: int = 0
    requests: int = 0
    offline: bool = False
    error: str | None = None            # the network's or the platform's word (exit 3 / 1)
    storage_error: str | None = None    # the station's own storage (exit 5), never `error`
    busy: str | None = None             # another worker holds this data directory (exit 6)
    purged: int = 0                     # applications whose personal content retention removed
    refused_documents: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class WorkerStatus:
    """What the queue banner shows."""

    pending: int
    failed: int
    oldest_pending_age_s: int
    online: bool
    last_error: str | None
    next_try_at: float | None
    storage_error: str | None = None    # the station's own disk or database, never a network word
    busy: str | None = None             # another delivery program holds this data directory


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        client: PlatformClient,
        *,
        batch_threshold: int = 5,
        batch_size: int = 50,
        concurrency: int = 4,
        backoff: Backoff | None = None,
        rng: random.Random | None = None,
        on_status: Callable[[WorkerStatus], None] | None = None,
        heartbeat_interval_s: float = 300.0,
        status_interval_s: float = 300.0,
        documents_interval_s: float = 7 * 86400.0,
        app_version: str = "0.1.0",
        devices: Callable[[], dict[str, str]] | None = None,
        retention_days: float | None = None,
        retention_interval_s: float = 86400.0,
    ) -> None:
        self.store = store
        self.client = client
        self.batch_threshold = max(2, batch_threshold)
        self.batch_size = max(1, min(50, batch_size))
        self.concurrency = max(1, concurrency)
        self.backoff = backoff or Backoff()
        self.rng = rng or random.Random()
        self.on_status = on_status
        self.heartbeat_interval_s = heartbeat_interval_s
        self.status_interval_s = status_interval_s
        self.documents_interval_s = documents_interval_s
        self.app_version = app_version
        self.devices = devices or (lambda: {})
        self.retention_days = retention_days
        self.retention_interval_s = retention_interval_s
        self.not_before = 0.0
        self.failures = 0
        self.last_error: str | None = None
        self.storage_error: str | None = None
        self.busy: str | None = None
        self.pacing = self._stored_pacing()
        self._delivery_lock = DeliveryLock(store.data_dir)
        self._hold_lock = False               # the thread keeps the lock between passes
        self._next_retention = 0.0
        self._next_heartbeat = 0.0
        self._next_documents = 0.0
        self._next_status = 0.0
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ one pass
    def run_once(self, force: bool = False) -> RunReport:
        """Deliver what is due, pull statuses and certificates, heartbeat and documents when due.

        `force` (the command line's `sync --once`, or staff pressing "send now") ignores the
        backoff schedule and tries every pending row now."""
        report = RunReport()
        try:
            if not self._delivery_lock.acquire():
                report.busy = self.busy = self._delivery_lock.busy_message()
                self._publish()
                return report
        except StoreError as exc:
            report.storage_error = self.storage_error = str(exc)
            self._publish()
            return report
        self.busy = None
        try:
            self._pass(report, force)
        finally:
            if not self._hold_lock:
                self._delivery_lock.release()
        self._publish()
        return report

    def _pass(self, report: RunReport, force: bool) -> None:
        now = self.store.now()
        if not force and now < self.not_before:
            return
        try:
            self._deliver(self.store.due_rows(float("inf") if force else now), report)
            if report.delivered:
                self._reached_platform()
            if force or now >= self._next_status:
                self._pull_statuses(report)
                self._fetch_certificates(report)
                self._next_status = now + self._jittered(self.status_interval_s)
            self._heartbeat_and_documents(now, force, report)
            self._retention(now, report)
            self.failures = 0
            self.last_error = None
            self.storage_error = None
            self.not_before = 0.0
        except Transient as exc:
            self.failures += 1
            report.offline = True
            report.error = self.last_error = exc.reason
            self.not_before = self.store.now() + self._retry_delay(self.failures, exc)
            log.info(
                "delivery paused: %s (next try in %.0f s)", exc.reason, self.not_before - self.store.now()
            )
        except StationRefused as exc:
            self.failures += 1
            report.offline = True
            report.error = self.last_error = f"平台拒绝本机：{exc.message}"
            self.not_before = self.store.now() + self.backoff.delay(self.failures, self.rng)
            log.warning("station refused by platform: %s", exc.code)
        except Terminal as exc:
            # a refusal of a station-level request (status pull, heartbeat): no row is at fault;
            # staff see it on the banner, and we back off instead of asking again at once
            self.failures += 1
            report.error = self.last_error = f"平台拒绝请求：{exc.message}（{exc.status}）"
            self.not_before = self.store.now() + self.backoff.delay(self.failures, self.rng)
            log.warning("platform refused a station request: %s %s", exc.status, exc.code)
        except StoreError as exc:
            # the station's own storage: its own field, never "offline" or a network word; the
            # network state (last_error, backoff) is left as it was
            report.storage_error = self.storage_error = str(exc)
            log.error("store error during delivery: %s", exc)
        else:
            self.store.seal_ledger()

    def _retention(self, now: float, report: RunReport) -> None:
        """个人信息保护法: once a day, remove the personal content of applications the platform
        completed more than `retention_days` ago (Store.purge_completed keeps the receipt facts)."""
        if self.retention_days is None or now < self._next_retention:
            return
        report.purged = self.store.purge_completed(self.retention_days * 86400.0)
        self._next_retention = now + self.retention_interval_s

    def _deliver(self, rows: list[OutboxRow], report: RunReport) -> None:
        submissions = [r for r in rows if r.kind == KIND_SUBMISSION]
        others = [r for r in rows if r.kind != KIND_SUBMISSION]
        if len(submissions) >= self.batch_threshold:
            for i in range(0, len(submissions), self.batch_size):
                self._deliver_batch(submissions[i : i + self.batch_size], report)
        elif submissions:
            self._run_concurrently(submissions, report)
        if others:
            self._run_concurrently(others, report)

    def _run_concurrently(self, rows: list[OutboxRow], report: RunReport) -> None:
        """Bounded concurrency; the first transport failure stops new rows from starting."""
        trouble: list[BaseException] = []
        lock = threading.Lock()

        def one(row: OutboxRow) -> None:
            with lock:
                if trouble:
                    return
            try:
                self._deliver_single(row, report)
            except (Transient, StationRefused) as exc:
                with lock:
                    trouble.append(exc)

        if self.concurrency == 1 or len(rows) == 1:
            for row in rows:
                one(row)
        else:
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(rows))) as pool:
                list(pool.map(one, rows))
        if trouble:
            raise trouble[0]

    def _upload_attachments(self, row: OutboxRow, report: RunReport, force: bool = False) -> None:
        for sha in self.store.submission_attachments(row.ref_id):
            if not force and self.store.attachment_uploaded(sha):
                continue
            size = self.store.attachment_size(sha)
            report.requests += 1
            self.client.upload_attachment(sha, lambda s=sha: self.store.read_attachment(s), size)
            self.store.mark_attachment_uploaded(sha)

    def _deliver_single(self, row: OutboxRow, report: RunReport) -> None:
        self.store.mark_sending(row.id)
        attempts = row.attempts + 1
        try:
            body = self.store.request_body(row)
            if row.kind == KIND_SUBMISSION:
                self._upload_attachments(row, report)
            for _ in range(3):
                report.requests += 1
                if row.kind == KIND_SUBMISSION:
                    reply = self.client.post_submission(row.idempotency_key, body)
                else:
                    reply = self.client.post_rating(row.idempotency_key, body)
                if reply.status == 422 and reply.error == "attachments_missing":
                    self._reupload(row, reply.body.get("missing") or [], report)
                    continue
                self._apply(row, reply.status, reply.body, report)
                return
            self._later(row, attempts, "平台仍缺附件", None, report)
        except Transient as exc:
            self._later(row, attempts, exc.reason, exc, report)
            raise
        except StationRefused:
            self._later(row, attempts, "平台拒绝本机身份", None, report)
            raise
        except Terminal as exc:
            self.store.mark_failed(row, f"{exc.message}（{exc.status} {exc.code}）")
            report.failed += 1

    def _reupload(self, row: OutboxRow, missing: list[str], report: RunReport) -> None:
        for sha in missing:
            self.store.mark_attachment_uploaded(sha, False)
        self._upload_attachments(row, report)

    def _later(
        self, row: OutboxRow, attempts: int, reason: str, exc: Transient | None, report: RunReport
    ) -> None:
        delay = self._retry_delay(attempts, exc, jitter=False)
        self.store.mark_retry(row.id, self.store.now() + delay, reason)
        report.retry_later += 1

    def _retry_delay(self, failures: int, exc: Transient | None, jitter: bool = True) -> float:
        """The one waiting rule (sync.pacing.retry_delay, also what benchmarks/fleet.py runs):
        full-jitter backoff and Retry-After, or the platform's delivery window when it paces.
        Rows (`jitter=False`) wait for the window's opening, so they are due at the station's pass."""
        announced = Pacing.from_json(exc.pacing) if exc is not None else None
        if announced is not None:
            self._note_pacing(announced)
        if exc is None:   # not a network matter (a row's own retry): plain backoff, as before
            return self.backoff.delay(failures, self.rng)
        return retry_delay(self.backoff, failures, self.rng, exc.retry_after, self.pacing,
                           self._platform_now(), refused_with_pacing=announced is not None, jitter=jitter)

    def _platform_now(self) -> float:
        now = getattr(self.client, "platform_now", None)
        return now() if callable(now) else self.store.now()

    def _stored_pacing(self) -> Pacing | None:
        try:
            raw = self.store.setting(PACING)
            return Pacing.from_json(json.loads(raw)) if raw else None
        except (StoreError, ValueError):
            return None

    def _note_pacing(self, pacing: Pacing | None) -> None:
        """Take the platform's announcement (None: a heartbeat reply without one, i.e. a platform
        that does not pace, or no longer does: back to the old behaviour). Kept in the store."""
        if pacing == self.pacing:
            return
        self.pacing = pacing
        try:
            self.store.set_setting(PACING, json.dumps(pacing.to_json()) if pacing else "")
        except StoreError as exc:   # a full disk: the announcement still holds for this run
            log.warning("could not keep the platform's pacing: %s", exc)

    def _apply(self, row: OutboxRow, status: int, body: Any, report: RunReport) -> None:
        """One answer (single or batch item) → the row's new state."""
        if status in (200, 201) and isinstance(body, dict):
            self.store.mark_delivered(row, body)
            report.delivered += 1
            log.info("delivered %s %s", row.kind, row.local_reference or row.ref_id)
            return
        code = body.get("error", "") if isinstance(body, dict) else ""
        message = body.get("message", "") if isinstance(body, dict) else ""
        if status == 422 and code == "invalid_submission":
            fields = body.get("fields")
            detail = "；".join(f"{k}：{v}" for k, v in fields.items()) if isinstance(fields, dict) else ""
            self.store.mark_failed(
                row, f"平台不予受理：{message}{('（' + detail + '）') if detail else ''}", state=REJECTED
            )
            report.rejected += 1
            return
        if (
            not 400 <= status < 500
            or status in (409, 429)
            or (status == 422 and code == "attachments_missing")
        ):
            # only a 4xx the contract does not list as "retry" may fail a row; anything odd is retried
            self._later(row, row.attempts + 1, message or f"稍后重试（{status}）", None, report)
            return
        self.store.mark_failed(row, f"{message or '平台拒绝'}（{status} {code}）")
        report.failed += 1

    def _deliver_batch(self, rows: list[OutboxRow], report: RunReport) -> None:
        self.store.mark_sending_many([row.id for row in rows])
        try:
            self._run_uploads(rows, report)
            items = [(row.idempotency_key, self.store.request_body(row)) for row in rows]
            report.requests += 1
            reply: Reply = self.client.post_batch(items)
        except Transient as exc:
            for row in rows:
                self._later(row, row.attempts + 1, exc.reason, exc, report)
            raise
        except StationRefused:
            for row in rows:
                self._later(row, row.attempts + 1, "平台拒绝本机身份", None, report)
            raise
        except Terminal:
            # A platform without a working batch endpoint: fall back to single requests.
            self._run_concurrently(rows, report)
            return
        by_key = {
            r.get("idempotency_key"): r for r in (reply.body or {}).get("results", []) if isinstance(r, dict)
        }
        retry_single = []
        delivered = []
        for row in rows:
            result = by_key.get(row.idempotency_key)
            if result is None:
                self._later(row, row.attempts + 1, "批量答复缺少此条", None, report)
                continue
            body = result.get("body")
            if (
                result.get("status") == 422
                and isinstance(body, dict)
                and body.get("error") == "attachments_missing"
            ):
                for sha in body.get("missing") or []:
                    self.store.mark_attachment_uploaded(sha, False)
                retry_single.append(row)
                continue
            if result.get("status") in (200, 201) and isinstance(body, dict):
                delivered.append((row, body))
                continue
            status = result.get("status")
            self._apply(row, status if isinstance(status, int) else 0, body, report)
        if delivered:
            self.store.mark_delivered_many(delivered)
            report.delivered += len(delivered)
        if retry_single:
            self._run_concurrently(retry_single, report)

    def _run_uploads(self, rows: list[OutboxRow], report: RunReport) -> None:
        pending = [
            r
            for r in rows
            if any(not self.store.attachment_uploaded(s) for s in self.store.submission_attachments(r.ref_id))
        ]
        if not pending:
            return
        errors: list[BaseException] = []

        def up(row: OutboxRow) -> None:
            try:
                self._upload_attachments(row, report)
            except (Transient, StationRefused, Terminal) as exc:
                errors.append(exc)

        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(pending))) as pool:
            list(pool.map(up, pending))
        for exc in errors:
            if isinstance(exc, Transient | StationRefused):
                raise exc
        for exc in errors:
            raise exc

    # ------------------------------------------------------------------ pulls
    def _pull_statuses(self, report: RunReport) -> None:
        if not self.store.has_submissions():
            return
        for _ in range(50):
            cursor = self.store.setting("status_cursor", "") or ""
            report.requests += 1
            reply = self.client.status_since(cursor)
            body = reply.body or {}
            changes = body.get("changes") or []
            if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
                raise Transient("平台的状态答复格式不对")
            next_cursor = str(body.get("next_cursor", cursor))
            report.statuses += self.store.apply_status_changes(changes, next_cursor)
            self._reached_platform()
            if not changes or next_cursor == cursor:
                return

    def _fetch_certificates(self, report: RunReport) -> None:
        key = platform_key(self.store)
        if key is None:
            return
        for submission_id, certificate_id in self.store.certificate_ids_missing():
            try:
                report.requests += 1
                pdf = self.client.certificate(certificate_id, key)
            except DocumentRefused as exc:
                report.refused_documents.append(str(exc))
                self.store.audit("certificate_refused", {"certificate_id": certificate_id})
                continue
            except Terminal as exc:
                report.refused_documents.append(exc.message)
                continue
            self.store.save_certificate(certificate_id, submission_id, pdf)
            report.certificates += 1

    def heartbeat_body(self) -> dict[str, Any]:
        try:
            free = shutil.disk_usage(self.store.data_dir).free
        except OSError:
            free = 0
        return {
            "app_version": self.app_version,
            "queue": self.store.pending_summary(),
            "devices": self.devices(),
            "disk_free_bytes": int(free),
            "uptime_s": int(time.monotonic() - self._started),
            "audit_head": self.store.signed_audit_head(),
        }

    def _heartbeat_and_documents(self, now: float, force: bool, report: RunReport) -> None:
        versions: dict[str, Any] = {}
        if force or now >= self._next_heartbeat:
            report.requests += 1
            versions = self.client.heartbeat(self.heartbeat_body()).body or {}
            self._next_heartbeat = now + self._jittered(self.heartbeat_interval_s)
            self._reached_platform()
            self._note_min_app_version(versions.get("min_app_version"))
            self._note_pacing(Pacing.from_json(versions.get("pacing")))
            self._check_anchor(versions.get("audit_head"))
        key = platform_key(self.store)
        if key is None:
            return
        refused = (documents.refused_catalogue(self.store) or {}).get("version")
        stale = any(
            versions.get(f"{kind}_version")
            and (self.store.document_info(kind) or {}).get("version") != versions.get(f"{kind}_version")
            and not (kind == "catalogue" and versions.get(f"{kind}_version") == refused)  # refused once
            for kind in documents.KINDS
        )
        if force or stale or now >= self._next_documents:
            for kind in documents.KINDS:
                try:
                    report.requests += 1
                    documents.refresh(self.store, self.client, kind, key)
                    self._reached_platform()
                except DocumentRefused as exc:
                    report.refused_documents.append(str(exc))
                    self.store.audit("document_refused", {"kind": kind})
                except Terminal as exc:
                    report.refused_documents.append(exc.message)
            self._next_documents = now + self.documents_interval_s

    def _reached_platform(self) -> None:
        """Record that the platform just answered a request successfully (store setting
        `last_sync_ok_at`, kiosk clock). Why every kind of answer: with an empty queue only the
        heartbeat, status pulls and document fetches talk to the platform, and the health endpoint
        must not report a station that is in touch every five minutes as silent for days."""
        try:
            self.store.set_setting(LAST_SYNC_OK_AT, f"{self.store.now():.3f}")
        except StoreError as exc:     # e.g. a full disk: the exchange itself succeeded, carry on
            log.warning("could not record the last successful sync: %s", exc)

    def _note_min_app_version(self, value: Any) -> None:
        """Keep the platform's `min_app_version` (store setting `platform_min_app_version`) so
        the health endpoint, `main.py status` and the staff screen can warn when this software is
        older than the platform still accepts. Only a non-empty string is kept."""
        if isinstance(value, str) and value.strip() \
                and self.store.setting(MIN_APP_VERSION) != value.strip():
            self.store.set_setting(MIN_APP_VERSION, value.strip())

    def _check_anchor(self, anchored: Any) -> None:
        """Compare the head the platform keeps for this station with ours. The platform keeps the
        highest head of the current store identity, so one ahead of ours means this database is
        older than one the station already reported — a disk or database from another day put
        back with its keys, which no local check can notice. Staff see it (store setting
        ANCHOR_PROBLEM, `status`); delivery goes on (every row is idempotent). A platform that
        does not keep heads (an older one) answers nothing here: nothing is concluded."""
        if not isinstance(anchored, dict):
            return
        head = self.store.audit_head()
        seq, their_hash = anchored.get("seq"), anchored.get("hash")
        if anchored.get("store_id") != head.store_id or not isinstance(seq, int):
            problem = None
        elif seq > head.seq:
            problem = (f"本机审计记录只有 {head.seq} 条，省平台已收到本机第 {seq} 条的记录："
                       "数据盘或数据库可能被换成了旧的，请联系县级运维核对（installer/README.md“数据与密钥的恢复”）。")
        elif seq == head.seq and their_hash != head.hash:
            problem = (f"本机第 {seq} 条审计记录与省平台收到的不一致：记录可能被改写，"
                       "请联系县级运维核对（installer/README.md“数据与密钥的恢复”）。")
        else:
            problem = None
        if problem:
            log.error("audit anchor: %s", problem)
            self.store.set_setting(ANCHOR_PROBLEM, problem)
        elif self.store.setting(ANCHOR_PROBLEM):
            self.store.set_setting(ANCHOR_PROBLEM, "")

    def _jittered(self, interval: float) -> float:
        """±10 %: thousands of stations that came back together must not stay in step."""
        return interval * self.rng.uniform(0.9, 1.1)

    # ------------------------------------------------------------------ thread
    def status(self) -> WorkerStatus:
        try:
            summary = self.store.pending_summary()
        except StoreError as exc:
            self.storage_error = self.storage_error or str(exc)
            summary = {"pending": 0, "failed": 0, "oldest_pending_age_s": 0}
        return WorkerStatus(
            summary["pending"],
            summary["failed"],
            summary["oldest_pending_age_s"],
            self.last_error is None,
            self.last_error,
            self.not_before or None,
            self.storage_error,
            self.busy,
        )

    def _publish(self) -> None:
        if self.on_status:
            try:
                self.on_status(self.status())
            except Exception:  # the banner must never stop delivery
                log.exception("status callback failed")

    def start(self, poll_s: float = 30.0) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._hold_lock = True
        self._thread = threading.Thread(target=self._loop, args=(poll_s,), name="delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Call after a submit: try now rather than at the next poll (still honours backoff)."""
        self._wake.set()

    def hurry(self) -> None:
        """立等可取 (kiosk.station.instant): deliver and pull statuses and certificates now, not at
        the next status interval (still honours backoff: an offline platform is not hammered)."""
        self._next_status = 0.0
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def run_forever(self, stop: threading.Event, poll_s: float = 30.0) -> None:
        """The thread's body, also used by `sync --forever` in the foreground."""
        self._stop = stop
        self._hold_lock = True
        self._loop(poll_s)

    def hold_lock(self) -> None:
        """Keep the data directory's delivery lock between passes (a long-running worker)."""
        self._hold_lock = True

    def release(self) -> None:
        """Give up the data directory's delivery lock (after `run_once` with a held lock)."""
        self._hold_lock = False
        self._delivery_lock.release()

    def _loop(self, poll_s: float) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self.run_once()
                except Exception:  # keep the thread alive; the error is in the log and the banner
                    log.exception("delivery pass failed")
                wait = poll_s
                if self.not_before:
                    wait = max(0.1, min(poll_s, self.not_before - self.store.now()))
                elif not (self.busy or self.storage_error):
                    try:
                        due = self.store.next_due_at()
                    except StoreError:
                        due = None
                    if due is not None:
                        wait = max(0.1, min(poll_s, due - self.store.now()))
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            self.release()


def dumps_report(report: RunReport) -> str:
    return json.dumps(report.__dict__, ensure_ascii=False)
