"""Guides people understand (issue 18): 样表 from the example answers of every bundle, a 样例
photo for every paper of every bundle, the narrated guide made from the real screens, and the
sample form printed by staff on A4. Real parts: the kiosk offscreen, the real A4 renderer and its
PDF folder printer, pdftotext, a real child process for the guide."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import cv2
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtQuick import QQuickItem

from forms import fieldtypes, load_catalogue
from forms.examples import example
from forms.sample_form import SAMPLE_MARK, sample_form
from kiosk.station import guides as station_guides
from kiosk.ui.navigation import SCREENS
from kiosk.ui.screenshots import settle
from tests.ui.test_form_flow import find_item, scroll_into_view, tap
from tests.ui.test_submit_flow import visible

CATALOGUE = load_catalogue()
BUNDLES = [b.id for b in CATALOGUE.bundles]


# ------------------------------------------------------------------------------------------- 样表
@pytest.mark.parametrize("bundle_id", BUNDLES)
def test_every_bundle_has_a_sample_form_made_from_its_example_answers(bundle_id):
    bundle = CATALOGUE.bundle(bundle_id)
    answers = example(bundle_id, catalogue=CATALOGUE)["answers"]
    form = sample_form(bundle_id, catalogue=CATALOGUE)
    shown = {a.label: a for page in form.pages for a in page.answers}
    assert form.pages and form.items and form.notice.startswith("这是一份填好的样表")
    checked = 0
    for field_id, value in answers.items():
        field = bundle.field(field_id)
        if field.label not in shown or field.type in ("scan", "signature"):
            continue                                    # hidden by a condition of this example
        text = shown[field.label].text
        if field.type in ("name", "id_number", "phone", "bank_account", "text"):
            assert str(value) in text, (field_id, text)
        if field.options:
            assert fieldtypes.display(field, value) in text, (field_id, text)
        # made-up identities are marked as examples, nothing else is
        assert text.endswith(SAMPLE_MARK) == (field.type in ("name", "id_number", "phone", "bank_account"))
        checked += 1
    assert checked >= 3, f"{bundle_id}: the sample shows too few of the example's answers"


def test_the_sample_form_page_on_the_kiosk_shows_the_answers_and_goes_back(make_kiosk):
    kiosk = _at_bundle_intro(make_kiosk(large_text=True), "senior_allowance")
    tap(kiosk, "sampleFormButton")
    assert kiosk.shell.property("screen") == "sample_form"
    assert kiosk.voice.last_text.startswith(SCREENS["sample_form"].prompt)
    assert "这份样表的情形" in kiosk.voice.last_text          # which case the sample shows, said too
    texts = [i.property("text") for i in _items(kiosk, "sampleAnswer")]
    form = sample_form("senior_allowance", catalogue=CATALOGUE)
    assert texts == [a.text for page in form.pages for a in page.answers]
    assert any(t.endswith(SAMPLE_MARK) for t in texts)
    assert all(i.property("font").pixelSize() >= 36 for i in _items(kiosk, "sampleAnswer"))   # 大字
    tap(kiosk, "sampleDoneButton")
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert kiosk.shell.refused_moves == []


# ------------------------------------------------------------------------------------------- 样例
def test_every_material_of_every_bundle_gets_an_example_photo_marked_as_such(tmp_path):
    drawn = 0
    for bundle in CATALOGUE.bundles:
        paths = station_guides.ensure_bundle_photos(tmp_path, bundle)
        assert set(paths) == {m.id for m in bundle.materials}, bundle.id
        for material_id, path in paths.items():
            image = cv2.imread(str(path))
            assert image is not None and max(image.shape[:2]) >= 900, (bundle.id, material_id)
            band = image[-20:, :, :].reshape(-1, 3).mean(axis=0)     # the red 样例 band below
            assert band[2] > 150 and band[1] < 90 and band[0] < 90, (bundle.id, material_id, band)
            drawn += 1
    assert drawn == sum(len(b.materials) for b in CATALOGUE.bundles)
    # made once per paper: the same 居民身份证 in two bundles is one file
    assert len(list(tmp_path.glob("*.jpg"))) < drawn


def test_papers_the_precheck_knows_are_drawn_by_its_generator_others_get_a_titled_sheet():
    newborn = CATALOGUE.bundle("newborn")
    assert station_guides.doc_type_for("newborn", newborn.material("birth_certificate")) == "birth_cert"
    assert station_guides.doc_type_for("newborn", newborn.material("hukou_book")) == "hukou"
    assert station_guides.doc_type_for("newborn", newborn.material("non_marital_statement")) is None
    retirement = CATALOGUE.bundle("retirement")
    assert station_guides.doc_type_for("retirement", retirement.material("id_card")) == "id_card_front"
    assert station_guides.doc_type_for("retirement", retirement.material("pension_bank_card")) is None
    # a bundle written later: recognised by the paper's name
    late = retirement.material("id_card")
    assert station_guides.doc_type_for("some_new_bundle", late) == "id_card_front"


def test_the_band_holds_its_words_whole():
    """The red 样例 · 这样拍 band had its words cut off at the bottom (walk w46b): the white of
    the letters now stays clear of the band's lower and upper edges."""
    sheet = CATALOGUE.bundle("newborn").material("non_marital_statement")
    image = station_guides.render_example_photo("newborn", sheet)
    h = image.shape[0]
    band = max(48, (h - max(48, h // 12)) // 11)            # about a twelfth of the picture
    white = (image.min(axis=2) > 200)                       # the band's letters (red elsewhere)
    rows = [y for y in range(h - band, h) if white[y].any()]
    assert rows, "no words in the band"
    assert h - 1 - rows[-1] >= band * 0.12, "the words reach the bottom edge"


def test_a_photo_of_a_person_has_a_head_and_shoulders_sample_not_a_sheet():
    """1 寸彩色照片 showed a plain document (walk w96): a drawn silhouette on a plain background."""
    senior = CATALOGUE.bundle("senior_card")
    photo = next(m for m in senior.materials if "免冠" in m.name)
    assert station_guides.portrait_like(photo.name)
    assert not station_guides.portrait_like("门店照片")
    assert not station_guides.portrait_like("房屋租赁合同或借住说明")
    image = station_guides.render_example_photo("senior_card", photo)
    h, w = image.shape[:2]
    b, g, r = image[int(h * 0.2), w // 2 - int(w * 0.3)]    # beside the head: the blue background
    assert b > 180 and r < 120, (b, g, r)
    b, g, r = (int(v) for v in image[int(h * 0.45), w // 2])   # the face: a plain grey, no features
    assert abs(b - r) < 40 and 60 < r < 140, (b, g, r)
    sheet = station_guides.render_example_photo("senior_card", senior.materials[0]) \
        if not station_guides.portrait_like(senior.materials[0].name) else None
    if sheet is not None:                                    # keyed apart: never the same cached file
        assert station_guides.photo_key("senior_card", photo) != \
            station_guides.photo_key("senior_card", senior.materials[0])


def test_example_photos_show_on_the_materials_cards_and_enlarge_without_moving_anything(make_kiosk):
    from kiosk.ui.screenshots import show_screen

    kiosk = make_kiosk()
    show_screen(kiosk, "materials")
    settle(kiosk.app)
    photos = kiosk.guides.property("photos")
    assert set(photos) == {m.id for m in kiosk.journey.bundle.materials}
    boxes = [i for i in _items(kiosk, "examplePhoto") if i.isVisible()]
    assert boxes
    scroll_into_view(boxes[0])
    settle(kiosk.app)
    before = [b.mapToScene(QPointF(0, 0)).toTuple() for b in boxes]
    tap(kiosk, boxes[0])
    assert kiosk.guides.property("enlarged") in photos.values()
    big = visible(kiosk, "enlargedPhoto")
    assert big.property("source").toString() == kiosk.guides.property("enlarged")
    tap(kiosk, "closeExampleButton")
    assert kiosk.guides.property("enlarged") == ""
    after = [b.mapToScene(QPointF(0, 0)).toTuple() for b in boxes]
    assert [c for p in after for c in p] == pytest.approx([c for p in before for c in p], abs=1)
    show_screen(kiosk, "capture")
    settle(kiosk.app)
    assert kiosk.guides.property("captureMaterial") == "hukou_book"
    assert [i for i in _items(kiosk, "examplePhoto") if i.isVisible() and i.isEnabled()]


# ------------------------------------------------------------------------------------------- 短视频
def test_the_guide_is_made_from_the_real_screens_with_the_spoken_prompts(make_kiosk, tmp_path):
    from kiosk.ui.guide_video import make_slides

    kiosk = make_kiosk()
    slides = make_slides(kiosk, "disability_subsidies", tmp_path / "guide")
    manifest = json.loads((tmp_path / "guide" / "guide.json").read_text(encoding="utf-8"))
    assert [s["caption"] for s in manifest["slides"]] == [s.caption for s in slides]
    for slide in slides:
        image = cv2.imread(str(tmp_path / "guide" / slide.image))
        assert image.shape[:2] == (960, 540)               # half of the portrait screen
        assert image.std() > 10                             # a screen, not a blank frame
    captions = " ".join(s.caption for s in slides)
    for screen_id in ("attract", "choose_bundle", "question", "capture", "review", "receipt"):
        sentence = next(s for s in SCREENS[screen_id].prompt.split("。") if "请" in s)
        assert sentence in captions, screen_id
    form = sample_form("disability_subsidies", catalogue=CATALOGUE)
    assert all(name in slides[1].caption for name in form.materials)      # what to bring
    assert sum(s.title.startswith("第 3 步") for s in slides) == len(form.pages)
    assert all(len(s.caption) <= 120 for s in slides)                     # short: a guide, not a lecture


def test_the_guides_sample_person_is_one_this_station_serves_and_counts_as_the_intro_does(make_kiosk,
                                                                                          tmp_path):
    """教育入学's example family is registered in 铁岭市昌图县: made with them, every slide said
    “这件事本站可能不能办理” (station 沈阳市和平区), and its caption counted 2 things where 办理须知
    says 最多 3. The guide's person is moved to the station's county; the number is 办理须知's."""
    from kiosk.ui.guide_video import _narration, make_slides
    from kiosk.ui.screenshots import settle

    kiosk = make_kiosk()
    (made,) = make_slides(kiosk, "school_enrolment", tmp_path / "guide", limit=1)
    _, caption, show = _narration(kiosk, "school_enrolment")[0]
    assert made.caption == caption
    show()                                      # what the slide's picture was taken of
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert not kiosk.handling.property("anyRefused") and not kiosk.handling.property("nothingHere")
    assert kiosk.form.property("introHeading") in caption
    assert "最多办理 3 件事" in caption
    assert kiosk.journey.form.applicant["id_number"].startswith("210102")


def test_the_guide_opens_paused_plays_skips_and_closes_at_any_moment(make_kiosk, tmp_path):
    from kiosk.ui.guide_video import make_slides

    kiosk = make_kiosk()
    bundle_id = "resident_pension"
    make_slides(kiosk, bundle_id, tmp_path / "made")
    kiosk = _at_bundle_intro(kiosk, bundle_id)
    shutil.copytree(tmp_path / "made", kiosk.guides.guide_folder(bundle_id))
    kiosk.session.end()
    kiosk = _at_bundle_intro(kiosk, bundle_id)              # 办理须知 finds the guide made
    assert kiosk.guides.property("guideState") == "ready"
    tap(kiosk, "guideButton")
    assert kiosk.shell.property("screen") == "guide"
    slides = kiosk.guides.property("guideSlides")
    assert kiosk.voice.last_text.startswith(SCREENS["guide"].prompt)     # no caption read unasked
    assert not kiosk.guides.property("guidePlaying")
    assert visible(kiosk, "guideCaption").property("text") == slides[0]["caption"]
    tap(kiosk, "guidePlay")
    assert kiosk.guides.property("guidePlaying") and kiosk.voice.last_text == slides[0]["caption"]
    tap(kiosk, "guideNext")
    assert kiosk.guides.property("guideIndex") == 1 and kiosk.voice.last_text == slides[1]["caption"]
    assert visible(kiosk, "guideCaption").property("text") == slides[1]["caption"]
    buttons = {n: _place(kiosk, n) for n in ("guidePlay", "guideClose")}
    tap(kiosk, "guideNext")
    assert {n: _place(kiosk, n) for n in buttons} == buttons
    tap(kiosk, "guideClose")                                 # mid-sentence
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert not kiosk.guides.property("guidePlaying") and not kiosk.guides._timer.isActive()
    tap(kiosk, "guideButton")                                # again: from the start, paused
    assert kiosk.guides.property("guideIndex") == 0 and not kiosk.guides.property("guidePlaying")
    tap(kiosk, "guidePlay")
    kiosk.shell.back()                                       # 返回 in the top bar stops it too
    assert kiosk.shell.property("screen") == "bundle_intro" and not kiosk.guides.property("guidePlaying")
    assert kiosk.shell.refused_moves == []


def test_a_guide_not_made_yet_is_made_in_a_child_process_on_first_use(make_kiosk):
    kiosk = _at_bundle_intro(make_kiosk(), "senior_allowance")
    assert kiosk.guides.property("guideState") == "idle"
    tap(kiosk, "guideButton")
    assert kiosk.guides.property("guideState") == "preparing"
    assert visible(kiosk, "guideState").property("text").startswith("正在准备视频")
    kiosk.guides.wait()                                      # the child process ends
    settle(kiosk.app)
    assert kiosk.guides.property("guideState") == "ready", "the child process did not make the guide"
    assert (kiosk.guides.guide_folder("senior_allowance") / "guide.json").exists()
    assert visible(kiosk, "guideSlideImage").property("source").toString().endswith("slide-01.jpg")


def test_the_guide_exports_as_a_video_with_the_narration(make_kiosk, tmp_path):
    import av

    from kiosk.ui.guide_video import export_video, make_slides

    make_slides(make_kiosk(), "retirement", tmp_path / "guide", limit=2)
    facts = export_video(tmp_path / "guide", tmp_path / "guide.mp4")
    with av.open(str(tmp_path / "guide.mp4")) as container:
        kinds = sorted(s.type for s in container.streams)
        frames = sum(1 for _ in container.decode(video=0))
    narrated = shutil.which("espeak-ng") is not None
    assert kinds == (["audio", "video"] if narrated else ["video"]) and facts["narrated"] == narrated
    assert frames == pytest.approx(facts["seconds"] * 10, abs=3) and facts["seconds"] >= 8


# ------------------------------------------------------------------------------------ staff print
def test_staff_print_the_sample_form_on_a4_with_the_sample_answers(qapp, tmp_path):
    from kiosk.station.config import defaults
    from kiosk.ui.app import build
    from kiosk.ui.staff_wiring import make_pins
    from sync.store import Store

    config = defaults().with_overrides({"paths": {"data_dir": str(tmp_path / "data"),
                                                  "key_dir": str(tmp_path / "keys")},
                                        "devices": {"a4_printer": "pdf"}})
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    make_pins(config, store).set_pin("0001", "258025")
    kiosk = build(config, voice_enabled=False, store=store)
    try:
        settle(kiosk.app)
        kiosk.sample_print.printSample("newborn")            # nobody logged in: nothing printed
        assert kiosk.sample_print.property("message") == ""
        kiosk.staff.open()
        kiosk.shell.go("staff_login")
        for key in "0001":
            kiosk.staff.keypad(key)
        kiosk.staff.selectField("pin")
        for key in "258025":
            kiosk.staff.keypad(key)
        kiosk.staff.login()
        kiosk.staff.wait()
        settle(kiosk.app)
        assert kiosk.shell.property("screen") == "staff_home"
        tap(kiosk, "printSample_newborn")
        kiosk.sample_print.wait()
        settle(kiosk.app)
        assert "样表已打印" in kiosk.sample_print.property("message")
        pdf = Path(kiosk.sample_print.property("lastPdf"))
        assert pdf.parent == tmp_path / "data" / "a4-prints" and pdf.read_bytes().startswith(b"%PDF-")
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        form = sample_form("newborn", catalogue=CATALOGUE)
        assert "新生儿出生一件事 填写样表" in text and "虚构" in text
        for answer in (a for page in form.pages for a in page.answers if a.sample):
            assert answer.text in text.replace(" ", ""), answer.text
        assert any("staff.print_sample_form" in str(row) for row in store.audit_entries())
        assert not kiosk.qml_warnings
    finally:
        kiosk.shutdown()
        store.close()


def test_the_sample_form_command_writes_the_a4_pdf(tmp_path):
    pdf = tmp_path / "sample.pdf"
    result = subprocess.run([*_main(), "catalogue", "sample-form", "retirement", "--pdf", str(pdf)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "退休一件事" in text and "刘淑芬（示例）" in text.replace(" ", "")
    wrong = subprocess.run([*_main(), "catalogue", "sample-form", "no_such", "--pdf", str(pdf)],
                           capture_output=True, text=True, check=False)
    assert wrong.returncode == 2 and "没有编号为“no_such”的一件事" in wrong.stderr
    assert "Traceback" not in wrong.stderr


# ----------------------------------------------------------------------------------------- helpers
def _place(kiosk, name: str) -> tuple[float, float]:  # noqa: ANN001
    item = visible(kiosk, name)
    point = item.mapToScene(QPointF(0, 0))
    return point.x(), point.y()


def _main() -> list[str]:
    import sys

    return [sys.executable, str(Path(__file__).resolve().parents[2] / "main.py")]


def _items(kiosk, name: str) -> list:
    from tests.ui.qml_tree import all_objects

    found, seen = [], set()
    for item in all_objects(kiosk.window.contentItem()):
        if isinstance(item, QQuickItem) and item.objectName() == name and id(item) not in seen:
            seen.add(id(item))
            found.append(item)
    return found


def _at_bundle_intro(kiosk, bundle_id: str):  # noqa: ANN001, ANN202
    from kiosk.ui.session import Person

    person = example(bundle_id, catalogue=CATALOGUE)["applicant"]
    kiosk.journey.identify(person)
    kiosk.shell.identified(Person(person["name"], person["id_number"]))
    kiosk.shell.forward()
    kiosk.bundles.choose(bundle_id)
    if kiosk.shell.property("screen") == "credit_notice":
        kiosk.credit.show_sample("clear")
        kiosk.shell.forward()
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "bundle_intro", kiosk.shell.property("screen")
    assert find_item(kiosk, "sampleFormButton") is not None
    return kiosk
