"""The kiosk store: one-transaction submit, drafts, attachments, lookups, audit chain, and no
plaintext personal data anywhere on disk."""

from __future__ import annotations

import os
import subprocess
import textwrap

import pytest

from sync.store import FAILED, QUEUED, StoreError
from tests.sync.helpers import PERSON_ID, PERSON_NAME, PYTHON, REPO, new_store, sample_payload, sha


def test_submit_freezes_body_and_queues_one_row(tmp_path):
    store, _ = new_store(tmp_path)
    photo = b"\x89PNG fake photo bytes" * 100
    att = store.put_attachment(photo)
    assert att == sha(photo) and store.read_attachment(att) == photo
    payload = sample_payload(attachments=[att])
    payload["commitment"] = {
        "text": "本人承诺所填信息真实。",
        "text_sha256": sha("本人承诺所填信息真实。".encode()),
    }
    done = store.submit(payload, signature_png=b"signature png")
    rows = store.outbox_rows()
    assert len(rows) == 1
    row = rows[0]
    assert (row.state, row.local_reference, row.idempotency_key) == (
        QUEUED,
        done.local_reference,
        done.submission_id,
    )
    assert row.masked_name == "欧**娜" and row.masked_id == "110***********002X"
    import json

    body = json.loads(store.request_body(row))
    assert body["submission_id"] == done.submission_id and body["local_reference"] == done.local_reference
    assert "text" not in body["commitment"] and body["commitment"]["signature_attachment"] == sha(
        b"signature png"
    )
    assert sorted(store.submission_attachments(done.submission_id)) == sorted([att, sha(b"signature png")])
    assert store.request_body(row) == store.request_body(row)  # frozen bytes, same every time
    assert payload["commitment"]["text"]  # the caller's dict is not changed


def test_lookup_by_id_number_and_either_reference(tmp_path):
    store, _ = new_store(tmp_path)
    a = store.submit(sample_payload("a"))
    store.submit(sample_payload("b", id_number="110101199003070011", name="张三"))
    found = store.submissions_for(PERSON_ID.lower())
    assert [f.local_reference for f in found] == [a.local_reference]
    assert store.find(a.local_reference.replace("-", "").lower()).submission_id == a.submission_id
    row = store.outbox_rows()[0]
    store.mark_delivered(row, {"platform_reference": "SQ20260101000001"})
    assert store.find("SQ20260101000001").local_reference == a.local_reference
    assert store.find("ZZZZ-ZZZZ") is None


def test_references_are_unique_and_survive_reopen(tmp_path):
    store, keys = new_store(tmp_path)
    refs = [store.submit(sample_payload(str(i))).local_reference for i in range(5)]
    store.close()
    store, _ = new_store(tmp_path)
    refs.append(store.submit(sample_payload("x")).local_reference)
    assert len(set(refs)) == 6


def test_missing_attachment_is_refused_before_anything_is_written(tmp_path):
    store, _ = new_store(tmp_path)
    with pytest.raises(StoreError, match="附件"):
        store.submit(sample_payload(attachments=["0" * 64]))
    assert store.outbox_rows() == []


def test_drafts_autosave_and_discard(tmp_path):
    store, _ = new_store(tmp_path)
    store.save_draft("session-1", {"name": PERSON_NAME})
    store.save_draft("session-1", {"name": PERSON_NAME, "phone": "13800138000"})
    assert store.load_draft("session-1") == {"name": PERSON_NAME, "phone": "13800138000"}
    store.discard_draft("session-1")
    assert store.load_draft("session-1") is None


def test_failed_row_keeps_message_and_can_be_retried(tmp_path):
    store, _ = new_store(tmp_path)
    done = store.submit(sample_payload())
    row = store.outbox_rows()[0]
    store.mark_failed(row, "事项已停办（410 gone）")
    row = store.outbox_rows()[0]
    assert (row.state, row.last_error) == (FAILED, "事项已停办（410 gone）")
    assert store.pending_summary()["failed"] == 1
    assert store.retry(done.local_reference)
    assert store.outbox_rows()[0].state == QUEUED
    assert not store.retry("P47Y-NMJX")


def test_audit_chain_detects_tampering(tmp_path):
    store, _ = new_store(tmp_path)
    for i in range(3):
        store.submit(sample_payload(str(i)))
    assert store.verify_audit() is None
    store._conn.execute("UPDATE audit SET detail='{}' WHERE seq=2")
    assert store.verify_audit() == 2


@pytest.mark.parametrize("crypto", ["aes", "sm4"])
def test_no_plaintext_personal_data_in_any_file(tmp_path, platform, crypto):
    """A whole session in a child process (so SQLite's temp directory and the log are ours to
    inspect): draft, photo, submit, rating, delivery with DEBUG logging. Then every byte of every
    file in the data dir, key dir, temp dir and the log is searched for the name (UTF-8, GBK) and
    the ID number."""
    code = platform.service.new_enrollment_code()
    script = textwrap.dedent(f"""
        import logging, sys
        from pathlib import Path
        logging.basicConfig(filename=sys.argv[1], level=logging.DEBUG)
        from sync import enrollment
        from sync.store import Store
        from sync.worker import DeliveryWorker
        from tests.sync.helpers import sample_payload
        store = Store.open(Path(sys.argv[2]), Path(sys.argv[3]), crypto={crypto!r})
        enrollment.enroll(store, Path(sys.argv[3]), {platform.url!r}, "210102-0001", {code!r})
        store.save_draft("s1", {{"name": "{PERSON_NAME}", "id": "{PERSON_ID}"}})
        photo = store.put_attachment(("证件照 {PERSON_NAME} {PERSON_ID}" * 50).encode("utf-8"))
        done = store.submit(sample_payload(attachments=[photo]))
        store.record_rating(done.submission_id, ["x"], 5, ["热情"], "{PERSON_NAME}说很好 {PERSON_ID}")
        logging.getLogger("test").info("queued %s", done.local_reference)
        worker = DeliveryWorker(store, enrollment.make_client(store, Path(sys.argv[3])))
        print(worker.run_once(force=True))
        print([r.state for r in store.outbox_rows()])
        # leave the WAL in place: do not close cleanly before the files are read
        import os; os._exit(0)
    """)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "SQLITE_TMPDIR": str(tmp), "PYTHONPATH": str(REPO)}
    log = tmp_path / "kiosk.log"
    result = subprocess.run(
        [PYTHON, "-c", script, str(log), str(tmp_path / "data"), str(tmp_path / "keys")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "'delivered'" in result.stdout and "received" in result.stdout
    files = [p for root in ("data", "keys", "tmp") for p in (tmp_path / root).rglob("*") if p.is_file()]
    files.append(log)
    assert any(p.name.endswith("-wal") for p in files), "the WAL should be there to be searched"
    needles = [
        PERSON_NAME.encode("utf-8"),
        PERSON_NAME.encode("gbk"),
        PERSON_ID.encode(),
        PERSON_ID.lower().encode(),
        PERSON_NAME.encode("utf-16-le"),
    ]
    for path in files:
        raw = path.read_bytes()
        for needle in needles:
            assert needle not in raw, f"{needle!r} found in {path}"
    for needle in (PERSON_NAME, PERSON_ID):
        assert needle not in result.stdout + result.stderr
    # and the platform did get it (so the test is not passing on an empty run)
    assert platform.service.submissions()[0]["local_reference"]
