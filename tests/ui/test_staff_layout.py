"""The staff page without empty gaps (walk w149, w154): the cards stack in their column whatever
their neighbour's height, the test print's kept room is one usual answer and never blank, and the
U 盘 card keeps no room for an answer nobody asked for."""

from __future__ import annotations

import pytest

from kiosk.ui.screenshots import settle
from kiosk.ui.staff_screenshots import show_staff_screen
from tests.ui.test_form_flow import find

SECTIONS = ("helpCallsSection", "queueSection", "devicesSection", "residentSection",
            "figuresSection", "sampleFormSection", "exportSection")


def _box(item) -> tuple[float, float, float, float]:  # noqa: ANN001 - a QQuickItem
    top_left = item.mapToScene(item.boundingRect().topLeft())
    return top_left.x(), top_left.y(), item.width(), item.height()


@pytest.mark.parametrize(("size", "large"), [((1080, 1920), False), ((1920, 1080), False),
                                             ((1080, 1920), True), ((1920, 1080), True)])
def test_staff_cards_stack_without_gaps(make_kiosk, size, large):
    kiosk = make_kiosk(size=size, large_text=large)
    show_staff_screen(kiosk, "staff_home")
    settle(kiosk.app)
    boxes = {name: _box(find(kiosk, name)) for name in SECTIONS}
    columns: dict[float, list[tuple[float, float, float, float]]] = {}
    for box in boxes.values():
        columns.setdefault(round(box[0]), []).append(box)
    assert len(columns) == (2 if size[0] > size[1] else 1)
    for stack in columns.values():
        stack.sort(key=lambda b: b[1])
        for upper, lower in zip(stack, stack[1:], strict=False):
            assert lower[1] - (upper[1] + upper[3]) == pytest.approx(28, abs=1)   # the spacing only

    button, answer = find(kiosk, "testPrintButton"), find(kiosk, "testPrintText")
    assert answer.property("text")                                  # says what will show there
    below_button = _box(answer)[1] - (_box(button)[1] + button.height())
    assert below_button < 40
    line = answer.property("font").pixelSize() * 2.2
    assert answer.height() <= 2 * line                              # one usual answer, not more
    assert not find(kiosk, "exportText").isVisible()                # nothing asked: no room kept


def test_a_passing_reader_fault_is_on_the_staff_page_not_only_in_the_log(make_kiosk, caplog):
    """The demo's log said "device id_reader: error" and the staff page, read later, said 正常:
    the page now says what happened and that it recovered; the log says why and when it ended."""
    import logging

    from devices.manager import DeviceHealth

    kiosk = make_kiosk()
    caplog.set_level(logging.INFO, logger="kiosk.ui.viewmodels.devices")
    devices = kiosk.devices
    devices.health_from_worker("id_reader", DeviceHealth("ok", "请将身份证放在阅读器上"))
    devices.health_from_worker("id_reader", DeviceHealth("error", "身份证阅读器无应答，请检查连接线和电源"))
    settle(kiosk.app)
    devices.health_from_worker("id_reader", DeviceHealth("ok", "请将身份证放在阅读器上"))
    settle(kiosk.app)
    (row,) = [r for r in kiosk.staff.property("devices") if r["name"] == "身份证阅读器"]
    assert row["state"] == "正常"
    assert "曾出现“身份证阅读器无应答”" in row["history"] and "自动恢复" in row["history"]
    said = [r.getMessage() for r in caplog.records]
    assert any("error" in m and "无应答" in m for m in said)
    assert any("ok again" in m for m in said)
