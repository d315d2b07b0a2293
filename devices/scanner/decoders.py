"""The two decoding libraries behind one small interface: zxing-cpp (default) and ZBar.

Each decoder takes a grayscale frame (2-D uint8 numpy array) and returns `Symbol`s whose text is
made by `devices.scanner.text` from the raw bytes, never by the library's own charset guess.

ZBar is driven through pyzbar's ctypes bindings (`pyzbar.wrapper`) rather than `pyzbar.decode`:
pyzbar 0.1.9 raises on symbols whose orientation ZBar reports as unknown, and it cannot ask ZBar for
raw bytes (ZBar converts QR text to UTF-8 by its own guess unless ZBAR_CFG_BINARY is set). ZBar also
joins structured-append symbols that are in the same frame into one message, which zxing-cpp's
Python binding cannot (it does not expose the sequence header).

A decoder instance is not thread-safe (ZBar's scanner keeps state): one per worker thread.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from devices.scanner.text import DecodedText, text_from_bytes, text_from_eci_stream
from devices.scanner.types import Symbol


class DecoderUnavailable(RuntimeError):
    """The decoding library is not installed or cannot be loaded (a state, not a crash)."""


class Decoder(Protocol):
    """Anything that turns a grayscale frame into symbols."""

    name: str

    def decode(self, gray: np.ndarray) -> list[Symbol]: ...


# What a government service station meets: QR codes (辽事通 codes, forms), Data Matrix on some
# certificates, Code 128 on receipts and parcels. Fewer formats = much faster (every linear format
# adds a full row scan of the 720p frame).
DEFAULT_FORMATS: tuple[str, ...] = ("QRCode", "MicroQRCode", "RMQRCode", "DataMatrix", "Code128")


class ZxingDecoder:
    """zxing-cpp with the settings chosen for a live camera frame."""

    def __init__(self, formats: Sequence[str] = DEFAULT_FORMATS, *, try_rotate: bool = False,
                 try_downscale: bool = True, try_invert: bool = True, binarizer: str = "LocalAverage",
                 name: str = "zxing-cpp") -> None:
        try:
            import zxingcpp
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise DecoderUnavailable("未安装 zxing-cpp 解码库") from exc
        self._zx = zxingcpp
        self.name = name
        self._formats = zxingcpp.barcode_formats_from_str(",".join(formats))
        self._options = {
            "try_rotate": try_rotate, "try_downscale": try_downscale, "try_invert": try_invert,
            "binarizer": getattr(zxingcpp.Binarizer, binarizer),
            "text_mode": zxingcpp.TextMode.HexECI,
        }

    def decode(self, gray: np.ndarray) -> list[Symbol]:
        found = self._zx.read_barcodes(gray, formats=self._formats, **self._options)
        return [self._symbol(b, gray) for b in found]

    def _symbol(self, barcode: object, gray: np.ndarray) -> Symbol:
        raw: bytes = barcode.bytes  # type: ignore[attr-defined]
        # HexECI text = symbology identifier ("]Q1") then the ECI-protocol byte stream, in hex.
        hex_text: str = barcode.text  # type: ignore[attr-defined]
        stream = bytes.fromhex(hex_text)
        payload = stream[3:] if stream[:1] == b"]" else stream
        pos = barcode.position  # type: ignore[attr-defined]
        corners = tuple((int(p.x), int(p.y)) for p in (pos.top_left, pos.top_right,
                                                        pos.bottom_right, pos.bottom_left))
        if payload != raw:
            decoded: DecodedText = text_from_eci_stream(payload)
        else:
            decoded = text_from_bytes(raw)
            if decoded.charset != "utf-8":
                decoded = self._mode_charset(gray, corners, barcode, raw) or decoded
        return Symbol(text=decoded.text, raw=raw, format=_format_name(barcode.format),  # type: ignore[attr-defined]
                      charset=decoded.charset, eci=decoded.eci, corners=corners, decoder=self.name)


    def _mode_charset(self, gray: np.ndarray, corners: tuple[tuple[int, int], ...], barcode: object,
                      raw: bytes) -> DecodedText | None:
        """QR Kanji mode (Shift_JIS) and Hanzi mode (GB2312) say their charset; bytes alone do not.

        segno, for one, writes Chinese text in Kanji mode whenever every character exists in JIS.
        zxing-cpp knows the mode of each segment, so its own text is asked for (a second, small
        decode of the symbol's crop, only for non-UTF-8 bytes without ECI). If that text is a
        faithful Shift_JIS or GB18030 reading without half-width katakana (which Kanji mode cannot
        hold, but a Shift_JIS *guess* at GBK bytes always shows), the mode decided it.
        """
        xs = [x for x, _ in corners]
        ys = [y for _, y in corners]
        margin = max(8, (max(xs) - min(xs)) // 4)
        crop = gray[max(0, min(ys) - margin):max(ys) + margin, max(0, min(xs) - margin):max(xs) + margin]
        if crop.size == 0:
            return None
        fmt = barcode.format  # type: ignore[attr-defined]
        for other in self._zx.read_barcodes(crop, formats=fmt, text_mode=self._zx.TextMode.Plain,
                                            try_rotate=True):
            if other.bytes != raw:
                continue
            text = other.text
            if any("\uff61" <= ch <= "\uff9f" for ch in text) or text == raw.decode("latin-1"):
                return None
            for codec, name in (("cp932", "shift_jis"), ("gb18030", "gb18030")):
                if raw.decode(codec, errors="replace") == text:
                    return DecodedText(text, name)
        return None


def _format_name(fmt: object) -> str:
    name = getattr(fmt, "name", None) or str(fmt).split(".")[-1]
    return {"QRCodeModel2": "QRCode"}.get(name, name)


# ZBar symbol types (zbar.h) -> the zxing-cpp names used everywhere in this package.
_ZBAR_FORMATS = {
    8: "EAN8", 9: "UPCE", 10: "ISBN10", 12: "UPCA", 13: "EAN13", 14: "ISBN13", 25: "ITF",
    34: "DataBar", 35: "DataBarExp", 38: "Codabar", 39: "Code39", 57: "PDF417", 64: "QRCode",
    93: "Code93", 128: "Code128",
}
_ZBAR_QRCODE = 64
_ZBAR_PARTIAL = 1
_ZBAR_CFG_ENABLE = 0
_ZBAR_CFG_BINARY = 4  # zbar >= 0.23: give QR data as raw bytes, no charset conversion
_Y800 = 0x30303859  # fourcc "Y800": 8-bit grayscale


class ZbarDecoder:
    """ZBar through ctypes: raw bytes, structured append joined within one frame."""

    def __init__(self, name: str = "zbar") -> None:
        try:
            from pyzbar import wrapper
        except ImportError as exc:
            raise DecoderUnavailable(
                "未安装 pyzbar（ZBar 解码库）：pip install pyzbar，apt install libzbar0") from exc
        self.name = name
        self._w = wrapper
        self._get_type = wrapper.zbar_function(
            "zbar_symbol_get_type", ctypes.c_int, ctypes.POINTER(wrapper.zbar_symbol))
        self._scanner = wrapper.zbar_image_scanner_create()
        wrapper.zbar_image_scanner_set_config(self._scanner, 0, _ZBAR_CFG_ENABLE, 1)
        wrapper.zbar_image_scanner_set_config(self._scanner, _ZBAR_QRCODE, _ZBAR_CFG_BINARY, 1)

    def __del__(self) -> None:  # the scanner is a C object; free it with the decoder
        scanner, self._scanner = getattr(self, "_scanner", None), None
        if scanner:
            self._w.zbar_image_scanner_destroy(scanner)

    def decode(self, gray: np.ndarray) -> list[Symbol]:
        w = self._w
        gray = np.ascontiguousarray(gray, dtype=np.uint8)
        height, width = gray.shape
        image = w.zbar_image_create()
        try:
            w.zbar_image_set_format(image, _Y800)
            w.zbar_image_set_size(image, width, height)
            w.zbar_image_set_data(image, gray.ctypes.data_as(ctypes.c_void_p), gray.size, None)
            if w.zbar_scan_image(self._scanner, image) < 0:
                return []
            return list(self._symbols(image))
        finally:
            w.zbar_image_destroy(image)

    def _symbols(self, image: object) -> Iterable[Symbol]:
        w = self._w
        sym = w.zbar_image_first_symbol(image)
        while sym:
            kind = self._get_type(sym)
            if kind != _ZBAR_PARTIAL:  # a lone structured-append part: not a message by itself
                raw = ctypes.string_at(w.zbar_symbol_get_data(sym), w.zbar_symbol_get_data_length(sym))
                decoded = text_from_bytes(raw)
                n = w.zbar_symbol_get_loc_size(sym)
                pts = [(w.zbar_symbol_get_loc_x(sym, i), w.zbar_symbol_get_loc_y(sym, i)) for i in range(n)]
                yield Symbol(text=decoded.text, raw=raw, format=_ZBAR_FORMATS.get(kind, f"zbar-{kind}"),
                             charset=decoded.charset, corners=_quad(pts), decoder=self.name)
            sym = w.zbar_symbol_next(sym)


def _quad(points: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """ZBar gives a polygon (4 points for QR, many for linear codes): keep its bounding corners."""
    if len(points) == 4 or not points:
        return tuple((int(x), int(y)) for x, y in points)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))


def make_decoder(name: str) -> Decoder:
    """Decoder by configuration name: "zxing" (default), "zbar", or "ensemble"."""
    from devices.scanner.ensemble import EnsembleDecoder

    name = (name or "ensemble").lower()
    if name in ("zxing", "zxing-cpp", "zxingcpp"):
        return ZxingDecoder()
    if name in ("zbar", "pyzbar"):
        return ZbarDecoder()
    if name == "ensemble":
        return EnsembleDecoder()
    raise ValueError(f"未知的解码器：{name}（可选 zxing、zbar、ensemble）")
