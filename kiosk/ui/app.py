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
    devices: object = None
    station_devices: object = None
    activity: object = None
    qml_warnings: list[str] = field(default_factory=list)
    bundles: object = None
    form: object = None
    submit: object = None
    rating: object = None
    store: object = None
    sync_status: object = None
    on_submitted: list = field(default_factory=list)
    camera: object = None
    materials: object = None
    signature: object = None
    agent: object = None
    staff: object = None
    lookup: object = None
    certificates: object = None
    scan: object = None
    credit: object = None
    codes: object = None              # scan-engine codes (viewmodels/scan_engine.py)
    handwriting: object = None        # 手写输入 (viewmodels/handwriting.py)
    instant: object = None            # 立等可取 (viewmodels/instant.py)
    precheck: object = None           # 智能预审 (viewmodels/precheck.py)
    pinyin: object = None             # the pinyin strip (viewmodels/pinyin.py)
    handling: object = None           # 通办 (viewmodels/handling.py)
    guides: object = None             # 样表, 样例, 看视频 (viewmodels/guides.py)
    sample_print: object = None       # 工作人员 → 打印样表 (viewmodels/guides.py)

    def shutdown(self) -> None:
        """Tear the QML down before the view-models it binds to, so nothing reads a dead object."""
        from PySide6.QtCore import QCoreApplication, QEvent

        self.voice.stop()
        if self.guides is not None:
            self.guides.stop()          # a guide being made in a child process is not waited for
        for model in (self.submit, self.rating, self.agent, self.staff, self.lookup, self.credit,
                      self.precheck, self.pinyin, self.instant, self.guides,
                      self.sample_print):
            if model is not None:
                model.wait()      # a save or a print still running finishes first
        from kiosk.ui.background import Background

        Background.wait_all()     # and whatever else runs off the GUI thread (popularity counts …)
        if self.handwriting is not None:
            self.handwriting.shutdown()
        for camera in (self.camera, self.scan):
            if camera is not None:
                camera.shutdown()
        if self.station_devices is not None:
            self.station_devices.close()
        for event_filter in (self.activity, getattr(self.codes, "wedge", None)):
            if event_filter is not None:      # application-wide: the next window must not inherit them
                self.app.removeEventFilter(event_filter)
        self.window.close()
        self.engine.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        self.app.processEvents()


def _load_catalogue(store=None):  # noqa: ANN001, ANN202 - sync.store.Store, forms.Catalogue
    """The catalogue (schema-checked: 0.15 s): the station's newest verified copy, else the shipped
    one (sync.documents.catalogue_in_use); and pypinyin warmed for the bundle search."""
    from sync.documents import catalogue_in_use

    catalogue = catalogue_in_use(store)
    import pypinyin  # noqa: F401 - 0.2 s of import, done here rather than on the first search

    return catalogue


class _Deferred:
    """Work the first screen does not need (the catalogue): started on a thread once the attract
    screen has been painted — earlier it would compete with start-up for the GIL — and waited
    for by whoever needs it first (started there and then, if nobody started it yet)."""

    def __init__(self, load: Callable, name: str) -> None:
        import threading

        self._load = load
        self._name = name
        self._lock = threading.Lock()
        self._future = None

    def start(self) -> None:
        from concurrent.futures import ThreadPoolExecutor

        with self._lock:
            if self._future is None:
                executor = ThreadPoolExecutor(1, thread_name_prefix=self._name)
                self._future = executor.submit(self._load)
                executor.shutdown(wait=False)

    def __call__(self):  # noqa: ANN204
        self.start()
        return self._future.result()


def _keyboard_data_dir() -> Path:
    """A folder for the pinyin keyboard's learned words: in RAM where the system has /dev/shm,
    private to this process, and removed when the process exits."""
    import atexit
    import shutil
    import tempfile

    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    folder = Path(tempfile.mkdtemp(prefix="kiosk-keyboard-", dir=base))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def build(config, *, voice_enabled: bool | None = None, large_text: bool | None = None,
          size: tuple[int, int] | None = None, fullscreen: bool = False,
          clock: Callable[[], float] | None = None, open_station_devices: bool = False,
          allow_simulators: bool = False, store=None) -> KioskApp:  # noqa: ANN001 - sync.store.Store
    """Create (or reuse) the QGuiApplication, the view-models and the QML window."""
    from PySide6.QtCore import Qt, QUrl
    from PySide6.QtGui import QFont, QGuiApplication
    from PySide6.QtQml import QQmlApplicationEngine
    from PySide6.QtQuick import QQuickWindow
    from shiboken6 import Shiboken

    from forms.validators import check_id_number, check_name
    from kiosk.station.composition import open_devices
    from kiosk.ui import qtlog
    from kiosk.ui.activity import ActivityFilter
    from kiosk.ui.journey import Journey
    from kiosk.ui.session import Person, Session
    from kiosk.ui.staff_wiring import lookup_by_reference, lookup_identified, wire_staff_and_lookup
    from kiosk.ui.theme import Theme
    from kiosk.ui.viewmodels.devices import DevicesViewModel
    from kiosk.ui.viewmodels.identify import IdentifyViewModel
    from kiosk.ui.viewmodels.pinyin import PinyinViewModel
    from kiosk.ui.viewmodels.shell import ShellViewModel
    from kiosk.ui.viewmodels.sync_status import SyncStatusViewModel
    from kiosk.ui.voice import Voice

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
    keyboard_dir = _keyboard_data_dir()
    shell.setProperty("keyboardDataPath", str(keyboard_dir))
    identify = IdentifyViewModel(check_id_number, check_name)
    recogniser = _shared_recogniser()
    pinyin = PinyinViewModel(lambda syllable, context, limit:
                             recogniser().pinyin_candidates(syllable, context, limit))
    catalogue = _Deferred(lambda: _load_catalogue(store), "kiosk-catalogue")
    from kiosk.station.catalogue import NewestCatalogue

    journey = Journey(NewestCatalogue(catalogue, store))

    def identified(person: Person) -> None:
        if shell.property("purpose") == "lookup":          # 查进度: kiosk.ui.staff_wiring
            lookup_identified(person, shell=shell, session=session, lookup=lookup)
            return
        journey.identify({"name": person.name, "id_number": person.id_number, **person.extra,
                          "source": person.source})
        shell.identified(person)

    identify.on_identified = identified

    devices = DevicesViewModel()
    devices.on_card = lambda card: (staff.card(card) if shell.property("screen") == "staff_home"
                                    else _card_placed(card, shell, session, identified))
    staff, lookup, certificates = wire_staff_and_lookup(config, shell=shell, session=session, store=store,
                                                        devices=devices, journey=journey, voice=voice)
    shell.add_wiper(devices.lift_demo_card)
    shell.add_wiper(identify.wipe)
    shell.add_wiper(pinyin.wipe)
    shell.add_wiper(journey.wipe)
    shell.add_wiper(app.clipboard().clear)      # no clipboard: nothing of a resident survives a wipe
    # 大字 is one resident's choice: the next one starts with the station's own setting (it stayed on).
    configured_large = theme.property("large")
    shell.add_wiper(lambda: theme.setProperty("large", configured_large))
    bundles, form = _journey_view_models(journey, shell, store, say=voice.say)
    from kiosk.ui.viewmodels.credit import wire_credit_notice
    credit = wire_credit_notice(shell, journey, store, voice.say, config.get("station", "hotline"))
    from kiosk.ui.viewmodels.handling import wire_handling
    handling = wire_handling(shell, journey, config.station_division, form=form,
                             print_guidance=devices.print_guidance,
                             station_name=config.get("station", "name"),
                             hotline=config.get("station", "hotline"))
    handwriting = _handwriting(shell, voice, recogniser, form)
    if store is not None:
        journey.put_attachment = store.put_attachment
    after_submit: list = []
    submit, rating = _outcome_view_models(journey, shell, session, voice, config, store, devices,
                                          after_submit)
    from kiosk.ui.viewmodels.instant import wire_instant
    instant = wire_instant(shell, journey, submit, voice, config.get("kiosk", "instant_wait_seconds"),
                           keep_alive=session.touch)
    sync_status = SyncStatusViewModel()
    camera, materials, signature = _papers_and_signature(config, shell, journey, voice)
    precheck = _precheck(camera, journey, voice, shell)
    guides = _guides(Path(store.data_dir) if store is not None else config.data_dir, shell, journey, voice,
                     materials, size)
    sample_print = _sample_print(config, shell, journey, staff, store)
    agent = _agent_mode(config, shell, session, journey, voice, devices, identify, camera, submit, rating,
                        store, identified)
    scan = _scan(config, shell, identify, voice, store, allow_simulators)
    scan.on_reference = lambda reference: lookup_by_reference(reference, shell=shell, lookup=lookup)
    codes = _code_readers(config, shell, session, identify, store, app, scan.on_reference)

    messages = qtlog.install()
    warnings = messages.warnings
    engine = QQmlApplicationEngine()
    context = engine.rootContext()
    for name, obj in {"Theme": theme, "shell": shell, "identify": identify, "devices": devices,
                      "bundles": bundles, "form": form, "submit": submit, "rating": rating,
                      "syncStatus": sync_status, "camera": camera, "materials": materials,
                      "signature": signature, "agent": agent, "agentConsent": agent.consent,
                      "staff": staff, "lookup": lookup, "scan": scan, "credit": credit,
                      "handwriting": handwriting, "precheck": precheck, "pinyin": pinyin,
                      "handling": handling, "instant": instant,
                      "guides": guides, "samplePrint": sample_print}.items():
        context.setContextProperty(name, obj)
    engine.addImageProvider("camera", camera.images)
    engine.addImageProvider("scan", scan.images)
    if size is None:
        size = _window_size(app, ui["orientation"], fullscreen)
    engine.setInitialProperties({"width": size[0], "height": size[1], "kioskFullScreen": fullscreen})
    engine.load(QUrl.fromLocalFile(str(QML_DIR / "Main.qml")))
    if not engine.rootObjects():
        raise RuntimeError("QML failed to load:\n" + "\n".join(warnings))
    root = engine.rootObjects()[0]
    window = Shiboken.wrapInstance(Shiboken.getCppPointer(root)[0], QQuickWindow)
    window.frameSwapped.connect(catalogue.start, Qt.ConnectionType.SingleShotConnection)
    window.frameSwapped.connect(handwriting.warm_up, Qt.ConnectionType.SingleShotConnection)
    activity = ActivityFilter(session.touch)
    app.installEventFilter(activity)
    station_devices = None
    if open_station_devices:
        station_devices = open_devices(config, allow_simulators=allow_simulators,
                                       on_card=devices.card_from_worker,
                                       on_health=devices.health_from_worker)
        devices.attach_manager(station_devices.manager)
        if station_devices.reader_simulator is not None:
            devices.attach_demo_reader(station_devices.reader_simulator)
        from kiosk.station.composition import open_scan_engine

        engine_reader = open_scan_engine(config, on_code=codes.code, on_health=devices.health_from_worker)
        if engine_reader is not None:
            station_devices.closers.append(engine_reader.stop)
    voice.say(shell.current_spec().prompt)
    return KioskApp(app, engine, window, shell, identify, theme, session, voice, journey, devices,
                    station_devices, activity, warnings, bundles=bundles, form=form, submit=submit,
                    rating=rating, store=store, sync_status=sync_status, on_submitted=after_submit,
                    camera=camera, materials=materials, signature=signature, agent=agent, staff=staff,
                    lookup=lookup, certificates=certificates, scan=scan, credit=credit, codes=codes,
                    handwriting=handwriting, precheck=precheck, pinyin=pinyin, handling=handling,
                    instant=instant, guides=guides, sample_print=sample_print)


def _window_size(app, orientation: str, fullscreen: bool) -> tuple[int, int]:  # noqa: ANN001
    """The station's screen size for its orientation; in a window (the demo) on a real display
    that is smaller — a 1920×1080 monitor for a portrait kiosk — the room the display has, so no
    part of the kiosk (开始办事, 结束办理) is off the screen. The layouts follow width and height."""
    size = (1080, 1920) if orientation == "portrait" else (1920, 1080)
    screen = app.primaryScreen()
    if fullscreen or screen is None or app.platformName() in ("offscreen", "minimal"):
        return size
    room = screen.availableGeometry()
    if size[0] <= room.width() and size[1] <= room.height():
        return size
    return (room.width(), room.height())


def _shared_recogniser() -> Callable[[], object]:
    """One recogniser (devices.handwriting) for the handwriting pad and the pinyin strip, made on
    first use — on a worker thread: its first calls read the models."""
    import threading

    lock = threading.Lock()
    made: list = []

    def recogniser():  # noqa: ANN202 - devices.handwriting.Recogniser
        with lock:
            if not made:
                from devices.handwriting import open_recogniser

                made.append(open_recogniser())
            return made[0]

    return recogniser


def _outcome_view_models(journey, shell, session, voice, config, store, devices,  # noqa: ANN001, ANN202
                         after_submit=()):
    """Saving (`submit`: durable write, receipt, QR) and 好差评 (`rating`)."""
    from kiosk.ui.session import EndReason
    from kiosk.ui.viewmodels.rating import RatingViewModel
    from kiosk.ui.viewmodels.submit import SubmitViewModel

    def write(payload: dict, signature_png: bytes | None, receipt: dict) -> tuple[str, str]:
        from kiosk.ui.viewmodels.agent_consent import authorisation_attachments

        saved = store.submit(payload, attachments=authorisation_attachments(payload),
                             signature_png=signature_png, receipt=receipt)
        return saved.submission_id, saved.local_reference

    def submitted() -> None:
        for hook in after_submit:
            hook()

    submit = SubmitViewModel(journey, submit=write if store is not None else None,
                             print_receipt=devices.print_receipt, station_name=config.get("station", "name"),
                             hotline=config.get("station", "hotline"), forward=shell.forward,
                             say=voice.say, on_submitted=submitted)

    def record(submission_id, item_codes, score, reasons) -> str:  # noqa: ANN001
        return store.record_rating(submission_id, item_codes, score, tags=reasons)

    rating = RatingViewModel(record=record if store is not None else None,
                             context=lambda: (submit.submission_id or None, submit.item_codes),
                             finish=lambda: session.end(EndReason.FINISHED), say=voice.say,
                             forward=shell.forward)
    shell.set_prompt("receipt", rating.receipt_prompt)
    shell.on_enter("saving", submit.save)
    shell.add_wiper(submit.wipe)
    shell.add_wiper(rating.wipe)
    return submit, rating


def _journey_view_models(journey, shell, store=None, say=None):  # noqa: ANN001, ANN202
    """The 一件事 tiles (`bundles`, in the catalogue's order; the most used in the last 90 days
    marked 常办, re-marked only while the attract screen shows) and the one form (`form`), wired
    to the journey and the shell."""
    import time

    from kiosk.ui.navigation import SCREENS
    from kiosk.ui.viewmodels.bundles import BundleListModel, RecentUsage
    from kiosk.ui.viewmodels.form import FormViewModel

    form = FormViewModel(journey, forward=shell.forward, go=shell.go,
                         speak=lambda: shell.speak() if shell.property("screen") == "question" else None)

    def choose(bundle_id: str) -> None:
        journey.choose(bundle_id)
        form.load()
        shell.forward()

    usage = RecentUsage(store.submissions_per_bundle if store is not None else None,
                        store.now if store is not None else time.time, parent=shell)

    def remark() -> None:
        if shell.property("screen") == "attract" and usage.apply():
            bundles.refresh()

    bundles = BundleListModel(lambda: journey.catalogue, choose, usage_count=usage, say=say)
    bundles.usage = usage
    usage.updated.connect(remark)
    shell.add_wiper(usage.fetch)       # the session ended: back to the attract screen, re-mark
    usage.fetch()
    shell.set_prompt("question", form.spoken_prompt)
    shell.inner_back("question", form.back_within)      # 返回 is 上一题 inside the form
    shell.on_return("question", form.resume)            # from 准备材料: the last question again
    shell.add_wiper(bundles.wipe)
    shell.on_return(SCREENS["choose_bundle"].back, bundles.reset_category)   # 返回 off the screen: 全部
    shell.add_wiper(form.wipe)
    return bundles, form


def _papers_and_signature(config, shell, journey, voice):  # noqa: ANN001, ANN202
    """The materials list, the document camera and the signature pad, wired to the journey."""
    from kiosk.ui.viewmodels.camera import CameraViewModel
    from kiosk.ui.viewmodels.materials import MaterialsViewModel
    from kiosk.ui.viewmodels.signature import SignatureViewModel

    camera = CameraViewModel(config.get("devices", "camera"), lambda data: journey.put_attachment(data),
                             say=voice.say)
    materials = MaterialsViewModel(journey, voice.say)
    signature = SignatureViewModel(journey, voice.say)

    def start_capture(material_id: str, name: str, pages: list[str], preset_name: str) -> None:
        camera.begin(material_id, name, pages, preset_name)
        shell.go("capture")

    def captured(material_id: str, attachments: list[str]) -> None:
        materials.captured(material_id, attachments)
        shell.back()

    materials.on_capture = start_capture
    materials.on_forward = shell.forward
    camera.on_done = captured
    camera.on_cancel = shell.back
    signature.on_forward = shell.forward
    signature.read_out = shell.readOut
    materials.read_out = shell.readOut
    signature.on_materials = lambda: shell.go("materials")
    shell.changed.connect(lambda: camera.follow_screen(shell.property("screen")))
    shell.on_enter("materials", materials.refresh)
    shell.on_enter("sign", signature.prepare)
    # Said after each screen's fixed prompt, on arrival and on 朗读: what to photograph now, and
    # the commitment itself (告知承诺 is read aloud, not only shown).
    shell.set_prompt("capture", camera.spoken_prompt)
    shell.set_prompt("sign", signature.spoken_prompt)
    for wipe in (camera.wipe, materials.wipe, signature.wipe):
        shell.add_wiper(wipe)
    return camera, materials, signature


def _guides(data_dir, shell, journey, voice, materials, size):  # noqa: ANN001, ANN202
    """样表, 样例 and 看视频 (viewmodels/guides.py): the bundle's 样例 photos are drawn when its
    办理须知 opens (worker thread, cached in the store's data folder), the guide made on first 看视频."""
    from kiosk.station.guides import photo_cache_dir
    from kiosk.ui.viewmodels.guides import GuidesViewModel

    data = Path(data_dir)
    portrait = size is None or size[0] < size[1]
    guides = GuidesViewModel(journey, photo_dir=lambda: photo_cache_dir(data),
                             guide_dir=lambda: data / "guides" / "video",
                             go=shell.go, back=shell.back, say=voice.say, stop_voice=voice.stop,
                             voice_busy=voice.busy,
                             guide_size=(1080, 1920) if portrait else (1920, 1080), parent=shell)
    shell.on_enter("bundle_intro", guides.prepare)
    shell.set_prompt("sample_form", guides.sample_prompt)
    start_capture = materials.on_capture

    def capture(material_id: str, name: str, pages: list[str], preset_name: str) -> None:
        guides.set_capture(material_id)
        start_capture(material_id, name, pages, preset_name)

    materials.on_capture = capture

    def follow_screen() -> None:
        screen = shell.property("screen")
        if screen not in ("materials", "capture") and guides.property("enlarged"):
            guides.closeEnlarged()
        if screen != "guide":
            guides.left_guide()         # 返回, 首页 or the timeout: the guide falls silent

    shell.changed.connect(follow_screen)
    shell.add_wiper(guides.wipe)
    return guides


def _sample_print(config, shell, journey, staff, store):  # noqa: ANN001, ANN202
    """工作人员 → 打印样表: the station's A4 printer (a CUPS queue, or the demo's PDF folder)."""
    from kiosk.station.certificates import a4_printer_from_config
    from kiosk.station.guides import print_sample_form
    from kiosk.ui.viewmodels.guides import SamplePrintViewModel

    made: dict = {}

    def print_sample(bundle_id: str):  # noqa: ANN202 - SamplePrinted; on a worker thread
        if "printer" not in made:       # opening CUPS and loading the fonts: when first asked
            from devices.printer.a4.render import NoticeRenderer

            made["printer"], made["renderer"] = a4_printer_from_config(config), NoticeRenderer()
        return print_sample_form(bundle_id, made["printer"], config.get("station", "name"),
                                 catalogue=journey.catalogue, renderer=made["renderer"])

    sample_print = SamplePrintViewModel(
        bundles=lambda: journey.catalogue.bundles, logged_in=lambda: staff.property("loggedIn"),
        print_sample=print_sample,
        audit=store.audit if store is not None else lambda event, detail: log.info("audit %s", event),
        parent=shell)
    shell.on_enter("staff_home", sample_print.refresh)
    shell.add_wiper(sample_print.wipe)
    return sample_print


def _agent_mode(config, shell, session, journey, voice, devices, identify, camera, submit, rating,  # noqa: ANN001, ANN202, PLR0913
                store, identified):
    """Proxy agents (kiosk/ui/viewmodels/agent.py): cards and manual identification pass through agent mode
    first, the written 委托书 comes back from the camera, and the band follows the save."""
    from kiosk.ui.viewmodels.agent import AgentViewModel
    from kiosk.ui.viewmodels.agent_consent import AUTHORISATION_MATERIAL

    audit = store.audit if store is not None else lambda event, details: log.info("audit %s", event)
    def verify(id_number: str, pin: str):  # noqa: ANN202 - AuthResult; on a worker thread
        from kiosk.station.agent_auth import AgentPins

        return AgentPins(config.key_dir, audit).verify(id_number, pin)

    agent = AgentViewModel(verify,
                           shell=shell, session=session, journey=journey, say=voice.say,
                           identified=identified, person_from_card=lambda card: _card_person(card, shell),
                           begin_capture=camera.begin,
                           served=lambda: submit.property("state") == "saved"
                           and rating.property("state") == "thanked")
    card_placed, manual, captured = devices.on_card, identify.on_identified, camera.on_done
    devices.on_card = lambda card: agent.card(card) or card_placed(card)
    identify.on_identified = lambda person: agent.take_resident(person) or manual(person)
    camera.on_done = lambda material_id, pages: (
        agent.photographed(pages) if material_id == AUTHORISATION_MATERIAL else captured(material_id, pages))
    submit.changed.connect(agent.refresh)
    rating.changed.connect(agent.refresh)
    shell.add_wiper(agent.wipe)
    shell.set_prompt("agent_consent", agent.spoken_consent)
    agent.consent.read_out = shell.readOut
    shell.set_prompt("identify_manual", lambda: agent.spoken_manual() or (
        "查进度的，也可以把身份证放在读卡区，不用输入。" if shell.property("purpose") == "lookup" else ""))
    return agent


def _scan(config, shell, identify, voice, store, allow_simulators):  # noqa: ANN001, ANN202
    """扫码 (viewmodels/scan.py): the front camera runs while the scan screen shows; a verified 辽事通
    code identifies through identify.on_identified, like 手动输入, so 代办 and 查进度 work too."""
    import time

    from kiosk.ui.viewmodels.scan import ScanViewModel, demo_code_issuer

    def pinned_key() -> bytes | None:      # on the scanner thread
        from sync.enrollment import platform_key

        return platform_key(store) if store is not None else None

    scan = ScanViewModel(config.get("devices", "qr_camera"), platform_key=pinned_key,
                         now=lambda: time.time() + (store.clock_offset_s if store is not None else 0.0),
                         say=voice.say, prompt=shell.current_prompt,
                         demo_code=demo_code_issuer(config.data_dir), allow_simulator=allow_simulators)
    scan.on_identified = lambda person: identify.on_identified(person)
    shell.changed.connect(lambda: scan.follow_screen(shell.property("screen")))
    shell.set_prompt("scan", scan.spoken_prompt)
    shell.add_wiper(scan.wipe)
    return scan


def _precheck(camera, journey, voice, shell):  # noqa: ANN001, ANN202
    """智能预审 (viewmodels/precheck.py): each photo shown for review is read on a worker thread;
    the engine is made cheap now and loads its models on the first check."""
    from kiosk.ui.viewmodels.precheck import PrecheckViewModel

    def checker():  # noqa: ANN202 - devices.precheck.Prechecker
        from devices.precheck import open_precheck

        return open_precheck(threads=2)

    precheck = PrecheckViewModel(journey, voice.say, checker, parent=shell)
    camera.on_review = precheck.check
    camera.on_review_left = precheck.clear
    shell.add_wiper(precheck.wipe)
    return precheck


def _handwriting(shell, voice, recogniser, form):  # noqa: ANN001, ANN202
    """手写输入 for every Chinese text field (viewmodels/handwriting.py): the recogniser (shared with
    the pinyin strip) is made now (cheap) and loads its models on a worker thread once the first
    screen is painted."""
    from kiosk.ui.viewmodels.handwriting import HandwritingViewModel

    handwriting = HandwritingViewModel(recogniser, voice.say, parent=shell)
    shell.add_wiper(handwriting.wipe)
    # The pad belongs to one field on one page: a new screen or the next question closes it (left
    # open, it stood in the state for a field no longer shown, and 手写 on the next one opened a
    # second time unannounced — the exerciser's seed 1984).
    page = [("", "")]

    def follow_page() -> None:
        here = (shell.property("screen"), form.property("fieldId") if form is not None else "")
        if here != page[0]:
            page[0] = here
            if handwriting.property("open"):
                handwriting.close()

    shell.changed.connect(follow_page)
    if form is not None:
        form.changed.connect(follow_page)
    return handwriting


def _code_readers(config, shell, session, identify, store, app, reference):  # noqa: ANN001, ANN202
    """Embedded scan engines (viewmodels/scan_engine.py): codes from the USB-COM engine (opened with
    the station's devices) and, when `[devices] scan_wedge` is on, from the keyboard wedge (a filter
    on every key event) identify the resident like the camera's, on the identify screens only."""
    import time

    from kiosk.ui.session import State
    from kiosk.ui.viewmodels.scan_engine import CodeReaders, WedgeFilter

    def pinned_key() -> bytes | None:
        from sync.enrollment import platform_key

        return platform_key(store) if store is not None else None

    def identify_now(person) -> None:  # noqa: ANN001 - Person
        if session.state is State.IDLE or shell.property("screen") == "agent_resident":
            identify.on_identified(person)

    codes = CodeReaders(platform_key=pinned_key,
                        now=lambda: time.time() + (store.clock_offset_s if store is not None else 0.0),
                        screen=lambda: shell.property("screen"), identify=identify_now,
                        refuse=lambda title, message: shell.showError(
                            title, message, "可以在辽事通里刷新身份码后再扫一次，或者放身份证、手动输入。"),
                        reference=reference, parent=shell)
    if config.get("devices", "scan_wedge"):
        from devices.scanner.wedge import WedgeDetector

        detector = WedgeDetector(config.get("devices", "scan_wedge_alt"))
        codes.wedge = WedgeFilter(detector, codes.code, parent=shell)
        app.installEventFilter(codes.wedge)
    return codes


def _card_placed(card, shell, session, identified) -> None:  # noqa: ANN001
    """An ID card on the reader: identifies the resident when nobody is being served yet."""
    from kiosk.ui.session import State

    if session.state is not State.IDLE or shell.property("screen") not in ("attract", "identify_manual",
                                                                          "scan"):
        log.info("card placed during a session: ignored")
        return
    person = _card_person(card, shell)
    if person is not None:
        identified(person)


def _card_person(card, shell):  # noqa: ANN001, ANN202 - IdCard -> Person | None
    """The person on a card, or None (and the error screen) for an expired card."""
    from datetime import date

    from kiosk.ui.session import Person

    if card.valid_to not in (None, "长期") and card.valid_to < date.today().isoformat():
        shell.showError("身份证已过期", "这张证件已经超过有效期，不能用来办理。",
                        "请使用有效的身份证件；正在补换证的，可以请工作人员帮忙。")
        return None
    extra = {key: getattr(card, key) for key in ("card_type", "sex", "ethnicity", "birth_date",
                                                 "address", "issuer", "valid_to", "name_en",
                                                 "nationality") if getattr(card, key) is not None}
    return Person(name=card.name or card.name_en or "", id_number=card.id_number, source="id_card",
                  extra=extra)


def run(config, *, fullscreen: bool, exit_after: float | None = None, demo: bool = False) -> int:
    """Show the kiosk and run until quit (or for `exit_after` seconds). Returns the exit code.

    Around the window: logs through the privacy filter, the systemd watchdog pinged from the GUI
    thread (a frozen screen is restarted), and the local health endpoint for the county.
    """
    from PySide6.QtCore import QTimer

    from kiosk.station.composition import open_sync
    from kiosk.station.health import HealthReport, HealthServer, SnapshotCache
    from kiosk.station.privacy_log import setup_logging
    from kiosk.station.status import store_facts
    from kiosk.station.version import app_version
    from kiosk.station.watchdog import SystemdNotifier
    from kiosk.ui.watchdog import start_watchdog
    from sync.store import StoreError

    logs = setup_logging(config.data_dir)
    notifier = SystemdNotifier()
    try:
        station_sync = open_sync(config, demo=demo, on_status=lambda s: None, app_version=app_version())
    except StoreError as exc:
        print(f"无法打开本地数据：{exc}", file=sys.stderr)
        logs.close()
        return 5
    if demo:   # the demo's proxy agent: sample card 张晓明, PIN 1357 (README); never in kiosk mode
        from kiosk.station.agent_auth import enrol_demo_agent

        enrol_demo_agent(config.key_dir, station_sync.store.audit)
    kiosk = build(config, fullscreen=fullscreen, open_station_devices=True, allow_simulators=demo,
                  store=station_sync.store)
    if station_sync.reporter is not None:   # the fleet console's report: device states in its words
        from kiosk.station.status import fleet_device_states

        station_sync.reporter.devices = lambda: fleet_device_states(kiosk.devices.health())
    if station_sync.worker is not None:
        station_sync.worker.on_status = kiosk.sync_status.status_from_worker
        station_sync.worker.devices = lambda: {name: state if state == "ok" else f"{state}: {message}"
                                               for name, (state, message) in kiosk.devices.health().items()}
    else:
        kiosk.sync_status.set_enrolled(False)
    kiosk.on_submitted.append(station_sync.wake)
    kiosk.staff.wake = station_sync.wake
    if kiosk.certificates is not None:
        kiosk.certificates.platform_url = station_sync.platform_url
    from kiosk.ui.viewmodels.instant import attach_waiter
    attach_waiter(kiosk, station_sync, config)          # 立等可取
    if demo:
        from kiosk.ui.staff_wiring import ensure_demo_staff, make_pins

        ensure_demo_staff(make_pins(config, station_sync.store))
    status = SnapshotCache()

    def refresh_status() -> None:
        queue = kiosk.sync_status.snapshot()
        status.update(devices={name: {"state": state, "message": message}
                               for name, (state, message) in kiosk.devices.health().items()},
                      queue={"pending": queue["pending"], "oldest_age_s": queue["oldest_age_s"]})

    kiosk.devices.changed.connect(refresh_status)
    kiosk.sync_status.changed.connect(refresh_status)
    refresh_status()
    report = HealthReport(lambda: {**status(), **store_facts(station_sync.store)}, version=app_version(),
                          station_id=config.get("station", "id"),
                          data_dir=config.data_dir)
    try:
        health = HealthServer(report, port=config.get("ops", "health_port")).start()
    except OSError as exc:
        log.warning("health endpoint not started: %s", exc.strerror)
        health = None
    watchdog = start_watchdog(notifier, kiosk.app)  # parented to the app; kept for clarity
    QTimer.singleShot(0, lambda: notifier.ready("首页已显示"))
    if exit_after is not None:
        QTimer.singleShot(int(exit_after * 1000), kiosk.app.quit)
    code = kiosk.app.exec()
    notifier.stopping("正在退出")
    if health is not None:
        health.stop()
    if watchdog is not None:
        watchdog.stop()
    kiosk.shutdown()
    station_sync.close()
    logs.close()
    if kiosk.qml_warnings:
        for warning in kiosk.qml_warnings:
            print(f"QML 警告：{warning}", file=sys.stderr)
        return code or 3
    return code
