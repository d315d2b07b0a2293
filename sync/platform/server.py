"""The reference platform's HTTP side: PLATFORM-API.md over the standard library's threaded server.

Why `http.server.ThreadingHTTPServer` and not a framework: the contract is about exact bytes
(the signature covers the request target as sent and the SHA-256 of the raw body; idempotent
replays must return byte-identical bodies), and the standard library hands us exactly those with
no dependency to install on a county server or CI machine. It speaks HTTP/1.1 keep-alive, which
the throughput benchmark needs; one thread per connection is plenty for a reference server.
Werkzeug would add routing sugar but also a dependency and a layer between us and the wire.
"""

from __future__ import annotations

import contextlib
import email.message
import email.utils
import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sync import signing
from sync.platform.service import PlatformService, error

log = logging.getLogger("sync.platform")
MAX_BODY = 32 * 1024 * 1024
# Seconds a connection may sit waiting for the next bytes of a request: a body shorter than its
# Content-Length (slowloris) held a thread and its socket forever.
READ_TIMEOUT_S = 20.0
# What the standard library's own error pages (bad request line, unknown method, headers too
# long …) become: the contract's JSON error body, never HTML.
_STDLIB_ERRORS = {
    400: ("bad_request", "请求格式不对。"),
    404: ("not_found", "没有这个接口。"),
    405: ("method_not_allowed", "不支持此方法。"),
    408: ("request_timeout", "请求内容未在规定时间内送达。"),
    413: ("too_large", "请求内容过大。"),
    414: ("uri_too_long", "请求地址过长。"),
    431: ("headers_too_large", "请求头过大。"),
    501: ("method_not_allowed", "不支持此方法。"),
    505: ("bad_request", "不支持此 HTTP 版本。"),
}
_ATT = re.compile(r"^/attachments/([0-9a-f]{64})$")
_CERT = re.compile(r"^/certificates/([^/]+)$")
_CERT_STATUS = re.compile(r"^/certificates/([^/]+)/status$")


class PlatformServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        service: PlatformService,
        base_path: str = "/api/v1",
        recorder: Callable[[dict[str, Any]], None] | None = None,
        read_timeout_s: float = READ_TIMEOUT_S,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.read_timeout_s = read_timeout_s
        self.service = service
        self.base_path = base_path.rstrip("/")
        self.recorder = recorder
        self.scheme = "http"
        if tls is not None:
            self._serve_tls(*tls)

    def _serve_tls(self, cert: Path, key: Path) -> None:
        """HTTPS with the standard library's ssl (TLS 1.2+). The handshake runs in the request's
        own thread (do_handshake_on_connect=False), so a slow or failing client never holds up
        accept(). Raises ValueError (Chinese) for files that do not load."""
        import ssl

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        try:
            context.load_cert_chain(str(cert), str(key))
        except (OSError, ssl.SSLError):
            self.server_close()
            raise ValueError(
                f"无法加载 HTTPS 证书 {cert} 或私钥 {key}（PEM 格式、证书与私钥要配对）。") from None
        self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.scheme = "https"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A kiosk that vanished mid-request (power cut, reset) is normal here, not a stack trace."""
        import ssl
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError | ssl.SSLError):
            log.debug("client %s went away", client_address)
            return
        log.exception("request from %s failed", client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"{self.scheme}://{host}:{port}{self.base_path}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: PlatformServer
    # Buffered writes + TCP_NODELAY: the head and body of an answer leave in one segment. With the
    # standard unbuffered writer they go as two, and on a keep-alive connection Nagle's algorithm
    # then waits for the client's delayed ACK: ~40 ms per request.
    wbufsize = 64 * 1024

    def setup(self) -> None:
        self.timeout = self.server.read_timeout_s  # StreamRequestHandler sets it on the socket
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The standard library's error replies (unparseable request line, unknown method such as
        TRACE, oversized headers) in the contract's JSON, not its HTML page."""
        name, text = _STDLIB_ERRORS.get(code, ("bad_request", "请求无效。"))
        self.close_connection = True
        if not hasattr(self, "headers"):
            self.headers = email.message.Message()  # failed before the headers were read
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # unparseable request line: still status line + JSON
        headers = None
        if code in (405, 501):  # an unknown method is the client's mistake: 405, not 501
            code, headers = 405, {"Allow": "GET, POST, PATCH, HEAD"}
        elif code == 505:  # likewise an HTTP version we do not speak: never a 5xx for bad input
            code = 400
        self._reply(code, error(name, text), headers)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        # also called before a request line was read (an idle connection timing out)
        log.debug("%s %s", getattr(self, "command", None), getattr(self, "path", "").split("?")[0])

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The `Date` header from the service's clock, the same clock its signature check and its
        timestamps use. Why: the kiosk learns its clock offset from this header; with wall-clock
        time here, a platform whose clock is skewed (or virtual, in tests and the soak) would
        refuse a request as `clock_skew` and then teach the kiosk the wrong offset."""
        return email.utils.formatdate(self.server.service.clock() if timestamp is None else timestamp,
                                      usegmt=True)

    # ------------------------------------------------------------------ replies
    def _reply(
        self,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        content_type: str = "application/json",
    ) -> None:
        if status >= 400 and body is None and raw is None and self.command != "HEAD":
            name, text = _STDLIB_ERRORS.get(status, ("bad_request", "请求无效。"))
            body = error(name, text)  # every error carries the contract's JSON body
        if raw is None:
            raw = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        sent_headers = dict(headers or {})
        if raw or body is not None:
            sent_headers["Content-Type"] = content_type
        if self.server.recorder:  # before sending, so a test sees it once the client has the answer
            self.server.recorder(
                {
                    "method": self.command,
                    "target": getattr(self, "path", ""),
                    "headers": dict(self.headers),
                    "body": getattr(self, "_body", b""),
                    "status": status,
                    "response_headers": {**sent_headers, "Content-Length": str(len(raw))},
                    "response_body": raw,
                }
            )
        self.send_response(status)
        for k, v in sent_headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0" if self.command == "HEAD" else str(len(raw)))
        self.end_headers()
        if self.command != "HEAD" and raw:
            self.wfile.write(raw)

    def _error(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        self._reply(status, error(code, message), headers)

    # ------------------------------------------------------------------ dispatch
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PATCH(self) -> None:  # noqa: N802
        self._dispatch()

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def do_OPTIONS(self) -> None:  # noqa: N802 - no CORS here: a JSON 405, never the stdlib's HTML 501
        self._refuse_method()

    def do_TRACE(self) -> None:  # noqa: N802 - TRACE would echo headers (signatures) back: refused
        self._refuse_method()

    def _refuse_method(self) -> None:
        if self._read_body() is None:
            return
        self._error(405, "method_not_allowed", "不支持此方法。", {"Allow": "GET, POST, PATCH, HEAD"})

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._error(411, "length_required", "请求须带 Content-Length。")
            self.close_connection = True
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._error(413, "too_large", "请求内容过大。")
            self.close_connection = True
            return None
        if not length:
            return b""
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            body = b""
        if len(body) < length:  # the client stopped sending before Content-Length: time out
            self.close_connection = True
            with contextlib.suppress(OSError):  # it may have gone away entirely
                self._error(408, "request_timeout", "请求内容未在规定时间内送达。")
            return None
        return body

    def _dispatch(self) -> None:
        body = self._read_body()
        if body is None:
            return
        self._body = body
        target = self.path
        split = urlsplit(target)
        base = self.server.base_path
        if not split.path.startswith(base + "/"):
            return self._error(404, "not_found", "没有这个接口。")
        route = split.path[len(base) :]
        method = self.command
        service = self.server.service
        try:
            if route == "/stations/enroll":
                if method != "POST":
                    return self._error(405, "method_not_allowed", "此接口只接受 POST。")
                parsed = _parse_json(body)
                status, reply = service.enroll(parsed)
                return self._reply(status, reply)
            station = self._authenticate(method, target, body)
            if station is None:
                return None
            refused = service.admit(station)
            if refused is not None:   # pacing (contract 1.2): beyond capacity this second
                status, reply = refused
                return self._reply(status, reply, {"Retry-After": str(reply["retry_after"])})
            self._route(station, method, route, split.query, body)
        except Exception:  # a bug must not kill the connection silently; the kiosk retries a 500
            log.exception("platform handler failed")
            self._error(500, "internal_error", "平台内部错误。")

    def _authenticate(self, method: str, target: str, body: bytes) -> str | None:
        h = self.headers
        station, ts, digest, sig = (
            h.get("X-Station-Id"),
            h.get("X-Timestamp"),
            h.get("X-Content-SHA256"),
            h.get("X-Signature"),
        )
        if not station:
            self._error(401, "bad_signature", "缺少驿站身份签名。")
            return None
        public = self.server.service.station_public_key(station)
        if public is None:
            self._error(403, "station_disabled", "该驿站未注册或已停用。")
            return None
        if (
            not (ts and digest and sig)
            or digest != signing.content_sha256(body)
            or not signing.verify(public, sig, signing.string_to_sign(method, target, ts, digest))
        ):
            self._error(401, "bad_signature", "请求签名无效。")
            return None
        try:
            skew = abs(signing.parse_rfc3339(ts) - self.server.service.clock())
        except ValueError:
            self._error(401, "bad_signature", "X-Timestamp 格式不对。")
            return None
        if skew > signing.MAX_SKEW_S:
            self._error(401, "clock_skew", "终端时间与平台相差超过 5 分钟，请按平台时间校正后重试。")
            return None
        return station

    def _route(self, station: str, method: str, route: str, query: str, body: bytes) -> None:
        service = self.server.service
        m = _ATT.match(route)
        if m:
            return self._attachment(method, m.group(1), body)
        m = _CERT.match(route)
        if m and method == "GET":
            row = service.certificate(station, unquote(m.group(1)))
            if row is None:
                return self._error(404, "not_found", "没有这份证照。")
            return self._reply(
                200,
                raw=row["pdf"],
                content_type="application/pdf",
                headers={"X-Certificate-SHA256": row["sha256"], "X-Certificate-Signature": row["signature"]},
            )
        m = _CERT_STATUS.match(route)
        if m and method == "GET":      # contract 1.1: is it still valid, and where is its application
            state = service.certificate_state(unquote(m.group(1)), station)
            if state is None:
                return self._error(404, "certificate_unknown", "平台没有这份证照。")
            return self._reply(200, state)
        key = self.headers.get("Idempotency-Key")
        if route == "/submissions" and method == "POST":
            return self._json_call(body, lambda parsed: service.submit(station, key, parsed))
        if route == "/submissions:batch" and method == "POST":
            return self._json_call(body, lambda parsed: service.batch(station, parsed))
        if route == "/ratings" and method == "POST":
            return self._json_call(body, lambda parsed: service.rate(station, key, parsed))
        if route == "/heartbeat" and method == "POST":
            return self._json_call(body, lambda parsed: service.heartbeat(station, parsed))
        if route == "/status" and method == "GET":
            since = parse_qs(query, keep_blank_values=True).get("since", [""])[0]
            status, reply = service.changes_since(station, since)
            return self._reply(status, reply)
        if route in ("/catalogue", "/credit-list") and method == "GET":
            payload, sig, version, etag = service.station_document(
                station, "catalogue" if route == "/catalogue" else "credit_list"
            )
            if self.headers.get("If-None-Match") == etag:
                return self._reply(304, headers={"ETag": etag})
            return self._reply(
                200,
                {"payload": signing.b64(payload), "signature": sig, "version": version},
                headers={"ETag": etag},
            )
        known = {
            "/submissions",
            "/submissions:batch",
            "/ratings",
            "/heartbeat",
            "/status",
            "/catalogue",
            "/credit-list",
        }
        if route in known or _CERT.match(route) or _CERT_STATUS.match(route):
            return self._error(405, "method_not_allowed", "不支持此方法。")
        return self._error(404, "not_found", "没有这个接口。")

    def _json_call(self, body: bytes, call: Callable[[Any], tuple[int, dict[str, Any]]]) -> None:
        parsed = _parse_json(body)
        if parsed is _BAD:
            return self._error(400, "bad_request", "请求内容不是有效的 JSON。")
        status, reply = call(parsed)
        self._reply(status, reply)

    def _attachment(self, method: str, sha: str, body: bytes) -> None:
        service = self.server.service
        if method == "HEAD":
            state = service.attachment_state(sha)
            if state is None:
                return self._reply(404)
            offset, length, complete = state
            headers = {"Upload-Offset": str(offset), "Cache-Control": "no-store"}
            if not complete:
                headers["Upload-Length"] = str(length)
            return self._reply(200, headers=headers)
        if method == "PATCH":
            if (
                self.headers.get("Content-Type", "").split(";")[0].strip()
                != "application/offset+octet-stream"
            ):
                return self._error(
                    415, "unsupported_media_type", "附件上传须用 application/offset+octet-stream。"
                )
            # a missing header was None here, and int(None) a TypeError: a 500 for a client mistake
            offset = _header_int(self.headers, "Upload-Offset")
            length = _header_int(self.headers, "Upload-Length")
            if offset is None or length is None:
                return self._error(400, "bad_request", "缺少或错误的 Upload-Offset / Upload-Length。")
            status, reply, new_offset = service.patch_attachment(sha, offset, length, body)
            if status == 204:
                return self._reply(204, headers={"Upload-Offset": str(new_offset)})
            headers = {"Upload-Offset": str(new_offset)} if status == 409 else None
            return self._reply(status, reply, headers)
        return self._error(405, "method_not_allowed", "附件只支持 HEAD 和 PATCH。")


_BAD = object()


def _header_int(headers: Any, name: str) -> int | None:
    """A non-negative decimal header value (ASCII digits only: no sign, spaces or 1_000), or None."""
    value = headers.get(name)
    return int(value) if isinstance(value, str) and re.fullmatch(r"[0-9]{1,15}", value) else None


def _parse_json(body: bytes) -> Any:
    """A request body within the input limits (forms/limits.py: depth, string length); _BAD when
    it is not JSON or beyond them (100 000 nested [ was a RecursionError, so a 500)."""
    from forms.limits import InputLimitError, loads

    try:
        return loads(body, "请求内容", max_bytes=MAX_BODY)
    except InputLimitError:
        return _BAD


def start_in_thread(
    service: PlatformService,
    host: str = "127.0.0.1",
    port: int = 0,
    recorder: Callable[[dict[str, Any]], None] | None = None,
    tls: tuple[Path, Path] | None = None,
) -> PlatformServer:
    """A running server on a background thread (tests, benchmarks). Call `.shutdown()`."""
    server = PlatformServer((host, port), service, recorder=recorder, tls=tls)
    threading.Thread(target=server.serve_forever, name="platform", daemon=True).start()
    return server


def run_demo_timer(service: PlatformService, interval_s: float, stop: threading.Event) -> None:
    while not stop.wait(interval_s):
        try:
            service.demo_step()
        except Exception:
            log.exception("demo timer step failed")
