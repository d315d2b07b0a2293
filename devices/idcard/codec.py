"""SAM_V wire codec for second-generation ID card readers: pure functions, no I/O, no clock.

Why pure: the same code builds what the serial backend sends, parses what it receives, and lets
the simulator answer byte for byte; tests and the fuzzer drive it without a port. Nothing in here
raises on bad input: a malformed frame or card block comes back as a typed error value
(`FrameError`, `CardDataError`) carrying a plain Chinese message, so a reader spitting garbage can
never crash or hang the kiosk.

Layouts follow ../shared/protocols/ID-READER.md. The 2023 foreigner card ('Y') layout comes from
the public `PCSCGetData.h` structures of the open-source `readinfo` project; it has not been
checked against a real card (see `_decode_foreign_2023`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Literal

from devices.idcard.card import CardType, IdCard

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
# The longest legitimate reply is a read with fingerprint: 7 + 256 + 1024 + 1024 + checksum.
# A length field beyond this is noise that happened to follow something preamble-like.
MAX_LENGTH = 0x0A00
TEXT_LENGTH = 256
PHOTO_LENGTH = 1024

# (CMD, PARA) of each command we use.
RESET_SAM = (0x10, 0xFF)
SAM_STATUS = (0x11, 0xFF)
READ_SAM_ID = (0x12, 0xFF)
FIND_CARD = (0x20, 0x01)
SELECT_CARD = (0x20, 0x02)
READ_TEXT_PHOTO = (0x30, 0x01)
READ_APPENDED_ADDRESS = (0x30, 0x03)
READ_WITH_FINGERPRINT = (0x30, 0x10)

SW3_OK = 0x90
SW3_NO_CONTENT = 0x91
SW3_CARD_FOUND = 0x9F
SW3_FIND_FAILED = 0x80
SW3_SELECT_FAILED = 0x81
SW3_READ_FAILED = 0x41
SW3_SAM_SELF_TEST = 0x60

SW3_MESSAGES: dict[int, str] = {
    0x90: "操作成功",
    0x91: "该项无内容",
    0x9F: "找到身份证",
    0x10: "阅读器收到的命令校验错误",
    0x11: "阅读器收到的命令长度错误",
    0x21: "阅读器不支持该命令",
    0x23: "越权操作",
    0x24: "阅读器发生无法识别的错误",
    0x31: "身份证认证安全模块失败",
    0x32: "安全模块认证身份证失败",
    0x33: "信息验证错误",
    0x37: "指纹信息验证错误",
    0x3F: "信息长度错误",
    0x40: "无法识别的卡类型",
    0x41: "读卡失败，请把身份证放平后重试",
    0x47: "取随机数失败",
    0x60: "阅读器安全模块（SAM）自检失败，请联系工作人员",
    0x66: "阅读器安全模块（SAM）未经授权，请联系工作人员",
    0x80: "未找到身份证",
    0x81: "选卡失败，请把身份证放平后重试",
}


def sw3_message(sw3: int) -> str:
    """The Chinese sentence for a status code; unknown codes are named, not hidden."""
    return SW3_MESSAGES.get(sw3, f"阅读器返回未知状态码 0x{sw3:02X}")


# ---------------------------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------------------------

def xor_checksum(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
    return value


def encode_frame(body: bytes) -> bytes:
    """Preamble, big-endian length (body + checksum), body, XOR checksum over length and body."""
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor_checksum(length + body)])


def build_request(command: tuple[int, int], data: bytes = b"") -> bytes:
    """A host → reader frame, e.g. `build_request(FIND_CARD)` = AA AA AA 96 69 00 03 20 01 22."""
    cmd, para = command
    return encode_frame(bytes([cmd, para]) + data)


def build_reply(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    """A reader → host frame (used by the simulator and by tests)."""
    return encode_frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True)
class Frame:
    """A frame whose length and checksum were right; `body` is everything between them."""

    body: bytes


FrameErrorKind = Literal["checksum", "length", "preamble", "truncated", "trailing", "short_body", "payload"]

_FRAME_ERROR_MESSAGES: dict[str, str] = {
    "checksum": "阅读器数据校验错误",
    "length": "阅读器数据长度不合理",
    "preamble": "阅读器数据帧头错误",
    "truncated": "阅读器数据不完整",
    "trailing": "阅读器数据帧后有多余字节",
    "short_body": "阅读器应答内容过短",
    "payload": "阅读器应答内容格式错误",
}


@dataclass(frozen=True)
class FrameError:
    """A typed wire error. `message` is the sentence for the technician."""

    kind: FrameErrorKind
    detail: str = ""

    @property
    def message(self) -> str:
        text = _FRAME_ERROR_MESSAGES[self.kind]
        return f"{text}（{self.detail}）" if self.detail else text


@dataclass(frozen=True)
class Reply:
    """A decoded reader reply: status words and the data after them."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    @property
    def ok(self) -> bool:
        return self.sw3 in (SW3_OK, SW3_CARD_FOUND)


@dataclass(frozen=True)
class Request:
    """A decoded host request (the simulator's view)."""

    cmd: int
    para: int
    data: bytes = b""

    @property
    def command(self) -> tuple[int, int]:
        return (self.cmd, self.para)


def split_frames(buffer: bytes) -> tuple[list[Frame | FrameError], bytes]:
    """Cut every complete frame out of a byte stream; return them and the unconsumed tail.

    Resynchronises on the preamble: bytes before it are noise and dropped. A length field that
    cannot be real makes the scanner skip that preamble and look for the next one. A checksum
    error consumes the frame it belongs to, unless a new preamble starts inside it (a reply cut
    short by a glitch, followed by a good one): then only the bytes before that preamble go.
    The tail is kept only from a preamble (or a prefix of one) on, so noise never accumulates.
    """
    out: list[Frame | FrameError] = []
    pos = 0
    n = len(buffer)
    while True:
        start = buffer.find(PREAMBLE, pos)
        if start < 0:
            return out, _keep_possible_preamble(buffer[pos:])
        if n - start < len(PREAMBLE) + 2:
            return out, buffer[start:]
        length = int.from_bytes(buffer[start + 5:start + 7], "big")
        if length < 1 or length > MAX_LENGTH:
            out.append(FrameError("length", f"长度字段 {length}"))
            pos = start + 1
            continue
        end = start + 7 + length
        if end > n:
            # Not all here yet, unless a complete, valid frame already starts inside it: then this
            # one was cut short (a glitch, an unplug) and waiting for its tail would eat the next.
            inner = _complete_frame_inside(buffer, start, n)
            if inner < 0:
                return out, buffer[start:]
            out.append(FrameError("truncated"))
            pos = inner
            continue
        length_and_body = buffer[start + 5:end - 1]
        if xor_checksum(length_and_body) != buffer[end - 1]:
            out.append(FrameError("checksum"))
            inner = buffer.find(PREAMBLE, start + 1, end)
            pos = inner if inner >= 0 else end
            continue
        out.append(Frame(buffer[start + 7:end - 1]))
        pos = end


def _complete_frame_inside(buffer: bytes, start: int, n: int) -> int:
    inner = buffer.find(PREAMBLE, start + 1, n)
    while inner >= 0:
        if n - inner >= 7:
            length = int.from_bytes(buffer[inner + 5:inner + 7], "big")
            end = inner + 7 + length
            complete = 1 <= length <= MAX_LENGTH and end <= n
            if complete and xor_checksum(buffer[inner + 5:end - 1]) == buffer[end - 1]:
                return inner
        inner = buffer.find(PREAMBLE, inner + 1, n)
    return -1


def _keep_possible_preamble(tail: bytes) -> bytes:
    """Keep the longest suffix of `tail` that could be the start of a preamble."""
    for size in range(min(len(PREAMBLE) - 1, len(tail)), 0, -1):
        if PREAMBLE.startswith(tail[-size:]):
            return tail[-size:]
    return b""


class FrameDecoder:
    """Incremental wrapper of `split_frames` for bytes arriving in fragments. Holds no clock."""

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[Frame | FrameError]:
        frames, self._buffer = split_frames(self._buffer + data)
        return frames

    def clear(self) -> None:
        self._buffer = b""

    @property
    def pending(self) -> int:
        return len(self._buffer)


def parse_frame(data: bytes) -> Frame | FrameError:
    """Parse exactly one complete frame (no noise allowed around it)."""
    if not data.startswith(PREAMBLE):
        return FrameError("preamble")
    if len(data) < 7:
        return FrameError("truncated")
    length = int.from_bytes(data[5:7], "big")
    if length < 1 or length > MAX_LENGTH:
        return FrameError("length", f"长度字段 {length}")
    if len(data) < 7 + length:
        return FrameError("truncated", f"应有 {7 + length} 字节，只有 {len(data)} 字节")
    if len(data) > 7 + length:
        return FrameError("trailing")
    if xor_checksum(data[5:-1]) != data[-1]:
        return FrameError("checksum")
    return Frame(data[7:-1])


def reply_from(frame: Frame | FrameError) -> Reply | FrameError:
    if isinstance(frame, FrameError):
        return frame
    if len(frame.body) < 3:
        return FrameError("short_body")
    return Reply(frame.body[0], frame.body[1], frame.body[2], frame.body[3:])


def request_from(frame: Frame | FrameError) -> Request | FrameError:
    if isinstance(frame, FrameError):
        return frame
    if len(frame.body) < 2:
        return FrameError("short_body")
    return Request(frame.body[0], frame.body[1], frame.body[2:])


def parse_reply(data: bytes) -> Reply | FrameError:
    """One complete reply frame → `Reply` or a typed `FrameError`."""
    return reply_from(parse_frame(data))


# ---------------------------------------------------------------------------------------------
# The read reply (30 01 / 30 10)
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardBlocks:
    """The raw blocks of a read: 256 bytes of text, the WLT photo, the fingerprint if asked."""

    text: bytes
    photo: bytes
    fingerprint: bytes | None = None


def split_read_reply(reply: Reply, with_fingerprint: bool = False) -> CardBlocks | FrameError:
    """Cut the data of a successful read reply into its blocks using the declared lengths."""
    header = 6 if with_fingerprint else 4
    data = reply.data
    if len(data) < header:
        return FrameError("payload", "缺少长度字段")
    text_len = int.from_bytes(data[0:2], "big")
    photo_len = int.from_bytes(data[2:4], "big")
    finger_len = int.from_bytes(data[4:6], "big") if with_fingerprint else 0
    if text_len != TEXT_LENGTH:
        return FrameError("payload", f"文字信息长度 {text_len}，应为 {TEXT_LENGTH}")
    if len(data) != header + text_len + photo_len + finger_len:
        return FrameError("payload", "各段长度之和与数据长度不符")
    text = data[header:header + text_len]
    photo = data[header + text_len:header + text_len + photo_len]
    finger = data[header + text_len + photo_len:] if with_fingerprint else None
    return CardBlocks(text, photo, finger)


def build_read_reply_data(blocks: CardBlocks, with_fingerprint: bool = False) -> bytes:
    """The inverse of `split_read_reply` (simulator side)."""
    head = len(blocks.text).to_bytes(2, "big") + len(blocks.photo).to_bytes(2, "big")
    finger = blocks.fingerprint or b""
    if with_fingerprint:
        head += len(finger).to_bytes(2, "big")
        return head + blocks.text + blocks.photo + finger
    return head + blocks.text + blocks.photo


# ---------------------------------------------------------------------------------------------
# The 256-byte text block
# ---------------------------------------------------------------------------------------------

SEX_NAMES: dict[str, str] = {"0": "未知", "1": "男", "2": "女", "9": "未说明"}
SEX_CODES: dict[str, str] = {name: code for code, name in SEX_NAMES.items()}

ETHNICITY_NAMES: tuple[str, ...] = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜",
    "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳",
    "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔",
    "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
_ETHNICITY_EXTRA = {"97": "其他", "98": "外国血统中国籍人士"}
ETHNICITY_BY_CODE: dict[str, str] = {f"{i + 1:02d}": name for i, name in enumerate(ETHNICITY_NAMES)}
ETHNICITY_BY_CODE.update(_ETHNICITY_EXTRA)
ETHNICITY_CODES: dict[str, str] = {name: code for code, name in ETHNICITY_BY_CODE.items()}

LONG_TERM = "长期"

TYPE_FLAGS: dict[str, CardType] = {" ": "resident", "J": "hk_mo_tw", "I": "foreign_permanent",
                                   "Y": "foreign_2023"}
TYPE_FLAG_OF: dict[CardType, str] = {v: k for k, v in TYPE_FLAGS.items()}
TYPE_FLAG_OFFSET = 248

# (offset, byte length) of each field, per card type.
RESIDENT_LAYOUT = {
    "name": (0, 30), "sex": (30, 2), "ethnicity": (32, 4), "birth": (36, 16), "address": (52, 70),
    "id_number": (122, 36), "issuer": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16),
    "pass_number": (220, 18), "issue_count": (238, 4), "type": (248, 2),
}
FOREIGN_2017_LAYOUT = {
    "name_en": (0, 120), "sex": (120, 2), "id_number": (122, 30), "nationality": (152, 6),
    "name": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16), "birth": (220, 16),
    "version": (236, 4), "issuer": (240, 8), "type": (248, 2),
}
FOREIGN_2023_LAYOUT = {
    "name": (0, 30), "sex": (30, 2), "renewals": (32, 4), "birth": (36, 16), "name_en": (52, 70),
    "id_number": (122, 36), "valid_from": (188, 16), "valid_to": (204, 16),
    "name_en_more": (220, 22), "nationality": (242, 6), "type": (248, 2), "previous_link": (250, 6),
}


@dataclass(frozen=True)
class CardDataError:
    """The card's text block could not be understood. Typed, never raised."""

    detail: str

    @property
    def message(self) -> str:
        return f"身份证信息无法识别：{self.detail}"


class _Bad(Exception):
    """Internal only: unwinds a decoder to `decode_text_block`, which turns it into CardDataError."""


def _field(text: str, layout: dict[str, tuple[int, int]], key: str) -> str:
    offset, size = layout[key]
    return text[offset // 2:(offset + size) // 2].rstrip(" \x00")


def _date(value: str, what: str) -> str:
    if len(value) != 8 or not value.isdigit():
        raise _Bad(f"{what}“{value}”不是 8 位日期")
    try:
        return _dt.date(int(value[:4]), int(value[4:6]), int(value[6:])).isoformat()
    except ValueError:
        raise _Bad(f"{what}“{value}”不是有效日期") from None


def _valid_to(value: str) -> str:
    return LONG_TERM if value == LONG_TERM else _date(value, "有效期截止日")


def _sex(code: str) -> str:
    if code not in SEX_NAMES:
        raise _Bad(f"性别代码“{code}”")
    return SEX_NAMES[code]


def _int_or_none(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _or_none(value: str) -> str | None:
    return value or None


def card_type_of(text_block: bytes) -> CardType | CardDataError:
    if len(text_block) != TEXT_LENGTH:
        return CardDataError(f"文字信息应为 {TEXT_LENGTH} 字节，实际 {len(text_block)} 字节")
    flag = chr(text_block[TYPE_FLAG_OFFSET]) if text_block[TYPE_FLAG_OFFSET + 1] == 0 else "?"
    if flag == "\x00":  # some early cards leave the reserved area zeroed
        flag = " "
    if flag not in TYPE_FLAGS:
        return CardDataError(f"未知的证件类型标识 0x{text_block[TYPE_FLAG_OFFSET]:02X}")
    return TYPE_FLAGS[flag]


def decode_text_block(text_block: bytes, photo: bytes = b"") -> IdCard | CardDataError:
    """The 256-byte UCS-2LE block (plus the raw WLT photo) → `IdCard`, or a typed error."""
    card_type = card_type_of(text_block)
    if isinstance(card_type, CardDataError):
        return card_type
    try:
        text = text_block.decode("utf-16-le")
    except UnicodeDecodeError:
        return CardDataError("文字信息不是有效的 UCS-2 编码")
    try:
        if card_type in ("resident", "hk_mo_tw"):
            return _decode_resident_like(text, card_type, photo)
        if card_type == "foreign_permanent":
            return _decode_foreign_2017(text, photo)
        return _decode_foreign_2023(text, photo)
    except _Bad as exc:
        return CardDataError(str(exc))


def _decode_resident_like(text: str, card_type: CardType, photo: bytes) -> IdCard:
    f = lambda key: _field(text, RESIDENT_LAYOUT, key)  # noqa: E731 - local shorthand
    ethnicity: str | None = None
    if card_type == "resident":
        code = f("ethnicity")
        ethnicity = ETHNICITY_BY_CODE.get(code)
        if ethnicity is None:
            raise _Bad(f"民族代码“{code}”")
    id_number = f("id_number")
    if not id_number:
        raise _Bad("缺少证件号码")
    hk = card_type == "hk_mo_tw"
    return IdCard(
        card_type=card_type, name=_or_none(f("name")), name_en=None, sex=_sex(f("sex")),
        ethnicity=ethnicity, birth_date=_date(f("birth"), "出生日期"), address=_or_none(f("address")),
        id_number=id_number, issuer=_or_none(f("issuer")),
        valid_from=_date(f("valid_from"), "有效期起始日"), valid_to=_valid_to(f("valid_to")),
        pass_number=_or_none(f("pass_number")) if hk else None,
        issue_count=_int_or_none(f("issue_count")) if hk else None,
        nationality=None, photo=photo,
    )


def _decode_foreign_2017(text: str, photo: bytes) -> IdCard:
    f = lambda key: _field(text, FOREIGN_2017_LAYOUT, key)  # noqa: E731
    id_number = f("id_number")
    if not id_number:
        raise _Bad("缺少永久居留证号码")
    return IdCard(
        card_type="foreign_permanent", name=_or_none(f("name")), name_en=_or_none(f("name_en")),
        sex=_sex(f("sex")), ethnicity=None, birth_date=_date(f("birth"), "出生日期"), address=None,
        id_number=id_number,
        # The 2017 card carries only the code of the accepting authority (当次申请受理机关代码).
        issuer=_or_none(f("issuer")),
        valid_from=_date(f("valid_from"), "有效期起始日"), valid_to=_valid_to(f("valid_to")),
        nationality=_or_none(f("nationality")), photo=photo,
    )


def _decode_foreign_2023(text: str, photo: bytes) -> IdCard:
    """2023 foreigner's permanent residence ID card ('Y').

    What is known (public `PCSCGetData.h` of `readinfo`, unverified against a real card):
    Chinese name, sex, times renewed (换证次数, reported as `issue_count`), birth date, the English
    name split into characters 1–35 and 36–46, the 18-character number, validity, the three-letter
    nationality code, and a 6-byte link to the previous card's number. What is not known: the
    30 reserved bytes at offset 158 (decoded nowhere) and the exact meaning of the link field
    (kept out of `IdCard`). The card holds no issuing authority and no address: both are None.
    """
    f = lambda key: _field(text, FOREIGN_2023_LAYOUT, key)  # noqa: E731
    id_number = f("id_number")
    if not id_number:
        raise _Bad("缺少永久居留身份证号码")
    offset, size = FOREIGN_2023_LAYOUT["name_en"]
    first_part = text[offset // 2:(offset + size) // 2]
    name_en = (first_part + f("name_en_more")).rstrip(" \x00")
    return IdCard(
        card_type="foreign_2023", name=_or_none(f("name")), name_en=_or_none(name_en),
        sex=_sex(f("sex")), ethnicity=None, birth_date=_date(f("birth"), "出生日期"), address=None,
        id_number=id_number, issuer=None,
        valid_from=_date(f("valid_from"), "有效期起始日"), valid_to=_valid_to(f("valid_to")),
        issue_count=_int_or_none(f("renewals")), nationality=_or_none(f("nationality")), photo=photo,
    )


# ---------------------------------------------------------------------------------------------
# Encoding a card (the simulator's side, and round-trip tests)
# ---------------------------------------------------------------------------------------------

def _plain_date(iso: str) -> str:
    return LONG_TERM if iso == LONG_TERM else iso.replace("-", "")


def encode_text_block(card: IdCard) -> bytes:
    """`IdCard` → the 256-byte block a card of that type holds (space padded, UCS-2LE)."""
    cells = [" "] * (TEXT_LENGTH // 2)

    def put(layout: dict[str, tuple[int, int]], key: str, value: str | None) -> None:
        offset, size = layout[key]
        value = (value or "")[: size // 2]
        for i, ch in enumerate(value):
            cells[offset // 2 + i] = ch

    sex = SEX_CODES[card.sex]
    if card.card_type in ("resident", "hk_mo_tw"):
        lay = RESIDENT_LAYOUT
        put(lay, "name", card.name)
        put(lay, "sex", sex)
        if card.card_type == "resident":
            put(lay, "ethnicity", ETHNICITY_CODES[card.ethnicity or "汉"])
        put(lay, "birth", _plain_date(card.birth_date))
        put(lay, "address", card.address)
        put(lay, "id_number", card.id_number)
        put(lay, "issuer", card.issuer)
        put(lay, "valid_from", _plain_date(card.valid_from))
        put(lay, "valid_to", _plain_date(card.valid_to))
        if card.card_type == "hk_mo_tw":
            put(lay, "pass_number", card.pass_number)
            put(lay, "issue_count", f"{card.issue_count or 0:02d}")
    elif card.card_type == "foreign_permanent":
        lay = FOREIGN_2017_LAYOUT
        put(lay, "name_en", card.name_en)
        put(lay, "sex", sex)
        put(lay, "id_number", card.id_number)
        put(lay, "nationality", card.nationality)
        put(lay, "name", card.name)
        put(lay, "valid_from", _plain_date(card.valid_from))
        put(lay, "valid_to", _plain_date(card.valid_to))
        put(lay, "birth", _plain_date(card.birth_date))
        put(lay, "version", "01")
        put(lay, "issuer", card.issuer)
    else:
        lay = FOREIGN_2023_LAYOUT
        put(lay, "name", card.name)
        put(lay, "sex", sex)
        put(lay, "renewals", f"{card.issue_count or 0:02d}")
        put(lay, "birth", _plain_date(card.birth_date))
        name_en = card.name_en or ""
        put(lay, "name_en", name_en[:35])
        put(lay, "name_en_more", name_en[35:])
        put(lay, "id_number", card.id_number)
        put(lay, "valid_from", _plain_date(card.valid_from))
        put(lay, "valid_to", _plain_date(card.valid_to))
        put(lay, "nationality", card.nationality)
    cells[TYPE_FLAG_OFFSET // 2] = TYPE_FLAG_OF[card.card_type]
    return "".join(cells).encode("utf-16-le")
