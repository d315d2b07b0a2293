"""Loading and checking catalogues: the shipped one validates; broken ones are refused with a
message that names the file, the bundle and the place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms import Catalogue, CatalogueError, UnknownBundleError, load_catalogue, shipped_catalogue_document
from forms.catalogue import SCHEMA_PATH, SHIPPED_DIR

from .conftest import mini_doc


def test_shipped_catalogue_has_the_twenty_two_bundles(shipped: Catalogue) -> None:
    ids = [b.id for b in shipped.bundles]
    assert ids == [
        "newborn",
        "retirement",
        "after_death",
        "resident_pension",
        "senior_allowance",
        "disability_subsidies",
        "sole_proprietor",
        "school_enrolment",
        "social_card",
        "marriage_childbirth",
        "veteran",
        "hukou_move",
        "flexible_employment",
        "unemployment_benefit",
        "resident_medical",
        "social_assistance",
        "temporary_aid",
        "homestead",
        "senior_card",
        "family_planning_reward",
        "house_transfer",
        "restaurant",
    ]
    assert all(b.codes_illustrative for b in shipped.bundles)
    assert shipped.version == "2026.12.2"
    newborn = shipped.bundle("newborn")
    assert [i.name for i in newborn.items][:1] == ["出生医学证明签发"]
    assert {"出生登记（户口登记）", "城乡居民基本医疗保险参保登记", "社会保障卡申领"} <= {
        i.name for i in newborn.items
    }
    # 容缺 and 告知承诺 both appear somewhere in the real content
    assert any(m.deferral_days for b in shipped.bundles for m in b.materials)
    assert any(m.commitment_text for b in shipped.bundles for m in b.materials)


def test_document_round_trip_is_json_and_identical(shipped: Catalogue) -> None:
    doc = shipped_catalogue_document()
    assert doc["version"] == shipped.version
    text = json.dumps(doc, ensure_ascii=False)
    again = Catalogue.from_document(json.loads(text))
    assert [b.id for b in again.bundles] == [b.id for b in shipped.bundles]
    assert again.document() == doc


def test_unknown_bundle_is_a_typed_chinese_error(shipped: Catalogue) -> None:
    with pytest.raises(UnknownBundleError, match="没有“nope”"):
        shipped.bundle("nope")
    assert not issubclass(UnknownBundleError, KeyError)


def test_load_variants(tmp_path: Path) -> None:
    single = tmp_path / "mini.json"
    single.write_text(json.dumps(mini_doc(), ensure_ascii=False), encoding="utf-8")
    assert load_catalogue(single).bundle("mini").name == "测试一件事"
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "mini.json").write_text(json.dumps(mini_doc(), ensure_ascii=False), encoding="utf-8")
    assert load_catalogue(folder).version == "1"  # no index.json: highest bundle version
    document = tmp_path / "doc.json"
    document.write_text(json.dumps({"version": "9", "bundles": [mini_doc()]}), encoding="utf-8")
    assert load_catalogue(document).version == "9"


def problems_for(doc: dict) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        Catalogue.from_document({"version": "x", "bundles": [doc]})
    return info.value.problems


def test_schema_errors_name_the_place() -> None:
    doc = mini_doc()
    del doc["form"]["pages"][0]["fields"][1]["label"]
    doc["form"]["pages"][1]["fields"][0]["type"] = "numbr"
    doc["items"][0]["colour"] = "red"
    problems = problems_for(doc)
    text = "\n".join(problems)
    assert "一件事 mini" in text
    assert "字段 who_id" in text and "缺少必填项“label”" in text
    assert "字段 count" in text and "numbr" in text
    assert "事项 000000001000" in text and "不认识的键“colour”" in text


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (
            lambda d: d["form"]["pages"][2]["fields"][4].update(visible_if='colur == "blue"'),
            "colur 不是本表单的字段",
        ),
        (lambda d: d["form"]["pages"][2]["fields"][4].update(visible_if='colour = "blue"'), "字段 blue_only"),
        (lambda d: d["materials"][2].update(items=["000000009000"]), "所属事项 000000009000 不在本一件事中"),
        (
            lambda d: d["form"]["pages"][0]["fields"].append(dict(d["form"]["pages"][0]["fields"][0])),
            "字段编号",
        ),
        (lambda d: d["materials"].append(dict(d["materials"][0])), "材料编号“idcard”重复"),
        (lambda d: d["items"].append(dict(d["items"][0])), "事项编码“000000001000”重复"),
        (lambda d: d["form"]["pages"][2]["fields"][2].update(visible_if='applies("000000002000")'), "成环"),
        (
            lambda d: d["form"]["pages"][0]["fields"][3].update(visible_if="count > 1"),
            None,
        ),  # forward refs are fine
        (
            lambda d: (
                d["form"]["pages"][1]["fields"][0].update(visible_if="amount > 1"),
                d["form"]["pages"][1]["fields"][1].update(visible_if="count > 1"),
            ),
            "成环：count → amount → count",
        ),
        (lambda d: d["form"]["pages"][3]["fields"][3].update(material="nothing"), "拍摄的材料 nothing"),
        (lambda d: d["form"]["pages"][3]["fields"][6].update(prefill="answer.card"), "类型与本字段不同"),
        (
            lambda d: d["form"]["checks"].append({"field": "ghost", "rule": "true", "message": "幽灵字段"}),
            "ghost 不存在",
        ),
        (lambda d: d["items"][1].update(promised_days=3), "即办件"),
        (lambda d: d["items"][0].update(promised_days=30), "承诺时限不能长于法定时限"),
        (lambda d: d["materials"][2].update(deferral={"days": 3}), "都不允许容缺受理"),
        (lambda d: d["applicant"].update(name="colour"), "类型应为 name"),
        (lambda d: d["form"]["pages"][1]["fields"][2].update(min="yesterday"), "日期范围"),
        (lambda d: d["form"]["pages"][0]["fields"][3].update(pattern="(["), "正则表达式"),
    ],
)
def test_cross_reference_checks(mutate, fragment) -> None:
    doc = mini_doc()
    mutate(doc)
    if fragment is None:
        Catalogue.from_document({"version": "x", "bundles": [doc]})
        return
    problems = problems_for(doc)
    assert any(fragment in p for p in problems), problems
    assert all(p.startswith("目录文档第 1 个一件事，一件事 mini") for p in problems)


def test_duplicate_bundle_ids_and_bad_documents() -> None:
    with pytest.raises(CatalogueError, match="重复"):
        Catalogue.from_document({"version": "x", "bundles": [mini_doc(), mini_doc()]})
    with pytest.raises(CatalogueError, match="version"):
        Catalogue.from_document({"bundles": []})
    with pytest.raises(CatalogueError, match="bundles"):
        Catalogue.from_document([1, 2])


def test_broken_files_say_which_file(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text(
        '{"version": "1", "bundles": ["a.json", "b.json"]}', encoding="utf-8"
    )
    (tmp_path / "a.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"a\.json）不是有效的 JSON：第 1 行"):
        load_catalogue(tmp_path)
    (tmp_path / "a.json").write_text(json.dumps(mini_doc()), encoding="utf-8")
    with pytest.raises(CatalogueError, match="找不到文件"):
        load_catalogue(tmp_path)
    broken = mini_doc()
    broken["id"] = "other"
    broken["materials"][0]["items"] = ["000000007000"]
    (tmp_path / "b.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(tmp_path)
    assert info.value.problems[0].startswith("b.json，一件事 other，材料 idcard")


def test_shipped_files_are_all_listed_in_the_index() -> None:
    index = json.loads((SHIPPED_DIR / "index.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in SHIPPED_DIR.glob("*.json") if p.name != "index.json")
    assert sorted(index["bundles"]) == files


def test_version_key_orders_numerically() -> None:
    from forms.catalogue import version_key

    assert version_key("2026.11.1") > version_key("2026.9.3")
    assert version_key("2026.11.10") > version_key("2026.11.9")
    assert sorted(["1.10", "1.2", "1.9"], key=version_key) == ["1.2", "1.9", "1.10"]


def test_a_material_listed_twice_under_two_ids_is_refused() -> None:
    doc = mini_doc()
    doc["materials"].append(dict(doc["materials"][0], id="idcard_again"))
    assert any("材料名称" in p and "“身份证”重复" in p for p in problems_for(doc))


def test_every_shipped_bundle_has_a_category_and_every_category_a_bundle() -> None:
    """The kiosk's 按类别 chips: no bundle only findable under 全部, no chip that opens an empty grid."""
    from forms.catalogue import CATEGORY_NAMES

    bundles = load_catalogue().bundles
    assert all(b.category in CATEGORY_NAMES for b in bundles), [b.id for b in bundles if not b.category]
    counts = {code: sum(b.category == code for b in bundles) for code in CATEGORY_NAMES}
    assert min(counts.values()) >= 1, counts
    assert load_catalogue().bundle("newborn").category_name == "生育上学"
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["category"]["enum"] == list(CATEGORY_NAMES)   # same codes, same order
