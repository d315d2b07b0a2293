"""`exercise --self-test`: each kind of fault planted into the running app, and the exerciser
must report it. An invariant that cannot fail is no check; this is how we know each one can.

The plants, one per invariant: an exception raised in a slot; a button that does nothing; a button
that pushes its neighbour down; a view-model whose wipe forgets the typed name; a screen the graph
gives no 首页 or 返回; the same application sent to the platform twice. Each is made the way such
a bug would be (a handler, a QML item, a wiper, a graph entry, a second send), undone after, and
found through the same checks as in any run.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable

from PySide6.QtCore import QUrl
from PySide6.QtQml import QQmlComponent

from kiosk.ui.exerciser.policy import Op
from kiosk.ui.exerciser.runner import Exerciser

PLANTS = ("exception", "dead_control", "layout_jump", "personal_data_after_wipe", "no_way_back",
          "duplicate_delivery")


def _qml_item(ex: Exerciser, source: str):  # noqa: ANN202 - QQuickItem
    """A QML item made from `source` (with the kiosk's components), put over the screen."""
    from kiosk.ui.app import QML_DIR

    component = QQmlComponent(ex.kiosk.engine)
    component.setData(("import QtQuick\nimport \"components\"\n" + source).encode(),
                      QUrl.fromLocalFile(str(QML_DIR / "Planted.qml")))
    item = component.create()
    if item is None:
        raise RuntimeError("planted QML did not load: " + component.errorString())
    item.setParentItem(ex.kiosk.window.contentItem())
    ex._planted.append((component, item))  # noqa: SLF001 - kept alive until removed
    return item


def _remove(ex: Exerciser, item) -> None:  # noqa: ANN001
    item.setParentItem(None)
    item.deleteLater()
    ex.settle()


def _home(ex: Exerciser) -> None:
    ex.kiosk.session.end()
    ex.settle()


def plant_exception(ex: Exerciser) -> None:
    def broken() -> None:
        raise RuntimeError("planted: a slot that raises")

    ex.kiosk.shell.changed.connect(broken)
    try:
        ex.follow([Op("tap", "manualButton")])
    finally:
        ex.kiosk.shell.changed.disconnect(broken)
    _home(ex)


def plant_dead_control(ex: Exerciser) -> None:
    item = _qml_item(ex, 'BigButton { objectName: "plantedDead"; x: 60; y: 300; z: 90; width: 600; '
                         'text: "这个按钮什么也不做" }')
    ex.settle()
    ex.follow([Op("tap", "plantedDead")])
    _remove(ex, item)


def plant_layout_jump(ex: Exerciser) -> None:
    item = _qml_item(ex, '''Column {
        x: 60; y: 300; z: 90; width: 600; spacing: 20
        Rectangle { id: grows; width: 10; height: 0; color: "transparent" }
        BigButton { objectName: "plantedGrow"; width: 600; text: "点我"
                    onClicked: grows.height = grows.height + 120 }
        BigButton { objectName: "plantedNeighbour"; width: 600; text: "邻居" }
    }''')
    ex.settle()
    ex.follow([Op("tap", "plantedGrow")])
    _remove(ex, item)


def plant_personal_data_after_wipe(ex: Exerciser) -> None:
    shell = ex.kiosk.shell
    identify = ex.kiosk.identify
    wipers = list(shell._wipers)  # noqa: SLF001 - the plant: a wipe that forgets one view-model
    shell._wipers = [w for w in wipers if w != identify.wipe]  # noqa: SLF001
    try:
        ex.follow([Op("tap", "manualButton"), *ex.guide._identify_by_hand(), Op("tap", "homeButton")])  # noqa: SLF001
    finally:
        shell._wipers = wipers  # noqa: SLF001
        identify.wipe()
    _home(ex)


def plant_no_way_back(ex: Exerciser) -> None:
    from kiosk.ui import navigation

    original = navigation.SCREENS["identify_manual"]
    navigation.SCREENS["identify_manual"] = dataclasses.replace(original, home=False)
    try:
        ex.follow([Op("tap", "manualButton")])
    finally:
        navigation.SCREENS["identify_manual"] = original
        ex.kiosk.shell.changed.emit()
    _home(ex)


def plant_duplicate_delivery(ex: Exerciser) -> None:
    """A saved application, delivered; then the station sends its frozen request once more under a
    new idempotency key (what a worker that forgot it had delivered would do)."""
    from kiosk.ui.screenshots import complete_sample_application

    st = ex.station
    kiosk = ex.kiosk
    complete_sample_application(kiosk, "retirement")
    payload = kiosk.journey.form.payload()
    _home(ex)
    st.store.submit(payload)
    st.deliver_all()
    row = next(r for r in st.store.outbox_rows() if r.kind == "submission")
    body = json.loads(st.store.request_body(row))
    body["submission_id"] = key = str(uuid.uuid4())     # the platform keys a submission by it
    st.worker.client.post_submission(key, json.dumps(body, ensure_ascii=False).encode())
    ex.check_delivery()


CHECKS: dict[str, Callable[[Exerciser], None]] = {
    "exception": plant_exception, "dead_control": plant_dead_control, "layout_jump": plant_layout_jump,
    "personal_data_after_wipe": plant_personal_data_after_wipe, "no_way_back": plant_no_way_back,
    "duplicate_delivery": plant_duplicate_delivery,
}


def self_test(trace: Callable[[str], None] | None = None) -> dict[str, str]:
    """Plant each fault in turn into one running app; "caught" when its violation was reported
    (and nothing was reported before it was planted)."""
    ex = Exerciser(seed=0)
    ex._planted = []  # noqa: SLF001
    ex.trace = trace
    results: dict[str, str] = {}
    try:
        report = ex.start()
        for kind, plant in CHECKS.items():
            before = len(report.violations)
            plant(ex)
            found = [v for v in report.violations[before:] if v.kind == kind]
            results[kind] = "caught" if found else "missed"
            if trace is not None:
                for v in report.violations[before:]:
                    trace(f"      {kind}: {v.kind} {v.detail}")
    finally:
        ex.errors.remove()
        ex.close()
    return results
