"""The demo's window on a display smaller than the station's screen (the newcomer's 1920×1080
monitor showed the top 1080 px of a 1080×1920 kiosk, with 开始办事 off the screen): it takes the
room the display has; full screen, offscreen (tests, screenshots) and a screen that fits keep the
station's size."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect

from kiosk.ui.app import _window_size


@dataclass
class FakeScreen:
    width: int
    height: int

    def availableGeometry(self) -> QRect:  # noqa: N802 - Qt's name
        return QRect(0, 0, self.width, self.height)


@dataclass
class FakeApp:
    screen: FakeScreen | None
    platform: str = "xcb"

    def primaryScreen(self) -> FakeScreen | None:  # noqa: N802
        return self.screen

    def platformName(self) -> str:  # noqa: N802
        return self.platform


def test_a_portrait_kiosk_in_a_window_on_a_landscape_monitor_fits_the_monitor():
    assert _window_size(FakeApp(FakeScreen(1920, 1050)), "portrait", False) == (1920, 1050)


def test_the_stations_size_is_kept_where_it_fits_or_is_not_a_window():
    assert _window_size(FakeApp(FakeScreen(2160, 3840)), "portrait", False) == (1080, 1920)
    assert _window_size(FakeApp(FakeScreen(1920, 1050)), "portrait", True) == (1080, 1920)
    assert _window_size(FakeApp(FakeScreen(800, 600), "offscreen"), "landscape", False) == (1920, 1080)
    assert _window_size(FakeApp(None), "portrait", False) == (1080, 1920)
