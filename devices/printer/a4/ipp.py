"""A minimal IPP/1.1 client: the wire codec (pure functions) and HTTP transport to CUPS.

Why not `lp`/`lpstat`: their text output is localised and does not say *why* a job stopped, and
Qt's own printing silently writes a PDF when the printer name is wrong. IPP answers precisely:
`printer-state-reasons` (media-empty, offline-report …) and `job-state` (completed, aborted …).
Only the four operations the kiosk needs are built; the codec follows RFC 8010 section 3.
"""

from __future__ import annotations

import http.client
import itertools
import os
import socket
import struct
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

# Operations (RFC 8011)
PRINT_JOB = 0x0002
CANCEL_JOB = 0x0008
GET_JOB_ATTRIBUTES = 0x0009
GET_PRINTER_ATTRIBUTES = 0x000B

# Delimiter tags
TAG_OPERATION = 0x01
TAG_JOB = 0x02
TAG_END = 0x03
TAG_PRINTER = 0x04
TAG_UNSUPPORTED = 0x05
# Value tags
TAG_INTEGER = 0x21
TAG_BOOLEAN = 0x22
TAG_ENUM = 0x23
TAG_TEXT = 0x41
TAG_NAME = 0x42
TAG_KEYWORD = 0x44
TAG_URI = 0x45
TAG_CHARSET = 0x47
TAG_LANGUAGE = 0x48
TAG_MIME = 0x49

STATUS_OK_MAX = 0x00FF
STATUS_NOT_FOUND = 0x0406

JOB_STATES = {3: "pending", 4: "pending-held", 5: "processing", 6: "processing-stopped",
              7: "canceled", 8: "aborted", 9: "completed"}
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}


class IppError(RuntimeError):
    """The server could not be reached or answered something that is not IPP."""


@dataclass
class IppResponse:
    """A decoded response: status code, and attributes by group (name -> list of values)."""

    status: int
    request_id: int
    groups: list[tuple[int, dict[str, list[Any]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status <= STATUS_OK_MAX

    def first(self, group_tag: int) -> dict[str, list[Any]]:
        return next((attrs for tag, attrs in self.groups if tag == group_tag), {})

    def value(self, group_tag: int, name: str, default: Any = None) -> Any:
        values = self.first(group_tag).get(name)
        return values[0] if values else default


def _attr(tag: int, name: str, values: list[Any] | Any) -> bytes:
    if not isinstance(values, list):
        values = [values]
    out = bytearray()
    for index, value in enumerate(values):
        encoded = _encode_value(tag, value)
        key = name.encode("ascii") if index == 0 else b""
        out += struct.pack(">BH", tag, len(key)) + key + struct.pack(">H", len(encoded)) + encoded
    return bytes(out)


def _encode_value(tag: int, value: Any) -> bytes:
    if tag in (TAG_INTEGER, TAG_ENUM):
        return struct.pack(">i", int(value))
    if tag == TAG_BOOLEAN:
        return b"\x01" if value else b"\x00"
    return str(value).encode("utf-8")


def encode_request(operation: int, request_id: int, attributes: list[tuple[int, str, Any]],
                   data: bytes = b"") -> bytes:
    """An IPP/1.1 request: header, operation attributes (charset and language first), data."""
    body = bytearray(struct.pack(">BBHi", 1, 1, operation, request_id))
    body.append(TAG_OPERATION)
    body += _attr(TAG_CHARSET, "attributes-charset", "utf-8")
    body += _attr(TAG_LANGUAGE, "attributes-natural-language", "zh-cn")
    for tag, name, value in attributes:
        body += _attr(tag, name, value)
    body.append(TAG_END)
    return bytes(body) + data


def decode_response(payload: bytes) -> IppResponse:
    """Parse an IPP response; raises IppError on truncated or malformed input."""
    if len(payload) < 9:
        raise IppError("打印服务应答不完整")
    _major, _minor, status, request_id = struct.unpack(">BBHi", payload[:8])
    response = IppResponse(status, request_id)
    pos = 8
    current: dict[str, list[Any]] | None = None
    last_name = ""
    try:
        while pos < len(payload):
            tag = payload[pos]
            pos += 1
            if tag == TAG_END:
                break
            if tag < 0x10:  # a delimiter: a new attribute group
                current = {}
                response.groups.append((tag, current))
                continue
            (name_len,) = struct.unpack(">H", payload[pos:pos + 2])
            pos += 2
            name = payload[pos:pos + name_len].decode("utf-8")
            pos += name_len
            (value_len,) = struct.unpack(">H", payload[pos:pos + 2])
            pos += 2
            raw = payload[pos:pos + value_len]
            if len(raw) != value_len:
                raise IppError("打印服务应答被截断")
            pos += value_len
            if current is None:
                raise IppError("打印服务应答格式有误")
            if name:
                last_name = name
                current[name] = []
            current.setdefault(last_name, []).append(_decode_value(tag, raw))
    except (struct.error, UnicodeDecodeError) as exc:
        raise IppError("打印服务应答格式有误") from exc
    return response


def _decode_value(tag: int, raw: bytes) -> Any:
    if tag in (TAG_INTEGER, TAG_ENUM) and len(raw) == 4:
        return struct.unpack(">i", raw)[0]
    if tag == TAG_BOOLEAN and len(raw) == 1:
        return raw != b"\x00"
    if 0x40 <= tag <= 0x5F:
        return raw.decode("utf-8", errors="replace")
    return raw


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def default_server() -> str:
    """Where CUPS listens: $CUPS_SERVER (a socket path or host[:port]), else the system socket."""
    server = os.environ.get("CUPS_SERVER", "")
    if server:
        return server
    for path in ("/run/cups/cups.sock", "/var/run/cups/cups.sock"):
        if os.path.exists(path):
            return path
    return "localhost:631"


class IppClient:
    """Talks IPP to one CUPS server (a Unix socket path, or host:port on 127.0.0.1)."""

    def __init__(self, server: str | None = None, timeout: float = 10.0, user: str = "kiosk") -> None:
        self.server = server or default_server()
        self.timeout = timeout
        self.user = user
        self._ids = itertools.count(1)

    def printer_uri(self, name: str) -> str:
        return f"ipp://localhost{self.printer_path(name)}"

    @staticmethod
    def printer_path(name: str) -> str:
        """The HTTP resource of a queue; names may hold non-ASCII characters, so percent-encode."""
        return "/printers/" + urllib.parse.quote(name, safe="")

    def request(self, operation: int, resource: str, attributes: list[tuple[int, str, Any]],
                data: bytes = b"") -> IppResponse:
        body = encode_request(operation, next(self._ids), attributes, data)
        connection = self._connect()
        try:
            connection.request("POST", resource, body=body,
                               headers={"Content-Type": "application/ipp", "Host": "localhost"})
            reply = connection.getresponse()
            payload = reply.read()
            if reply.status != 200:
                raise IppError(f"打印服务返回 HTTP {reply.status}")
        except (OSError, http.client.HTTPException) as exc:
            raise IppError(f"无法连接打印服务（{self.server}）：{exc}") from exc
        finally:
            connection.close()
        return decode_response(payload)

    def _connect(self) -> http.client.HTTPConnection:
        if self.server.startswith("/"):
            return _UnixHTTPConnection(self.server, self.timeout)
        host, _, port = self.server.partition(":")
        return http.client.HTTPConnection(host, int(port or 631), timeout=self.timeout)
