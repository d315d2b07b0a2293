"""Vendor SDK backend through ctypes, for stations whose reader only comes with a library.

Two library styles are common:
- `sdtapi` (the generic SDT_* API): `SDT_OpenPort`, `SDT_StartFindIDCard`, `SDT_SelectIDCard`,
  `SDT_ReadBaseMsg`; the return value is SW3 (0x90 ok, 0x9F found) and the text comes back as
  the same 256-byte UCS-2 block as on the wire, so it goes through `codec.decode_text_block`.
- `termb` (several vendors): `CVR_InitComm` → `CVR_Authenticate` → `CVR_Read_Content(4)`, then
  getters such as `GetPeopleName(buf, &len)` returning GBK text; 1 = success. Resident cards (and
  HK/Macau/Taiwan permits where the library exports `GetCertType`/`GetPassCheckID`) are mapped;
  foreigners' cards through termb are not, since their getter names differ between vendors.

Why a guard around loading: a missing or 32-bit-only vendor library is a state the staff screen
shows ("missing"), never a crash. All calls into the library happen on this backend's one worker
thread, because vendor libraries are rarely thread-safe.
"""

from __future__ import annotations

import ctypes
from typing import Literal

from devices.idcard import codec
from devices.idcard.card import IdCard
from devices.idcard.status import ReaderFault, ReaderMissing, ReaderReading, ReaderReady, ReaderStatus
from devices.idcard.worker import ReaderWorker

SdkStyle = Literal["sdtapi", "termb"]
TERMB_OK = 1


class SdkIdReader(ReaderWorker):
    """Implements `devices.idcard.IdCardReader` over a vendor library."""

    def __init__(self, library: str, style: SdkStyle = "sdtapi", port: int = 1001,
                 poll_interval: float = 0.1) -> None:
        super().__init__("id-reader sdk")
        self._library_path = library
        self._style = style
        self._port = port
        self._poll = poll_interval

    # -- worker ----------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            lib = ctypes.CDLL(self._library_path)
        except OSError:
            message = f"无法加载身份证阅读器厂商库 {self._library_path}（文件缺失或位数不符）"
            self._set_status(ReaderMissing(message))
            return
        session = _Sdtapi(lib, self._port) if self._style == "sdtapi" else _Termb(lib, self._port)
        if not session.available():
            self._set_status(ReaderMissing(f"厂商库 {self._library_path} 缺少 {self._style} 接口函数"))
            return
        opened = False
        awaiting_lift = False
        while not self._stop.is_set():
            if not opened:
                result = session.open()
                if result is not None:
                    self._set_status(result)
                    self._stop.wait(1.0)
                    continue
                opened = True
                self._set_status(ReaderReady())
            found = session.find()
            if found is False:
                awaiting_lift = False
                self._set_status(ReaderReady())
            elif isinstance(found, ReaderFault):
                self._set_status(found)
                session.close()
                opened = False
            elif not awaiting_lift:
                self._set_status(ReaderReading())
                card = session.read()
                if isinstance(card, IdCard):
                    awaiting_lift = True
                    self._set_status(ReaderReady())
                    self._report(card)
                else:
                    self._set_status(ReaderFault(card))
            self._stop.wait(self._poll)
        if opened:
            session.close()


class _Sdtapi:
    def __init__(self, lib: ctypes.CDLL, port: int) -> None:
        self.lib, self.port = lib, port

    def available(self) -> bool:
        names = ("SDT_OpenPort", "SDT_ClosePort", "SDT_StartFindIDCard", "SDT_SelectIDCard",
                 "SDT_ReadBaseMsg")
        if not all(hasattr(self.lib, n) for n in names):
            return False
        u8p, uip = ctypes.POINTER(ctypes.c_ubyte), ctypes.POINTER(ctypes.c_uint)
        self.lib.SDT_OpenPort.argtypes = [ctypes.c_int]
        self.lib.SDT_ClosePort.argtypes = [ctypes.c_int]
        self.lib.SDT_StartFindIDCard.argtypes = [ctypes.c_int, u8p, ctypes.c_int]
        self.lib.SDT_SelectIDCard.argtypes = [ctypes.c_int, u8p, ctypes.c_int]
        self.lib.SDT_ReadBaseMsg.argtypes = [ctypes.c_int, u8p, uip, u8p, uip, ctypes.c_int]
        for n in names:
            getattr(self.lib, n).restype = ctypes.c_int
        return True

    def open(self) -> ReaderStatus | None:
        sw3 = self.lib.SDT_OpenPort(self.port)
        if sw3 == codec.SW3_OK:
            return None
        return ReaderMissing(f"无法打开身份证阅读器（端口 {self.port}，返回 0x{sw3 & 0xFF:02X}）")

    def close(self) -> None:
        self.lib.SDT_ClosePort(self.port)

    def find(self) -> bool | ReaderFault:
        buf = (ctypes.c_ubyte * 8)()
        sw3 = self.lib.SDT_StartFindIDCard(self.port, buf, 0)
        if sw3 == codec.SW3_CARD_FOUND:
            return True
        if sw3 in (codec.SW3_FIND_FAILED, codec.SW3_SELECT_FAILED):
            return False
        return ReaderFault(codec.sw3_message(sw3 & 0xFF), sw3 & 0xFF)

    def read(self) -> IdCard | str:
        buf = (ctypes.c_ubyte * 8)()
        sw3 = self.lib.SDT_SelectIDCard(self.port, buf, 0)
        if sw3 != codec.SW3_OK:
            return codec.sw3_message(sw3 & 0xFF)
        text = (ctypes.c_ubyte * 256)()
        photo = (ctypes.c_ubyte * 1024)()
        text_len, photo_len = ctypes.c_uint(0), ctypes.c_uint(0)
        sw3 = self.lib.SDT_ReadBaseMsg(self.port, text, ctypes.byref(text_len), photo,
                                       ctypes.byref(photo_len), 0)
        if sw3 != codec.SW3_OK:
            return codec.sw3_message(sw3 & 0xFF)
        if text_len.value != 256 or photo_len.value > 1024:
            return f"厂商库返回的数据长度不对（文字 {text_len.value}，照片 {photo_len.value}）"
        card = codec.decode_text_block(bytes(text), bytes(photo)[: photo_len.value])
        return card if isinstance(card, IdCard) else card.message


class _Termb:
    GETTERS = ("GetPeopleName", "GetPeopleSex", "GetPeopleNation", "GetPeopleBirthday", "GetPeopleAddress",
               "GetPeopleIDCode", "GetDepartment", "GetStartDate", "GetEndDate")

    def __init__(self, lib: ctypes.CDLL, port: int) -> None:
        self.lib, self.port = lib, port

    def available(self) -> bool:
        core = ("CVR_InitComm", "CVR_Authenticate", "CVR_Read_Content", "CVR_CloseComm") + self.GETTERS
        if not all(hasattr(self.lib, n) for n in core):
            return False
        self.lib.CVR_InitComm.argtypes = [ctypes.c_int]
        self.lib.CVR_Read_Content.argtypes = [ctypes.c_int]
        for name in core:
            getattr(self.lib, name).restype = ctypes.c_int
        return True

    def open(self) -> ReaderStatus | None:
        if self.lib.CVR_InitComm(self.port) == TERMB_OK:
            return None
        return ReaderMissing(f"无法打开身份证阅读器（端口 {self.port}）")

    def close(self) -> None:
        self.lib.CVR_CloseComm()

    def find(self) -> bool | ReaderFault:
        return self.lib.CVR_Authenticate() == TERMB_OK

    def _get(self, name: str, size: int = 128) -> str:
        fn = getattr(self.lib, name, None)
        if fn is None:
            return ""
        buf = ctypes.create_string_buffer(size)
        length = ctypes.c_int(size)
        fn.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
        fn.restype = ctypes.c_int
        if fn(buf, ctypes.byref(length)) != TERMB_OK:
            return ""
        raw = buf.raw[: max(0, min(length.value, size))].split(b"\0", 1)[0]
        return raw.decode("gb18030", errors="replace").strip()

    def read(self) -> IdCard | str:
        if self.lib.CVR_Read_Content(4) != TERMB_OK:
            return codec.sw3_message(codec.SW3_READ_FAILED)
        cert_type = self._get("GetCertType") if hasattr(self.lib, "GetCertType") else ""
        card_type = "hk_mo_tw" if cert_type.upper() == "J" else "resident"
        if cert_type.upper() in ("I", "Y"):
            return "此厂商库读取外国人永久居留身份证的接口未适配，请改用串口方式"
        nation = self._get("GetPeopleNation").removesuffix("族")
        try:
            photo = self._photo()
            return IdCard(
                card_type=card_type, name=self._get("GetPeopleName") or None, name_en=None,
                sex=self._get("GetPeopleSex") or "未知",
                ethnicity=(nation or None) if card_type == "resident" else None,
                birth_date=_iso(self._get("GetPeopleBirthday")),
                address=self._get("GetPeopleAddress") or None,
                id_number=self._get("GetPeopleIDCode"), issuer=self._get("GetDepartment") or None,
                valid_from=_iso(self._get("GetStartDate")), valid_to=_iso(self._get("GetEndDate")),
                pass_number=(self._get("GetPassCheckID") or None) if card_type == "hk_mo_tw" else None,
                issue_count=_int(self._get("GetIssuesNum")) if card_type == "hk_mo_tw" else None,
                photo=photo,
            )
        except ValueError as exc:
            return f"厂商库返回的信息无法识别：{exc}"

    def _photo(self) -> bytes:
        """Decoded BMP where the library offers `GetBMPData` (termb decodes WLT itself)."""
        fn = getattr(self.lib, "GetBMPData", None)
        if fn is None:
            return b""
        buf = (ctypes.c_ubyte * 65536)()
        length = ctypes.c_int(65536)
        fn.argtypes = [ctypes.POINTER(ctypes.c_ubyte), ctypes.POINTER(ctypes.c_int)]
        fn.restype = ctypes.c_int
        if fn(buf, ctypes.byref(length)) != TERMB_OK:
            return b""
        return bytes(buf)[: max(0, min(length.value, 65536))]


def _iso(value: str) -> str:
    if value == codec.LONG_TERM:
        return value
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 8:
        raise ValueError(f"日期“{value}”")
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None
