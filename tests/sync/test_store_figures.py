"""The staff screen's read-only figures: applications per bundle and 好差评 per level, for a period;
and what is known of a downloaded certificate."""

from __future__ import annotations

from tests.sync.helpers import new_store, sample_payload


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_submissions_per_bundle_and_ratings_per_score_since(tmp_path):
    clock = Clock()
    store, _ = new_store(tmp_path, clock=clock)
    yesterday = store.submit(sample_payload("old"))
    store.record_rating(yesterday.submission_id, ["1"], 1)
    clock.now += 86_400
    today = clock.now
    for marker in ("a", "b"):
        store.submit(sample_payload(marker))
    other = dict(sample_payload("c"), bundle_id="retirement")
    store.submit(other)
    store.record_rating(None, ["1"], 5, tags=[])
    store.record_rating(None, ["1"], 5)
    store.record_rating(None, ["1"], 2, tags=["等待时间长"])

    assert store.submissions_per_bundle(today) == {"newborn": 2, "retirement": 1}
    assert store.submissions_per_bundle(0) == {"newborn": 3, "retirement": 1}
    assert store.ratings_per_score(today) == {5: 2, 4: 0, 3: 0, 2: 1, 1: 0}
    assert store.ratings_per_score(0)[1] == 1
    assert store.submissions_per_bundle(clock.now + 1) == {}


def test_certificate_record_names_the_checked_hash(tmp_path):
    store, _ = new_store(tmp_path)
    done = store.submit(sample_payload())
    assert store.certificate_record("CERT-1") is None
    store.save_certificate("CERT-1", done.submission_id, b"%PDF-1.4 certificate")
    record = store.certificate_record("CERT-1")
    import hashlib

    assert record["sha256"] == hashlib.sha256(b"%PDF-1.4 certificate").hexdigest()
    assert record["submission_id"] == done.submission_id and record["verified_at"]
