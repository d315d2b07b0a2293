"""常办: the tiles stay in the catalogue's order whatever is used (a returning resident finds 教育入学
where it was, the walk's w03 → w82); this terminal's most used bundles over the last 90 days, read
from a real store off the GUI thread, are only marked 常办, re-marked when the attract screen is back
(never while a resident chooses); ties keep the catalogue's order."""

from __future__ import annotations

from forms import load_catalogue
from kiosk.station.config import defaults
from kiosk.ui.app import build
from kiosk.ui.screenshots import settle
from kiosk.ui.session import Person
from sync.store import Store
from tests.sync.helpers import sample_payload

DAY = 86400.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


def submit(store: Store, clock: Clock, bundle_id: str, days_ago: float = 1, times: int = 1) -> None:
    saved_now = clock.now
    clock.now = saved_now - days_ago * DAY
    for n in range(times):
        store.submit({**sample_payload(f"{bundle_id}-{days_ago}-{n}"), "bundle_id": bundle_id})
    clock.now = saved_now


def settled(kiosk) -> list[str]:
    kiosk.bundles.usage.wait()
    settle(kiosk.app)
    return kiosk.bundles.ids()


def test_tiles_keep_the_catalogue_order_the_most_used_are_marked_on_the_attract_screen(qapp, tmp_path):
    clock = Clock()
    store = Store.open(tmp_path / "data", tmp_path / "keys", clock=clock)
    submit(store, clock, "retirement", times=2)
    submit(store, clock, "after_death", days_ago=89)
    submit(store, clock, "newborn", days_ago=91, times=3)          # outside the 90 days: not counted
    catalogue_order = [b.id for b in load_catalogue().bundles]
    kiosk = build(defaults(), voice_enabled=False, store=store)
    try:
        assert settled(kiosk) == catalogue_order                    # used or not: nothing moves
        assert kiosk.bundles.popular_ids() == ["retirement", "after_death"]

        kiosk.shell.identified(Person("张三", "11010519491231002X"))
        kiosk.shell.forward()                                       # a resident is choosing
        submit(store, clock, "sole_proprietor", days_ago=0, times=5)
        submit(store, clock, "school_enrolment", days_ago=0, times=9)
        kiosk.bundles.usage.fetch()                                 # fresh counts arrive meanwhile
        assert settled(kiosk) == catalogue_order
        assert kiosk.bundles.popular_ids() == ["retirement", "after_death"]   # marks wait too

        kiosk.session.end()                                         # back to the attract screen
        assert kiosk.shell.property("screen") == "attract"
        assert settled(kiosk) == catalogue_order                    # 教育入学 did not jump to the top
        assert kiosk.bundles.popular_ids() == ["retirement", "sole_proprietor", "school_enrolment"]
    finally:
        kiosk.shutdown()
        store.close()
    assert not kiosk.qml_warnings, kiosk.qml_warnings


def test_without_a_store_the_catalogue_order_is_kept(qapp):
    kiosk = build(defaults(), voice_enabled=False)
    try:
        assert settled(kiosk) == [b.id for b in load_catalogue().bundles]
    finally:
        kiosk.shutdown()
