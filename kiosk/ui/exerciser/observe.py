"""What the exerciser looks at after every step: what a person could notice changed (for dead
controls), where the controls are drawn (for layout jumps), whether a way back and 首页 are on
screen, and — after a session ends — whether anything personal is left anywhere.

Why the view-models and the QML tree both: a wipe that resets a view-model but leaves a text box
holding the old value (or the reverse) is exactly the leak to catch, so both are searched.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QObject, QRectF
from PySide6.QtQuick import QQuickItem

from kiosk.ui.exerciser.touch import controls, effectively_visible, scene_rect

# View-models QML binds to, by their attribute name on kiosk.ui.app.KioskApp.
VIEW_MODELS = ("shell", "identify", "theme", "devices", "bundles", "form", "submit", "rating",
               "sync_status", "camera", "materials", "signature", "agent", "staff", "lookup", "scan",
               "credit", "pinyin", "handwriting", "codes")

# Properties that change by themselves (a live camera's frames and its advice on each frame, the
# idle countdown): they say nothing about what a tap did, and they never come to rest.
VOLATILE = {
    ("camera", "frameSerial"), ("camera", "guidance"), ("camera", "guidanceOk"), ("camera", "live"),
    ("camera", "shotAdvice"), ("scan", "frameSerial"), ("scan", "live"), ("shell", "warningSeconds"),
    ("sync_status", "text"), ("sync_status", "online"), ("sync_status", "pending"),
    ("sync_status", "failed"), ("devices", "problems"), ("devices", "readerReady"),
}


def view_models(kiosk) -> Iterator[tuple[str, QObject]]:  # noqa: ANN001 - KioskApp
    for name in VIEW_MODELS:
        obj = getattr(kiosk, name, None)
        if obj is not None:
            yield name, obj
    agent = getattr(kiosk, "agent", None)
    if agent is not None and getattr(agent, "consent", None) is not None:
        yield "agent_consent", agent.consent


def properties(obj: QObject) -> Iterator[tuple[str, object]]:
    """Every property a view-model declares, its base classes' too (a consent pad is a signature
    pad: its strokes are declared by the base)."""
    meta = obj.metaObject()
    for index in range(QObject.staticMetaObject.propertyCount(), meta.propertyCount()):
        name = meta.property(index).name()
        try:
            yield name, obj.property(name)
        except (RuntimeError, TypeError):
            continue


def model_state(kiosk) -> tuple:  # noqa: ANN001
    """Every view-model property but the volatile ones, as a comparable value."""
    values = []
    for vm_name, obj in view_models(kiosk):
        for name, value in properties(obj):
            if (vm_name, name) in VOLATILE:
                continue
            values.append((vm_name, name, _frozen(value)))
    return tuple(values)


def _frozen(value: object) -> object:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(type(value))


def on_screen(root: QQuickItem) -> tuple[tuple, tuple]:
    """In one walk of what is shown (visible, not transparent): the texts, and how far each list
    is scrolled — the page turning is something a person sees (the "more below" band turns a long
    page without changing a word on it)."""
    texts: list = []
    scrolls: list = []

    def walk(item: QQuickItem) -> None:
        if not item.isVisible() or item.opacity() <= 0.01:
            return
        if item.inherits("QQuickText") or item.inherits("QQuickTextInput"):
            text = item.property("text")
            if text:
                texts.append(text)
        elif item.inherits("QQuickFlickable"):
            scrolls.append(round(float(item.property("contentY") or 0.0)))
        for child in item.childItems():
            walk(child)

    walk(root)
    return tuple(texts), tuple(scrolls)


def visible_texts(root: QQuickItem) -> tuple:
    return on_screen(root)[0]


def seen_state(kiosk) -> tuple:  # noqa: ANN001
    """What a person could notice: the screen, the texts on it, where focus is, how far the page
    is scrolled, and every view-model property (a light, a mark, a count) — compared before and
    after a tap."""
    window = kiosk.window
    focus = window.activeFocusItem()
    focus_key = (focus.objectName(), focus.metaObject().className()) if focus is not None else None
    return (kiosk.shell.property("screen"), kiosk.session.state.value, focus_key,
            *on_screen(window.contentItem()),
            model_state(kiosk))


def layout(kiosk) -> dict[tuple, QRectF]:  # noqa: ANN001
    """Where each control is drawn, by its key (several controls may share one: kept in order)."""
    places: dict[tuple, QRectF] = {}
    for control in controls(kiosk.window):
        key = control.key
        n = 0
        while (key + (n,)) in places:
            n += 1
        places[key + (n,)] = control.rect
    return places


def settle_state(kiosk) -> tuple:  # noqa: ANN001
    """Cheap and still once the screen is at rest: the screen, the controls' places, the models."""
    return (kiosk.shell.property("screen"), tuple((k, r.getRect()) for k, r in layout(kiosk).items()),
            model_state(kiosk))


def way_out(kiosk) -> str | None:  # noqa: ANN001
    """None when the person can leave this screen: 首页 and a way back, or (a final screen) a way
    forward. Otherwise what is missing, in words for the report."""
    shell = kiosk.shell
    if shell.property("warningVisible") or shell.property("helpVisible") or shell.property("leaveAsked"):
        return None               # the overlay's own buttons (checked as controls like any other)
    screen = shell.property("screen")
    if screen in ("attract", "saving"):
        return None               # the start itself; 正在保存 moves on by itself
    found = controls(kiosk.window)
    names = {c.key[0] for c in found}
    if "homeButton" not in names:
        return "没有“首页”"
    if "backButton" in names:
        return None
    if shell.property("canGoBack"):
        return "画面图给了“返回”，屏幕上却没有"
    others = [c for c in found if c.key[0] not in
              ("homeButton", "largeTextButton", "speakButton", "helpButton") and c.kind != "vkb"]
    # A screen the graph gives no 返回 (the receipt, 查进度's list, the staff page) must offer a
    # way on instead.
    return None if others else "没有“返回”，也没有往下走的按钮"


def strings_everywhere(kiosk) -> Iterator[str]:  # noqa: ANN001
    """Every string held by the QML tree (visible or not) and by the view-models."""
    stack: list[QObject] = [kiosk.window.contentItem()]
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        meta = obj.metaObject()
        for index in range(meta.propertyCount()):
            prop = meta.property(index)
            if prop.typeName() not in ("QString", "QStringList", "QVariant", "QVariantList", "QVariantMap"):
                continue
            try:
                value = obj.property(prop.name())
            except (RuntimeError, TypeError):
                continue
            yield from _strings(value)
        if isinstance(obj, QQuickItem):
            stack.extend(obj.childItems())
        stack.extend(obj.children())
    for _, vm in view_models(kiosk):
        for _, value in properties(vm):
            yield from _strings(value)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def leftovers(kiosk, secrets: set[str]) -> list[str]:  # noqa: ANN001
    """The secrets still held anywhere (each once)."""
    if not secrets:
        return []
    found: set[str] = set()
    for text in strings_everywhere(kiosk):
        for secret in secrets:
            if secret in text:
                found.add(secret)
    return sorted(found)


_PANELS: dict[int, QQuickItem] = {}


def keyboard_open(kiosk) -> bool:  # noqa: ANN001
    """Is Qt Virtual Keyboard up? (Its panel is looked up once per window: this is asked often.)"""
    from shiboken6 import Shiboken

    panel = _PANELS.get(id(kiosk.window))
    if panel is None or not Shiboken.isValid(panel):
        panel = None
        for item in kiosk.window.contentItem().childItems():
            for child in [item, *item.childItems()]:
                if child.objectName() == "keyboard":
                    panel = child
        if panel is None:
            return False
        _PANELS[id(kiosk.window)] = panel
    return bool(panel.property("active")) and panel.isVisible()


def error_shown(kiosk) -> bool:  # noqa: ANN001
    """Does the screen show a problem in words now? (Every error carries a "！" mark, by the house
    rule that an error is never colour alone.)"""
    return any(text.startswith(("！", "!")) for text in visible_texts(kiosk.window.contentItem())
               if isinstance(text, str))


def visible_rect(item: QQuickItem) -> QRectF | None:
    return scene_rect(item) if effectively_visible(item) else None
