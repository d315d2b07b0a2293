"""Provisional references (sync/local_reference.py): unique across every station of the province
without asking the platform, short, checked; the legacy 8-symbol form still found; the platform
refuses a local reference another station already used, and the kiosk shows that row as failed."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from sync import enrollment
from sync import local_reference as reference
from sync.store import Store
from sync.worker import DeliveryWorker
from tests.sync.helpers import enrolled_store, sample_payload

STATION_IDS = st.builds(lambda division, number: f"{division:06d}-{number:04d}",
                        st.integers(0, 999_999), st.integers(0, 9_999))
COUNTERS = st.integers(1, reference.PER_STATION - 1)


def test_ten_thousand_references_on_each_of_a_hundred_stations_never_collide():
    # Neighbours in one county, and the same station number in fifty other divisions: the pairs a
    # per-station counter alone (the legacy form) or a careless encoding would confuse.
    stations = [f"210102-{n:04d}" for n in range(1, 51)] + \
               [f"21{city:02d}{county:02d}-0001" for city in range(2, 12) for county in range(1, 6)]
    assert len(set(stations)) == 100
    made = {reference.make(station, counter) for station in stations for counter in range(1, 10_001)}
    assert len(made) == 1_000_000
    ends = [reference.make(station, counter) for station in stations for counter in (1, 10_000)]
    assert all(len(ref) == 15 and reference.normalise(ref) == ref for ref in ends)


@given(STATION_IDS, COUNTERS)
def test_a_reference_gives_back_its_station_and_counter(station, counter):
    # `make` has an inverse, so it is one-to-one: two stations can never make the same reference
    assert reference.station_of(reference.make(station, counter)) == (station, counter)


@given(STATION_IDS, COUNTERS, st.integers(0, 12), st.sampled_from(reference.ALPHABET))
def test_any_single_wrong_symbol_is_caught(station, counter, position, symbol):
    ref = reference.make(station, counter).replace("-", "")
    if ref[position] != symbol:
        assert reference.normalise(ref[:position] + symbol + ref[position + 1:]) is None


@given(STATION_IDS, COUNTERS, st.integers(0, 11))
def test_any_swap_of_neighbours_is_caught(station, counter, position):
    ref = reference.make(station, counter).replace("-", "")
    if ref[position] != ref[position + 1]:
        swapped = ref[:position] + ref[position + 1] + ref[position] + ref[position + 2:]
        assert reference.normalise(swapped) is None


@given(st.integers(1, 3_000_000_000), st.integers(0, 7), st.sampled_from(reference.ALPHABET))
def test_legacy_references_stay_checked(counter, position, symbol):
    ref = reference.make_legacy(counter)
    assert reference.normalise(ref.lower().replace("-", " ")) == ref
    assert reference.station_of(ref) is None
    plain = ref.replace("-", "")
    if plain[position] != symbol:
        assert reference.normalise(plain[:position] + symbol + plain[position + 1:]) is None


def test_short_enough_to_read_and_print_double_width():
    ref = reference.make("210102-0001", 1)
    assert [len(part) for part in ref.split("-")] == [5, 4, 4]
    assert len(ref) * 2 <= 32                   # double width on 58 mm paper (32 columns), so on 80 mm
    assert reference.normalise(ref.lower().replace("-", "")) == ref
    assert reference.make_legacy(1) == "P47Y-NMJD"          # what every fresh station once printed first


@given(st.text(max_size=20))
def test_normalise_never_crashes(text):
    result = reference.normalise(text)
    assert result is None or reference.is_valid(result)


def test_two_fresh_stations_make_different_first_references(tmp_path):
    first = [Store.open(tmp_path / f"s{n}-data", tmp_path / f"s{n}-keys", station_id=f"210102-000{n}")
             for n in (1, 2)]
    try:
        refs = [store.submit(sample_payload()).local_reference for store in first]
    finally:
        for store in first:
            store.close()
    assert refs[0] != refs[1]
    assert [reference.station_of(ref) for ref in refs] == [("210102-0001", 1), ("210102-0002", 1)]


def test_a_legacy_reference_on_a_receipt_is_still_found(tmp_path):
    """A store from before the station component: its applications keep their 8-symbol references
    (written here as that version wrote them), `find` takes them as a resident types them, and the
    store's next application gets the new form from the same counter."""
    store = Store.open(tmp_path / "data", tmp_path / "keys", station_id="210102-0001")
    try:
        old = store.submit(sample_payload("old"))
        with store._tx() as conn:                      # noqa: SLF001 - the row as the old version wrote it
            conn.execute("UPDATE submissions SET local_reference=? WHERE submission_id=?",
                         (reference.make_legacy(1), old.submission_id))
        found = store.find("p47y nmjd")
        assert found is not None and found.submission_id == old.submission_id
        assert found.local_reference == "P47Y-NMJD"
        new = store.submit(sample_payload("new"))
        assert reference.station_of(new.local_reference) == ("210102-0001", 2)
        assert store.find(new.local_reference.replace("-", "").lower()).submission_id == new.submission_id
        row = next(r for r in store.outbox_rows(masked=False) if r.ref_id == new.submission_id)
        store.mark_delivered(row, {"platform_reference": "SQ20261201000009"})
        assert store.find("SQ20261201000009").local_reference == new.local_reference
    finally:
        store.close()


def test_the_enrolled_station_id_makes_the_references(tmp_path, platform):
    store, _ = enrolled_store(tmp_path, platform, station_id="210281-0042")
    try:
        assert store.reference_station() == "210281-0042"
        done = store.submit(sample_payload())
        assert reference.station_of(done.local_reference) == ("210281-0042", 1)
    finally:
        store.close()


def test_the_platform_refuses_a_reference_another_station_used_and_staff_see_the_row(tmp_path, platform):
    """Station B was left at the configuration's default id, which is station A's: its first
    reference is A's first. Enrolled under its own id, it delivers; the platform refuses the
    reference (422 local_reference_taken), and the row is failed with the platform's sentence,
    never dropped; A's own replay is still answered as before."""
    a, a_keys = enrolled_store(tmp_path, platform, name="a", station_id="210102-0001")
    b = Store.open(tmp_path / "b-data", tmp_path / "b-keys", station_id="210102-0001")
    try:
        mine = a.submit(sample_payload("a"))
        theirs = b.submit(sample_payload("b"))
        assert theirs.local_reference == mine.local_reference
        enrollment.enroll(b, tmp_path / "b-keys", platform.url, "210102-0002",
                          platform.service.new_enrollment_code())
        for store, keys in ((a, a_keys), (b, tmp_path / "b-keys")):
            DeliveryWorker(store, enrollment.make_client(store, keys), status_interval_s=3600).run_once()
        rows = {s["local_reference"]: s for s in platform.service.submissions()}
        assert list(rows) == [mine.local_reference]
        (row,) = [r for r in b.outbox_rows() if r.kind == "submission"]
        assert row.state == "failed" and "local_reference_taken" in row.last_error
        assert "已被其他驿站的申请使用" in row.last_error
        answers = [r for r in platform.records if r["target"].endswith("/submissions")]
        refused = json.loads(answers[-1]["response_body"])
        assert answers[-1]["status"] == 422 and refused["error"] == "local_reference_taken"

        a_row = next(r for r in a.outbox_rows(masked=False) if r.kind == "submission")
        client = enrollment.make_client(a, a_keys)
        again = client.post_submission(a_row.idempotency_key, a.request_body(a_row))
        assert again.status == 200
        assert again.body["platform_reference"] == rows[mine.local_reference]["platform_reference"]
    finally:
        a.close()
        b.close()
