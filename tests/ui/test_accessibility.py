"""Every screen, walked item by item: touch targets, text sizes, contrast, a spoken prompt."""

from __future__ import annotations

import pytest

from kiosk.ui.navigation import SCREENS
from kiosk.ui.screenshots import settle, show_screen
from kiosk.ui.theme import contrast_ratio
from tests.ui.qml_tree import background_behind, describe, is_interactive, is_text, visible_items

MODES = [
    pytest.param((1080, 1920), False, id="portrait"),
    pytest.param((1920, 1080), False, id="landscape"),
    pytest.param((1080, 1920), True, id="portrait-large"),
]


def _problems(kiosk, large: bool, check_targets: bool) -> list[str]:
    window = kiosk.window
    window_colour = window.color()
    min_text = 32 if large else 24
    problems = []
    for item in visible_items(window.contentItem()):
        if check_targets and is_interactive(item) and (item.width() < 60 or item.height() < 60):
            problems.append(f"touch target {describe(item)} is {item.width():.0f}×{item.height():.0f}")
        if is_text(item):
            size = item.property("font").pixelSize()
            if size < min_text:
                problems.append(f"text {describe(item)} is {size}px (< {min_text})")
            fg = item.property("color").name()
            bg = background_behind(item, window_colour).name()
            ratio = contrast_ratio(fg, bg)
            if ratio < 4.5:
                problems.append(f"text {describe(item)} contrast {ratio:.2f} ({fg} on {bg})")
    return problems


@pytest.mark.parametrize(("size", "large"), MODES)
@pytest.mark.parametrize("screen_id", list(SCREENS))
def test_screen_meets_elderly_friendly_rules(make_kiosk, screen_id, size, large):
    kiosk = make_kiosk(size=size, large_text=large)
    show_screen(kiosk, screen_id)
    settle(kiosk.app)
    problems = _problems(kiosk, large, check_targets=size == (1080, 1920))
    assert not problems, f"{screen_id}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("size", "large"), [*MODES, pytest.param((1920, 1080), True, id="landscape-large")])
def test_a_chosen_category_meets_the_rules_too(make_kiosk, size, large):
    """选择要办的事 with 养老敬老 chosen: the filled chip's white text, the band in every window."""
    kiosk = make_kiosk(size=size, large_text=large)
    show_screen(kiosk, "choose_bundle:category")
    settle(kiosk.app)
    problems = _problems(kiosk, large, check_targets=True)
    assert not problems, "choose_bundle:category:\n" + "\n".join(problems)


@pytest.mark.parametrize("screen_id", list(SCREENS))
def test_every_screen_has_a_spoken_prompt_and_read_aloud_repeats_it(make_kiosk, screen_id):
    kiosk = make_kiosk()
    show_screen(kiosk, screen_id)
    settle(kiosk.app)
    kiosk.voice.last_text = ""
    kiosk.shell.speak()
    # A screen may add to its fixed prompt (the question screen reads the question on it).
    assert kiosk.voice.last_text.startswith(SCREENS[screen_id].prompt)
    assert len(SCREENS[screen_id].prompt) >= 8


def test_the_checker_catches_a_small_pale_target(make_kiosk):
    """The walk above must be able to fail: shrink a button and pale its text, and it reports both."""
    kiosk = make_kiosk()
    settle(kiosk.app)
    button = kiosk.window.findChild(type(kiosk.window.contentItem()), "manualButton")
    button.setProperty("implicitHeight", 40)
    button.setProperty("height", 40)
    button.setProperty("color", "#FFFFFF")
    settle(kiosk.app)
    problems = _problems(kiosk, large=False, check_targets=True)
    assert any("touch target" in p and "40" in p for p in problems)
    assert any("contrast" in p for p in problems)
