"""Byte movers for receipt printers: serial, USB (Linux usblp node), network (port 9100), file.

Why so thin: all ESC/POS knowledge lives in the codec; a transport only opens, writes, reads with a
deadline and closes (python-escpos's one good idea: commands and transport meet at one hook). Each
raises `TransportError` with a Chinese message, so the printer driver handles one exception type.
"""

from __future__ import annotations

import os
import select
import socket
import time
from typing import Protocol

try:  # termios errors (e.g. tcdrain on a vanished pty) are not OSError; POSIX only
    import termios

    _PORT_ERRORS: tuple[type[BaseException], ...] = (OSError, termios.error)
except ImportError:  # Windows
    _PORT_ERRORS = (OSError,)


class TransportError(Exception):
    """The link to the printer failed (unplugged, refused, timed out). Message in Chinese."""


class Transport(Protocol):
    def write(self, data: bytes) -> None: ...
    def read(self, size: int, timeout: float) -> bytes: ...
    def close(self) -> None: ...


class SerialTransport:
    """A serial or USB-serial printer through pyserial."""

    def __init__(self, path: str, baud: int = 115200) -> None:
        import serial

        try:
            self._port = serial.Serial(path, baudrate=baud, timeout=0.2, write_timeout=10)
        except (serial.SerialException, ValueError, *_PORT_ERRORS) as exc:
            raise TransportError(f"无法打开打印机串口 {path}") from exc
        self._path = path

    def write(self, data: bytes) -> None:
        import serial

        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, *_PORT_ERRORS) as exc:
            raise TransportError(f"向打印机串口 {self._path} 发送失败（可能已断开）") from exc

    def read(self, size: int, timeout: float) -> bytes:
        import serial

        deadline = time.monotonic() + timeout
        out = b""
        try:
            while len(out) < size and (remaining := deadline - time.monotonic()) > 0:
                self._port.timeout = remaining
                out += self._port.read(size - len(out))
        except (serial.SerialException, *_PORT_ERRORS) as exc:
            raise TransportError(f"从打印机串口 {self._path} 读取失败（可能已断开）") from exc
        return out

    def discard_input(self) -> None:
        import contextlib

        with contextlib.suppress(Exception):
            self._port.reset_input_buffer()

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(Exception):
            self._port.close()


class DeviceFileTransport:
    """A character device such as /dev/usb/lp0 (USB printer class; reads give the status bytes)."""

    def __init__(self, path: str) -> None:
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_NONBLOCK)
        except OSError as exc:
            raise TransportError(f"无法打开打印机设备 {path}") from exc
        self._path = path

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view:
                _, ready, _ = select.select([], [self._fd], [], 10)
                if not ready:
                    raise TransportError(f"打印机 {self._path} 长时间不接收数据")
                view = view[os.write(self._fd, view):]
        except OSError as exc:
            raise TransportError(f"向打印机 {self._path} 发送失败（可能已断开）") from exc

    def read(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        out = b""
        try:
            while len(out) < size and (remaining := deadline - time.monotonic()) > 0:
                ready, _, _ = select.select([self._fd], [], [], remaining)
                if ready:
                    chunk = os.read(self._fd, size - len(out))
                    if not chunk:
                        raise TransportError(f"打印机 {self._path} 已断开")
                    out += chunk
        except BlockingIOError:
            return out
        except OSError as exc:
            raise TransportError(f"从打印机 {self._path} 读取失败（可能已断开）") from exc
        return out

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(OSError):
            os.close(self._fd)


class NetworkTransport:
    """A network printer on raw TCP port 9100."""

    def __init__(self, host: str, port: int = 9100, timeout: float = 3.0) -> None:
        try:
            self._sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as exc:
            raise TransportError(f"无法连接网络打印机 {host}:{port}") from exc
        self._where = f"{host}:{port}"

    def write(self, data: bytes) -> None:
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise TransportError(f"向网络打印机 {self._where} 发送失败") from exc

    def read(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        out = b""
        try:
            while len(out) < size and (remaining := deadline - time.monotonic()) > 0:
                self._sock.settimeout(remaining)
                try:
                    chunk = self._sock.recv(size - len(out))
                except TimeoutError:
                    break
                if not chunk:
                    raise TransportError(f"网络打印机 {self._where} 断开了连接")
                out += chunk
        except OSError as exc:
            raise TransportError(f"从网络打印机 {self._where} 读取失败") from exc
        return out

    def close(self) -> None:
        import contextlib

        with contextlib.suppress(OSError):
            self._sock.close()


class FileTransport:
    """Append the bytes to a file (spooling, debugging). Nothing ever answers a status query."""

    def __init__(self, path: str) -> None:
        self._path = path

    def write(self, data: bytes) -> None:
        try:
            with open(self._path, "ab") as fh:
                fh.write(data)
        except OSError as exc:
            raise TransportError(f"无法写入文件 {self._path}：{exc.strerror}") from exc

    def read(self, size: int, timeout: float) -> bytes:
        return b""

    def close(self) -> None:
        pass


def open_transport(spec: str, baud: int = 115200) -> Transport:
    """`tcp:HOST[:PORT]`, `file:PATH`, a /dev/usb/lp* node, or a serial port path."""
    if spec.startswith("tcp:"):
        host, _, port = spec[4:].partition(":")
        return NetworkTransport(host, int(port or 9100))
    if spec.startswith("file:"):
        return FileTransport(spec[5:])
    if spec.startswith("/dev/usb/lp"):
        return DeviceFileTransport(spec)
    return SerialTransport(spec, baud)
