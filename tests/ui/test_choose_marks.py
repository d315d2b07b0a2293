"""立等可取 on 选择要办的事 (the walk's w101, w102: the word never appeared): a tile whose bundle can be
decided while the resident waits carries the mark in words, big and readable in both text sizes,
and says it in its spoken name; the rule is the wait's own (`may_finish_at_once` on
`all_immediate`), not a second one in the screen."""

from __future__ import annotations

import pytest

from forms import load_catalogue
from kiosk.station.instant import all_immediate, may_finish_at_once
from kiosk.ui.screenshots import settle, show_screen
from tests.ui.test_bundle_categories import SIZES, _descendants
from tests.ui.test_form_flow import find


def test_the_rule_is_the_waits_own_on_the_smallest_application():
    bundles = {b.id: b for b in load_catalogue().bundles}
    # 参保登记 (即办) always possible alone; 待遇领取 (承诺件) only for those over 60
    assert may_finish_at_once(bundles["resident_pension"].items)
    # 退休一件事: its first item is a 承诺件 for everyone
    assert not may_finish_at_once(bundles["retirement"].items)
    # nothing 即办 at all
    assert not may_finish_at_once(bundles["senior_allowance"].items)
    for bundle in bundles.values():        # a bundle that is all 即办 is always marked
        if all_immediate([i.kind for i in bundle.items]):
            assert may_finish_at_once(bundle.items)


def _texts(item) -> list:  # noqa: ANN001
    return [t for t in _descendants(item) if t.inherits("QQuickText") and t.isVisible()]


@pytest.mark.parametrize(("size", "large"), SIZES)
def test_instant_tiles_say_so_in_big_words(make_kiosk, size, large):
    kiosk = make_kiosk(size=size, large_text=large)
    show_screen(kiosk, "choose_bundle")
    settle(kiosk.app)
    catalogue = load_catalogue()
    marked = {b.id for b in catalogue.bundles if may_finish_at_once(b.items)}
    assert marked and len(marked) < len(catalogue.bundles)
    for bundle in catalogue.bundles:
        tile = find(kiosk, f"bundle_{bundle.id}")
        badge = next(i for i in _descendants(tile) if i.objectName() == "instantBadge")
        spoken = tile.property("spoken")
        if bundle.id not in marked:
            assert not badge.isVisible() and "立等可取" not in spoken
            continue
        assert badge.isVisible(), bundle.id
        assert "立等可取" in spoken and spoken.startswith(bundle.name)
        (label,) = _texts(badge)
        assert label.property("text") == "立等可取"
        assert label.property("font").pixelSize() >= (32 if large else 24)
        assert label.property("implicitWidth") <= badge.width()          # never cut
        # on the tile, clear of the tile's edges
        inner = badge.mapRectToItem(tile, badge.boundingRect())
        assert inner.left() >= 0 and inner.right() <= tile.width() and inner.top() >= 0
