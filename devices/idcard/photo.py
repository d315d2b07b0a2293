"""Plug-in point for the vendor's WLT photo decoder.

The card's photo is 1024 bytes of the proprietary WLT format; no open-source decoder is known.
Stations that hold the vendor's licensed library (`libwlt2bmp.so`, `WltRS.dll`) can decode it to
a 102×126 bitmap; everyone else shows a neutral silhouette. `IdCard.photo` always keeps the raw
bytes, so nothing is lost whichever way a station is set up.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

PHOTO_WIDTH, PHOTO_HEIGHT = 102, 126
WltDecoder = Callable[[bytes], bytes | None]


def load_wlt_decoder(library_path: str) -> WltDecoder | None:
    """A decoder backed by `unpack(wlt, bgr_out, flag)` of libwlt2bmp, or None if it cannot load.

    A missing or broken vendor library is a state (no photo), never a crash.
    """
    try:
        lib = ctypes.CDLL(library_path)
        unpack = lib.unpack
    except (OSError, AttributeError):
        return None
    unpack.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
    unpack.restype = ctypes.c_int

    def decode(wlt: bytes) -> bytes | None:
        if len(wlt) != 1024:
            return None
        out = ctypes.create_string_buffer(38862 + 1024)  # 102×126×3 BMP plus header room
        try:
            ok = unpack(wlt, out, 602)
        except OSError:
            return None
        return out.raw[:38862] if ok == 1 else None

    return decode
