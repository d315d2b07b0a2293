"""Pinyin: the name-field strip's order, rare characters by parts or reading, the bundle search."""

from __future__ import annotations

import pytest

from devices.handwriting import matches_initials, matches_pinyin, rank_by_pinyin, split_syllables
from devices.handwriting.pinyin import plain_syllable, readings


def test_name_characters_first_in_name_fields(recogniser):
    assert recogniser.pinyin_candidates("li", "surname")[0] == "李"
    assert recogniser.pinyin_candidates("zhe", "given_name")[0] == "喆"     # not 这
    assert recogniser.pinyin_candidates("zhe")[0] == "这"                   # ordinary text
    assert recogniser.pinyin_candidates("sheng", "given_name")[:2] == ["晟", "昇"]
    assert recogniser.pinyin_candidates("miao", "given_name").index("淼") < 3
    # Surnames are offered for their surname reading, not an archaic one (位 is wei, not li).
    assert recogniser.pinyin_candidates("shan", "surname")[0] == "单"
    assert "位" not in recogniser.pinyin_candidates("li", "surname")[:20]
    # Rare characters are never left out.
    assert "堃" in recogniser.pinyin_candidates("kun", "text")


@pytest.mark.parametrize(("query", "first"), [
    ("吉吉", "喆"), ("方方土", "堃"), ("土土土", "垚"), ("水水水", "淼"), ("日升", "昇"),
    ("王禹", "瑀"), ("羽中", "翀"), ("文武贝", "赟"), ("牛牛牛", "犇"), ("王君", "珺"),
    ("zhe", "喆"), ("kun", "堃"), ("sheng", "昇"), ("YAO2", "垚"),
])
def test_rare_characters_by_parts_or_reading(recogniser, query, first):
    assert recogniser.rare_characters(query)[0] == first


def test_rare_characters_nothing_found(recogniser):
    assert recogniser.rare_characters("") == []
    assert recogniser.rare_characters("qqq") == []
    assert recogniser.rare_characters("！？") == []


def test_syllables():
    assert plain_syllable("Lǘ") == "lv" and plain_syllable("zhe2") == "zhe" and plain_syllable("lu:") == "lv"
    assert split_syllables("lishengmiao") == ["li", "sheng", "miao"]
    assert set(readings("参")) >= {"can", "shen"}


@pytest.mark.parametrize("query", ["txyj", "TXYJ", "tuixiu", "tuixyj", "退x", "xyjs", "txy jian", "退休"])
def test_initials_and_syllables_find_retirement(query):
    assert matches_initials(query, "退休一件事")


@pytest.mark.parametrize("query", ["tyxj", "txyjsx", "qq", "tuixiux"])
def test_what_is_not_there_is_not_found(query):
    assert not matches_pinyin(query, "退休一件事")


def test_ranked_search_over_the_catalogue():
    from forms.catalogue import load_catalogue

    bundles = [(b.id, [b.name, *(i.name for i in b.items)]) for b in load_catalogue().bundles]
    assert rank_by_pinyin("txyj", bundles) == ["retirement"]
    # 参保 read can bao or shen bao: both initials find the pension bundle.
    assert rank_by_pinyin("cxjmylbxcb", bundles) == ["resident_pension"]
    assert rank_by_pinyin("cxjmylbxsb", bundles) == ["resident_pension"]
    # An item's initials (养老保险) find the bundles holding it after those named so.
    found = rank_by_pinyin("ylbx", bundles)
    assert found[0] == "resident_pension" and "retirement" in found[1:]
    assert rank_by_pinyin("", bundles) == [b for b, _ in bundles]
