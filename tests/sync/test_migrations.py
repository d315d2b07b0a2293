"""Every earlier schema version upgrades to the latest with its data intact."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from sync import migrations
from sync.crypto import Keyring
from sync.store import Store

# Rows a store at version N would hold, written with that version's columns only.
FILL = {
    1: [
        "INSERT INTO settings(key, value) VALUES ('reference_counter', '1')",
        "INSERT INTO settings(key, value) VALUES ('station_id', '210102-0001')",
        "INSERT INTO attachments(sha256, size, created_at) VALUES ('ab', 2, 1.0)",
        "INSERT INTO submissions(submission_id, local_reference, id_hash, bundle_id, body, created_at) "
        "VALUES ('s1', 'P47Y-NMJC', 'h', 'newborn', :body, 1.0)",
        "INSERT INTO submission_attachments(submission_id, sha256) VALUES ('s1', 'ab')",
        "INSERT INTO outbox(kind, ref_id, idempotency_key, state, attempts, next_attempt_at, created_at, "
        "updated_at) VALUES ('submission', 's1', 's1', 'queued', 2, 0, 1.0, 1.0)",
    ],
    2: [
        "INSERT INTO statuses(submission_id, status, updated_at, message, required_materials, "
        "certificate_ids, pulled_at) "
        "VALUES ('s1', 'received', '2026-01-01T00:00:00Z', '', '[]', '[]', 1.0)",
        "INSERT INTO documents(kind, version, etag, payload, signature, fetched_at) VALUES "
        "('catalogue', '3', 'e', X'7B7D', 's', 1.0)",
    ],
    3: ["INSERT INTO audit(at, event, detail, prev_hash, hash) VALUES (1.0, 'x', '{}', '0', '1')"],
}


@pytest.mark.parametrize("start", range(0, migrations.LATEST))
def test_upgrade_from_every_earlier_version(tmp_path, start):
    data, keys = tmp_path / "data", tmp_path / "keys"
    data.mkdir()
    ring = Keyring.load_or_create(keys, data)
    body = ring.encrypt(b'{"submission_id":"s1"}', b"submission|s1")
    conn = sqlite3.connect(data / "kiosk.db", isolation_level=None)
    db = sqlite_utils.Database(conn)
    migrations.migrate(db, target=start)
    assert migrations.current_version(db) == start
    for version in range(1, start + 1):
        for sql in FILL.get(version, []):
            conn.execute(sql, {"body": body} if ":body" in sql else {})
    conn.close()

    store = Store.open(data, keys)
    assert migrations.current_version(store._db) == migrations.LATEST
    if start >= 1:
        rows = store.outbox_rows(masked=False)
        assert [(r.local_reference, r.state, r.attempts) for r in rows] == [("P47Y-NMJC", "queued", 2)]
        assert store.request_body(rows[0]) == b'{"submission_id":"s1"}'
        assert store.setting("station_id") == "210102-0001"
        assert not store.attachment_uploaded("ab")  # the v4 column exists and defaults to "not yet"
    if start >= 2:
        assert store.document("catalogue")["version"] == "3"
    # and the upgraded store works: a new submission gets the next reference
    assert store.submit({"bundle_id": "b", "applicant": {"id_number": "1", "name": "x"}}).local_reference
    store.close()


def test_a_newer_database_is_refused(tmp_path):
    data = tmp_path / "data"
    Store.open(data, tmp_path / "keys").close()        # its keys exist: no key is made over data
    conn = sqlite3.connect(data / "kiosk.db")
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.close()
    from sync.store import StoreError

    with pytest.raises(StoreError, match="更新"):
        Store.open(data, tmp_path / "keys")


def test_a_failed_step_leaves_the_old_version(tmp_path, monkeypatch):
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    db = sqlite_utils.Database(conn)
    migrations.migrate(db, target=2)

    def broken(db):
        db.create_table("ratings", {"x": int})
        raise RuntimeError("power cut")

    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS[:2], broken, *migrations.MIGRATIONS[3:]]
    )
    with pytest.raises(RuntimeError):
        migrations.migrate(db)
    assert migrations.current_version(db) == 2
    assert "ratings" not in db.table_names()
