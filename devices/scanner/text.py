"""Text from a symbol's raw bytes (pure functions, no I/O).

Why not take the decoder's own text: zxing-cpp and ZBar guess the character set of a byte segment
without ECI among UTF-8, Shift_JIS and ISO-8859-1, so GBK from domestic generators and older paper
forms comes out as "ÖÐ»ª". The rule here, in order:

1. ECI designators present: each segment in the character set its ECI names.
2. Otherwise UTF-8 when the bytes are valid UTF-8 (plain ASCII included).
3. Otherwise GB18030 (a superset of GBK and GB2312) — except when the bytes are plainly Japanese
   Shift_JIS: they decode as Shift_JIS, and either contain full-width kana (which in GBK would be
   rare extension characters nobody writes) or half-width kana whose voicing marks all sit after a
   kana that takes one. The photo benchmark holds such Japanese codes; a Chinese station meets GBK.
4. Bytes valid in none of these: GB18030 with U+FFFD for what cannot be read, never an exception.

Bytes alone cannot tell QR Kanji mode (Shift_JIS by definition) from GBK; the zxing-cpp decoder
settles that case from the symbol's segment modes (`ZxingDecoder._mode_charset`).

The raw bytes are always kept beside the text (ScanResult.raw), so nothing is lost to a wrong guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ECI assignment number -> Python codec (AIM ECI register). 899 is "8-bit binary data".
_ECI_CODECS: dict[int, str] = {
    0: "cp437", 1: "iso-8859-1", 2: "cp437", 3: "iso-8859-1", 4: "iso-8859-2", 5: "iso-8859-3",
    6: "iso-8859-4", 7: "iso-8859-5", 8: "iso-8859-6", 9: "iso-8859-7", 10: "iso-8859-8",
    11: "iso-8859-9", 12: "iso-8859-10", 13: "iso-8859-11", 15: "iso-8859-13", 16: "iso-8859-14",
    17: "iso-8859-15", 18: "iso-8859-16", 20: "shift_jis", 21: "cp1250", 22: "cp1251", 23: "cp1252",
    24: "cp1256", 25: "utf-16-be", 26: "utf-8", 27: "ascii", 28: "big5", 29: "gb18030", 30: "euc-kr",
    31: "gbk", 32: "gb18030", 33: "utf-16-le", 34: "utf-32-be", 35: "utf-32-le", 170: "ascii",
    899: "iso-8859-1",
}

_ECI_MARK = re.compile(rb"\\(\d{6})")
# Half-width katakana that take the voicing mark ﾞ (0xDE) / semi-voicing mark ﾟ (0xDF) in Shift_JIS.
_TAKES_DAKUTEN = set(range(0xB6, 0xC5)) | set(range(0xCA, 0xCF)) | {0xB3}
_TAKES_HANDAKUTEN = set(range(0xCA, 0xCF))


@dataclass(frozen=True)
class DecodedText:
    """The text and how it was read (`charset` is a codec name, `eci` the ECI number if any)."""

    text: str
    charset: str
    eci: int | None = None


def text_from_bytes(raw: bytes) -> DecodedText:
    """Bytes without ECI: UTF-8 when valid, else Shift_JIS when plainly Japanese, else GB18030."""
    try:
        return DecodedText(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    gb = _strict(raw, "gb18030")
    sjis = _strict(raw, "cp932")
    if sjis is not None and (gb is None or _looks_japanese(raw, sjis)):
        return DecodedText(sjis, "shift_jis")
    if gb is not None:
        return DecodedText(gb, "gb18030")
    return DecodedText(raw.decode("gb18030", errors="replace"), "gb18030")


def text_from_eci_stream(stream: bytes) -> DecodedText:
    """Bytes that follow the ECI protocol ("\\NNNNNN" designators, "\\\\" for a backslash).

    Bytes before the first designator are read by `text_from_bytes`; each later segment in its
    ECI's character set (unknown ECI numbers: by `text_from_bytes` too).
    """
    parts: list[str] = []
    first_eci: int | None = None
    charset = "utf-8"
    pos = 0
    current: int | None = None
    segment = bytearray()

    def flush() -> None:
        nonlocal charset
        if not segment:
            return
        data = bytes(segment)
        codec = _ECI_CODECS.get(current) if current is not None else None
        if codec is None:
            decoded = text_from_bytes(data)
            parts.append(decoded.text)
            charset = decoded.charset
        else:
            parts.append(data.decode(codec, errors="replace"))
            charset = codec
        segment.clear()

    while pos < len(stream):
        if stream[pos] == 0x5C:  # backslash
            if stream[pos + 1:pos + 2] == b"\\":
                segment += b"\\"
                pos += 2
                continue
            mark = _ECI_MARK.match(stream, pos)
            if mark:
                flush()
                current = int(mark.group(1))
                if first_eci is None:
                    first_eci = current
                pos = mark.end()
                continue
        segment.append(stream[pos])
        pos += 1
    flush()
    return DecodedText("".join(parts), charset, first_eci)


def _strict(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def _looks_japanese(raw: bytes, sjis: str) -> bool:
    """True when the Shift_JIS reading is Japanese rather than an accident of GBK bytes."""
    if any("\u3041" <= ch <= "\u30ff" for ch in sjis):  # full-width hiragana / katakana
        return True
    marks = [i for i, b in enumerate(raw) if b in (0xDE, 0xDF)]
    if not all(0xA1 <= b <= 0xDF or b < 0x80 for b in raw):
        return False  # Shift_JIS double-byte kanji only: as likely Chinese, keep GB18030
    # One GBK character can look like a voiced half-width kana (掇 = B6 DE = ｶﾞ). A station meets
    # GBK far more often, so half-width kana count as Japanese only with at least two voicing
    # marks and some ASCII beside them, as real Japanese codes have (ﾃﾞｻﾞｲﾝQR).
    if len(marks) < 2 or not any(b < 0x80 for b in raw):
        return False
    for i in marks:
        before = raw[i - 1] if i > 0 else None
        allowed = _TAKES_DAKUTEN if raw[i] == 0xDE else _TAKES_HANDAKUTEN
        if before not in allowed:
            return False
    return True
