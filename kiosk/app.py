"""The composition root of the touchscreen application: build the services, load QML, run.

Everything the screens need is made here from the configuration and handed to QML as context
objects; no module keeps global state. `build()` is also what the tests and the screenshot command
use, so they exercise exactly the objects the kiosk runs with.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

QML_DIR = Path(__file__).resolve().parent / "qml"
FONT_FAMILY = "Noto Sans CJK SC"

log = logging.getLogger(__name__)


def prepare_environment(headless: bool = False) -> None:
    """Environment Qt reads once, before the application object exists."""
    os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    os.environ.setdefault("QT_QUICK_CONTROLS_STYLE", "Basic")
    if headless:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


@dataclass
class KioskApp:
    """The running pieces, kept together so tests and commands can reach them."""

    app: object
    engine: object
    window: object
    shell: object
    identify: object
    theme: object
    session: object
    voice: object
    journey: object = None
    activity: object = None
    qml_warnings: list[str] = field(default_factory=list)

    def shutdown(self) -> None:
        """Tear the QML down before the view-models it binds to, so nothing reads a dead object."""
        from PySide6.QtCore import QCoreApplication, QEvent

        self.voice.stop()
        self.window.close()
        self.engine.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.app.processEvents()


def build(config, *, voice_enabled: bool | None = None, large_text: bool | None = None,
          size: tuple[int, int] | None = None, fullscreen: bool = False,
          clock: Callable[[], float] | None = None) -> KioskApp:
    """Create (or reuse) the QGuiApplication, the view-models and the QML window."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine
    from PySide6.QtQuick import QQuickWindow
    from shiboken6 import Shiboken

    from forms import load_catalogue
    from forms.validators import check_id_number, check_name
    from kiosk import qtlog
    from kiosk.activity import ActivityFilter
    from kiosk.journey import Journey
    from kiosk.session import Person, Session
    from kiosk.theme import Theme
    from kiosk.viewmodels import IdentifyViewModel, ShellViewModel
    from kiosk.voice import Voice

    prepare_environment()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    app.setApplicationName("station-kiosk")
    app.setFont(QFont(FONT_FAMILY, 14))

    ui = config.values["ui"]
    voice = Voice(enabled=ui["voice"] if voice_enabled is None else voice_enabled)
    session = Session(idle_timeout_s=ui["idle_timeout_s"], warning_s=ui["warning_s"],
                      **({"clock": clock} if clock else {}))
    theme = Theme(large=ui["large_text"] if large_text is None else large_text)
    shell = ShellViewModel(session, voice, config.get("station", "name"), config.get("station", "hotline"))
    identify = IdentifyViewModel(check_id_number, check_name)
    journey = Journey(load_catalogue())

    def identified(person: Person) -> None:
        journey.identify({"name": person.name, "id_number": person.id_number, **person.extra})
        shell.identified(person)

    identify.on_identified = identified
    shell.add_wiper(identify.wipe)
    shell.add_wiper(journey.wipe)
    shell.on_enter("question", session.start_form)
    bundles, form = _journey_view_models(journey, shell)

    messages = qtlog.install()
    warnings = messages.warnings
    engine = QQmlApplicationEngine()
    context = engine.rootContext()
    for name, obj in {"Theme": theme, "shell": shell, "identify": identify, "bundles": bundles,
                      "form": form}.items():
        context.setContextProperty(name, obj)
    if size is None:
        size = (1080, 1920) if ui["orientation"] == "portrait" else (1920, 1080)
    engine.setInitialProperties({"width": size[0], "height": size[1], "kioskFullScreen": fullscreen})
    engine.load(QUrl.fromLocalFile(str(QML_DIR / "Main.qml")))
    if not engine.rootObjects():
        raise RuntimeError("QML failed to load:\n" + "\n".join(warnings))
    root = engine.rootObjects()[0]
    window = Shiboken.wrapInstance(Shiboken.getCppPointer(root)[0], QQuickWindow)
    activity = ActivityFilter(session.touch)
    app.installEventFilter(activity)
    voice.say(shell.current_spec().prompt)
    kiosk = KioskApp(app, engine, window, shell, identify, theme, session, voice, journey, activity,
                     warnings)
    kiosk.bundles, kiosk.form = bundles, form
    return kiosk


def _journey_view_models(journey, shell):
    """The 一件事 tiles (`bundles`) and the one form (`form`), wired to the journey and the shell."""
    from kiosk.bundles_vm import BundleListModel
    from kiosk.form_vm import FormViewModel

    form = FormViewModel(journey, forward=shell.forward, go=shell.go,
                         speak=lambda: shell.speak() if shell.property("screen") == "question" else None)

    def choose(bundle_id: str) -> None:
        journey.choose(bundle_id)
        form.load()
        shell.forward()

    bundles = BundleListModel(journey.catalogue, choose)
    shell.set_prompt("question", form.spoken_prompt)
    shell.add_wiper(bundles.wipe)
    shell.add_wiper(form.wipe)
    return bundles, form


def run(config, *, fullscreen: bool, exit_after: float | None = None) -> int:
    """Show the kiosk and run until quit (or for `exit_after` seconds). Returns the exit code."""
    from PySide6.QtCore import QTimer

    kiosk = build(config, fullscreen=fullscreen)
    if exit_after is not None:
        QTimer.singleShot(int(exit_after * 1000), kiosk.app.quit)
    code = kiosk.app.exec()
    kiosk.shutdown()
    if kiosk.qml_warnings:
        for warning in kiosk.qml_warnings:
            print(f"QML 警告：{warning}", file=sys.stderr)
        return code or 3
    return code
