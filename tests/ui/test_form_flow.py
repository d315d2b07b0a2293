"""A resident, by touch alone, chooses a 一件事, answers every question of its one form, checks the
answers, changes one, and leaves no trace after the wipe.

What to enter comes from `catalogue example` (forms.examples); every answer is given by tapping
the widgets the question screen shows (option buttons, number pad keys, date steppers, address
cascade) or typing into the focused text box. The engine is only read, to know what to expect.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from forms import fieldtypes
from forms.examples import example
from kiosk.ui.screenshots import settle
from tests.serving import station_serving
from tests.ui.credit_touch import pass_credit_notice
from tests.ui.qml_tree import all_objects, strings_in_tree

FALLBACK_ADDRESS = {"city": "210100", "county": "210102", "detail": "南京北街100号"}


@pytest.fixture(autouse=True)
def pinyin_user_dictionary(tmp_path, monkeypatch):
    """The pinyin keyboard says, at warning level, that it creates its user dictionary the first
    time it is used on a machine (always, in a fresh tmp config folder). That is a note about the
    machine, not our QML: pass it like the other such categories (kiosk.ui.qtlog)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def find_item(kiosk, name: str) -> QQuickItem | None:
    """The item with this objectName in the visual tree (visible ones first), or None."""
    found = [i for i in all_objects(kiosk.window.contentItem())
             if isinstance(i, QQuickItem) and i.objectName() == name]
    found.sort(key=lambda i: not i.isVisible())
    return found[0] if found else None


def find(kiosk, name: str) -> QQuickItem:
    item = find_item(kiosk, name)
    assert item is not None, f"no item named {name}"
    return item


def scroll_into_view(item: QQuickItem) -> None:
    """What a swipe does: move the enclosing list so the item is on screen."""
    parent = item.parentItem()
    while parent is not None and not parent.inherits("QQuickFlickable"):
        parent = parent.parentItem()
    if parent is None:
        return
    content = parent.property("contentItem")
    top = item.mapToItem(content, QPointF(0, 0)).y()
    view_top, view_height = parent.property("contentY"), parent.height()
    if top < view_top or top + item.height() > view_top + view_height:
        most = max(0.0, parent.property("contentHeight") - view_height)
        parent.setProperty("contentY", min(most, max(0.0, top - 40)))


def tap(kiosk, name_or_item) -> None:
    """A real mouse press and release at the centre of the item, through the window."""
    item = find(kiosk, name_or_item) if isinstance(name_or_item, str) else name_or_item
    assert item.isVisible(), f"{item.objectName()} is not visible"
    # A finger sees the laid-out screen first: a screen just shown may still grow on its first
    # frame (a notice's wrapped lines), which would move the item after the swipe was aimed.
    settle(kiosk.app, 1)
    scroll_into_view(item)
    settle(kiosk.app, 1)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    assert 0 <= centre.y() <= kiosk.window.height(), f"{item.objectName()} is off screen"
    QTest.mouseClick(kiosk.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    settle(kiosk.app, 2)


def type_text(kiosk, field_name: str, text: str) -> None:
    """Tap the box (the keyboard opens) and type; Chinese arrives as committed text."""
    box = find(kiosk, field_name)
    inputs = [c for c in box.findChildren(QQuickItem) if c.inherits("QQuickTextInput")]
    tap(kiosk, inputs[0])
    assert inputs[0].hasActiveFocus()
    event = QInputMethodEvent()       # what the pinyin keyboard sends when a word is chosen
    event.setCommitString(text, -len(inputs[0].property("text")), len(inputs[0].property("text")))
    QCoreApplication.sendEvent(kiosk.window, event)
    settle(kiosk.app, 2)
    assert inputs[0].property("text") == text


def type_keys(kiosk, digits: str) -> None:
    for _ in kiosk.form.property("draft"):
        tap(kiosk, "key_back")
    for char in digits:
        tap(kiosk, "key_dot" if char == "." else f"key_{char}")


def identify_by_hand(kiosk, name: str, id_number: str) -> None:
    tap(kiosk, "manualButton")
    type_text(kiosk, "nameField", name)
    tap(kiosk, "idField")
    keys = find(kiosk, "keypad").childItems()      # 1-9, X, 0, 删除 in reading order
    for char in id_number:
        tap(kiosk, keys[{"X": 9, "0": 10}.get(char, int(char) - 1 if char.isdigit() else 0)])
    tap(kiosk, "confirmButton")
    assert kiosk.shell.property("screen") == "identified"


def set_date(kiosk, target: str) -> None:
    want = date.fromisoformat(target)
    form = kiosk.form
    while form.property("year") != want.year:
        gap = want.year - form.property("year")
        step = 10 if abs(gap) >= 10 else 1
        tap(kiosk, f"yearPlus{step}" if gap > 0 else f"yearMinus{step}")
    while form.property("month") != want.month:
        tap(kiosk, "monthPlus1" if want.month > form.property("month") else "monthMinus1")
    while form.property("day") != want.day:
        tap(kiosk, "dayPlus1" if want.day > form.property("day") else "dayMinus1")
    assert find(kiosk, "dateValue").property("text") == f"{want.year} 年 {want.month} 月 {want.day} 日"


def answer_current(kiosk, answers: dict) -> str:
    """Answer the question on screen by touch; returns its field id."""
    form = kiosk.form
    field_id, kind = form.property("fieldId"), form.property("fieldType")
    value = answers.get(field_id)
    if form.property("prefilled"):
        field = kiosk.journey.form.bundle.fields[field_id]
        if value is None or form.property("valueText") == fieldtypes.display(
                field, fieldtypes.normalise(field, value, kiosk.journey.form.today)[0]):
            tap(kiosk, "confirmPrefilledButton")
            return field_id
        tap(kiosk, "editPrefilledButton")
    if kind == "consent":               # 我已阅读并同意 is the one way on (no 下一题 beside it)
        assert not find(kiosk, "nextButton").isVisible()
        tap(kiosk, "agreeButton")
        return field_id
    if kind in ("choice", "relation") and value is not None:
        tap(kiosk, f"option_{value}")
    elif kind == "yes_no" and value is not None:
        tap(kiosk, "option_yes" if value else "option_no")
    elif kind == "multi_choice":
        for option in value or []:
            tap(kiosk, f"option_{option}")
    elif kind in ("text", "name") and value is not None:
        type_text(kiosk, "answerField", str(value))
    elif kind in ("number", "money", "id_number", "phone", "bank_account") and value is not None:
        type_keys(kiosk, str(value))
    elif kind == "date" and value is not None:
        set_date(kiosk, value)
    elif kind == "address":
        address = value if isinstance(value, dict) else FALLBACK_ADDRESS
        tap(kiosk, f"addr_{address['city']}")
        tap(kiosk, f"addr_{address['county']}")
        type_text(kiosk, "addressDetailField", address["detail"])
    tap(kiosk, "nextButton")
    return field_id


def answer_everything(kiosk, bundle_id: str) -> list[str]:
    sample = example(bundle_id)
    person = sample["applicant"]
    identify_by_hand(kiosk, person["name"], person["id_number"])
    tap(kiosk, "startButton")
    assert kiosk.shell.property("screen") == "choose_bundle"
    tap(kiosk, f"bundle_{bundle_id}")
    pass_credit_notice(kiosk)                   # 逢办必查, where the bundle has a credit-checked item
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert find(kiosk, "introTitle").property("text") == kiosk.journey.bundle.name
    tap(kiosk, "startFormButton")
    assert kiosk.shell.property("screen") == "question"
    seen: list[str] = []
    while kiosk.shell.property("screen") == "question":
        assert find(kiosk, "questionPosition").property("text").startswith(
            f"第 {kiosk.form.property('number')} 题")
        assert len(kiosk.form.property("segments")) == len(kiosk.journey.bundle.fields)
        field_id = answer_current(kiosk, sample["answers"])
        still_here = (kiosk.shell.property("screen") == "question"
                      and kiosk.form.property("fieldId") == field_id)
        assert not still_here, f"{field_id}: {kiosk.form.property('error')}"
        seen.append(field_id)
        assert len(seen) < 60
    if kiosk.shell.property("screen") == "materials":   # the materials step is tested on its own
        kiosk.shell.jump("review")
    assert kiosk.shell.property("screen") == "review"
    form = kiosk.journey.form
    assert set(seen) == {f.id for f in form.visible_fields()}
    assert not {k: v for k, v in form.errors().items()
                if form.bundle.fields[k].type not in ("scan", "signature")}
    for field_id, value in sample["answers"].items():
        if field_id in form.answers() and form.bundle.fields[field_id].type not in ("address",):
            expected, _ = fieldtypes.normalise(form.bundle.fields[field_id], value, form.today)
            assert form.answers()[field_id] == expected, field_id
    return seen


@pytest.mark.slow
def test_newborn_by_touch_with_review_change_and_hidden_questions(make_kiosk):
    kiosk = make_kiosk()
    answer_everything(kiosk, "newborn")

    # 修改 an earlier answer: the phone. A wrong number first: the error is in plain Chinese.
    tap(kiosk, "change_applicant_phone")
    assert kiosk.shell.property("screen") == "question"
    assert kiosk.form.property("fieldId") == "applicant_phone"
    type_keys(kiosk, "1390")
    tap(kiosk, "nextButton")
    error = find(kiosk, "questionErrorText").property("text")
    assert error and all("\u4e00" <= c <= "\u9fff" or not c.isalpha() for c in error), error
    assert kiosk.form.property("fieldId") == "applicant_phone"
    type_keys(kiosk, "13912345678")
    tap(kiosk, "backToReviewButton")
    assert kiosk.shell.property("screen") == "review"
    assert find(kiosk, "answer_applicant_phone").property("text") == "13912345678"

    # An answer that reveals a question, then hides it again.
    assert find_item(kiosk, "change_birth_certificate_number") is None
    tap(kiosk, "change_has_birth_certificate")
    count = kiosk.form.property("count")
    tap(kiosk, "option_yes")
    assert kiosk.form.property("count") == count + 1
    tap(kiosk, "nextButton")
    assert kiosk.form.property("fieldId") == "birth_certificate_number"
    tap(kiosk, "backToReviewButton")
    assert find_item(kiosk, "change_birth_certificate_number") is not None
    tap(kiosk, "change_has_birth_certificate")
    tap(kiosk, "option_no")
    assert kiosk.form.property("count") == count
    tap(kiosk, "backToReviewButton")
    assert find_item(kiosk, "change_birth_certificate_number") is None

    # 朗读 on a question reads that question.
    tap(kiosk, "change_baby_name")
    kiosk.voice.last_text = ""
    tap(kiosk, "speakButton")
    assert "新生儿姓名" in kiosk.voice.last_text or kiosk.form.property("label") in kiosk.voice.last_text
    tap(kiosk, "backToReviewButton")

    # The wipe: nothing the resident entered stays in the QML tree.
    baby = example("newborn")["answers"]["baby_name"]
    assert baby in strings_in_tree(kiosk)
    tap(kiosk, "confirmButton") if False else kiosk.shell.home()
    settle(kiosk.app, 3)
    texts = strings_in_tree(kiosk)
    for secret in (baby, "13912345678", "王丽", "210103199203154523", "李明"):
        assert not [t for t in texts if secret in t], secret
    assert kiosk.form.property("review") == [] and kiosk.journey.form is None


@pytest.mark.slow
def test_retirement_by_touch(make_kiosk):
    kiosk = make_kiosk(station_id=station_serving("retirement"))
    seen = answer_everything(kiosk, "retirement")
    assert "retirement_date" in seen and "insured_years" in seen
    tap(kiosk, "reviewConfirmButton")
    assert kiosk.shell.property("screen") != "review" or kiosk.form.property("reviewErrorsShown")


@pytest.mark.slow
def test_sole_proprietor_money_multi_choice_scan_and_signature(make_kiosk):
    kiosk = make_kiosk()
    seen = answer_everything(kiosk, "sole_proprietor")
    assert {"business_scope", "capital", "premises_photo", "operator_signature"} <= set(seen)
    form = kiosk.journey.form
    assert "premises_photo" not in form.answers() and "operator_signature" not in form.answers()


def test_search_by_pinyin_initials(make_kiosk):
    kiosk = make_kiosk()
    identify_by_hand(kiosk, "刘淑芬", "210213196606112824")
    tap(kiosk, "startButton")
    type_text(kiosk, "bundleSearch", "txyj")
    assert kiosk.bundles.ids() == ["retirement"]
    assert find(kiosk, "bundle_retirement").isVisible()
    tap(kiosk, "clearSearchButton")
    assert len(kiosk.bundles.ids()) == len(kiosk.journey.catalogue.bundles) >= 20


WIDGET_CASES = [  # (bundle, question) covering every input widget of the question screen
    ("newborn", "applicant_name"),      # prefilled, confirmed or changed
    ("newborn", "applicant_phone"),     # number pad
    ("newborn", "baby_birth_date"),     # date steppers
    ("newborn", "hukou_address"),       # address cascade
    ("newborn", "hospital_name"),       # pinyin text
    ("sole_proprietor", "business_scope"),  # multi choice
    ("sole_proprietor", "capital"),     # money pad with the decimal point
    ("sole_proprietor", "premises_photo"),  # taken later
    ("newborn", "truth_consent"),       # consent
]


@pytest.mark.parametrize(("size", "large"), [((1080, 1920), False), ((1920, 1080), False),
                                             ((1080, 1920), True)], ids=["portrait", "landscape", "large"])
@pytest.mark.parametrize(("bundle_id", "field_id"), WIDGET_CASES, ids=[f for _, f in WIDGET_CASES])
def test_every_input_widget_meets_the_elderly_friendly_rules(make_kiosk, bundle_id, field_id, size, large):
    from tests.ui.test_accessibility import _problems

    kiosk = make_kiosk(size=size, large_text=large)
    sample = example(bundle_id)
    person = sample["applicant"]
    identify_by_hand_quickly(kiosk, person)
    kiosk.bundles.choose(bundle_id)
    pass_credit_notice(kiosk)
    form = kiosk.journey.form
    for key, value in sample["answers"].items():
        form.answer(key, value)
    form.goto(field_id)
    kiosk.form.load()
    kiosk.form.start()
    if field_id == "applicant_phone":                    # with an error showing
        kiosk.form.key("clear")
        kiosk.form.key("1")
        kiosk.form.next()
        assert kiosk.form.property("error")
    settle(kiosk.app)
    assert kiosk.form.property("fieldId") == field_id
    problems = _problems(kiosk, large, check_targets=size == (1080, 1920))
    assert not problems, f"{field_id}:\n" + "\n".join(problems)


def identify_by_hand_quickly(kiosk, person: dict) -> None:
    """As identify_by_hand, through the view-models (the taps are tested above)."""
    kiosk.shell.jump("identify_manual")
    kiosk.identify.setProperty("name", person["name"])
    for char in person["id_number"]:
        kiosk.identify.keypad(char)
    assert kiosk.identify.submit()
    kiosk.shell.forward()


def test_tiles_keep_the_catalogue_order_and_initials_search(qapp):
    from forms import load_catalogue
    from kiosk.ui.viewmodels.bundles import BundleListModel, pinyin_initials

    catalogue = load_catalogue()
    uses = {"sole_proprietor": 9, "senior_allowance": 4}
    chosen = []
    model = BundleListModel(catalogue, chosen.append, usage_count=lambda b: uses.get(b, 0))
    assert model.ids() == [b.id for b in catalogue.bundles]      # used or not: nothing moves
    assert model.popular_ids() == ["senior_allowance", "sole_proprietor"]   # only marked 常办
    assert pinyin_initials("退休一件事") == "txyjs"
    model.setProperty("query", "gtgsh")                   # 个体工商户
    assert model.ids() == ["sole_proprietor", "restaurant"]      # 开办餐饮店 registers one too
    model.setProperty("query", "养老")                    # Chinese words, also in item names
    assert set(model.ids()) >= {"retirement", "resident_pension"}
    model.setProperty("query", "zzzz")
    assert model.ids() == [] and "zzzz" in model.property("emptyText")
    model.choose("newborn")
    assert chosen == ["newborn"]
    model.wipe()
    assert model.property("query") == "" and len(model.ids()) == len(catalogue.bundles)
