"""Station reports in: verify the signature, validate against console_api.yaml, derive the state,
record it (with its alerts, figures and 差评整改 cases).

Why a group-commit writer: 12 000 stations reporting every 60 s is 200 reports a second, and a
report is a few small rows in four tables. One transaction per report makes the database's commit
the limit; a single writer thread per process that takes whatever reports are waiting (up to
`max_batch`) and writes them in one transaction keeps every request's answer honest (it is sent
only after the commit) while the commit cost is shared. Several console processes each have their
own writer; PostgreSQL's row locks (`FOR UPDATE` on the stations' state rows) keep two processes
from deriving alerts from the same old state.

The process keeps nothing that another process could contradict: the station keys and the
active rollouts are cached for a few seconds only, and re-read when a signature does not check.
"""

from __future__ import annotations

import functools
import json
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from console.store import Store
from sync import signing

SPEC_PATH = Path(__file__).with_name("console_api.yaml")
MAX_BODY = 64 * 1024
NEXT_REPORT_S = 60
CACHE_S = 10.0  # how long a process trusts its copy of the active rollouts
LINGER_S = 0.002  # the writer waits this long for one more report before committing a batch,
MAX_LINGER_S = 0.010  # and never longer than this in all (a lone report waits at most 2 ms)
KEYS_S = 300.0  # … and of the station keys (a signature that fails re-reads its station's key)


class Refused(Exception):
    """A report that is not recorded: the HTTP status, the error code and one Chinese sentence."""

    def __init__(self, status: int, error: str, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.problems = problems or []

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.problems:
            out["problems"] = self.problems
        return out


@functools.cache
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validator(name: str) -> Any:
    """A compiled validator for one schema of console_api.yaml. jsonschema-rs (Rust): the pure
    Python jsonschema takes milliseconds per report on a station PC's CPU, which alone would cap
    ingest below the fleet's 200 reports a second; this one takes tens of microseconds."""
    root = {**spec(), "$ref": f"#/components/schemas/{name}"}
    root.pop("paths", None)
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def problems_of(document: Any, schema: str = "Report") -> list[str]:
    """Where `document` breaks the named schema of console_api.yaml (empty when it fits)."""
    validator = _validator(schema)
    if validator.is_valid(document):
        return []
    out = []
    for error in validator.iter_errors(document):
        where = "/".join(str(p) for p in error.instance_path) or "(报告)"
        out.append(f"{where}: {error.message}"[:300])
    return sorted(out)[:20]


def facts_of(report: dict[str, Any], received_at: float, body: str) -> dict[str, Any]:
    """A validated report as the store's record_reports takes it (times as epoch seconds)."""
    try:
        heartbeat = signing.parse_rfc3339(report["heartbeat_at"])
        last_sync = signing.parse_rfc3339(report["last_sync_at"]) if report["last_sync_at"] else None
        date.fromisoformat(report["day"])
        bad = [{**b, "rated_at": signing.parse_rfc3339(b["rated_at"])} for b in report["bad_ratings"]]
    except (ValueError, TypeError) as exc:
        raise Refused(400, "invalid_report", "报告中的时间或日期格式不对。", [str(exc)[:200]]) from None
    queue_ = report["queue"]
    return {
        "station_id": report["station_id"],
        "seq": int(report["seq"]),
        "received_at": received_at,
        "heartbeat_at": heartbeat,
        "software_version": report["software_version"],
        "catalogue_version": report["catalogue_version"],
        "queue_pending": queue_["pending"],
        "queue_failed": queue_["failed"],
        "queue_oldest_age_s": queue_["oldest_age_s"],
        "last_sync_at": last_sync,
        "disk_free_mb": float(report["disk_free_mb"]),
        "devices": dict(report["devices"]),
        "rollbacks": int(report["rollbacks"]),
        "day": report["day"],
        "submissions": report["figures"]["submissions"],
        "ratings": report["figures"]["ratings"],
        "bad_ratings": bad,
        "body": body,
    }


class _Writer:
    """Writer threads (each its own connection) that write waiting reports in batches (group
    commit). One by default: a batch costs about a millisecond of CPU in statements whatever its
    size, and while it waits for its commit the next reports queue up, so the next batch is
    bigger by itself. A second writer halves the batches and, measured on 2 cores under load,
    costs about a fifth more CPU per report (console + PostgreSQL) for no gain in rate; more
    cores are used by more processes (`main.py console --workers N`), each with its writer."""

    def __init__(self, store: Store, max_batch: int, writers: int) -> None:
        self._store = store
        self._max = max_batch
        self._queue: queue.Queue[tuple[dict, Future] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._run, name=f"console ingest writer {i}", daemon=True)
            for i in range(writers)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, facts: dict[str, Any]) -> Future:
        future: Future = Future()
        self._queue.put((facts, future))
        return future

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + MAX_LINGER_S
            while len(batch) < self._max:
                # linger a moment for reports being verified right now: a commit costs the same
                # for one report as for sixty, so a burst should share one
                wait = min(LINGER_S, deadline - time.monotonic())
                try:
                    item = self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            self._write(batch)

    def _write(self, batch: list[tuple[dict, Future]]) -> None:
        """One transaction for the batch. When the database refuses a report itself (a number
        beyond its column, a station removed meanwhile) the whole transaction is undone, so each
        report is written again on its own: its neighbours are recorded and answered 200, and only
        that report is refused (400). Any other failure (the database away) answers every report
        of the batch with it (503: the stations send them again later)."""
        try:
            results = self._record([f for f, _ in batch])
        except Exception as exc:
            if len(batch) > 1 and _refuses_the_report(exc):
                for item in batch:
                    self._write([item])
                return
            failure = _refusal(exc) if _refuses_the_report(exc) else exc
            for _, future in batch:
                future.set_exception(failure)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)

    def _record(self, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Two writers (or two processes) may meet on one station's rows; the database then
        gives up one of them (a deadlock), which is simply written again."""
        for attempt in range(3):
            try:
                return self._store.record_reports(facts)
            except Exception as exc:
                if attempt == 2 or getattr(exc, "sqlstate", None) not in ("40P01", "40001"):
                    raise
        raise AssertionError("unreachable")

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)


def _refuses_the_report(exc: Exception) -> bool:
    """The database (or the driver, converting a value) refuses what a report holds: PostgreSQL's
    data exceptions and integrity violations (SQLSTATE classes 22 and 23), SQLite's, or a number
    the driver cannot convert (a seq beyond 64 bits)."""
    if isinstance(exc, (OverflowError, sqlite3.DataError, sqlite3.IntegrityError)):
        return True
    return str(getattr(exc, "sqlstate", "") or "")[:2] in ("22", "23")


def _refusal(exc: Exception) -> Refused:
    return Refused(
        400,
        "invalid_report",
        "报告中有管控平台无法记录的数值（如序号或计数过大），请检查驿站软件。",
        [f"{type(exc).__name__}: {exc}"[:200]],
    )


class Ingest:
    """`accept(method, target, headers, body)` → the reply dict, or raises Refused."""

    def __init__(
        self, store: Store, clock: Callable[[], float] | None = None, max_batch: int = 500, writers: int = 1
    ) -> None:
        self.store = store
        self.clock = clock or store.clock
        self._keys: dict[str, tuple[VerifyKey, str]] = {}
        self._keys_at = -1e18
        self._rollouts: tuple[float, list[dict[str, Any]]] = (-1e18, [])
        self._lock = threading.Lock()
        self._writer = _Writer(store, max_batch, writers if store.dialect == "postgresql" else 1)

    def close(self) -> None:
        self._writer.stop()

    # -- identity ------------------------------------------------------------------------------
    def _key(self, station_id: str, fresh: bool = False) -> tuple[VerifyKey, str] | None:
        """The station's public key and ring. All keys are read in one query and kept for
        KEYS_S (a province's 12 000 keys are a few hundred kilobytes); a station not in that copy,
        or whose signature does not check with it (`fresh`), is read again on its own."""
        now = time.monotonic()
        with self._lock:
            if now - self._keys_at >= KEYS_S:
                self._keys = {}
                for row in self.store.station_keys():
                    parsed = _public(row["public_key"])
                    if parsed is not None:
                        self._keys[row["station_id"]] = (parsed, row["ring"])
                self._keys_at = now
            cached = self._keys.get(station_id)
        if cached and not fresh:
            return cached
        row = self.store.station_key(station_id)
        parsed = _public(row["public_key"]) if row else None
        with self._lock:
            if parsed is None:
                self._keys.pop(station_id, None)
                return None
            self._keys[station_id] = (parsed, row["ring"])
        return parsed, row["ring"]

    def verify(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> tuple[str, str]:
        """The station that signed this request and its ring, or Refused (401/403)."""
        station = headers.get("X-Station-Id")
        ts, digest = headers.get("X-Timestamp"), headers.get("X-Content-SHA256")
        sig = headers.get("X-Signature")
        if not (station and ts and digest and sig):
            raise Refused(401, "bad_signature", "缺少驿站身份签名。")
        found = self._key(station)
        if found is None:
            raise Refused(403, "station_unknown", "本管控平台没有登记这个驿站，请先导入驿站公钥。")
        if digest != signing.content_sha256(body):
            raise Refused(401, "bad_signature", "请求签名无效。")
        message = signing.string_to_sign(method, target, ts, digest)
        try:
            signature = signing.unb64(sig)
        except (ValueError, TypeError):
            raise Refused(401, "bad_signature", "请求签名无效。") from None
        if not _checks(found[0], signature, message):
            found = self._key(station, fresh=True)  # the key may have been re-imported meanwhile
            if found is None or not _checks(found[0], signature, message):
                raise Refused(401, "bad_signature", "请求签名无效。")
        try:
            skew = abs(signing.parse_rfc3339(ts) - self.clock())
        except ValueError:
            raise Refused(401, "bad_signature", "X-Timestamp 格式不对。") from None
        if skew > signing.MAX_SKEW_S:
            raise Refused(401, "bad_signature", "驿站时钟与管控平台相差超过 5 分钟，请校准驿站时间。")
        return station, found[1]

    # -- the report ----------------------------------------------------------------------------
    def parse(self, station: str, body: bytes) -> dict[str, Any]:
        if len(body) > MAX_BODY:
            raise Refused(413, "too_large", "报告超过 64 KiB。")
        try:
            text = body.decode("utf-8")
            report = json.loads(text)
        except (UnicodeDecodeError, ValueError):
            raise Refused(400, "invalid_json", "报告不是有效的 JSON。") from None
        problems = problems_of(report)
        if problems:
            raise Refused(
                400, "invalid_report", "报告不符合管控平台的报告格式（console_api.yaml）。", problems
            )
        if report["station_id"] != station:
            raise Refused(400, "station_mismatch", "报告中的驿站编号与签名的驿站不一致。")
        return facts_of(report, self.clock(), text)

    def accept(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, timeout: float = 30.0
    ) -> dict[str, Any]:
        if len(body) > MAX_BODY:
            raise Refused(413, "too_large", "报告超过 64 KiB。")
        station, ring = self.verify(method, target, headers, body)
        facts = self.parse(station, body)
        result = self._writer.submit(facts).result(timeout=timeout)
        reply: dict[str, Any] = {
            "accepted": True,
            "station_id": station,
            "state": result["state"],
            "received_at": signing.rfc3339(facts["received_at"]),
            "next_report_s": NEXT_REPORT_S,
            "offers": self.offers(ring),
        }
        if result["stale"]:
            reply["stale"] = True
        return reply

    def offers(self, ring: str) -> list[dict[str, str]]:
        """Active rollouts whose ring includes this station (cached for CACHE_S)."""
        now = time.monotonic()
        with self._lock:
            at, rollouts = self._rollouts
            if now - at >= CACHE_S:
                rollouts = self.store.active_rollouts()
                self._rollouts = (now, rollouts)
        return [_offer(r) for r in rollouts if r["ring"] == "all" or ring == "pilot"]


def _offer(rollout: dict[str, Any]) -> dict[str, Any]:
    """One `Offer` (console_api.yaml): with `sha256` and `size` only when the release's file is
    in the console (`console add-release`); a station acts only on offers that carry them."""
    offer: dict[str, Any] = {"kind": rollout["kind"], "version": rollout["version"],
                             "artifact": rollout["artifact"]}
    if rollout.get("sha256"):
        offer["sha256"] = rollout["sha256"]
        offer["size"] = int(rollout["size"])
    return offer


def _public(text: str) -> VerifyKey | None:
    """The station's key for verifying. Why libsodium (PyNaCl) here and OpenSSL (cryptography)
    on the station: the same Ed25519 over the same `signing.string_to_sign`, but libsodium checks
    a signature in about half the CPU, and releases the GIL while it does (the console verifies
    every report of the fleet; the station signs one a minute)."""
    try:
        return VerifyKey(signing.unb64(text))
    except (ValueError, TypeError):
        return None


def _checks(key: VerifyKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(message, signature)
        return True
    except (BadSignatureError, ValueError, TypeError):  # a forged one, or not 64 bytes at all
        return False
