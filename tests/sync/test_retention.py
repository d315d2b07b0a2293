"""Retention (个人信息保护法): the personal content of applications the platform completed is
removed after `[privacy] retention_days`, leaving the receipt facts; audited; nothing readable left
in the database file, its WAL or the attachment folder."""

from __future__ import annotations

import json

from sync import enrollment
from sync.worker import DeliveryWorker
from tests.sync.helpers import PERSON_ID, PERSON_NAME, enrolled_store, sample_payload


class Clock:
    def __init__(self) -> None:
        import time

        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_completed_applications_lose_their_personal_content_after_the_retention_days(tmp_path, platform):
    clock = Clock()
    store, keys = enrolled_store(tmp_path, platform, clock=clock)
    photo = store.put_attachment(b"photo of a birth certificate" * 100)
    done = store.submit(sample_payload("done", attachments=[photo]))
    waiting = store.submit(sample_payload("waiting"))
    worker = DeliveryWorker(store, enrollment.make_client(store, keys), retention_days=90)
    worker.run_once(force=True)
    platform.service.advance(done.local_reference, "completed", True, "")
    worker.run_once(force=True)
    assert store.find(done.local_reference).state == "completed"
    assert store.purge_completed(90 * 86400) == 0            # completed today: kept

    clock.now += 91 * 86400
    worker._next_retention = 0                                # noqa: SLF001 - the daily timer is due
    report = worker.run_once(force=True)
    assert report.purged == 1
    info = store.find(done.local_reference)
    assert info.platform_reference and info.bundle_id == "newborn" and info.state == "completed"
    assert [s["status"] for s in info.statuses][-1] == "completed"   # the receipt facts stay
    assert store.submissions_for(PERSON_ID) == [store.find(waiting.local_reference)]
    rows = {r.local_reference: r for r in store.outbox_rows()}
    assert rows[done.local_reference].masked_name == "（已按期删除）"
    assert rows[waiting.local_reference].masked_name != "（已按期删除）"
    assert not (store.attachment_dir / f"{photo}.enc").exists()
    events = [e for e in store.audit_entries() if e["event"] == "retention_purged"]
    assert len(events) == 1 and json.loads(events[0]["detail"])["count"] == 1
    assert PERSON_NAME not in events[0]["detail"]
    assert store.verify_audit() is None
    store.close()


def test_the_retention_days_are_in_the_configuration():
    from kiosk.station.config import defaults, example_toml

    assert defaults().get("privacy", "retention_days") == 90
    assert "retention_days = 90" in example_toml()
