"""The `make_kiosk` fixture: the real application objects, built as the kiosk builds them."""

from __future__ import annotations

import pytest

from kiosk.config import defaults


class FakeClock:
    """A monotonic clock the test moves by hand, so timeouts take no real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def make_kiosk(qapp):
    """Build the kiosk; at teardown fail on any Qt/QML warning, then tear it down."""
    from kiosk.app import build
    from kiosk.screenshots import settle

    built = []

    def factory(size=(1080, 1920), large_text=False, **ui):
        config = defaults()
        if ui:
            config = config.with_overrides({"ui": ui})
        clock = FakeClock()
        kiosk = build(config, voice_enabled=False, large_text=large_text, size=size, clock=clock)
        kiosk.clock = clock
        settle(kiosk.app)
        built.append(kiosk)
        return kiosk

    yield factory
    for kiosk in built:
        kiosk.shutdown()
        assert not kiosk.qml_warnings, "Qt/QML warnings:\n" + "\n".join(kiosk.qml_warnings)
