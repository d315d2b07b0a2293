"""Touching the live window the way a person does: find what can be pressed where it is drawn,
swipe it into view, press and release at its centre, and wait until the screen is still.

Why a hit test of our own instead of a list of known buttons: a control only counts when a finger
on its centre would reach it — not covered by an overlay, a keyboard or a "scroll for more" pill,
not clipped away by the list it sits in — so the exerciser finds exactly what a resident can press,
including controls nobody thought to list.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QEventLoop, QPointF, QRectF, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from shiboken6 import Shiboken

# Items that take a finger: our buttons and keys are MouseAreas; a text box takes focus itself;
# Qt Virtual Keyboard's keys are found by their own class (its touch area covers them all).
_PRESSABLE = ("QQuickMouseArea", "QQuickTextInput")


@dataclass(frozen=True)
class Control:
    """Something a finger can press: the item that receives the press, its place on the screen,
    and words to report it by."""

    item: QQuickItem
    key: tuple              # stable within a screen: (object name, label, class) of the control
    rect: QRectF            # in window coordinates, as drawn now
    label: str
    kind: str               # button | key | text | pad | vkb

    @property
    def centre(self) -> QPointF:
        return self.rect.center()


def alive(item: QQuickItem | None) -> bool:
    return item is not None and Shiboken.isValid(item)


def scene_rect(item: QQuickItem) -> QRectF:
    return item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))


def effectively_visible(item: QQuickItem) -> bool:
    node = item
    while node is not None:
        if not node.isVisible() or node.opacity() <= 0.01:
            return False
        node = node.parentItem()
    return True


def _stacked(item: QQuickItem) -> list[QQuickItem]:
    """Children in paint order, topmost last (z first, then declaration order)."""
    children = item.childItems()
    return [c for _, _, c in sorted((c.z(), n, c) for n, c in enumerate(children))]


def enabled(item: QQuickItem) -> bool:
    """Enabled as QML means it: a MouseArea's own `enabled` (which shadows the item's) too."""
    if not item.isEnabled():
        return False
    return not item.inherits("QQuickMouseArea") or bool(item.property("enabled"))


def _receives(item: QQuickItem) -> bool:
    """Does this item take a left-button press (and so stop it from going further down)?"""
    if not enabled(item):
        return False
    if item.inherits("QQuickTextInput"):
        return True
    return bool(item.acceptedMouseButtons() & Qt.MouseButton.LeftButton)


def receiver_at(root: QQuickItem, point: QPointF) -> QQuickItem | None:
    """The item a press at `point` (window coordinates) is delivered to first: the topmost visible
    item under it that takes presses, children before parents, respecting clipping."""
    if not root.isVisible() or root.opacity() <= 0.01:
        return None
    local = root.mapFromScene(point)
    inside = 0 <= local.x() < root.width() and 0 <= local.y() < root.height()
    if root.clip() and not inside:
        return None
    for child in reversed(_stacked(root)):
        found = receiver_at(child, point)
        if found is not None:
            return found
    if inside and _receives(root):
        return root
    return None


def _label(item: QQuickItem) -> str:
    """The words on a control (its own text, else its parent's, else the first text inside)."""
    for node in (item, item.parentItem()):
        if node is None:
            continue
        for name in ("text", "modelData", "label"):
            value = node.property(name)
            if isinstance(value, str) and value:
                return value
    parent = item.parentItem() or item
    for text in _texts_under(parent):
        return text
    return ""


def _texts_under(item: QQuickItem) -> Iterator[str]:
    for child in item.childItems():
        if child.inherits("QQuickText") and child.isVisible():
            value = child.property("text")
            if isinstance(value, str) and value:
                yield value
        yield from _texts_under(child)


def _name(item: QQuickItem) -> str:
    """The control's name: its own objectName or that of the nearest of three ancestors (a button's
    MouseArea sits inside the named button; a text box's inside its named field)."""
    node = item
    for _ in range(4):
        if node is None:
            break
        if node.objectName():
            return node.objectName()
        node = node.parentItem()
    return ""


def _kind(item: QQuickItem, in_keyboard: bool) -> str:
    if in_keyboard:
        return "vkb"
    if item.inherits("QQuickTextInput"):
        return "text"
    name = _name(item)
    if name.startswith("key_"):
        return "key"
    if name in ("signatureArea", "handwritingArea"):
        return "pad"
    return "button"


def _walk(item: QQuickItem, in_keyboard: bool = False) -> Iterator[tuple[QQuickItem, bool]]:
    if not item.isVisible() or item.opacity() <= 0.01:
        return
    in_keyboard = in_keyboard or item.objectName() == "keyboard"
    yield item, in_keyboard
    for child in item.childItems():
        yield from _walk(child, in_keyboard)


def _keyboard_keys(panel: QQuickItem) -> Iterator[QQuickItem]:
    """Qt Virtual Keyboard's keys: items with a `key` and `text` (BaseKey), visible and enabled."""
    for item, _ in _walk(panel, True):
        if item.property("key") is not None and item.property("displayText") is not None \
                and item.width() > 10 and item.isEnabled():
            yield item


def controls(window) -> list[Control]:  # noqa: ANN001 - QQuickWindow
    """Every control a finger can reach now, scrolled into view or not (a person swipes)."""
    root = window.contentItem()
    found: list[Control] = []
    keyboard_panel = None
    for item, in_keyboard in _walk(root):
        if item.objectName() == "keyboard":
            keyboard_panel = item
        if in_keyboard or not item.inherits(_PRESSABLE[0]) and not item.inherits(_PRESSABLE[1]):
            continue
        if not enabled(item) or item.objectName() == "blocker":
            continue
        if item.inherits("QQuickTextInput") and item.property("readOnly"):
            continue
        if item.width() < 1 or item.height() < 1:
            continue
        found.append(Control(item, (_name(item), _label(item), item.metaObject().className()),
                             scene_rect(item), _label(item), _kind(item, False)))
    if keyboard_panel is not None and keyboard_panel.property("active"):
        for key in _keyboard_keys(keyboard_panel):
            text = key.property("displayText") or key.property("text") or ""
            found.append(Control(key, ("vkb", str(text), str(key.property("key"))), scene_rect(key),
                                 str(text), "vkb"))
    return found


def flickable_of(item: QQuickItem) -> QQuickItem | None:
    parent = item.parentItem()
    while parent is not None and not parent.inherits("QQuickFlickable"):
        parent = parent.parentItem()
    return parent


def swipe_into_view(item: QQuickItem) -> bool:
    """What a swipe does: move the enclosing list(s) so the item is on screen. True if it moved."""
    moved = False
    flick = flickable_of(item)
    while flick is not None:
        content = flick.property("contentItem")
        top = item.mapToItem(content, QPointF(0, 0)).y()
        view_top, view_height = flick.property("contentY"), flick.height()
        if top < view_top or top + min(item.height(), view_height) > view_top + view_height:
            most = max(0.0, flick.property("contentHeight") - view_height)
            flick.setProperty("contentY", min(most, max(0.0, top - 40)))
            moved = True
        flick = flickable_of(flick)
    return moved


def reachable(window, control: Control) -> bool:  # noqa: ANN001
    """Would a press at the control's centre reach it (on screen, nothing above it)?"""
    if not alive(control.item):
        return False
    centre = scene_rect(control.item).center()
    if not (0 <= centre.x() < window.width() and 0 <= centre.y() < window.height()):
        return False
    target = receiver_at(window.contentItem(), centre)
    if control.kind == "vkb":   # the keyboard's own touch area receives presses for all its keys
        return target is not None and _inside_keyboard(target)
    return target is not None and Shiboken.getCppPointer(target)[0] == Shiboken.getCppPointer(control.item)[0]


def _inside_keyboard(item: QQuickItem) -> bool:
    node = item
    while node is not None:
        if node.objectName() == "keyboard":
            return True
        node = node.parentItem()
    return False


def press_at(window, point: QPointF) -> None:  # noqa: ANN001
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point.toPoint())


def stroke(window, points: list[QPointF]) -> None:  # noqa: ANN001
    """A finger drawn across the screen (a signature stroke)."""
    QTest.mousePress(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0].toPoint())
    for point in points[1:]:
        QTest.mouseMove(window, point.toPoint(), 2)
    QTest.mouseRelease(window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       points[-1].toPoint())


def pump(app, ms: int = 5) -> None:  # noqa: ANN001
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, ms)


def settle(app, window, busy, fingerprint, *, quiet_ms: int = 40, limit_s: float = 20.0,  # noqa: ANN001
           reference: object = None) -> tuple[float, bool]:
    """Process events until the screen is still: no background work running (`busy()`), a frame
    drawn, and the same `fingerprint()` for `quiet_ms`. Returns the seconds it took and whether the
    fingerprint differed from `reference` at any moment (a "正在……" that came and went counts as
    the press having done something). Never sleeps a fixed time; `limit_s` only bounds a screen
    that never comes to rest."""
    start = time.monotonic()
    differed = False
    frames = [0]

    def swapped() -> None:
        frames[0] += 1

    window.frameSwapped.connect(swapped)
    try:
        last, still_since = None, None
        window.update()
        while True:
            pump(app, 10)
            now = time.monotonic()
            if busy():
                last, still_since = None, None
                if reference is not None and not differed:
                    differed = fingerprint() != reference
            elif frames[0] > 0:
                current = fingerprint()
                differed = differed or (reference is not None and current != reference)
                if current != last:
                    last, still_since = current, now
                    frames[0] = 0
                    window.update()
                elif (now - still_since) * 1000 >= quiet_ms:
                    return now - start, differed
            if now - start > limit_s:
                return now - start, differed
    finally:
        window.frameSwapped.disconnect(swapped)
