"""Typing Chinese by pinyin, as a resident does it: letters on Qt Virtual Keyboard, then a big
character from our own strip above it (issue 14, item 7), and the bundle search by initials typed
on the keyboard — not handed over as a ready-made commit string, which is how the old tests passed
while the hint "输入拼音首字母，如 txyj" did nothing on a real keyboard.
"""

from __future__ import annotations

import pytest

from kiosk.ui.exerciser.touch import controls, press_at
from kiosk.ui.screenshots import settle
from tests.ui.test_form_flow import find, identify_by_hand, tap


@pytest.fixture(autouse=True)
def pinyin_user_dictionary(tmp_path, monkeypatch):
    """As in the form tests: the keyboard's first-use note about its user dictionary."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def key(kiosk, letter: str):
    found = [c for c in controls(kiosk.window) if c.kind == "vkb" and c.label == letter]
    assert found, f"no key {letter!r} on the keyboard"
    return found[0]


def type_on_keyboard(kiosk, letters: str) -> None:
    """Each letter a real press on the virtual keyboard's key."""
    for letter in letters:
        press_at(kiosk.window, key(kiosk, letter).rect.center())
        settle(kiosk.app, 2)


def candidates(kiosk, qtbot, first: str | None = None) -> list:
    if first is not None:
        qtbot.waitUntil(lambda: kiosk.pinyin.property("candidates")[:1] == [first], timeout=10_000)
    settle(kiosk.app, 2)
    strip = find(kiosk, "pinyinStrip")
    assert strip.isVisible()
    return sorted((c for c in controls(kiosk.window) if c.key[0].startswith("pinyinCandidate_")),
                  key=lambda c: c.rect.x())


def test_a_name_typed_by_pinyin_from_big_candidates(make_kiosk, qtbot):
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    name_box = [c for c in controls(kiosk.window) if c.kind == "text" and c.key[0] == "nameField"][0]
    press_at(kiosk.window, name_box.rect.center())
    settle(kiosk.app)
    type_on_keyboard(kiosk, "wang")
    shown = candidates(kiosk, qtbot, first="王")          # a surname first: 王 for wang
    assert shown[0].label == "王"
    assert all(c.rect.height() >= 48 and c.rect.width() >= 48 for c in shown)
    press_at(kiosk.window, shown[0].rect.center())
    settle(kiosk.app)
    assert kiosk.identify.property("name") == "王"
    type_on_keyboard(kiosk, "zhe")
    shown = candidates(kiosk, qtbot, first="喆")          # then name characters: 喆 before 这
    press_at(kiosk.window, shown[0].rect.center())
    settle(kiosk.app)
    assert kiosk.identify.property("name") == "王喆"


def test_large_text_enlarges_the_candidates(make_kiosk, qtbot):
    kiosk = make_kiosk()
    tap(kiosk, "manualButton")
    name_box = [c for c in controls(kiosk.window) if c.kind == "text" and c.key[0] == "nameField"][0]
    press_at(kiosk.window, name_box.rect.center())
    settle(kiosk.app)
    type_on_keyboard(kiosk, "li")
    normal = candidates(kiosk, qtbot, first="李")[0].rect.height()
    large_button = [c for c in controls(kiosk.window) if c.key[0] == "largeTextButton"][0]
    press_at(kiosk.window, large_button.rect.center())
    settle(kiosk.app)
    large = candidates(kiosk, qtbot)[0].rect.height()
    assert normal >= 48 and large >= 60 and large > normal


def test_the_search_hint_works_as_written_on_the_keyboard(make_kiosk):
    """"输入拼音首字母，如 txyj": t, x, y, j pressed on the keyboard find 退休一件事."""
    kiosk = make_kiosk()
    identify_by_hand(kiosk, "刘淑芬", "210213196606112824")
    tap(kiosk, "startButton")
    box = [c for c in controls(kiosk.window) if c.kind == "text" and c.key[0] == "bundleSearch"][0]
    press_at(kiosk.window, box.rect.center())
    settle(kiosk.app)
    type_on_keyboard(kiosk, "txyj")
    assert kiosk.bundles.property("query") == "txyj"
    assert kiosk.bundles.ids() == ["retirement"]
    assert not find(kiosk, "pinyinStrip").isVisible()      # letters are the search here
    for letters in ("tuixiu", "shhgl"):     # whole syllables; an item inside (社会化管理服务登记)
        kiosk.bundles.setProperty("query", letters)
        assert kiosk.bundles.ids() == ["retirement"], letters


@pytest.mark.parametrize("large", [False, True])
def test_li_sheng_miao_by_pinyin_in_normal_and_large_text(make_kiosk, qtbot, large):
    """Issue 16's name, 李昇淼 (昇 and 淼 are rare in everyday text, common in names), typed letter
    by letter on the keyboard and chosen from the strip's first page."""
    kiosk = make_kiosk(large_text=large)
    tap(kiosk, "manualButton")
    name_box = [c for c in controls(kiosk.window) if c.kind == "text" and c.key[0] == "nameField"][0]
    press_at(kiosk.window, name_box.rect.center())
    settle(kiosk.app)
    for letters, wanted in (("li", "李"), ("sheng", "昇"), ("miao", "淼")):
        type_on_keyboard(kiosk, letters)
        qtbot.waitUntil(lambda w=wanted: w in kiosk.pinyin.property("candidates"), timeout=10_000)
        shown = {c.label: c for c in candidates(kiosk, qtbot)}
        assert wanted in shown, f"{wanted} not on the strip for {letters}: {list(shown)}"
        assert shown[wanted].rect.height() >= (60 if large else 48)
        press_at(kiosk.window, shown[wanted].rect.center())
        settle(kiosk.app)
    assert kiosk.identify.property("name") == "李昇淼"
