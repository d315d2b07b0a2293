"""Bytes -> text: ECI first, then UTF-8, then GB18030 (Shift_JIS only when plainly Japanese)."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from devices.scanner.text import _looks_japanese, text_from_bytes, text_from_eci_stream

# Characters of GB2312 (simplified Chinese in everyday use) and of GBK punctuation.
gb2312_hanzi = st.integers(0xB0, 0xF7).flatmap(
    lambda hi: st.integers(0xA1, 0xFE).map(lambda lo: bytes([hi, lo]).decode("gb2312", errors="ignore")))
chinese_text = st.lists(st.one_of(gb2312_hanzi, st.sampled_from(list("，。：；、（）0123456789 ABCabc"))),
                        min_size=1, max_size=40).map("".join).filter(bool)


def test_plain_ascii_and_utf8() -> None:
    assert text_from_bytes(b"https://zwfw.ln.gov.cn/a?b=1").text == "https://zwfw.ln.gov.cn/a?b=1"
    decoded = text_from_bytes("居民身份证".encode())
    assert (decoded.text, decoded.charset) == ("居民身份证", "utf-8")


def test_gbk_without_eci() -> None:
    for text in ("中华人民共和国居民身份证", "户口簿 常住人口登记卡", "阿", "低保申请：张三"):
        decoded = text_from_bytes(text.encode("gbk"))
        assert (decoded.text, decoded.charset) == (text, "gb18030"), text


def test_japanese_shift_jis_is_recognised() -> None:
    for text in ("Google モバイル", "[内側QRコード]", "ﾃﾞｻﾞｲﾝQR", "*ﾀﾞﾌﾞﾙQR*", "今度のバージョン"):
        decoded = text_from_bytes(text.encode("shift_jis"))
        assert (decoded.text, decoded.charset) == (text, "shift_jis"), text


def test_eci_stream_segments_and_escaped_backslash() -> None:
    stream = b"\\000022" + "Привет".encode("cp1251") + b" \\\\ " + b"\\000029" + "中国".encode("gb18030")
    decoded = text_from_eci_stream(stream)
    assert decoded.text == "Привет \\ 中国"
    assert decoded.eci == 22


def test_unknown_eci_falls_back_to_the_byte_rules() -> None:
    assert text_from_eci_stream(b"\\000099" + "中".encode("gbk")).text == "中"


@given(st.binary(max_size=200))
def test_any_bytes_give_text_never_an_exception(raw: bytes) -> None:
    decoded = text_from_bytes(raw)
    assert isinstance(decoded.text, str)
    assert decoded.charset in {"utf-8", "gb18030", "shift_jis"}


@given(st.binary(max_size=200))
def test_any_eci_stream_gives_text(stream: bytes) -> None:
    assert isinstance(text_from_eci_stream(stream).text, str)


@given(st.text(max_size=60))
def test_utf8_round_trip(text: str) -> None:
    assert text_from_bytes(text.encode("utf-8")).text == text


@given(chinese_text)
def test_gbk_round_trip(text: str) -> None:
    raw = text.encode("gbk")
    # GBK characters whose second byte is DE/DF (侈 B3 DE, 掇 B6 DE) are byte for byte half-width
    # katakana with a voicing mark (ｳﾞ, ｶﾞ); with two of them and ASCII beside, the bytes are as
    # much the Japanese ﾃﾞｻﾞｲﾝQR as Chinese, and the reader's rule takes them as Japanese (see
    # test_one_gbk_character_that_reads_as_voiced_half_width_kana_stays_chinese). Those strings
    # are the documented ambiguity, not a round trip to hold.
    assume(not _looks_japanese(raw, raw.decode("shift_jis", errors="replace")))
    decoded = text_from_bytes(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        assert decoded.text == text


def test_two_voiced_gbk_characters_with_ascii_are_the_documented_ambiguity() -> None:
    """侈0侈 (B3 DE 30 B3 DE) reads as ｳﾞ0ｳﾞ: the rule that keeps ﾃﾞｻﾞｲﾝQR Japanese takes it too."""
    raw = "侈0侈".encode("gbk")
    assert _looks_japanese(raw, raw.decode("shift_jis"))
    assert text_from_bytes("侈0".encode("gbk")).text == "侈0"      # one voiced pair: stays Chinese


def test_one_gbk_character_that_reads_as_voiced_half_width_kana_stays_chinese() -> None:
    assert text_from_bytes("掇".encode("gbk")).text == "掇"
    assert text_from_bytes("ﾃﾞｻﾞｲﾝQR".encode("cp932")).text == "ﾃﾞｻﾞｲﾝQR"
