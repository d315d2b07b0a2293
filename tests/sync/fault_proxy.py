"""A fault-injecting HTTP-aware TCP proxy on 127.0.0.1, between the kiosk and the platform.

Why HTTP-aware rather than a byte pipe: the faults that matter are about request boundaries
("the server committed, then the answer was lost"), so the proxy reads each request in full
(Content-Length framing, which both sides use), decides its fate from a plan, and then either
forwards it on a fresh upstream connection or misbehaves. Faults:

  pass          forward untouched
  refuse        (see `refuse_for`) the port stops listening: connection refused
  reset         read part of the request, then reset the connection (RST)
  drop_response forward the request, let the platform commit, read its answer, then reset
  timeout       swallow the request and never answer (until the client gives up)
  500           answer 500 with a text body
  503 / 429     answer with Retry-After: 1
  captive       answer 200 text/html, like a village Wi-Fi login page
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections import Counter, deque

FAULTS = ("reset", "drop_response", "timeout", "500", "503", "429", "captive")


def _read_until(sock: socket.socket, buf: bytearray, marker: bytes) -> int:
    while marker not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf.index(marker) + len(marker)


def _read_message(sock: socket.socket, buf: bytearray, head_only_body: bool = False) -> bytes:
    """One HTTP message (head + Content-Length body) from sock, using/consuming buf."""
    end = _read_until(sock, buf, b"\r\n\r\n")
    head = bytes(buf[:end])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    if head_only_body:
        length = 0
    while len(buf) < end + length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    message = bytes(buf[: end + length])
    del buf[: end + length]
    return message


def _rst(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        sock.close()


def _canned(status: str, body: bytes, content_type: str, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{extra}"
        f"Connection: keep-alive\r\n\r\n"
    ).encode() + body


class FaultProxy:
    def __init__(self, upstream_port: int, hold_s: float = 3.0) -> None:
        self.upstream_port = upstream_port
        self.hold_s = hold_s
        self.plan: deque[str] = deque()
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]
        self._accepting = threading.Thread(target=self._accept_loop, daemon=True)
        self._accepting.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def _listen(self, port: int) -> socket.socket:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(64)
        s.settimeout(0.1)
        return s

    def add(self, *faults: str) -> None:
        with self._lock:
            self.plan.extend(faults)

    def refuse_for(self, seconds: float) -> None:
        """Close the listening socket: connects are refused until it is reopened."""
        with self._lock:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)  # stops listening now, wakes accept()
            self._listener.close()
            self._listener = None
        time.sleep(seconds)
        with self._lock:
            self._listener = self._listen(self.port)

    def close(self) -> None:
        self._stop.set()
        self._accepting.join(2)
        with self._lock:
            if self._listener:
                self._listener.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                listener = self._listener
            if listener is None:
                time.sleep(0.02)
                continue
            try:
                client, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _next_fault(self) -> str:
        with self._lock:
            fault = self.plan.popleft() if self.plan else "pass"
            self.seen[fault] += 1
            return fault

    def _serve(self, client: socket.socket) -> None:
        buf = bytearray()
        try:
            while True:
                fault = self._next_fault_after_head(client, buf)
                if fault is None:
                    return
                if not self._handle(client, buf, fault):
                    return
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                client.close()

    def _next_fault_after_head(self, client: socket.socket, buf: bytearray) -> str | None:
        try:
            _read_until(client, buf, b"\r\n\r\n")
        except (ConnectionError, OSError):
            return None
        return self._next_fault()

    def _handle(self, client: socket.socket, buf: bytearray, fault: str) -> bool:
        if fault == "reset":
            _rst(client)
            return False
        is_head = buf.startswith(b"HEAD ")
        request = _read_message(client, buf)
        if fault == "timeout":
            time.sleep(self.hold_s)
            _rst(client)
            return False
        if fault == "500":
            client.sendall(_canned("500 Internal Server Error", b"upstream error", "text/plain"))
            return True
        if fault in ("503", "429"):
            status = "503 Service Unavailable" if fault == "503" else "429 Too Many Requests"
            body = b'{"error":"busy","message":"\xe5\xb9\xb3\xe5\x8f\xb0\xe7\xb9\x81\xe5\xbf\x99"}'
            client.sendall(_canned(status, body, "application/json", "Retry-After: 1\r\n"))
            return True
        if fault == "captive":
            page = "<html><body>请先登录村委会无线网络</body></html>".encode()
            client.sendall(_canned("200 OK", page, "text/html; charset=utf-8"))
            return True
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30)
        try:
            upstream.sendall(request)
            response = _read_message(upstream, bytearray(), head_only_body=is_head)
        finally:
            upstream.close()
        if fault == "drop_response":
            _rst(client)
            return False
        client.sendall(response)
        return True
