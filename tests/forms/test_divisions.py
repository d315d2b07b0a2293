"""GB/T 2260 tables: every province prefix, Liaoning's 14 cities and their 100 county-level units."""

from __future__ import annotations

from forms import divisions as d


def test_liaoning_has_fourteen_cities_with_their_counties() -> None:
    assert len(d.LIAONING_CITIES) == 14
    assert set(d.LIAONING_COUNTIES) == set(d.LIAONING_CITIES)
    counts = {d.LIAONING_CITIES[c]: len(v) for c, v in d.LIAONING_COUNTIES.items()}
    assert counts == {
        "沈阳市": 13,
        "大连市": 10,
        "鞍山市": 7,
        "抚顺市": 7,
        "本溪市": 6,
        "丹东市": 6,
        "锦州市": 7,
        "营口市": 6,
        "阜新市": 7,
        "辽阳市": 7,
        "盘锦市": 4,
        "铁岭市": 7,
        "朝阳市": 7,
        "葫芦岛市": 6,
    }
    for city, counties in d.LIAONING_COUNTIES.items():
        assert all(code[:4] == city[:4] for code in counties)
    # current codes after the 2014–2016 changes
    assert (
        d.name_of("210115") == "辽中区"
        and d.name_of("210214") == "普兰店区"
        and d.name_of("211104") == "大洼区"
    )


def test_provinces_and_cascade() -> None:
    assert len(d.PROVINCES) == 34
    assert d.cities("210000")[0].name == "沈阳市"
    assert d.cities("110000") == []
    assert [x.name for x in d.counties("211100")] == ["双台子区", "兴隆台区", "大洼区", "盘山县"]
    assert d.full_name("210102") == "辽宁省沈阳市和平区"
    assert d.full_name("210100") == "辽宁省沈阳市"
    assert d.name_of("999999") is None


def test_id_card_address_is_split_for_prefill() -> None:
    assert d.parse_address_text("辽宁省沈阳市和平区南京北街100号") == {
        "province": "210000",
        "city": "210100",
        "county": "210102",
        "detail": "南京北街100号",
    }
    assert d.parse_address_text("朝阳市双塔区新华路66号")["county"] == "211302"
    assert d.parse_address_text("北京市朝阳区建国路1号") == {
        "province": "110000",
        "detail": "朝阳区建国路1号",
    }
