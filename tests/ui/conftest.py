"""The `make_kiosk` fixture: the real application objects, built as the kiosk builds them."""

from __future__ import annotations

import pytest

from kiosk.station.config import defaults


class FakeClock:
    """A monotonic clock the test moves by hand, so timeouts take no real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def make_kiosk(qapp, tmp_path):
    """Build the kiosk on a real (temporary) encrypted store; at teardown fail on any Qt/QML
    warning, then tear it down."""
    from kiosk.ui.app import build
    from kiosk.ui.screenshots import settle
    from sync.store import Store

    built = []
    stores = []

    def factory(size=(1080, 1920), large_text=False, station_id: str | None = None, **ui):
        config = defaults()
        if station_id is not None:       # 通办 compares the resident's place with this station's
            config = config.with_overrides({"station": {"id": station_id}})
        if ui:
            config = config.with_overrides({"ui": ui})
        clock = FakeClock()
        folder = tmp_path / f"kiosk{len(built)}"
        store = Store.open(folder / "data", folder / "keys")
        stores.append(store)
        kiosk = build(config, voice_enabled=False, large_text=large_text, size=size, clock=clock,
                      store=store)
        kiosk.clock = clock
        settle(kiosk.app)
        built.append(kiosk)
        return kiosk

    yield factory
    for kiosk in built:
        kiosk.shutdown()
    for store in stores:
        store.close()
    for kiosk in built:
        assert not kiosk.qml_warnings, "Qt/QML warnings:\n" + "\n".join(kiosk.qml_warnings)
