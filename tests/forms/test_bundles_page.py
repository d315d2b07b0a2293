"""forms/BUNDLES.md, the table of shipped bundles with their items, time limits, 通办 and sources,
stays true to the catalogue: every bundle has its section and its row in the overview, and every
item row says what the bundle file says. When this fails, a bundle changed (or was added) and the
page was not brought along."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from forms.catalogue import SHIPPED_DIR, load_catalogue

PAGE = Path(__file__).resolve().parents[2] / "forms" / "BUNDLES.md"
KIND = {"immediate": "即办件", "promised": "承诺件"}
WHERE = {"local": "属地", "city": "全市通办", "province": "全省通办", "country": "跨省通办", None: "—"}
SHIPPED = load_catalogue()


def _sections() -> dict[str, str]:
    """Bundle id → the text of its `## 名称（`id`）` section."""
    text = PAGE.read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(r"^## .*?（`([a-z0-9_]+)`）\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        found[match.group(1)] = match.group(2)
    return found


def _rows(section: str) -> list[list[str]]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in section.splitlines() if line.startswith("| ")]
    return [r for r in rows if r and r[0] not in ("事项", "---")]


def test_every_shipped_bundle_is_in_the_overview_and_has_a_section() -> None:
    text = PAGE.read_text(encoding="utf-8")
    overview = text.split("## 总表", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z0-9_]+)` \| (.+?) \| (\d+) \|", overview, re.M)
    assert [(i, n, int(c)) for i, n, c in listed] == [(b.id, b.name, len(b.items)) for b in SHIPPED.bundles]
    assert set(_sections()) == {b.id for b in SHIPPED.bundles}


@pytest.mark.parametrize("bundle_id", [b.id for b in SHIPPED.bundles])
def test_each_item_row_matches_the_bundle(bundle_id: str) -> None:
    section = _sections()[bundle_id]
    raw = json.loads((SHIPPED_DIR / f"{bundle_id}.json").read_text(encoding="utf-8"))
    expected = [[i["name"], i["department"], str(i["legal_days"]), str(i["promised_days"]), KIND[i["kind"]],
                 WHERE[i.get("handled_where")], "可" if i["allows_deferral"] else "—",
                 "可" if i["allows_commitment"] else "—"] for i in raw["items"]]
    assert _rows(section) == expected
    assert "来源：" in section
    for material in raw["materials"]:
        assert material["name"] in section, material["id"]
