"""Embedded scan engines in USB-COM mode: the code's bytes, then CR/LF, on a serial port.

Most 政务 terminals read QR codes with an embedded engine (a small camera with its own decoder)
rather than through the PC's camera. Set to USB-COM (virtual serial port, CDC-ACM or a USB-serial
chip) the engine sends each code it reads as raw bytes followed by a terminator (CR, LF or CRLF,
settable on the engine). Its character setting decides what a Chinese code looks like on the wire:
GBK (GB18030 here, its superset) or UTF-8. `EngineReader` reads that on its own worker thread and
reports each code as a `Symbol`, the type the camera path reports, so identification and 查进度
take codes from either the same way.

Framing (`LineFramer`, pure): a code ends at CR or LF; CRLF, LFCR and empty lines between codes
are not codes. Bytes without a terminator are kept until one arrives, and dropped when the engine
is unplugged (a half-sent code is never reported). A line longer than `MAX_LINE` is discarded whole.

Health (`EngineStatus`): ready, missing (the port vanished; reopened every 0.1–2 s with back-off).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from devices.scanner.text import text_from_bytes
from devices.scanner.types import Symbol

log = logging.getLogger(__name__)

Encoding = Literal["gbk", "utf-8", "auto"]
ENCODINGS: tuple[Encoding, ...] = ("gbk", "utf-8", "auto")
MAX_LINE = 8192        # a 辽事通 code is a few hundred bytes; a QR code holds at most ~3 KB


def decode_code(raw: bytes, encoding: Encoding) -> tuple[str, str]:
    """(text, charset actually used). `gbk` reads GB18030 (a superset of GBK and GB2312); `auto`
    follows the camera path's rule (UTF-8 when valid, else GB18030). Never raises: bytes that do
    not fit the setting come out with U+FFFD, and `Symbol.raw` keeps them as sent."""
    if encoding == "auto":
        decoded = text_from_bytes(raw)
        return decoded.text, decoded.charset
    codec = "gb18030" if encoding == "gbk" else "utf-8"
    return raw.decode(codec, errors="replace"), codec


class LineFramer:
    """Bytes in, complete codes out. Pure: no I/O, no clock."""

    def __init__(self, max_line: int = MAX_LINE) -> None:
        self._buffer = bytearray()
        self._max = max_line
        self._overlong = False

    def feed(self, data: bytes) -> list[bytes]:
        codes: list[bytes] = []
        for byte in data:
            if byte in (0x0D, 0x0A):
                if self._buffer and not self._overlong:
                    codes.append(bytes(self._buffer))
                self._buffer.clear()
                self._overlong = False
            elif len(self._buffer) >= self._max:
                self._overlong = True
                self._buffer.clear()
            elif not self._overlong:
                self._buffer.append(byte)
        return codes

    def reset(self) -> None:
        """The line dropped (unplug): a half-received code is not a code."""
        self._buffer.clear()
        self._overlong = False

    @property
    def pending(self) -> int:
        return len(self._buffer)


@dataclass(frozen=True)
class EngineStatus:
    """`state` is "ready", "missing" or "stopped"; `message` says it in Chinese for the staff screen."""

    state: Literal["ready", "missing", "stopped"]
    message: str


def _open_serial(path: str, baud: int) -> Any:
    import serial

    return serial.Serial(path, baudrate=baud, bytesize=8, parity="N", stopbits=1, timeout=0.1,
                         exclusive=True)


class EngineReader:
    """A USB-COM scan engine on its own worker thread.

    `on_code(symbol)` once per code read; `on_status(status)` on every change of health. Both are
    called on the worker thread (the Qt layer turns them into signals); a listener that raises is
    logged and does not stop the reader. `stop()` ends the thread and closes the port.
    """

    def __init__(self, port: str, encoding: Encoding = "gbk", baud: int = 9600,
                 on_code: Callable[[Symbol], None] | None = None,
                 on_status: Callable[[EngineStatus], None] | None = None,
                 opener: Callable[[str, int], Any] = _open_serial) -> None:
        if encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}")
        self._port = port
        self._encoding = encoding
        self._baud = baud
        self._on_code = on_code or (lambda symbol: None)
        self._on_status = on_status or (lambda status: None)
        self._opener = opener
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status = EngineStatus("stopped", "扫码模块未启动")
        self._framer = LineFramer()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="scan-engine", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        self._thread = None

    def status(self) -> EngineStatus:
        return self._status

    # -- worker ------------------------------------------------------------------------------------

    def _run(self) -> None:
        backoff = 0.1
        while not self._stop.is_set():
            try:
                link = self._opener(self._port, self._baud)
            except Exception as exc:  # noqa: BLE001 - SerialException, OSError, ValueError alike
                message = f"扫码模块（{self._port}）未连接或无法打开：{_why(exc)}"
                self._set_status(EngineStatus("missing", message))
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            backoff = 0.1
            self._framer.reset()
            self._set_status(EngineStatus("ready", f"扫码模块（{self._port}）已就绪"))
            try:
                self._read(link)
            except Exception as exc:  # noqa: BLE001 - a vanished adapter raises SerialException/OSError
                log.info("scan engine %s lost: %s", self._port, exc)
                self._set_status(EngineStatus("missing", f"扫码模块（{self._port}）已断开，正在重新连接"))
            finally:
                with contextlib.suppress(Exception):  # closing a vanished port may fail; it is gone
                    link.close()
                self._framer.reset()
        self._set_status(EngineStatus("stopped", "扫码模块已停止"))

    def _read(self, link: Any) -> None:
        while not self._stop.is_set():
            waiting = link.in_waiting
            data = link.read(waiting or 1)
            if not data:
                # pyserial returns b"" on timeout; on a pty whose other end closed it may also
                # return b"" at once, so check that the device node is still there.
                self._check_alive(link)
                continue
            for raw in self._framer.feed(data):
                text, charset = decode_code(raw, self._encoding)
                self._report(Symbol(text=text, raw=raw, format="engine", charset=charset,
                                    decoder="usb-com"))

    def _check_alive(self, link: Any) -> None:
        """A quiet line is normal; a vanished device node is an unplug. (Only POSIX paths are
        checked: a Windows COM port has no file to look at, and pyserial raises there itself.)"""
        if self._port.startswith("/") and not os.path.exists(self._port):
            raise OSError("端口已消失")
        if getattr(link, "fd", None) is not None:
            os.fstat(link.fd)

    def _set_status(self, status: EngineStatus) -> None:
        if status == self._status:
            return
        self._status = status
        try:
            self._on_status(status)
        except Exception:  # noqa: BLE001 - a faulty listener must not stop the reader
            log.exception("scan engine status listener failed")

    def _report(self, symbol: Symbol) -> None:
        try:
            self._on_code(symbol)
        except Exception:  # noqa: BLE001 - a faulty listener must not stop the reader
            log.exception("scan engine code listener failed")


def _why(exc: BaseException) -> str:
    text = str(exc)
    if "No such file" in text or "Errno 2" in text:
        return "端口不存在"
    if "Permission denied" in text or "Errno 13" in text:
        return "没有权限（kiosk 用户须在 dialout 组）"
    if "busy" in text.lower() or "Errno 16" in text or "exclusively" in text:
        return "端口被其他程序占用"
    return "端口打开失败"
