"""Walking the live Qt Quick item tree the way a person sees it: visible items only."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtGui import QColor
from PySide6.QtQuick import QQuickItem


def visible_items(root: QQuickItem) -> Iterator[QQuickItem]:
    """Every item that is effectively visible (itself and all its ancestors) with some opacity."""
    if not root.isVisible() or root.opacity() <= 0.01:
        return
    yield root
    for child in root.childItems():
        yield from visible_items(child)


def all_objects(root) -> Iterator:
    """Every QObject under `root`, visible or not (items and their non-visual children)."""
    yield root
    children = root.childItems() if isinstance(root, QQuickItem) else []
    seen = set()
    for child in list(children) + list(root.children()):
        if id(child) in seen:
            continue
        seen.add(id(child))
        yield from all_objects(child)


def is_interactive(item: QQuickItem) -> bool:
    return item.inherits("QQuickMouseArea") or item.inherits("QQuickTextInput") \
        or item.inherits("QQuickTapHandler") or item.inherits("QQuickAbstractButton")


def is_text(item: QQuickItem) -> bool:
    return item.inherits("QQuickText") and bool(item.property("text"))


def background_behind(item: QQuickItem, window_colour: QColor) -> QColor:
    """The colour of the nearest opaque rectangle under a text, or the window's colour."""
    parent = item.parentItem()
    while parent is not None:
        if parent.inherits("QQuickRectangle"):
            colour = parent.property("color")
            if isinstance(colour, QColor) and colour.alpha() == 255:
                return colour
        parent = parent.parentItem()
    return window_colour


def describe(item: QQuickItem) -> str:
    name = item.objectName() or item.metaObject().className()
    text = item.property("text")
    return f"{name} {text!r}" if text else name


def strings_in_tree(kiosk) -> list[str]:
    """Every string-valued property of every object in the live QML tree."""
    found = []
    for obj in all_objects(kiosk.window.contentItem()):
        meta = obj.metaObject()
        for index in range(meta.propertyCount()):
            prop = meta.property(index)
            if prop.typeName() not in ("QString", "QStringList", "QVariant", "QVariantList"):
                continue      # only properties that can hold text
            value = obj.property(prop.name())
            if isinstance(value, str) and value:
                found.append(value)
            elif isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
    return found
