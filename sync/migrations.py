"""Numbered schema migrations of the kiosk store.

Why numbered steps and never "create if missing": a station that was offline through three app
updates must climb every step in order, and each step is tested from the version before it
(tests/sync/test_migrations.py builds a database at every earlier version, fills it, upgrades).
A step is a function of the sqlite-utils Database; all steps run inside one transaction together
with the `user_version` bump, so a crash mid-upgrade leaves the old version intact.
Never edit a shipped step: add a new one.

Steps call `db.create_table` rather than `db[name].create`: the latter wraps itself in
`with conn:`, which would commit the surrounding migration transaction half way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

from collections.abc import Callable


def _v1(db: sqlite_utils.Database) -> None:
    """Drafts, attachments, submissions, the outbox, settings."""
    db.create_table("settings", {"key": str, "value": str}, pk="key")
    db.create_table("drafts", {"session_id": str, "body": bytes, "updated_at": float}, pk="session_id")
    db.create_table("attachments", {"sha256": str, "size": int, "created_at": float}, pk="sha256")
    db.create_table(
        "submissions",
        {
            "submission_id": str,
            "local_reference": str,
            "id_hash": str,
            "bundle_id": str,
            "body": bytes,
            "created_at": float,
            "platform_reference": str,
        },
        pk="submission_id",
        not_null={"local_reference", "body"},
    )
    db["submissions"].create_index(["local_reference"], unique=True)
    db["submissions"].create_index(["id_hash"])
    db.create_table(
        "submission_attachments", {"submission_id": str, "sha256": str}, pk=("submission_id", "sha256")
    )
    db.create_table(
        "outbox",
        {
            "id": int,
            "kind": str,
            "ref_id": str,
            "idempotency_key": str,
            "state": str,
            "attempts": int,
            "next_attempt_at": float,
            "last_error": str,
            "created_at": float,
            "updated_at": float,
        },
        pk="id",
        not_null={"kind", "idempotency_key", "state"},
        defaults={"attempts": 0, "next_attempt_at": 0.0},
    )
    db["outbox"].create_index(["idempotency_key"], unique=True)


def _v2(db: sqlite_utils.Database) -> None:
    """Pulled statuses, certificates, signed documents (catalogue, credit list)."""
    db.create_table(
        "statuses",
        {
            "seq": int,
            "submission_id": str,
            "status": str,
            "updated_at": str,
            "message": str,
            "required_materials": str,
            "certificate_ids": str,
            "pulled_at": float,
        },
        pk="seq",
    )
    db["statuses"].create_index(["submission_id"])
    db.create_table(
        "certificates",
        {"certificate_id": str, "submission_id": str, "sha256": str, "body": bytes, "verified_at": float},
        pk="certificate_id",
    )
    db.create_table(
        "documents",
        {"kind": str, "version": str, "etag": str, "payload": bytes, "signature": str, "fetched_at": float},
        pk="kind",
    )


def _v3(db: sqlite_utils.Database) -> None:
    """Ratings (好差评) and the hash-chained audit log."""
    db.create_table(
        "ratings",
        {"rating_id": str, "submission_id": str, "body": bytes, "created_at": float},
        pk="rating_id",
    )
    db.create_table(
        "audit",
        {"seq": int, "at": float, "event": str, "detail": str, "prev_hash": str, "hash": str},
        pk="seq",
    )


def _v4(db: sqlite_utils.Database) -> None:
    """Delivery bookkeeping: when a row was delivered, which attachments the platform holds, and
    an index for the worker's "what is due" query."""
    db["outbox"].add_column("delivered_at", float)
    db["outbox"].add_column("platform_reference", str)
    db["attachments"].add_column("uploaded_at", float)
    db["outbox"].create_index(["state", "next_attempt_at"])


# The credit-list index (v5). Its tables are made again whenever a new list is indexed (built
# aside under the *_next names, then renamed into place), so the statements live here once.
CREDIT_INDEX_TABLES = {
    # sha256(salt + id_number) as 32 bytes, the entry's detail row, the date it was listed since
    "credit_index": "CREATE TABLE {name} (hash BLOB PRIMARY KEY, detail INTEGER NOT NULL, since TEXT) "
                    "WITHOUT ROWID",
    # (list, reason, measures) are shared by most entries: stored once each
    "credit_details": "CREATE TABLE {name} (id INTEGER PRIMARY KEY, list TEXT, reason TEXT, measures TEXT)",
}


def _v5(db: sqlite_utils.Database) -> None:
    """The credit list (逢办必查) indexed by hash, so a check is one primary-key lookup instead of
    parsing a document of 1.7 million entries; and a spare pair of tables to build the next one in."""
    for name, sql in CREDIT_INDEX_TABLES.items():
        db.execute(sql.format(name=name))
        db.execute(sql.format(name=name + "_next"))


def _v6(db: sqlite_utils.Database) -> None:
    """Retention (个人信息保护法): when an application's personal content was removed, keeping
    the receipt facts (references, bundle, dates, statuses)."""
    db["submissions"].add_column("purged_at", float)


def _v7(db: sqlite_utils.Database) -> None:
    """The receipt's facts, frozen when the application was saved (kiosk/station/receipts.py),
    encrypted: every reprint states exactly what the first receipt stated."""
    db["submissions"].add_column("receipt", bytes)


def _v8(db: sqlite_utils.Database) -> None:
    """What the kiosk last learnt of each certificate's validity (contract 1.1: revoked,
    superseded, withdrawn) and, when it was checked at print time, of its application's status;
    `source` says whether a status pull or a print-time check told it. No row: valid as issued."""
    db.create_table(
        "certificate_states",
        {"certificate_id": str, "submission_id": str, "status": str, "reason": str, "changed_at": str,
         "superseded_by": str, "application_status": str, "source": str, "learnt_at": float},
        pk="certificate_id",
    )


def _v9(db: sqlite_utils.Database) -> None:
    """The fleet console's report (sync/fleet_report.py): only the newest is kept; `sent_at` is
    set when the console acknowledged it. A newer report replaces an unsent one (it says more)."""
    db.create_table("fleet_reports", {"seq": int, "body": bytes, "created_at": float, "sent_at": float},
                    pk="seq")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]
LATEST = len(MIGRATIONS)


def current_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, target: int = LATEST) -> int:
    """Bring `db` (whose connection is in autocommit mode) to `target`; returns the old version."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        old = current_version(db)
        if old > LATEST:
            raise RuntimeError(f"数据库版本 {old} 比本程序支持的 {LATEST} 更新，请升级程序。")
        for number in range(old + 1, target + 1):
            MIGRATIONS[number - 1](db)
        if target > old:
            conn.execute(f"PRAGMA user_version = {int(target)}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return old
