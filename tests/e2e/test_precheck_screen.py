"""智能预审 on the capture review screen (issue 17), by touch: the document camera shows a
出生医学证明 whose mother is not the applicant; 拍照; the review screen says so in plain words (and
speaks it) under the buttons, offers to fill the baby's name it could read, and keeps the photo
when the resident taps 用这张; the saved application carries the page's `precheck` object."""

from __future__ import annotations

import time
from datetime import date

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPointF

from devices.precheck.people import make_person
from forms.examples import example
from kiosk.station.config import defaults
from kiosk.ui.screenshots import settle
from kiosk.ui.session import Person
from tests.precheck.conftest import photo_of
from tests.ui.qml_tree import strings_in_tree
from tests.ui.test_form_flow import find_item, tap


def until(kiosk, condition, seconds: float) -> None:
    """Wait with the window drawn as on a screen: 拍照 takes the very frame the screen shows."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {kiosk.camera.property('stage')}, " \
                                            f"{kiosk.precheck.property('state')}, " \
                                            f"{kiosk.camera.property('shotAdvice')!r}"
        settle(kiosk.app)
        time.sleep(0.05)


@pytest.fixture
def paper(tmp_path):
    rng = np.random.default_rng(2024)
    mother = make_person(rng, sex="女", born_from=date(1988, 1, 1), born_to=date(1996, 1, 1), rare=0.0)
    father = make_person(rng, sex="男", born_from=date(1986, 1, 1), born_to=date(1994, 1, 1), rare=0.0)
    child = make_person(rng, born_from=date(2025, 1, 1), born_to=date(2025, 5, 1), rare=0.0,
                        surname=father.name[0])
    applicant = make_person(rng, sex="女", born_from=date(1988, 1, 1), born_to=date(1996, 1, 1), rare=0.0)
    frame, _ = photo_of("birth_cert", 15, {"child": child, "mother": mother, "father": father},
                        layout="stacked")
    path = tmp_path / "birth-certificate.png"
    cv2.imwrite(str(path), frame)
    return path, applicant, father, child, mother


def test_a_mismatched_birth_certificate_is_warned_about_on_the_review_screen(qapp, qtbot, tmp_path, paper):
    from kiosk.ui.app import build
    from sync.store import Store

    path, applicant, father, child, mother = paper
    store = Store.open(tmp_path / "data", tmp_path / "keys")
    config = defaults().with_overrides({"devices": {"camera": str(path)}})
    kiosk = build(config, voice_enabled=False, store=store)
    try:
        settle(kiosk.app)
        kiosk.shell.identified(Person(applicant.name, applicant.id_number))
        answers = dict(example("newborn", 0)["answers"])
        answers.update({"applicant_relation": "mother", "other_parent_name": father.name,
                        "other_parent_id_number": father.id_number, "has_birth_certificate": True})
        answers.pop("baby_name", None)                       # not given yet: the paper can fill it
        kiosk.journey.identify({"name": applicant.name, "id_number": applicant.id_number})
        form = kiosk.journey.choose("newborn")
        kiosk.form.load()
        for field_id, value in answers.items():
            form.answer(field_id, value)
        kiosk.shell.jump("materials")
        settle(kiosk.app)
        kiosk.materials.capture("birth_certificate")
        settle(kiosk.app)
        assert kiosk.shell.property("screen") == "capture"
        qtbot.waitUntil(lambda: kiosk.camera.property("pictureShown"), timeout=15_000)
        tap(kiosk, "shootButton")
        until(kiosk, lambda: kiosk.camera.property("stage") == "review", 20)
        settle(kiosk.app)
        before = {name: find_item(kiosk, name).mapToScene(QPointF(0, 0))
                  for name in ("useButton", "retakeButton", "pagePicture")}
        until(kiosk, lambda: kiosk.precheck.property("state") == "done", 60)
        settle(kiosk.app)
        for name, where in before.items():        # the findings have their own room: nothing moves
            assert find_item(kiosk, name).mapToScene(QPointF(0, 0)) == where, name

        findings = kiosk.precheck.property("findings")
        warning = next(f for f in findings if "母亲的身份证号码" in f)
        assert warning.startswith("材料上母亲的身份证号码与您填写的不一致")
        assert mother.id_number[-4:] in warning and applicant.id_number[-4:] in warning
        shown = find_item(kiosk, "precheckFinding")
        assert shown is not None and shown.isVisible()
        assert any(warning in text for text in strings_in_tree(kiosk))
        assert kiosk.voice.last_text.startswith("请注意：")
        use = find_item(kiosk, "useButton")
        assert use.isVisible() and use.property("enabledLook")      # advice only: never held back

        offers = {o["fieldId"]: o["text"] for o in kiosk.precheck.property("offers")}
        assert offers.get("baby_name") == child.name
        tap(kiosk, "precheckFill_baby_name")                         # the resident confirms it
        assert form.answers()["baby_name"] == child.name

        tap(kiosk, "useButton")
        qtbot.waitUntil(lambda: kiosk.shell.property("screen") == "materials", timeout=20_000)
        form.answer("birth_certificate_number", "Q210100123")
        form.answer("hukou_address", {"province": "210000", "city": "210100", "county": "210102",
                                      "detail": "南京北街100号"})
        form.set_material("baby_photo", "deferred")
        assert not form.all_errors(), form.all_errors()
        payload = kiosk.journey.payload()
        (material,) = [m for m in payload["materials"] if m["material_id"] == "birth_certificate"]
        (sha,) = material["attachments"]
        assert material["precheck"][sha]["mismatch"] is True
        assert {"role": "mother", "field": "id_number"} in material["precheck"][sha]["mismatches"]
        assert mother.name not in str(material["precheck"])
    finally:
        kiosk.session.end()
        kiosk.shutdown()
        store.close()
    assert not kiosk.qml_warnings, "\n".join(kiosk.qml_warnings)
