"""From a finished form to the platform: saved durably, receipt printed on the (pty) printer
simulator, the reference shown as a QR code, delivered exactly once, the status pulled, and a
好差评 rating delivered too. Real store files, a real HTTP platform on 127.0.0.1, real pty."""

from __future__ import annotations

import zxingcpp
from PySide6.QtGui import QImage
from PySide6.QtQuick import QQuickItem

from kiosk.station.composition import open_sync
from kiosk.station.demo import demo_config
from kiosk.ui.app import build
from kiosk.ui.screenshots import complete_sample_application, settle
from tests.ui.qml_tree import strings_in_tree, visible_items


def visible(kiosk, name: str) -> QQuickItem:
    found = [i for i in visible_items(kiosk.window.contentItem()) if i.objectName() == name]
    assert found, f"no visible item named {name}"
    return found[0]


def tap_visible(kiosk, name: str) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    settle(kiosk.app, 2)              # what just appeared is laid out where it will be tapped
    item = visible(kiosk, name)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app, 3)


def test_saved_printed_delivered_once_and_rated(qapp, qtbot, tmp_path):
    config = demo_config(None, tmp_path / "data")
    station = open_sync(config, demo=True, on_status=lambda status: None, poll_s=3600)
    kiosk = build(config, voice_enabled=False, open_station_devices=True, allow_simulators=True,
                  store=station.store)
    kiosk.on_submitted.append(station.wake)
    try:
        settle(kiosk.app)
        complete_sample_application(kiosk, "retirement")
        name = kiosk.journey.applicant["name"]
        kiosk.shell.jump("sign")                      # signed already (journey.sign)
        kiosk.shell.forward()                       # sign → saving: save() starts
        qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "receipt", timeout=15_000)
        reference = kiosk.submit.property("reference")
        assert reference and visible(kiosk, "referenceText").property("text") == reference

        # committed before the screen said so: a second, independent connection sees the row
        from sync.store import Store

        second = Store.open(config.data_dir, config.key_dir)
        try:
            rows = [r.local_reference for r in second.outbox_rows() if r.kind == "submission"]
        finally:
            second.close()
        assert rows == [reference]

        # the receipt came out of the printer simulator, and its QR decodes to the reference
        qtbot.waitUntil(lambda: kiosk.submit.property("printState") == "printed", timeout=15_000)
        printer = kiosk.station_devices.printer_simulator
        assert printer.wait_for_pages(1, timeout=10)
        page = QImage(str(printer.png_paths[-1]))
        assert page.width() >= 576                 # 80 mm paper: 576 dots, plus the margin drawn
        texts = [r.text for r in zxingcpp.read_barcodes(_gray(page))]
        assert reference in " ".join(texts)

        # the QR on screen is a real image of the reference
        assert kiosk.submit.property("qrImage").startswith("data:image/png;base64,")

        # rate: 不满意 needs a reason
        tap_visible(kiosk, "toRatingButton")
        assert kiosk.shell.property("screen") == "rating"
        tap_visible(kiosk, "rate2")
        tap_visible(kiosk, "submitRatingButton")
        assert "原因" in kiosk.rating.property("error")
        tap_visible(kiosk, "reason_等待时间长")
        tap_visible(kiosk, "submitRatingButton")
        qtbot.waitUntil(lambda: kiosk.rating.property("state") == "thanked", timeout=10_000)
        settle(kiosk.app)                              # the thanks laid out before the finger lands
        tap_visible(kiosk, "finishButton")
        assert kiosk.shell.property("screen") == "attract"
        assert not [t for t in strings_in_tree(kiosk) if name in t or reference in t]

        # delivered exactly once (the worker runs twice: the second pass must not resend)
        station.worker.run_once()
        station.worker.run_once()
        service_rows = _platform_rows(station)
        assert [r["local_reference"] for r in service_rows] == [reference]
        assert service_rows[0]["times_received"] == 1
        states = {r.kind: r.state for r in station.store.outbox_rows()}
        assert states["rating"] == "delivered"
        assert states["submission"] in ("delivered", "received", "accepted")
    finally:
        kiosk.shutdown()
        station.close()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)


def _gray(image: QImage):
    import numpy as np

    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = np.frombuffer(gray.constBits(), dtype=np.uint8).reshape(gray.height(), gray.bytesPerLine())
    return data[:, : gray.width()].copy()


def _platform_rows(station):
    import json
    import urllib.parse  # noqa: F401 - documents that we only read the platform's own store

    from sync.platform.service import PlatformService

    data_dir = station.store.data_dir
    service = PlatformService(data_dir.parent / (data_dir.name + "-platform"))
    return json.loads(json.dumps(service.submissions()))
