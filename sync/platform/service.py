"""The reference platform's behaviour, independent of HTTP: its SQLite, idempotency, attachments,
statuses, certificates, signed documents.

Why separate from the HTTP handler: `platform import DIR` (bundles carried on a USB stick) must
go through exactly the same idempotent path as `POST /submissions`, and the commands
(`advance`, `submissions`, `enroll-code`) work on the same database while the server runs.

Idempotency, per station and key: a request first *claims* the key (one short transaction), then
does its work and stores the response in a second transaction together with the data it wrote.
A second request with the same key meanwhile gets 409 in_progress; after the commit, a replay with
the same body fingerprint gets exactly the stored response, another body gets 422. A claim left
behind by a crash expires after `STALE_CLAIM_S`. Answers that ask the kiosk to do something first
(422 attachments_missing) are not stored, so the same request succeeds once the files are there.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sync import signing
from sync.durable import write_atomic
from sync.pacing import Pacing, PlatformPacer
from sync.platform import signing_key_path
from sync.platform.pdf import CertificateFacts, certificate_pdf

STALE_CLAIM_S = 30.0
MAX_ATTACHMENT = 20 * 1024 * 1024
STATUSES = ("received", "accepted", "need_materials", "rejected", "approved", "completed")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS stations(station_id TEXT PRIMARY KEY, public_key TEXT NOT NULL,
    enrolled_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS enrollment_codes(code TEXT PRIMARY KEY, created_at REAL, used_by TEXT,
    used_at REAL);
CREATE TABLE IF NOT EXISTS idem(station_id TEXT, key TEXT, kind TEXT, fingerprint TEXT, state TEXT,
    status INTEGER, response TEXT, claimed_at REAL, PRIMARY KEY(station_id, key, kind));
CREATE TABLE IF NOT EXISTS submissions(submission_id TEXT PRIMARY KEY, station_id TEXT NOT NULL,
    local_reference TEXT, platform_reference TEXT UNIQUE NOT NULL, bundle_id TEXT, body TEXT NOT NULL,
    received_at TEXT NOT NULL, times_received INTEGER NOT NULL DEFAULT 1, status TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_local_reference ON submissions(local_reference);
CREATE TABLE IF NOT EXISTS changes(seq INTEGER PRIMARY KEY AUTOINCREMENT, station_id TEXT, submission_id TEXT,
    platform_reference TEXT, status TEXT, updated_at TEXT, message TEXT, required_materials TEXT,
    certificate_ids TEXT, certificates TEXT);
CREATE TABLE IF NOT EXISTS attachments(sha256 TEXT PRIMARY KEY, length INTEGER, offset INTEGER,
    complete INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS certificates(certificate_id TEXT PRIMARY KEY, submission_id TEXT, pdf BLOB,
    sha256 TEXT, signature TEXT, status TEXT NOT NULL DEFAULT 'valid', reason TEXT, changed_at TEXT,
    superseded_by TEXT);
CREATE TABLE IF NOT EXISTS ratings(rating_id TEXT PRIMARY KEY, station_id TEXT, body TEXT, received_at TEXT);
CREATE TABLE IF NOT EXISTS heartbeats(station_id TEXT PRIMARY KEY, body TEXT, at TEXT);
CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER);
CREATE TABLE IF NOT EXISTS catalogue_releases(version TEXT PRIMARY KEY, ring TEXT NOT NULL,
    sha256 TEXT NOT NULL, published_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rings(station_id TEXT PRIMARY KEY, ring TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_heads(station_id TEXT PRIMARY KEY, store_id TEXT NOT NULL,
    seq INTEGER NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL, at TEXT NOT NULL);
"""
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_STATION = re.compile(r"^[0-9]{6}-[0-9]{4}$")  # ASCII digits only (\d also takes ٤ and ፬)


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **extra}


def id_number_ok(value: str) -> bool:
    """GB 11643 check digit (the platform validates independently of the kiosk)."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{17}[0-9Xx]", value):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(value[:17], weights, strict=True))
    return "10X98765432"[total % 11] == value[17].upper()



PRECHECK_DOC_TYPES = {"hukou", "birth_cert", "marriage_cert", "id_card_front", "id_card_back",
                      "disability_cert", "business_license", "other"}
PRECHECK_PROBLEMS = {"dark", "glare", "blur", "covered"}
PRECHECK_ROLES = {"main", "holder", "child", "mother", "father", "spouse", "operator", "any"}


def _bool_or_null(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def precheck_problem(value: Any, attachments: Any) -> str | None:
    """Why a material's optional `precheck` map is malformed (PLATFORM-API), or None. Optional:
    a submission without it is valid; with it, every entry must describe a named attachment."""
    if not isinstance(value, dict):
        return "应为以附件 sha256 为键的对象"
    named = set(attachments) if isinstance(attachments, list) else set()
    for sha, entry in value.items():
        if sha not in named:
            return "预审结果对应的附件不在 attachments 中"
        if not isinstance(entry, dict):
            return "每个预审结果应为对象"
        if entry.get("doc_type") not in PRECHECK_DOC_TYPES:
            return "doc_type 不是约定的材料种类"
        confidence = entry.get("confidence")
        if (isinstance(confidence, bool) or not isinstance(confidence, int | float)
                or not 0 <= confidence <= 1):
            return "confidence 应为 0 到 1 之间的数"
        if "mismatch" not in entry or not _bool_or_null(entry["mismatch"]):
            return "mismatch 应为 true、false 或 null"
        if not _bool_or_null(entry.get("type_ok")):
            return "type_ok 应为 true、false 或 null"
        if "legible" in entry and not isinstance(entry["legible"], bool):
            return "legible 应为 true 或 false"
        expected = entry.get("expected_doc_types", [])
        if not isinstance(expected, list) or any(t not in PRECHECK_DOC_TYPES for t in expected):
            return "expected_doc_types 应为材料种类的列表"
        problems = entry.get("problems", [])
        if not isinstance(problems, list) or any(p not in PRECHECK_PROBLEMS for p in problems):
            return "problems 只能是 dark、glare、blur、covered"
        mismatches = entry.get("mismatches", [])
        if not isinstance(mismatches, list) or any(
                not isinstance(m, dict) or m.get("role") not in PRECHECK_ROLES
                or m.get("field") not in ("name", "id_number") for m in mismatches):
            return "mismatches 的每一项应有 role 和 field（name 或 id_number）"
        findings = entry.get("findings", 0)
        if isinstance(findings, bool) or not isinstance(findings, int) or findings < 0:
            return "findings 应为非负整数"
    return None

class PlatformService:
    def __init__(
        self,
        data_dir: Path | str,
        clock: Callable[[], float] = time.time,
        catalogue_provider: Callable[[], dict] | None = None,
        capacity_per_s: float | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "attachments").mkdir(exist_ok=True)
        self.clock = clock
        self.key = signing.load_or_create_signing_key(signing_key_path(self.data_dir))
        self.public_key_b64 = signing.b64(signing.raw_public(self.key.public_key()))
        self._catalogue_provider = catalogue_provider
        self.processing_delay_s = 0.0  # tests: widen the in-progress window to observe 409
        # The oldest kiosk software the platform still accepts, announced in every heartbeat
        # answer; a county raises it after a security fix (stations then show staff a warning).
        self.min_app_version = "0.1.0"
        # Pacing (contract 1.2): with a capacity, the platform refuses requests beyond it (503) and
        # announces each station's delivery window; None behaves as a platform of contract 1.1.
        self.pacer: PlatformPacer | None = None
        self.set_capacity(capacity_per_s)
        # 立等可取: complete 即办 submissions at once when the platform's own checks pass
        # (sync/platform/instant.py); the demo and `platform --decide-immediate` turn it on.
        self.decide_immediate = False
        self._local = threading.local()
        self._upload_lock = threading.Lock()
        self._documents: dict[str, Any] = {}
        self._conn().executescript(_SCHEMA)
        self._add_columns()

    def _add_columns(self) -> None:
        """Columns added after a platform database was first made (CREATE TABLE IF NOT EXISTS
        leaves an existing table as it was): certificate validity and its changes (contract 1.1)."""
        conn = self._conn()
        added = {"certificates": ("status TEXT NOT NULL DEFAULT 'valid'", "reason TEXT", "changed_at TEXT",
                                  "superseded_by TEXT"),
                 "changes": ("certificates TEXT",)}
        for table, columns in added.items():
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            for column in columns:
                if column.split()[0] not in have:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")

    # ------------------------------------------------------------------ plumbing
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.data_dir / "platform.db"), isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    class _Tx:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, exc_type, exc, tb) -> None:
            self.conn.execute("COMMIT" if exc_type is None else "ROLLBACK")

    def _tx(self) -> PlatformService._Tx:
        return PlatformService._Tx(self._conn())

    def now_text(self) -> str:
        return signing.rfc3339(self.clock())

    def _next(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()
        value = (row[0] if row else 0) + 1
        conn.execute("INSERT OR REPLACE INTO counters(name, value) VALUES (?,?)", (name, value))
        return value

    # ------------------------------------------------------------------ stations
    def new_enrollment_code(self) -> str:
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        with self._tx() as conn:
            conn.execute("INSERT INTO enrollment_codes(code, created_at) VALUES (?,?)", (code, self.clock()))
        return code

    def enroll(self, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict):
            return 400, error("bad_request", "请求内容应为 JSON 对象。")
        station_id, code, pub = body.get("station_id"), body.get("enrollment_code"), body.get("public_key")
        if not isinstance(station_id, str) or not _STATION.match(station_id):
            return 400, error("bad_request", "驿站编号格式不对，应为 6 位行政区划代码-4 位序号。")
        try:
            raw = base64.b64decode(str(pub), validate=True)
            if len(raw) != 32:
                raise ValueError
        except ValueError:
            return 400, error("bad_request", "公钥应为 32 字节 Ed25519 公钥的 base64。")
        with self._tx() as conn:
            row = conn.execute("SELECT used_by FROM enrollment_codes WHERE code=?", (str(code),)).fetchone()
            if row is None or row["used_by"] is not None:
                return 403, error("enrollment_refused", "注册码无效或已被使用。")
            now = self.now_text()
            conn.execute(
                "UPDATE enrollment_codes SET used_by=?, used_at=? WHERE code=?",
                (station_id, self.clock(), code),
            )
            conn.execute(
                "INSERT OR REPLACE INTO stations(station_id, public_key, enrolled_at, disabled) "
                "VALUES (?,?,?,0)",
                (station_id, str(pub), now),
            )
        return 201, {
            "station_id": station_id,
            "enrolled_at": now,
            "platform_signing_key": self.public_key_b64,
        }

    def enrolled_stations(self) -> list[dict[str, Any]]:
        """Enrolled, enabled stations as the fleet console imports them (`platform
        export-stations` → `console import-stations`): station_id, public_key (base64),
        division_code (the id's first six digits)."""
        rows = self._conn().execute(
            "SELECT station_id, public_key FROM stations WHERE disabled = 0 ORDER BY station_id").fetchall()
        return [{"station_id": r["station_id"], "public_key": r["public_key"],
                 "division_code": r["station_id"][:6]} for r in rows]

    def station_public_key(self, station_id: str) -> bytes | None:
        row = (
            self._conn()
            .execute("SELECT public_key, disabled FROM stations WHERE station_id=?", (station_id,))
            .fetchone()
        )
        if row is None or row["disabled"]:
            return None
        return base64.b64decode(row["public_key"])

    def disable_station(self, station_id: str) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE stations SET disabled=1 WHERE station_id=?", (station_id,))

    # ------------------------------------------------------------------ idempotency
    def _claim(self, station: str, key: str, kind: str, fingerprint: str) -> tuple[str, int, Any]:
        with self._tx() as conn:
            return self._claim_in(conn, station, key, kind, fingerprint)

    def _claim_in(
        self, conn: sqlite3.Connection, station: str, key: str, kind: str, fingerprint: str
    ) -> tuple[str, int, Any]:
        row = conn.execute(
            "SELECT * FROM idem WHERE station_id=? AND key=? AND kind=?", (station, key, kind)
        ).fetchone()
        if row is None or (
            row["state"] == "in_progress" and self.clock() - row["claimed_at"] > STALE_CLAIM_S
        ):
            conn.execute(
                "INSERT OR REPLACE INTO idem(station_id, key, kind, fingerprint, state, claimed_at) "
                "VALUES (?,?,?,?, 'in_progress', ?)",
                (station, key, kind, fingerprint, self.clock()),
            )
            return "new", 0, None
        if row["fingerprint"] != fingerprint:
            return "reused", 422, error("idempotency_key_reused", "同一幂等键已用于不同的请求内容。")
        if row["state"] == "in_progress":
            return "busy", 409, error("in_progress", "该请求正在处理，请稍后重试。")
        if kind == "submission":
            conn.execute(
                "UPDATE submissions SET times_received=times_received+1 WHERE submission_id="
                "(SELECT json_extract(response, '$.submission_id') FROM idem WHERE station_id=? AND "
                "key=? AND kind=?)",
                (station, key, kind),
            )
        # A replayed success is 200 with the first body; a replayed refusal is the same refusal.
        status = 200 if row["status"] in (200, 201) else row["status"]
        return "replay", status, json.loads(row["response"])

    def _release(self, station: str, key: str, kind: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "DELETE FROM idem WHERE station_id=? AND key=? AND kind=? AND state='in_progress'",
                (station, key, kind),
            )

    # ------------------------------------------------------------------ submissions
    def _validate(self, body: dict[str, Any], key: str) -> dict[str, str]:
        fields: dict[str, str] = {}
        if body.get("submission_id") != key:
            fields["submission_id"] = "应与 Idempotency-Key 相同"
        for name in ("local_reference", "bundle_id", "created_at"):
            if not isinstance(body.get(name), str) or not body.get(name):
                fields[name] = "缺少此项"
        applicant = body.get("applicant")
        if not isinstance(applicant, dict):
            fields["applicant"] = "缺少申请人"
        else:
            if not str(applicant.get("name") or "").strip():
                fields["applicant.name"] = "缺少姓名"
            id_type = str(applicant.get("id_type") or "resident_id")
            if ("resident" in id_type or id_type == "居民身份证") and not id_number_ok(
                str(applicant.get("id_number") or "")
            ):
                fields["applicant.id_number"] = "身份证号码校验不通过"
        materials = body.get("materials", [])
        if not isinstance(materials, list):
            fields["materials"] = "应为列表"
        else:
            for i, material in enumerate(materials):
                if isinstance(material, dict) and "precheck" in material:
                    problem = precheck_problem(material["precheck"], material.get("attachments"))
                    if problem:
                        fields[f"materials[{i}].precheck"] = problem
        from forms.materials import commitment_problems  # the forms engine's 告知承诺 rule

        fields.update(commitment_problems(body))
        from sync.platform.instant import handling_problems  # 通办 (contract 1.2)

        fields.update(handling_problems(body))
        return fields

    def _named_attachments(self, body: dict[str, Any]) -> list[str]:
        named: list[str] = []
        materials = body.get("materials")
        for material in materials if isinstance(materials, list) else []:
            attachments = material.get("attachments") if isinstance(material, dict) else None
            if isinstance(attachments, list):
                named += [s for s in attachments if isinstance(s, str)]
        commitment = body.get("commitment")
        if isinstance(commitment, dict) and isinstance(commitment.get("signature_attachment"), str):
            named.append(commitment["signature_attachment"])
        return sorted(set(named))

    def submit(self, station: str, key: str | None, body: Any) -> tuple[int, dict[str, Any]]:
        """One submission, as POST /submissions, or an imported bundle entry."""
        return self.submit_many(station, [(key, body)])[0]

    def submit_many(
        self, station: str, items: list[tuple[str | None, Any]]
    ) -> list[tuple[int, dict[str, Any]]]:
        """Several submissions with the single call's semantics each, in two transactions in all
        (claim, then commit): a batch of 50 costs two fsyncs, not a hundred (group commit)."""
        results: list[tuple[int, dict[str, Any]] | None] = [None] * len(items)
        claims: list[tuple[int, str, dict[str, Any]]] = []
        fingerprints = {}
        for i, (key, body) in enumerate(items):
            if not key or not isinstance(key, str) or len(key) > 200:
                # a batch item's key is JSON: a list or a number there was a sqlite binding error (500)
                results[i] = (400, error("idempotency_key_missing", "缺少 Idempotency-Key 或其值无效。"))
            elif not isinstance(body, dict):
                results[i] = (400, error("bad_request", "请求内容应为 JSON 对象。"))
            else:
                fingerprints[i] = hashlib.sha256(canonical(body)).hexdigest()
        with self._tx() as conn:
            for i, fingerprint in fingerprints.items():
                key, body = items[i]
                outcome, status, response = self._claim_in(conn, station, key, "submission", fingerprint)
                if outcome == "new":
                    claims.append((i, key, body))
                else:
                    results[i] = (status, response)
        if not claims:
            return results  # type: ignore[return-value]
        try:
            if self.processing_delay_s:
                time.sleep(self.processing_delay_s)
            decided = []
            for i, key, body in claims:
                missing = [s for s in self._named_attachments(body) if not self.attachment_complete(s)]
                decided.append((i, key, body, missing, None if missing else self._validate(body, key)))
            with self._tx() as conn:
                for i, key, body, missing, fields in decided:
                    if missing:  # not stored: the same request succeeds once the files are there
                        conn.execute(
                            "DELETE FROM idem WHERE station_id=? AND key=? AND kind='submission'",
                            (station, key),
                        )
                        results[i] = (
                            422,
                            error("attachments_missing", "有附件尚未上传完整。", missing=missing),
                        )
                        continue
                    results[i] = self._record_submission(conn, station, key, body, fields)
            self._decide_immediate_ones(station, [(results[i], body) for i, _, body in claims])
            return results  # type: ignore[return-value]
        except BaseException:
            for _, key, _ in claims:
                self._release(station, key, "submission")
            raise

    def _decide_immediate_ones(self, station: str, stored: list[tuple[Any, Any]]) -> None:
        """立等可取 (sync/platform/instant.py); a failure there leaves the submission received."""
        from sync.platform.instant import decide_at_once

        try:
            decide_at_once(self, station, [result for result, _ in stored], [body for _, body in stored])
        except Exception:  # noqa: BLE001 - an officer decides instead; the submission is stored
            import logging

            logging.getLogger(__name__).exception("automatic decision of an immediate item failed")

    def _record_submission(
        self, conn: sqlite3.Connection, station: str, key: str, body: dict[str, Any], fields: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        taken = None if fields else conn.execute(
            "SELECT 1 FROM submissions WHERE local_reference=? AND station_id<>? LIMIT 1",
            (body.get("local_reference"), station)).fetchone()
        if fields:
            status, response = 422, error("invalid_submission", "申请内容未通过平台校验。", fields=fields)
        elif taken:
            # a provisional reference is the resident's handle on their application: one made by
            # another station (the legacy 8-symbol form could repeat) would find someone else's
            status, response = 422, error(
                "local_reference_taken",
                f"临时受理编号 {body.get('local_reference')} 已被其他驿站的申请使用，平台没有受理这件申请。"
                "请驿站工作人员联系县级政务服务中心核对处理。")
        else:
            now = self.now_text()
            seq = self._next(conn, "submission")
            platform_ref = f"SQ{now[:10].replace('-', '')}{seq:06d}"
            conn.execute(
                "INSERT INTO submissions(submission_id, station_id, local_reference, "
                "platform_reference, bundle_id, body, received_at, times_received, status) "
                "VALUES (?,?,?,?,?,?,?,1,'received')",
                (
                    body["submission_id"],
                    station,
                    body.get("local_reference"),
                    platform_ref,
                    body.get("bundle_id"),
                    canonical(body).decode(),
                    now,
                ),
            )
            conn.execute(
                "INSERT INTO changes(station_id, submission_id, platform_reference, status, "
                "updated_at, message, required_materials, certificate_ids) VALUES (?,?,?,?,?,?,?,?)",
                (station, body["submission_id"], platform_ref, "received", now, "平台已接收", "[]", "[]"),
            )
            status, response = (
                201,
                {
                    "submission_id": body["submission_id"],
                    "platform_reference": platform_ref,
                    "status": "received",
                    "received_at": now,
                },
            )
        conn.execute(
            "UPDATE idem SET state='done', status=?, response=? WHERE station_id=? AND key=? "
            "AND kind='submission'",
            (status, json.dumps(response, ensure_ascii=False), station, key),
        )
        return status, response

    def batch(self, station: str, body: Any) -> tuple[int, dict[str, Any]]:
        items = body.get("submissions") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return 400, error("bad_request", "submissions 应为非空列表。")
        if len(items) > 50:
            return 400, error("batch_too_large", "一次最多 50 条。")
        pairs = [
            (item.get("idempotency_key"), item.get("body")) if isinstance(item, dict) else (None, None)
            for item in items
        ]
        results = [
            {"idempotency_key": key, "status": status, "body": response}
            for (key, _), (status, response) in zip(pairs, self.submit_many(station, pairs), strict=True)
        ]
        return 207, {"results": results}

    def rate(self, station: str, key: str | None, body: Any) -> tuple[int, dict[str, Any]]:
        if not key:
            return 400, error("idempotency_key_missing", "缺少 Idempotency-Key 请求头。")
        if not isinstance(body, dict):
            return 400, error("bad_request", "请求内容应为 JSON 对象。")
        outcome, status, response = self._claim(
            station, key, "rating", hashlib.sha256(canonical(body)).hexdigest()
        )
        if outcome != "new":
            return status, response
        score = body.get("score")
        with self._tx() as conn:
            rating_id = body.get("rating_id")
            if (
                isinstance(score, bool)
                or not isinstance(score, int)
                or not 1 <= score <= 5
                or not (isinstance(rating_id, str) and rating_id)
            ):
                status, response = 422, error("invalid_rating", "评分应为 1 到 5 的整数，并带 rating_id。")
            else:
                now = self.now_text()
                conn.execute(
                    "INSERT OR IGNORE INTO ratings(rating_id, station_id, body, received_at) "
                    "VALUES (?,?,?,?)",
                    (body["rating_id"], station, canonical(body).decode(), now),
                )
                status, response = 201, {"rating_id": body["rating_id"], "received_at": now}
            conn.execute(
                "UPDATE idem SET state='done', status=?, response=? WHERE station_id=? AND key=? "
                "AND kind='rating'",
                (status, json.dumps(response, ensure_ascii=False), station, key),
            )
        return status, response

    def heartbeat(self, station: str, body: Any) -> tuple[int, dict[str, Any]]:
        head = body.get("audit_head") if isinstance(body, dict) else None
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO heartbeats(station_id, body, at) VALUES (?,?,?)",
                (station, json.dumps(body, ensure_ascii=False), self.now_text()),
            )
            if self._head_verifies(station, head):
                # keep the highest head of the station's current store; a new store identity (a
                # station restored from backup, or re-anchored by its technician) starts afresh
                conn.execute(
                    "INSERT INTO audit_heads(station_id, store_id, seq, hash, signature, at) "
                    "VALUES (?,?,?,?,?,?) ON CONFLICT(station_id) DO UPDATE SET "
                    "store_id=excluded.store_id, seq=excluded.seq, hash=excluded.hash, "
                    "signature=excluded.signature, at=excluded.at "
                    "WHERE excluded.store_id != audit_heads.store_id OR excluded.seq > audit_heads.seq",
                    (station, head["store_id"], head["seq"], head["hash"], head["signature"],
                     self.now_text()),
                )
        answer = {
            "server_time": self.now_text(),
            "catalogue_version": self.station_document(station, "catalogue")[2],
            "credit_list_version": self.document("credit_list")[2],
            "min_app_version": self.min_app_version,
        }
        kept = self.audit_head(station)
        if kept is not None:
            answer["audit_head"] = kept
        pacing = self.pacing_for(station)
        if pacing is not None:
            answer["pacing"] = pacing.to_json()
        return 200, answer

    # ------------------------------------------------------------------ pacing (contract 1.2)
    def set_capacity(self, capacity_per_s: float | None) -> None:
        """Requests per second this platform can take; None or 0 turns pacing off."""
        self.pacer = PlatformPacer(capacity_per_s, self.clock) if capacity_per_s else None

    def pacing_for(self, station: str) -> Pacing | None:
        """The station's delivery window: the enabled stations in station-id order share the cycle
        evenly (rank i of n opens at i·cycle/n)."""
        if self.pacer is None:
            return None
        conn = self._conn()
        stations = conn.execute("SELECT COUNT(*) FROM stations WHERE disabled=0").fetchone()[0]
        rank = conn.execute("SELECT COUNT(*) FROM stations WHERE disabled=0 AND station_id<?",
                            (station,)).fetchone()[0]
        return self.pacer.announce(rank, stations)

    def admit(self, station: str) -> tuple[int, dict[str, Any]] | None:
        """None to serve the request; else the refusal (503 + body with the station's `pacing`;
        the server adds `Retry-After` = `retry_after` of the body) when this second is full."""
        if self.pacer is None or self.pacer.admit():
            return None
        pacing = self.pacing_for(station)
        assert pacing is not None
        return 503, error("overloaded", "省平台繁忙，请在平台指定的时段再发送。",
                          pacing=pacing.to_json(), retry_after=self.pacer.retry_after(pacing))

    def _head_verifies(self, station: str, head: Any) -> bool:
        """An `audit_head` (optional, PLATFORM-API extension) signed by the station's enrolled key."""
        if not isinstance(head, dict):
            return False
        store_id, seq, digest, sig = (head.get(k) for k in ("store_id", "seq", "hash", "signature"))
        if not (isinstance(store_id, str) and isinstance(seq, int) and not isinstance(seq, bool)
                and seq >= 0 and isinstance(digest, str) and isinstance(sig, str)):
            return False
        public = self.station_public_key(station)
        return public is not None and signing.verify(
            public, sig, signing.audit_head_message(store_id, seq, digest))

    def audit_head(self, station: str) -> dict[str, Any] | None:
        """The latest audit head this platform holds for `station` (what the heartbeat answers)."""
        row = self._conn().execute(
            "SELECT store_id, seq, hash, at FROM audit_heads WHERE station_id=?", (station,)
        ).fetchone()
        return dict(row) if row is not None else None

    # ------------------------------------------------------------------ attachments
    def _att_path(self, sha: str) -> Path:
        return self.data_dir / "attachments" / sha

    def attachment_state(self, sha: str) -> tuple[int, int, bool] | None:
        row = (
            self._conn()
            .execute("SELECT length, offset, complete FROM attachments WHERE sha256=?", (sha,))
            .fetchone()
        )
        return (row["offset"], row["length"], bool(row["complete"])) if row else None

    def attachment_complete(self, sha: str) -> bool:
        state = self.attachment_state(sha)
        return bool(state and state[2])

    def patch_attachment(
        self, sha: str, offset: int, length: int, chunk: bytes
    ) -> tuple[int, dict[str, Any], int]:
        """(status, body, server offset)."""
        if length > MAX_ATTACHMENT:
            return 413, error("too_large", "附件超过 20 MiB。"), 0
        if len(chunk) > 1024 * 1024:
            return 413, error("too_large", "单次上传不能超过 1 MiB。"), 0
        with self._upload_lock:
            state = self.attachment_state(sha)
            current = state[0] if state else 0
            if state and state[2]:
                return 409, error("offset_mismatch", "附件已完整上传。"), state[0]
            if state and state[1] != length:
                return 409, error("offset_mismatch", "附件总长度与先前不一致。"), current
            if offset != current:
                return 409, error("offset_mismatch", "上传位置不对。"), current
            if offset + len(chunk) > length:
                return 409, error("offset_mismatch", "上传内容超过声明的长度。"), current
            part = self._att_path(sha).with_suffix(".part")
            with open(part, "r+b" if part.exists() else "wb") as f:
                f.seek(offset)
                f.truncate()
                f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            new_offset = offset + len(chunk)
            complete = new_offset == length
            if complete:
                digest = hashlib.sha256(part.read_bytes()).hexdigest()
                if digest != sha:
                    part.unlink()
                    with self._tx() as conn:
                        conn.execute("DELETE FROM attachments WHERE sha256=?", (sha,))
                    return 422, error("hash_mismatch", "附件内容与其 SHA-256 不符，已丢弃。"), 0
                os.replace(part, self._att_path(sha))
            with self._tx() as conn:
                conn.execute(
                    "INSERT OR REPLACE INTO attachments(sha256, length, offset, complete) VALUES (?,?,?,?)",
                    (sha, length, new_offset, int(complete)),
                )
            return 204, {}, new_offset

    def store_attachment(self, sha: str, data: bytes) -> bool:
        """Whole file at once (bundle import); checks the hash."""
        if hashlib.sha256(data).hexdigest() != sha or len(data) > MAX_ATTACHMENT:
            return False
        if self.attachment_complete(sha):
            return True
        write_atomic(self._att_path(sha), data, 0o644)
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO attachments(sha256, length, offset, complete) VALUES (?,?,?,1)",
                (sha, len(data), len(data)),
            )
        return True

    def attachment_bytes(self, sha: str) -> bytes | None:
        path = self._att_path(sha)
        return path.read_bytes() if self.attachment_complete(sha) and path.exists() else None

    # ------------------------------------------------------------------ statuses and certificates
    def changes_since(self, station: str, cursor: str) -> tuple[int, dict[str, Any]]:
        try:
            after = int(cursor) if cursor else 0
        except ValueError:
            return 400, error("bad_cursor", "游标无效。")
        rows = (
            self._conn()
            .execute(
                "SELECT * FROM changes WHERE station_id=? AND seq>? ORDER BY seq LIMIT 200", (station, after)
            )
            .fetchall()
        )
        changes = [
            {
                "submission_id": r["submission_id"],
                "platform_reference": r["platform_reference"],
                "status": r["status"],
                "updated_at": r["updated_at"],
                "message": r["message"] or "",
                "required_materials": json.loads(r["required_materials"] or "[]"),
                "certificate_ids": json.loads(r["certificate_ids"] or "[]"),
                "certificates": json.loads(r["certificates"] or "[]"),
            }
            for r in rows
        ]
        next_cursor = str(rows[-1]["seq"]) if rows else (cursor or "0")
        return 200, {"changes": changes, "next_cursor": next_cursor}

    def find_submission(self, ref: str) -> sqlite3.Row | None:
        return (
            self._conn()
            .execute(
                "SELECT * FROM submissions WHERE platform_reference=? OR local_reference=? "
                "OR submission_id=? "
                "ORDER BY received_at LIMIT 1",
                (ref, ref, ref),
            )
            .fetchone()
        )

    def advance(
        self,
        ref: str,
        status: str,
        certificate: bool = False,
        message: str = "",
        required_materials: list[str] | None = None,
        only_from: str | None = None,
    ) -> dict[str, Any] | None:
        """Move an application to `status`, optionally issuing a certificate. A new certificate
        supersedes the application's earlier valid ones; refusing (`rejected`) withdraws them: a
        certificate of a refused application must never print as if it were approved. Every
        certificate whose validity changed is named in the status change (`certificates`).
        `only_from`: move only if the application is still in that status, checked in the same
        transaction (the demo timer's step must not undo an officer's change made meanwhile);
        None when it was not."""
        if status not in STATUSES:
            raise ValueError(f"状态只能是 {', '.join(STATUSES)}")
        row = self.find_submission(ref)
        if row is None:
            raise KeyError(ref)
        cert_ids: list[str] = []
        now = self.now_text()
        with self._tx() as conn:
            if only_from is not None:
                current = conn.execute("SELECT status FROM submissions WHERE submission_id=?",
                                       (row["submission_id"],)).fetchone()
                if current is None or current["status"] != only_from:
                    return None
            changed: list[dict[str, Any]] = []
            if certificate:
                cid = f"CERT-{row['platform_reference']}-{self._next(conn, 'certificate')}"
                changed += self._set_certificates(conn, row["submission_id"], "superseded",
                                                  "已出具新的证照", now, superseded_by=cid)
                pdf = certificate_pdf(self._certificate_facts(row, cid, now))
                digest = hashlib.sha256(pdf).hexdigest()
                conn.execute(
                    "INSERT INTO certificates(certificate_id, submission_id, pdf, sha256, signature, "
                    "status, changed_at) VALUES (?,?,?,?,?,'valid',?)",
                    (cid, row["submission_id"], pdf, digest, signing.b64(self.key.sign(digest.encode())),
                     now),
                )
                cert_ids.append(cid)
            if status == "rejected":
                changed += self._set_certificates(conn, row["submission_id"], "withdrawn",
                                                  message or "申请不予受理", now)
            conn.execute(
                "UPDATE submissions SET status=? WHERE submission_id=?", (status, row["submission_id"])
            )
            self._record_change(conn, row, status, now, message, required_materials or [], cert_ids, changed)
        return {
            "platform_reference": row["platform_reference"],
            "status": status,
            "certificate_ids": cert_ids,
            "certificates": changed,
        }

    def revoke_certificate(self, certificate_id: str, reason: str) -> dict[str, Any]:
        """The issuing department cancels a certificate (`platform revoke-certificate`). The
        application keeps its status; a status change names the certificate as revoked, so the
        stations learn it at their next pull, and GET /certificates/{id}/status answers it at
        once. Raises KeyError for an unknown certificate; revoking twice changes nothing."""
        conn = self._conn()
        found = conn.execute(
            "SELECT s.* FROM certificates c JOIN submissions s ON s.submission_id=c.submission_id "
            "WHERE c.certificate_id=?", (certificate_id,)).fetchone()
        if found is None:
            raise KeyError(certificate_id)
        now, reason = self.now_text(), reason or "发证部门撤销"
        with self._tx() as conn:
            changed = self._set_certificates(conn, found["submission_id"], "revoked", reason, now,
                                             only=certificate_id)
            if changed:
                self._record_change(conn, found, found["status"], now, f"证照已撤销：{reason}", [], [],
                                    changed)
        return self.certificate_state(certificate_id) or {}

    def _set_certificates(self, conn: sqlite3.Connection, submission_id: str, state: str, reason: str,
                          now: str, superseded_by: str | None = None, only: str | None = None,
                          ) -> list[dict[str, Any]]:
        """Mark the submission's valid certificates (or the one `only`) `state`; returns them as
        the status change names them."""
        rows = conn.execute(
            "SELECT certificate_id FROM certificates WHERE submission_id=? AND status='valid' "
            "AND (? IS NULL OR certificate_id=?) ORDER BY rowid", (submission_id, only, only)).fetchall()
        out = []
        for (cid,) in rows:
            conn.execute("UPDATE certificates SET status=?, reason=?, changed_at=?, superseded_by=? "
                         "WHERE certificate_id=?", (state, reason, now, superseded_by, cid))
            out.append({"certificate_id": cid, "status": state, "reason": reason, "changed_at": now,
                        "superseded_by": superseded_by})
        return out

    def _record_change(self, conn: sqlite3.Connection, row: sqlite3.Row, status: str, now: str, message: str,
                       required_materials: list[str], cert_ids: list[str],
                       certificates: list[dict[str, Any]]) -> None:
        conn.execute(
            "INSERT INTO changes(station_id, submission_id, platform_reference, status, updated_at, "
            "message, required_materials, certificate_ids, certificates) VALUES (?,?,?,?,?,?,?,?,?)",
            (row["station_id"], row["submission_id"], row["platform_reference"], status, now, message,
             json.dumps(required_materials, ensure_ascii=False), json.dumps(cert_ids),
             json.dumps(certificates, ensure_ascii=False)),
        )

    def certificate_state(self, certificate_id: str, station: str | None = None) -> dict[str, Any] | None:
        """GET /certificates/{id}/status (contract 1.1): the certificate's validity now and its
        application's current status, or None when it is unknown (or not `station`'s)."""
        row = self._conn().execute(
            "SELECT c.certificate_id, c.status, c.reason, c.changed_at, c.superseded_by, s.submission_id, "
            "s.platform_reference, s.status AS application_status, s.station_id FROM certificates c "
            "JOIN submissions s ON s.submission_id=c.submission_id WHERE c.certificate_id=?",
            (certificate_id,)).fetchone()
        if row is None or (station is not None and row["station_id"] != station):
            return None
        answer = {k: row[k] for k in ("certificate_id", "status", "submission_id", "platform_reference",
                                      "application_status")}
        answer.update({k: row[k] for k in ("reason", "changed_at", "superseded_by") if row[k]})
        return answer

    def certificate(self, station: str, certificate_id: str) -> sqlite3.Row | None:
        return (
            self._conn()
            .execute(
                "SELECT c.* FROM certificates c JOIN submissions s ON s.submission_id=c.submission_id "
                "WHERE c.certificate_id=? AND s.station_id=?",
                (certificate_id, station),
            )
            .fetchone()
        )

    def demo_step(self) -> int:
        """Move every unfinished submission one step on (the demo timer)."""
        nxt = {"received": "accepted", "accepted": "approved", "approved": "completed"}
        rows = (
            self._conn()
            .execute(
                "SELECT platform_reference, status FROM submissions WHERE status IN "
                "('received','accepted','approved')"
            )
            .fetchall()
        )
        moved = 0
        for r in rows:
            moved += self.advance(
                r["platform_reference"],
                nxt[r["status"]],
                certificate=nxt[r["status"]] == "approved",
                message={"accepted": "已受理", "approved": "准予许可", "completed": "已办结"}[
                    nxt[r["status"]]
                ],
                only_from=r["status"],
            ) is not None
        return moved

    def submissions(self) -> list[dict[str, Any]]:
        rows = (
            self._conn()
            .execute(
                "SELECT submission_id, local_reference, platform_reference, bundle_id, "
                "received_at, times_received FROM submissions ORDER BY received_at, "
                "platform_reference"
            )
            .fetchall()
        )
        return [dict(r) for r in rows]

    def _certificate_facts(self, row: sqlite3.Row, certificate_id: str, now: str) -> CertificateFacts:
        """What the certificate page states: the holder and matter from the submission, the
        names of the bundle and its items and the issuing department from the catalogue."""
        body = json.loads(row["body"])
        applicant = body.get("applicant") or {}
        bundle_name, items, issuer = str(row["bundle_id"] or ""), [], "辽宁省政务服务中心"
        try:
            from sync.platform.instant import _catalogue  # parsed once per published version

            bundle = _catalogue(self, row["station_id"]).bundle(bundle_name)
            bundle_name = bundle.name
            found = [bundle.item(code) for code in body.get("item_codes") or []]
            items = [item.name for item in found if item is not None]
            if found and found[0] is not None:
                issuer = found[0].department
        except Exception:  # noqa: BLE001 - a bundle the catalogue no longer has: its id stands in
            pass
        return CertificateFacts(
            title=f"{bundle_name}办理结果通知书", holder=str(applicant.get("name") or ""),
            id_number=str(applicant.get("id_number") or ""), matter=bundle_name, items=tuple(items),
            reference=row["platform_reference"], issuer=issuer,
            issued_on=date.fromisoformat(now[:10]), certificate_id=certificate_id)

    # ------------------------------------------------------------------ signed documents
    def _document_source(self, kind: str) -> dict[str, Any]:
        override = self.data_dir / f"{kind}.json"
        if override.exists():
            return json.loads(override.read_text(encoding="utf-8"))
        if kind == "catalogue":
            if self._catalogue_provider:
                return self._catalogue_provider()
            try:
                import forms

                return forms.shipped_catalogue_document()
            except (ImportError, AttributeError):
                return {"version": "0", "bundles": []}
        salt_path = self.data_dir / "credit_salt"
        if not salt_path.exists():
            salt_path.write_text(secrets.token_hex(16))
        return {"version": "1", "salt": salt_path.read_text().strip(), "entries": []}

    def add_to_credit_list(self, id_number: str, list_name: str, reason: str) -> str:
        """Publish a new credit-list version with one more entry: only sha256(salt + ID) is kept."""
        doc = self._document_source("credit_list")
        digest = hashlib.sha256((doc["salt"] + id_number.strip().upper()).encode()).hexdigest()
        entries = [
            e for e in doc.get("entries", []) if (e.get("hash") if isinstance(e, dict) else e) != digest
        ]
        entries.append({"hash": digest, "list": list_name, "reason": reason, "since": self.now_text()[:10]})
        version = str(int(str(doc.get("version", "0")).split(".")[0] or 0) + 1)
        write_atomic(self.data_dir / "credit_list.json",
                     json.dumps({"version": version, "salt": doc["salt"], "entries": entries},
                                ensure_ascii=False).encode("utf-8"), 0o644)
        return version

    # ------------------------------------------------------------------ catalogue releases (rings)
    RINGS = ("pilot", "all")

    def _release_path(self, version: str) -> Path:
        safe = hashlib.sha256(version.encode()).hexdigest()[:24]
        return self.data_dir / "catalogue-releases" / f"{safe}.json"

    def publish_catalogue(self, document: dict[str, Any], ring: str) -> str:
        """Sign and keep a new catalogue version (`platform publish-catalogue`), offered to the
        pilot ring or to all stations. The caller has validated it (forms.load_catalogue). The same
        version again, unchanged, only widens its ring (pilot → all); ValueError (Chinese) for a
        version not newer than the newest published one, or the same version with other content."""
        from forms.catalogue import version_key

        if ring not in self.RINGS:
            raise ValueError("发布范围只能是 pilot（试点驿站）或 all（全部驿站）。")
        payload = canonical(document)
        version = str(document["version"])
        digest = hashlib.sha256(payload).hexdigest()
        conn = self._conn()
        same = conn.execute("SELECT sha256 FROM catalogue_releases WHERE version=?", (version,)).fetchone()
        if same is not None:
            if same["sha256"] != digest:
                raise ValueError(f"版本 {version} 已发布过不同的内容，请提高 index.json 中的版本号后再发布。")
            if ring == "all":
                with self._tx() as tx:
                    tx.execute("UPDATE catalogue_releases SET ring='all' WHERE version=?", (version,))
            return version
        newest = max((r["version"] for r in conn.execute("SELECT version FROM catalogue_releases")),
                     key=version_key, default=None)
        base = self._document_source("catalogue").get("version")
        for older in (newest, base):
            if older is not None and version_key(version) <= version_key(str(older)):
                raise ValueError(f"版本 {version} 不比已发布的 {older} 新，请提高 index.json 中的版本号。")
        envelope = {"version": version, "payload": signing.b64(payload),
                    "signature": signing.b64(self.key.sign(payload))}
        path = self._release_path(version)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(envelope).encode(), 0o644)
        with self._tx() as tx:
            tx.execute("INSERT INTO catalogue_releases(version, ring, sha256, published_at) VALUES (?,?,?,?)",
                       (version, ring, digest, self.now_text()))
        return version

    def catalogue_envelope(self, version: str | None = None) -> dict[str, str]:
        """A published catalogue version (None: the newest) as the platform serves it on
        /catalogue: {"version", "payload" (base64), "signature"}. The file the fleet console
        distributes (`platform export-catalogue` → `console add-release`): the console is not
        trusted, so what it hands a station is checked there against the platform's own key.
        KeyError when no such version was published."""
        from forms.catalogue import version_key

        published = [r["version"] for r in self._conn().execute("SELECT version FROM catalogue_releases")]
        if version is None:
            if not published:
                raise KeyError("")
            version = max(published, key=version_key)
        if version not in published:
            raise KeyError(version)
        envelope = json.loads(self._release_path(version).read_text(encoding="utf-8"))
        return {"version": envelope["version"], "payload": envelope["payload"],
                "signature": envelope["signature"]}

    def set_ring(self, station: str, ring: str) -> None:
        """Put a station into the pilot ring (it takes new catalogues first) or back to all."""
        if ring not in self.RINGS:
            raise ValueError("试点范围只能是 pilot 或 all。")
        if self._conn().execute("SELECT 1 FROM stations WHERE station_id=?", (station,)).fetchone() is None:
            raise KeyError(station)
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO rings(station_id, ring) VALUES (?,?)", (station, ring))

    def station_document(self, station: str, kind: str) -> tuple[bytes, str, str, str]:
        """What `station` is offered: for the catalogue, the newest release of its ring (a pilot
        station also takes `all` releases), else the base document; other kinds are the same for all."""
        if kind != "catalogue":
            return self.document(kind)
        from forms.catalogue import version_key

        conn = self._conn()
        row = conn.execute("SELECT ring FROM rings WHERE station_id=?", (station,)).fetchone()
        rings = ("pilot", "all") if row is not None and row["ring"] == "pilot" else ("all",)
        releases = [r["version"] for r in conn.execute(
            f"SELECT version FROM catalogue_releases WHERE ring IN ({','.join('?' * len(rings))})", rings)]
        if not releases:
            return self.document(kind)
        version = max(releases, key=version_key)
        envelope = json.loads(self._release_path(version).read_text(encoding="utf-8"))
        payload = base64.b64decode(envelope["payload"])
        etag = '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
        return payload, envelope["signature"], envelope["version"], etag

    def document(self, kind: str) -> tuple[bytes, str, str, str]:
        """(payload bytes, signature b64, version, etag), cached until the override file changes
        (building and signing the shipped catalogue on every heartbeat would dominate its cost)."""
        override = self.data_dir / f"{kind}.json"
        stamp = override.stat().st_mtime_ns if override.exists() else None
        with self._upload_lock:
            cached = self._documents.get(kind)
            if cached and cached[0] == (stamp, self.key):
                return cached[1]
        result = self._build_document(kind)
        with self._upload_lock:
            self._documents[kind] = ((stamp, self.key), result)
        return result

    def _build_document(self, kind: str) -> tuple[bytes, str, str, str]:
        """(payload bytes, signature b64, version, etag)."""
        doc = self._document_source(kind)
        payload = canonical(doc)
        version = str(doc.get("version", "0"))
        etag = '"' + hashlib.sha256(payload).hexdigest()[:32] + '"'
        return payload, signing.b64(self.key.sign(payload)), version, etag


def import_bundles(service: PlatformService, directory: Path) -> dict[str, Any]:
    """`platform import DIR`: every *.kiosk-export.json in DIR through the normal idempotent path.

    Importing the same bundle twice, or a bundle whose submissions later also arrive online, gives
    one submission each (the second time is a replay, counted in times_received)."""
    from sync import usb_export

    summary: dict[str, Any] = {
        "bundles": 0,
        "new": 0,
        "replayed": 0,
        "rejected": 0,
        "attachments": 0,
        "errors": [],
    }
    files = sorted(Path(directory).glob("*.kiosk-export.json"))
    if not files:
        summary["errors"].append(f"{directory} 中没有导出文件（*.kiosk-export.json）。")
    for path in files:
        try:
            station, items = usb_export.read(path, service.station_public_key, service.key)
        except usb_export.BundleError as exc:
            summary["errors"].append(str(exc))
            continue
        summary["bundles"] += 1
        for sha, data in items["attachments"].items():
            if service.store_attachment(sha, data):
                summary["attachments"] += 1
            else:
                summary["errors"].append(f"附件 {sha[:12]}… 校验不通过，已跳过。")
        for entry in items["submissions"]:
            status, _ = service.submit(station, entry["idempotency_key"], entry["body"])
            key = "new" if status == 201 else "replayed" if status == 200 else "rejected"
            summary[key] += 1
        for entry in items["ratings"]:
            service.rate(station, entry["idempotency_key"], entry["body"])
    return summary
