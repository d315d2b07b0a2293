"""Nothing moves under a finger (issue 14, items 2 and 8): an error, a note or a list of reasons
appearing or going away leaves the number pad and the buttons where they were — the newcomer's
taps on 删除 on 查进度 hit nothing 17 times out of 18 because each error pushed the pad down a key
row — and the "more below" cue lies under the list, never over what it shows.

Positions are read from the live window (kiosk.ui.exerciser.touch: what a finger can reach, where it
is drawn), every press a real click at a control's centre.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from kiosk.ui.exerciser.touch import controls, press_at, receiver_at, scene_rect
from kiosk.ui.screenshots import complete_sample_application, settle
from tests.ui.test_form_flow import find, identify_by_hand, tap, type_text


def places(kiosk) -> dict[str, QRectF]:
    """Each named control's rectangle on the screen (keys by their name: key_1 … key_back)."""
    found: dict[str, QRectF] = {}
    for control in controls(kiosk.window):
        if control.key[0] and control.kind != "vkb":
            found.setdefault(control.key[0], control.rect)
    return found


def press(kiosk, name: str) -> None:
    """A finger on the control's centre, as it is drawn now; the press must reach it."""
    rect = places(kiosk)[name]
    target = receiver_at(kiosk.window.contentItem(), rect.center())
    assert target is not None, f"{name}: nothing under the finger"
    press_at(kiosk.window, rect.center())
    settle(kiosk.app, 2)


def assert_still(before: dict[str, QRectF], after: dict[str, QRectF], names) -> None:
    moved = {n: (before[n].y(), after[n].y()) for n in names if before[n] != after[n]}
    assert not moved, f"moved under the finger: {moved}"


def test_an_id_number_error_moves_no_key_and_every_delete_lands(make_kiosk):
    kiosk = make_kiosk()
    tap(kiosk, "lookupButton")                      # 查进度: identify by hand
    for char in "11010519491231002":
        press(kiosk, f"key_{char}")
    press(kiosk, "key_1")                           # a wrong check digit
    before = places(kiosk)
    press(kiosk, "confirmButton")
    assert kiosk.identify.property("idError")       # the error is shown …
    assert find(kiosk, "identifyErrors").isVisible()
    after = places(kiosk)
    assert_still(before, after, [n for n in before if n.startswith("key_")] + ["confirmButton"])
    for n in range(18):                             # … and 删除 is where the finger expects it
        press(kiosk, "key_back")
        assert len(kiosk.identify.property("idNumber")) == 17 - n
    assert_still(before, places(kiosk), ["key_back", "key_1", "confirmButton"])


@pytest.mark.parametrize("large", [False, True])
def test_scrolled_down_to_read_the_error_the_keys_stay_when_it_goes(make_kiosk, large):
    """The walk: scrolled down to read the problem under 确定, the resident pressed 删除 and the
    right digit; the problem went, the page was suddenly shorter and jumped back — the next 7
    landed on 4, and 确定 on 清空."""
    kiosk = make_kiosk(large_text=large)
    tap(kiosk, "lookupButton")
    for char in "110105194912310021":
        press(kiosk, f"key_{char}")
    press(kiosk, "key_back")
    press(kiosk, "key_2")                           # a wrong check digit
    press(kiosk, "confirmButton")
    assert kiosk.identify.property("idError")
    flick = find(kiosk, "keypad").parentItem()
    while flick is not None and not flick.inherits("QQuickFlickable"):
        flick = flick.parentItem()
    flick.setProperty("contentY", max(0.0, flick.property("contentHeight") - flick.height()))
    settle(kiosk.app)
    before = places(kiosk)
    press(kiosk, "key_back")
    press(kiosk, "key_1")                           # put right: the problem goes at once
    assert not kiosk.identify.property("idError")
    assert_still(before, places(kiosk), ["key_back", "key_1", "key_7", "confirmButton"])


def test_a_question_error_moves_neither_the_pad_nor_next(make_kiosk):
    kiosk = make_kiosk()
    identify_by_hand(kiosk, "刘淑芬", "210213196606112824")
    tap(kiosk, "startButton")
    tap(kiosk, "bundle_newborn")
    tap(kiosk, "startFormButton")
    while kiosk.form.property("fieldType") != "phone":
        tap(kiosk, "confirmPrefilledButton" if kiosk.form.property("prefilled") else "option_father")
        if kiosk.form.property("fieldType") not in ("phone",) and not kiosk.form.property("prefilled"):
            tap(kiosk, "nextButton")
    for char in "1390":
        press(kiosk, f"key_{char}")
    before = places(kiosk)
    press(kiosk, "nextButton")                      # too short: the error comes …
    assert kiosk.form.property("error")
    assert_still(before, places(kiosk), ["nextButton", "previousButton", "key_clear", "key_1"])
    press(kiosk, "key_clear")                       # … and goes
    assert not kiosk.form.property("error")
    assert_still(before, places(kiosk), ["nextButton", "previousButton", "key_clear", "key_1"])


def test_a_missing_signature_does_not_move_confirm(make_kiosk):
    kiosk = make_kiosk()
    complete_sample_application(kiosk)
    kiosk.shell.jump("sign")
    settle(kiosk.app)
    kiosk.journey.signature_png = None
    before = places(kiosk)
    press(kiosk, "confirmSignature")               # nothing drawn yet: the error comes
    assert kiosk.signature.property("error")
    assert_still(before, places(kiosk), ["confirmSignature", "clearSignature"])


def test_reasons_and_ticks_on_the_rating_move_nothing(make_kiosk):
    from kiosk.ui.screenshots import show_screen

    kiosk = make_kiosk()
    show_screen(kiosk, "rating")                    # saved, on 好差评 (with 不满意 chosen)
    settle(kiosk.app)
    press(kiosk, "rate5")                           # 非常满意: no reasons asked
    before = places(kiosk)
    press(kiosk, "rate2")                           # 不满意: the reasons appear
    assert find(kiosk, "reason_等待时间长").isVisible()
    assert_still(before, places(kiosk), ["rate5", "rate3", "rate1", "submitRatingButton", "skipRatingButton"])
    chips = places(kiosk)
    press(kiosk, "reason_等待时间长")               # a ✓ on one chip moves no other
    assert_still(chips, places(kiosk), [n for n in chips if n.startswith("reason_")])


def test_calling_staff_moves_no_button_and_says_so_each_time(make_kiosk):
    kiosk = make_kiosk()
    press(kiosk, "helpButton")
    before = places(kiosk)
    said = []
    for _ in range(3):
        press(kiosk, "callStaffButton")
        said.append(find(kiosk, "staffCalledText").property("text"))
    assert_still(before, places(kiosk), ["callStaffButton", "closeHelpButton"])
    assert len(set(said)) == 3                      # every press is answered, not only the first


@pytest.mark.parametrize(("size", "large"), [((1080, 1920), True), ((1920, 1080), True)])
def test_the_more_below_cue_lies_under_the_list_never_over_it(make_kiosk, size, large):
    """The pill floated over the content: a bundle's title, a material's note, the U 盘 message,
    改为扫码. Now a band below the list: nothing the list draws reaches under it."""
    kiosk = make_kiosk(size=size, large_text=large)
    from kiosk.ui.screenshots import show_screen

    checked = 0
    for screen_id in ("identify_manual", "choose_bundle", "bundle_intro", "materials"):
        show_screen(kiosk, screen_id)
        settle(kiosk.app)
        cues = [c for c in controls(kiosk.window) if c.key[0] == "scrollCue"]
        if not cues:
            continue
        band = cues[0].rect
        flick = _flickable_above(cues[0].item)
        assert scene_rect(flick).bottom() <= band.top() + 0.5, screen_id
        checked += 1
    assert checked >= 2


def _flickable_above(cue_area):  # noqa: ANN001, ANN202
    """The list the cue belongs to: the Flickable beside the band."""
    band = cue_area.parentItem()
    for sibling in band.parentItem().childItems():
        if sibling.inherits("QQuickFlickable"):
            return sibling
    raise AssertionError("no list beside the cue")


def test_typing_a_name_leaves_the_keypad_where_it_was(make_kiosk):
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    type_text(kiosk, "nameField", "王1")
    press(kiosk, "confirmButton")                   # a digit in a name: an error under the name
    assert kiosk.identify.property("nameError")
    before = places(kiosk)
    type_text(kiosk, "nameField", "王喆")           # put right, the error goes: nothing moves
    assert not kiosk.identify.property("nameError")
    assert_still(before, places(kiosk), ["confirmButton", "scanInsteadButton", "idField"])
