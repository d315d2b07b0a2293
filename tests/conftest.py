"""Shared test set-up: Qt runs offscreen, the voice is muted, and any Qt/QML warning fails."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
os.environ.setdefault("QT_QUICK_CONTROLS_STYLE", "Basic")

import pytest  # noqa: E402 - the environment above must be set before Qt is imported anywhere


@pytest.fixture(scope="session")
def qapp_cls():
    """The kiosk is a Qt Quick application: a QGuiApplication, as kiosk.ui.app.build() makes."""
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication


@pytest.fixture
def demo(qapp, tmp_path):
    """The demo station: kiosk with pty simulators and the loopback reference platform, enrolled
    (tests/ui/staff_helpers.py). Yields (kiosk, station, config); any QML warning fails."""
    from tests.ui.staff_helpers import demo_kiosk

    kiosk, station, config = demo_kiosk(tmp_path)
    yield kiosk, station, config
    kiosk.shutdown()
    station.close()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)
