"""The 一件事 tiles on the choose-a-bundle screen, as a list model QML can show and search.

Why a list model and not a list property: the tiles are the one long list on the resident's path
and the search filters it key by key; a model lets QML keep the tiles it already made. Why pinyin:
many older residents cannot type Chinese, but can find 退 (t) 休 (x) on a letter pad, so "txyj"
finds 退休一件事 — the letters reach us because the box asks the keyboard for Latin only (Qt Virtual
Keyboard ignores "prefer Latin", and kept them as pinyin it never committed) — and the ranking is
the handwriting package's `rank_by_pinyin`: whole or partial syllables, any reading of a
polyphone, the items inside a bundle after the titles.

Why the catalogue's order and never "most used first": a returning resident remembers where 教育入学
was; a tile that moved to the top since (the walk's w03 → w82) is a tile lost, and nothing may move
under a finger. The usage count (the store's figures) only marks the few most used tiles 常办, in
their own fixed place on the tile: the mark comes and goes between sessions, the tile stays put.
A tile whose bundle can be done while the resident waits carries 立等可取 (the wait's own rule,
`kiosk.station.instant.may_finish_at_once`), in words on the tile and in what it says aloud.

Why categories (按类别): with 22 bundles the grid is five screens of scrolling. A band of chips
above it (全部, then the catalogue's categories in `forms.catalogue.CATEGORY_NAMES` order) narrows
it to a handful in one tap. The filtering, the counts and the order live here, not in QML; a search
looks across every category (the resident who types 退休 should not first have to guess its chip),
and a session's choice of chip never greets the next resident (`wipe`, and 返回 off the screen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    Property,
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)

if TYPE_CHECKING:
    from forms import Bundle, Catalogue

ICON_DIR = Path(__file__).resolve().parents[3] / "resources" / "icons"


def icon_url(icon: str) -> str:
    """The tile's picture; a catalogue may name an icon this kiosk does not have yet."""
    path = ICON_DIR / f"{icon}.svg"
    return (path if path.is_file() else ICON_DIR / "default.svg").as_uri()


@dataclass(frozen=True)
class BundleTile:
    """What one tile shows, worked out once from the catalogue."""

    id: str
    name: str
    icon: str          # file URL of the SVG
    description: str
    item_count: int
    time_text: str
    initials: str      # "txyjjs" for 退休一件事: first letters of every character's pinyin
    item_names: str
    items: tuple[str, ...] = ()
    category: str = ""  # a code of forms.catalogue.CATEGORY_NAMES; "" only under 全部
    instant: bool = False   # 立等可取: an application of it can be decided while the resident waits

    @classmethod
    def of(cls, bundle: Bundle) -> BundleTile:
        from kiosk.station.instant import all_immediate, may_finish_at_once

        kinds = [i.kind for i in bundle.items]
        instant = may_finish_at_once(bundle.items)
        promised = max((i.promised_days for i in bundle.items if i.kind != "immediate"), default=0)
        if all_immediate(kinds):
            time_text = "当场办结（即办）"
        elif instant:
            time_text = f"即办的当场办结，其余最长约 {promised} 个工作日"
        else:
            time_text = f"最长约 {promised} 个工作日办结"
        return cls(bundle.id, bundle.name, icon_url(bundle.icon), bundle.description, len(bundle.items),
                   time_text, pinyin_initials(bundle.name), "".join(i.name for i in bundle.items),
                   tuple(i.name for i in bundle.items), bundle.category, instant)

    def spoken(self, popular: bool) -> str:
        """What the tile says (screen reader, 朗读): its name, then its marks in words."""
        marks = ["立等可取，符合条件的当场办好"] if self.instant else []
        marks += ["常办"] if popular else []
        return "，".join([self.name, *marks])

    def matches(self, query: str) -> bool:
        """Chinese words in the name or an item's name, or pinyin initials of the name."""
        q = query.strip().lower().replace(" ", "")
        if not q:
            return True
        if q.isascii():
            return q in self.initials
        return q in self.name or q in self.item_names or q in self.description


def pinyin_initials(text: str) -> str:
    """'退休一件事' → 'txyjs'. Characters without pinyin (digits, letters) are kept as they are."""
    from pypinyin import Style, lazy_pinyin  # 0.2 s to import: loaded off the start-up path

    return "".join(part[:1] for part in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


ROLES = {
    Qt.ItemDataRole.UserRole + 1: "bundleId",
    Qt.ItemDataRole.UserRole + 2: "name",
    Qt.ItemDataRole.UserRole + 3: "icon",
    Qt.ItemDataRole.UserRole + 4: "description",
    Qt.ItemDataRole.UserRole + 5: "itemCount",
    Qt.ItemDataRole.UserRole + 6: "timeText",
    Qt.ItemDataRole.UserRole + 7: "instant",
    Qt.ItemDataRole.UserRole + 8: "popular",
    Qt.ItemDataRole.UserRole + 9: "spoken",
}
_ATTRS = {"bundleId": "id", "name": "name", "icon": "icon", "description": "description",
          "itemCount": "item_count", "timeText": "time_text", "instant": "instant"}
POPULAR_COUNT = 3       # how many tiles may be marked 常办: a mark on every tile would mark none


ALL_NAME = "全部"


class BundleListModel(QAbstractListModel):
    """Tiles in the catalogue's order, filtered by `query` (across every category) or else by
    `category`; the most used marked 常办 (`popular`), never moved.
    `choose(id)` starts that bundle's form; `chooseCategory(code)` narrows the tiles ("" = 全部)."""

    queryChanged = Signal()
    categoryChanged = Signal()      # also: the grid goes back to its top (QML listens)

    def __init__(self, catalogue: Catalogue | Callable[[], Catalogue], on_choose: Callable[[str], None],
                 usage_count: Callable[[str], int] | None = None, parent: QObject | None = None,
                 say: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self._on_choose = on_choose
        self._usage_count = usage_count or (lambda _bundle_id: 0)
        self._catalogue = catalogue if callable(catalogue) else (lambda: catalogue)
        self._say = say or (lambda _text: None)
        self._tiles: list[BundleTile] | None = None
        self._query = ""
        self._category = ""
        self._shown_tiles: list[BundleTile] | None = None
        self._popular_ids: set[str] = set()

    @property
    def _all(self) -> list[BundleTile]:
        """The tiles, made on first use (the catalogue loads in the background at start-up)."""
        if self._tiles is None:
            self._tiles = [BundleTile.of(b) for b in self._catalogue().bundles]
        return self._tiles

    @property
    def _shown(self) -> list[BundleTile]:
        if self._shown_tiles is None:
            self._shown_tiles = self._ordered()
        return self._shown_tiles

    @_shown.setter
    def _shown(self, tiles: list[BundleTile]) -> None:
        self._shown_tiles = tiles

    def _searching(self) -> bool:
        return self._query.strip() != ""

    def _popular(self) -> set[str]:
        """The few most used bundles (used at all), ties in catalogue order."""
        used = [(count, tile.id) for tile in self._all if (count := self._usage_count(tile.id)) > 0]
        ranked = sorted(used, key=lambda pair: -pair[0])        # stable: ties keep catalogue order
        return {bundle_id for _, bundle_id in ranked[:POPULAR_COUNT]}

    def _ordered(self) -> list[BundleTile]:
        self._popular_ids = self._popular()
        ranked = self._all          # the catalogue's order: a tile keeps its place from visit to visit
        query = self._query.strip().lower().replace(" ", "")
        if query and query.isascii():
            from devices.handwriting import rank_by_pinyin

            by_id = {tile.id: tile for tile in ranked}
            return [by_id[i] for i in rank_by_pinyin(query, [(t.id, [t.name, *t.items]) for t in ranked])]
        if query:
            return [tile for tile in ranked if tile.matches(self._query)]
        return [tile for tile in ranked if not self._category or tile.category == self._category]

    def _reload(self) -> None:
        self.beginResetModel()
        self._shown = self._ordered()
        self.endResetModel()
        self.queryChanged.emit()

    def category_counts(self) -> list[tuple[str, str, int]]:
        """(code, name, how many bundles) for the band: 全部 ("") first, then each category of
        CATEGORY_NAMES that has a bundle in this catalogue, in that fixed order (a chip that opened
        an empty grid would only disappoint)."""
        from forms.catalogue import CATEGORY_NAMES

        counts = {code: sum(tile.category == code for tile in self._all) for code in CATEGORY_NAMES}
        return [("", ALL_NAME, len(self._all))] + [(code, CATEGORY_NAMES[code], n)
                                                   for code, n in counts.items() if n]

    # --- QAbstractListModel ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._shown):
            return None
        tile = self._shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return tile.name
        name = ROLES.get(role)
        if name == "popular":
            return tile.id in self._popular_ids
        if name == "spoken":
            return tile.spoken(tile.id in self._popular_ids)
        return getattr(tile, _ATTRS[name]) if name else None

    def roleNames(self) -> dict[int, QByteArray]:
        return {role: QByteArray(name.encode()) for role, name in ROLES.items()}

    # --- QML ----------------------------------------------------------------------------------
    def _get_query(self) -> str:
        return self._query

    def _set_query(self, value: str) -> None:
        if value != self._query:
            searching = self._searching()
            self._query = value
            self._reload()
            if searching != self._searching():
                self.categoryChanged.emit()    # the band shows 全部 while searching, and back after

    query = Property(str, _get_query, _set_query, notify=queryChanged)

    @Property(int, notify=queryChanged)
    def count(self) -> int:
        return len(self._shown)

    def _get_category(self) -> str:
        """The chip shown as chosen: 全部 ("") while a search is on, for a search looks everywhere."""
        return "" if self._searching() else self._category

    category = Property(str, _get_category, notify=categoryChanged)

    @Property(list, notify=categoryChanged)
    def categories(self) -> list[dict]:
        """The band's chips: [{code, name, count, chosen}], 全部 first."""
        chosen = self._get_category()
        return [{"code": code, "name": name, "count": count, "chosen": code == chosen}
                for code, name, count in self.category_counts()]

    @Slot(str)
    def chooseCategory(self, code: str) -> None:
        """A chip tapped: only that category's tiles (a search typed before is put away, or the
        chip would seem to do nothing), and the name and count said aloud."""
        known = {c: (name, n) for c, name, n in self.category_counts()}
        if code not in known:
            return
        self._category = code
        self._query = ""
        self._reload()
        self.categoryChanged.emit()
        name, count = known[code]
        self._say(f"{name}，共 {count} 件事。" if code else f"全部，共 {count} 件事。")

    @Property(str, notify=queryChanged)
    def emptyText(self) -> str:
        return f"没有找到“{self._query}”。请换个说法，或清空搜索后从下面选择。" if not self._shown else ""

    @Slot(str)
    def choose(self, bundle_id: str) -> None:
        self._on_choose(bundle_id)

    @Slot()
    def clearQuery(self) -> None:
        self._set_query("")

    @Slot()
    def refresh(self) -> None:
        """Re-mark 常办 by usage (call when the figures changed; the order never changes). Before
        the tiles were ever made there is nothing to re-mark (and the catalogue may still be
        loading): they use the counts when made."""
        if self._tiles is None:
            return
        self._reload()

    def ids(self) -> list[str]:
        return [tile.id for tile in self._shown]

    def popular_ids(self) -> list[str]:
        """The tiles shown marked 常办, in their (catalogue) order."""
        return [tile.id for tile in self._shown if tile.id in self._popular_ids]

    def reset_category(self) -> None:
        """Back to 全部 without a word (返回 off the screen, the session's end)."""
        if self._category:
            self._category = ""
            self._reload()
            self.categoryChanged.emit()

    def wipe(self) -> None:
        """A search typed, or a category chosen, by one resident must not greet the next."""
        self._set_query("")
        self.reset_category()


class RecentUsage(QObject):
    """How often each bundle was applied for at this terminal lately: what marks a tile 常办.

    Why this shape: the count comes from the store (a GROUP BY over the submissions of the last
    `days` days), so it is read on a worker thread; and a tile's 常办 mark must not come or go
    while a resident looks at it, so fresh counts wait in `_pending` until `apply()` — which the shell calls
    when the attract screen is back (kiosk.ui.app), not while someone is choosing.
    """

    updated = Signal()

    def __init__(self, count_since: Callable[[float], dict[str, int]] | None, now: Callable[[], float],
                 days: int = 90, parent: QObject | None = None) -> None:
        from kiosk.ui.background import Background

        super().__init__(parent)
        self._count_since = count_since
        self._now = now
        self._window_s = days * 86400
        self._counts: dict[str, int] = {}
        self._pending: dict[str, int] | None = None
        self._background = Background(self)

    def __call__(self, bundle_id: str) -> int:
        return self._counts.get(bundle_id, 0)

    def fetch(self) -> None:
        """Read the counts off the GUI thread; `updated` when they are in (not applied yet)."""
        if self._count_since is None:
            return
        since = self._now() - self._window_s
        self._background.run(lambda: self._count_since(since), self._fetched, "kiosk-usage")

    def _fetched(self, counts: dict[str, int] | None, error: BaseException | None) -> None:
        if error is not None or counts is None:
            return          # the order stays as it was: nothing a resident needs to hear about
        self._pending = dict(counts)
        self.updated.emit()

    def apply(self) -> bool:
        """Use the fetched counts from now on; True when they changed the counts."""
        if self._pending is None:
            return False
        changed, self._counts, self._pending = self._pending != self._counts, self._pending, None
        return changed

    def wait(self) -> None:
        self._background.wait()
