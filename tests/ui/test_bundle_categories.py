"""按类别 on 选择要办的事: a band of category chips above the 22 tiles. The view-model filters, counts
and orders (search looks across every category); a resident taps a chip, then a tile, with real
clicks; switching chips moves nothing under a finger; the chips are big enough for older hands in
every window and text size; and the next resident always starts at 全部 (返回, 首页, timeout)."""

from __future__ import annotations

import pytest

from forms import load_catalogue
from forms.catalogue import CATEGORY_NAMES
from kiosk.ui.navigation import SCREENS
from kiosk.ui.screenshots import settle, show_screen
from tests.ui.test_form_flow import find, identify_by_hand_quickly, tap
from tests.ui.test_layout_stability import places, press

SIZES = [
    pytest.param((1080, 1920), False, id="portrait"),
    pytest.param((1920, 1080), False, id="landscape"),
    pytest.param((1080, 1920), True, id="portrait-large"),
    pytest.param((1920, 1080), True, id="landscape-large"),
]
PERSON = {"name": "刘淑芬", "id_number": "210213196606112824"}


def _model(uses: dict[str, int] | None = None, said: list[str] | None = None):  # noqa: ANN202
    from kiosk.ui.viewmodels.bundles import BundleListModel

    uses = uses or {}
    return BundleListModel(load_catalogue(), lambda _bundle_id: None, usage_count=lambda b: uses.get(b, 0),
                           say=(said.append if said is not None else None))


def test_a_category_shows_its_bundles_in_catalogue_order_and_counts_add_up(qapp):
    catalogue = load_catalogue()
    said: list[str] = []
    model = _model({"senior_card": 5, "retirement": 2}, said)
    chips = model.property("categories")
    assert [c["name"] for c in chips] == ["全部", *CATEGORY_NAMES.values()]     # fixed order, 全部 first
    assert chips[0] == {"code": "", "name": "全部", "count": 22, "chosen": True}
    assert sum(c["count"] for c in chips[1:]) == len(catalogue.bundles)

    model.chooseCategory("elderly")
    expected = [b.id for b in catalogue.bundles if b.category == "elderly"]
    assert model.ids() == expected                   # the catalogue's order, however much used
    assert model.property("count") == len(expected)
    assert [c["code"] for c in model.property("categories") if c["chosen"]] == ["elderly"]
    assert said[-1] == f"养老敬老，共 {len(expected)} 件事。"

    model.chooseCategory("")                                                   # 全部: as before
    assert model.ids() == [b.id for b in catalogue.bundles]
    assert said[-1] == "全部，共 22 件事。"
    model.chooseCategory("no_such_category")                                  # nothing happens
    assert model.property("category") == "" and len(model.ids()) == 22


def test_search_looks_across_every_category_and_the_band_shows_all_meanwhile(qapp):
    model = _model()
    model.chooseCategory("business")
    assert set(model.ids()) == {"sole_proprietor", "restaurant"}
    model.setProperty("query", "txyjs")                       # 退休一件事 is under 养老敬老
    assert model.ids() == ["retirement"]
    assert model.property("category") == ""
    assert [c["code"] for c in model.property("categories") if c["chosen"]] == [""]
    model.setProperty("query", "养老")                        # Chinese words, too
    assert {"retirement", "resident_pension"} <= set(model.ids())
    model.clearQuery()                                        # the search put away: the chip again
    assert model.property("category") == "business" and set(model.ids()) == {"sole_proprietor", "restaurant"}
    model.setProperty("query", "txyjs")
    model.chooseCategory("housing")                           # a chip tapped ends the search
    assert model.property("query") == "" and set(model.ids()) == {"homestead", "house_transfer"}


def test_the_session_end_puts_the_band_back_to_all(qapp):
    model = _model()
    model.chooseCategory("assistance")
    model.setProperty("query", "ls")
    model.wipe()
    assert model.property("query") == "" and model.property("category") == ""
    assert len(model.ids()) == 22


def test_a_resident_taps_a_category_then_a_bundle(make_kiosk):
    kiosk = make_kiosk()
    identify_by_hand_quickly(kiosk, PERSON)
    assert kiosk.shell.property("screen") == "choose_bundle"
    assert "类别" in SCREENS["choose_bundle"].prompt and "身后事" in SCREENS["choose_bundle"].prompt
    grid = find(kiosk, "bundle_newborn")
    while not grid.inherits("QQuickFlickable"):               # the list the tiles scroll in
        grid = grid.parentItem()
    grid.setProperty("contentY", 600.0)                       # scrolled down among all 22 …
    settle(kiosk.app, 2)
    tap(kiosk, "category_elderly")                            # … a chip: its tiles, from the top
    assert grid.property("contentY") == 0
    assert kiosk.voice.last_text == "养老敬老，共 4 件事。"
    shown = {i.objectName() for i in _descendants(grid) if i.objectName().startswith("bundle_")}
    assert shown == {f"bundle_{b}" for b in
                     ("retirement", "resident_pension", "senior_allowance", "senior_card")}
    tap(kiosk, "bundle_senior_card")
    assert kiosk.shell.property("screen") == "bundle_intro"
    assert kiosk.journey.bundle.id == "senior_card"
    kiosk.shell.back()                                        # back to the list: the same category
    settle(kiosk.app)
    assert kiosk.bundles.property("category") == "elderly"
    kiosk.shell.back()                                        # 返回 off the screen: 全部 next time
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "identified"
    assert kiosk.bundles.property("category") == "" and len(kiosk.bundles.ids()) == 22


@pytest.mark.parametrize("leave", ["home", "timeout"])
def test_home_and_the_idle_timeout_reset_the_category(make_kiosk, leave):
    kiosk = make_kiosk()
    identify_by_hand_quickly(kiosk, PERSON)
    tap(kiosk, "category_after_death")
    assert kiosk.bundles.ids() == ["after_death"]
    if leave == "home":
        kiosk.shell.home()
    else:
        kiosk.session.note_input()
        kiosk.clock.advance(kiosk.session.idle_timeout_s + 1)
        kiosk.session.tick()
        kiosk.clock.advance(kiosk.session.warning_s + 1)
        kiosk.session.tick()
    settle(kiosk.app)
    assert kiosk.shell.property("screen") == "attract"
    assert kiosk.bundles.property("category") == "" and len(kiosk.bundles.ids()) == 22


@pytest.mark.parametrize(("size", "large"), SIZES)
def test_switching_categories_moves_nothing_under_a_finger(make_kiosk, size, large):
    """The chips, the search box and 清空 stay where they were whichever chip is chosen, and the band
    keeps its height: only the tiles below change."""
    kiosk = make_kiosk(size=size, large_text=large)
    show_screen(kiosk, "choose_bundle")
    settle(kiosk.app)
    band = find(kiosk, "categoryBand")
    assert band.isVisible()
    height = band.height()
    chips = [f"category_{code or 'all'}" for code in ("", *CATEGORY_NAMES)]
    before = places(kiosk)
    assert set(chips) <= set(before), sorted(before)
    fixed = [*chips, *(n for n in ("bundleSearch", "handwritingButton") if n in before)]
    for name in (*chips[1:], chips[0]):
        press(kiosk, name)                                     # a real press at the drawn centre
        assert kiosk.bundles.property("category") == name.removeprefix("category_").replace("all", "")
        after = places(kiosk)
        moved = {n: (before[n], after[n]) for n in fixed if before[n] != after[n]}
        assert not moved, f"moved under the finger after {name}: {moved}"
        assert band.height() == height


@pytest.mark.parametrize(("size", "large"), SIZES)
def test_the_chips_are_big_legible_and_never_cut(make_kiosk, size, large):
    kiosk = make_kiosk(size=size, large_text=large)
    show_screen(kiosk, "choose_bundle:category")
    settle(kiosk.app)
    window = kiosk.window
    for code in ("", *CATEGORY_NAMES):
        chip = find(kiosk, f"category_{code or 'all'}")
        assert chip.height() >= 112 and chip.width() >= 112, (code, chip.width(), chip.height())
        rect = chip.mapRectToScene(chip.boundingRect())
        assert rect.left() >= 0 and rect.right() <= window.width() and rect.bottom() <= window.height()
        texts = [t for t in _descendants(chip) if t.inherits("QQuickText")]
        assert texts
        for text in texts:
            assert text.property("font").pixelSize() >= (32 if large else 24)
            assert text.property("implicitWidth") <= text.width() + 0.5, (code, text.property("text"))
            assert text.property("contentHeight") <= chip.height()
    chosen = find(kiosk, "category_elderly")
    plain = find(kiosk, "category_housing")
    assert "✓" in " ".join(t.property("text") for t in _descendants(chosen) if t.inherits("QQuickText"))
    assert "✓" not in " ".join(t.property("text") for t in _descendants(plain) if t.inherits("QQuickText"))
    assert chosen.property("frame") > plain.property("frame")
    # the tiles below still show under the band: at least half a tile's height of the grid
    band = find(kiosk, "categoryBand")
    tile = find(kiosk, "bundle_retirement")
    band_bottom = band.mapRectToScene(band.boundingRect()).bottom()
    assert window.height() - band_bottom >= tile.height() / 2


def _descendants(item):  # noqa: ANN001, ANN202
    for child in item.childItems():
        yield child
        yield from _descendants(child)
