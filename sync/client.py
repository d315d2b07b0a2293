"""The platform client: every endpoint of PLATFORM-API.md, and the contract's idea of success.

Why the classification lives here and nowhere else: "success is only what the contract says it
is" (listed status + JSON or the listed binary type + a body that parses). Everything else is
turned into one of three exceptions, so the worker never has to look at raw HTTP:

- `Transient(reason, retry_after)`: retry later with backoff (reset, timeout, 5xx, 429/503 with
  Retry-After, 409 in_progress, a 200 HTML captive portal = `Offline`).
- `StationRefused`: 401 bad_signature / 403 station_disabled; a station problem, not the row's,
  so rows stay queued and staff see the banner.
- `Terminal(status, code, message)`: any other unlisted 4xx; the row is parked as failed with the
  platform's message.

Listed non-2xx answers an endpoint defines (422 attachments_missing, 409 offset_mismatch …) come
back as a `Reply` for the caller to act on. A `401 clock_skew` is handled inside: the offset is
corrected from the server's `Date` header and the request is signed again once.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import signing

CHUNK = 1024 * 1024
MAX_ATTACHMENT = 20 * 1024 * 1024


class Transient(Exception):  # noqa: N818 - a kind of outcome, not an error to fix
    def __init__(self, reason: str, retry_after: float | None = None, pacing: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.pacing = pacing  # the platform's `pacing` announcement of a 503/429 body (contract 1.2)


class Offline(Transient):
    """No real platform behind the network (refused, DNS, captive portal)."""


class CertificateRefused(Offline):
    """TLS: the platform's certificate did not check out (another CA than the one pinned at
    enrollment, another host name, expired). Nothing was sent: the handshake failed first. Rows
    stay queued; the reason names the 证书 so staff do not look for a cable."""


def certificate_reason(exc: BaseException) -> str:
    """What was wrong with the platform's certificate, in Chinese (from OpenSSL's verify text)."""
    text = str(exc).lower()
    if "expired" in text:
        why = "平台的证书已过期（或本机时间不对）"
    elif "hostname" in text or "doesn't match" in text or "ip address mismatch" in text:
        why = "平台的证书不是签发给这个地址的（主机名不符）"
    elif "self-signed" in text or "self signed" in text or "unable to get local issuer" in text \
            or "unknown ca" in text:
        why = "平台的证书不是本机注册时锁定的证书机构（CA）签发的"
    else:
        why = "平台的证书无法验证"
    return f"{why}，为安全起见没有发送任何内容，请联系县级运维核对证书"


class StationRefused(Exception):  # noqa: N818
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Terminal(Exception):  # noqa: N818
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class DocumentRefused(Exception):  # noqa: N818
    """A catalogue / credit list / certificate that failed its signature or version check.

    `code`: the reason as a word of the fleet report's fixed list (console_api.yaml OfferRefused):
    bad_signature, not_newer, else invalid."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: Any = None  # parsed JSON, or None
    content: bytes = b""
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def parse_retry_after(value: str | None, server_now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - server_now)
    except (TypeError, ValueError):
        return None


def _server_time(resp: requests.Response) -> float | None:
    date = resp.headers.get("Date")
    if not date:
        return None
    try:
        return parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return None


class PlatformClient:
    """Signed requests to one platform base URL for one enrolled station.

    `clock` is the kiosk's own clock; `offset_s` (platform − kiosk) is learnt from `Date` and
    reported through `on_offset` so the store can keep it across restarts.
    """

    def __init__(
        self,
        base_url: str,
        station_id: str | None = None,
        key: Ed25519PrivateKey | None = None,
        *,
        timeout: float = 15.0,
        clock: Callable[[], float] = time.time,
        offset_s: float = 0.0,
        on_offset: Callable[[float], None] | None = None,
        verify_tls: bool | str = True,
        proxy: str | None = None,
    ) -> None:
        """`verify_tls`: True (the system's CAs), a path to the CA file pinned at enrollment, or
        False (never in production). `proxy`: an HTTP(S) proxy URL from the configuration
        ([platform] proxy); None or "none" = direct, whatever the environment says."""
        self.base_url = base_url.rstrip("/")
        self._base_path = urlsplit(self.base_url).path
        self.station_id = station_id
        self._key = key
        self.timeout = timeout
        self._clock = clock
        self.offset_s = offset_s
        self._on_offset = on_offset
        self._verify = verify_tls
        self._proxy = proxy if proxy and proxy.strip().lower() != "none" else None
        self._local = threading.local()

    # ------------------------------------------------------------------ plumbing
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = requests.Session()
            s.trust_env = False  # a proxy set for browsing must not sit between kiosk and platform
            if self._proxy:      # only the one the county configured for this station
                s.proxies = {"http": self._proxy, "https": self._proxy}
            self._local.session = s
        return s

    def close(self) -> None:
        s = getattr(self._local, "session", None)
        if s is not None:
            s.close()

    def platform_now(self) -> float:
        return self._clock() + self.offset_s

    def _learn_offset(self, resp: requests.Response, force: bool = False) -> None:
        server = _server_time(resp)
        if server is None:
            return
        measured = server - self._clock()
        if force or abs(measured - self.offset_s) > 60:
            self.offset_s = measured
            if self._on_offset:
                self._on_offset(measured)

    def _send(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> requests.Response:
        url = self.base_url + path
        target = self._base_path + path
        for attempt in range(2):
            h = dict(headers or {})
            if signed:
                if not (self._key and self.station_id):
                    raise StationRefused("not_enrolled", "本机尚未向平台注册（enroll）。")
                h.update(
                    signing.sign_headers(
                        self._key, self.station_id, method, target, body, self.platform_now()
                    )
                )
            try:
                resp = self._session().request(
                    method,
                    url,
                    data=body if body else None,
                    headers=h,
                    timeout=self.timeout,
                    verify=self._verify,
                    allow_redirects=False,
                )
            except requests.exceptions.SSLError as exc:
                raise CertificateRefused(certificate_reason(exc)) from None
            except requests.Timeout:
                raise Transient("平台响应超时") from None
            except requests.ConnectionError as exc:
                text = str(exc)
                if "Connection refused" in text or "Name or service" in text or "resolve" in text:
                    raise Offline("无法连接平台（网络不通）") from None
                raise Transient("连接中断") from None
            except requests.RequestException as exc:
                raise Transient(f"网络错误：{type(exc).__name__}") from None
            if resp.status_code == 401 and _error_code(resp) == "clock_skew" and attempt == 0:
                self._learn_offset(resp, force=True)
                continue
            self._learn_offset(resp)
            return resp
        return resp

    def _classify(
        self,
        resp: requests.Response,
        ok: tuple[int, ...],
        listed: tuple[int, ...] = (),
        binary_type: str | None = None,
    ) -> Reply:
        status = resp.status_code
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
        headers = dict(resp.headers)
        if status in ok:
            if status in (204, 304):
                return Reply(status, headers)
            if binary_type and ctype == binary_type:
                return Reply(status, headers, None, resp.content)
            if ctype == "application/json":
                try:
                    parsed = json.loads(resp.content)
                except ValueError:
                    parsed = None
                if isinstance(parsed, dict):  # every success body of the contract is an object
                    return Reply(status, headers, parsed, resp.content)
            if status == 200 and ("html" in ctype or not ctype or ctype.startswith("text/")):
                raise Offline("网络被拦截（可能是需要登录的无线网络页面）")
            raise Transient(f"平台答复格式不对（{status} {ctype or '无类型'}）")
        body = _json_or_none(resp)
        code = body.get("error", "") if isinstance(body, dict) else ""
        message = body.get("message", "") if isinstance(body, dict) else ""
        if status in listed and isinstance(body, dict):
            return Reply(status, headers, body, resp.content, code)
        if status in (429, 503):
            retry = parse_retry_after(
                resp.headers.get("Retry-After"), _server_time(resp) or self.platform_now()
            )
            raise Transient(f"平台繁忙（{status}）", retry,
                            body.get("pacing") if isinstance(body, dict) else None)
        if status >= 500:
            raise Transient(f"平台内部错误（{status}）")
        if status == 409:  # the contract's 409 is "in_progress": the same request, later
            raise Transient("平台仍在处理上一次请求", 1.0)
        if status == 401 or (status == 403 and code == "station_disabled"):
            raise StationRefused(code or str(status), message or "平台拒绝了本机的身份。")
        if 200 <= status < 300:
            raise Transient(f"平台答复状态不对（{status}）")
        if 300 <= status < 400:
            raise Offline(f"网络被重定向（{status}），可能是需要登录的无线网络")
        if not isinstance(body, dict) and status in (400, 403, 404, 405):
            # A proxy or portal's HTML error page rather than the platform's JSON error.
            raise Offline(f"网络异常（{status}，答复不是平台格式）")
        raise Terminal(status, code or str(status), message or f"平台拒绝（{status}）")

    # ------------------------------------------------------------------ enrollment
    def enroll(self, station_id: str, public_key_raw: bytes, code: str) -> Reply:
        body = json.dumps(
            {"station_id": station_id, "public_key": signing.b64(public_key_raw), "enrollment_code": code}
        ).encode()
        resp = self._send(
            "POST", "/stations/enroll", body, {"Content-Type": "application/json"}, signed=False
        )
        return self._classify(resp, (201,))

    # ------------------------------------------------------------------ attachments
    def attachment_offset(self, sha: str) -> tuple[int, int | None] | None:
        """(offset, total-or-None-when-complete) or None when the platform does not know it."""
        resp = self._send("HEAD", f"/attachments/{sha}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200 or "Upload-Offset" not in resp.headers:
            self._classify(resp, ())  # raises the right kind
            raise Transient(f"附件查询答复不对（{resp.status_code}）")
        offset = _header_int(resp, "Upload-Offset", 0)
        length = resp.headers.get("Upload-Length")
        return offset, (_header_int(resp, "Upload-Length", 0) if length is not None else None)

    def upload_attachment(self, sha: str, read: Callable[[], bytes], size: int) -> None:
        """Resumable, chunked upload: ask where the platform is, send the rest in ≤ 1 MiB pieces."""
        state = self.attachment_offset(sha)
        if state is not None and state[1] is None and state[0] == size:
            return
        offset = state[0] if state else 0
        data = read()
        if hashlib.sha256(data).hexdigest() != sha:
            raise Terminal(0, "local_corrupt", "本机附件已损坏，无法上传。")
        for _ in range(size // CHUNK + 8):
            chunk = data[offset : offset + CHUNK]
            resp = self._send(
                "PATCH",
                f"/attachments/{sha}",
                chunk,
                {
                    "Upload-Offset": str(offset),
                    "Upload-Length": str(size),
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            if resp.status_code == 204:
                offset = _header_int(resp, "Upload-Offset", offset + len(chunk))
                if offset >= size:
                    return
                continue
            reply = self._classify(resp, (204,), listed=(409, 413, 422))
            if reply.status == 409:
                offset = _header_int(resp, "Upload-Offset", 0)
                if offset >= size:
                    return
                continue
            if reply.status == 422 and reply.error == "hash_mismatch":
                raise Transient("附件校验不一致，重新上传")
            raise Terminal(reply.status, reply.error, (reply.body or {}).get("message") or "附件被平台拒绝")
        raise Transient("附件上传未完成")

    # ------------------------------------------------------------------ submissions and ratings
    def post_submission(self, key: str, body: bytes) -> Reply:
        resp = self._send(
            "POST", "/submissions", body, {"Content-Type": "application/json", "Idempotency-Key": key}
        )
        return self._classify(resp, (200, 201), listed=(422,))

    def post_batch(self, items: list[tuple[str, bytes]]) -> Reply:
        payload = (
            b'{"submissions":['
            + b",".join(
                b'{"idempotency_key":' + json.dumps(k).encode() + b',"body":' + body + b"}"
                for k, body in items
            )
            + b"]}"
        )
        resp = self._send("POST", "/submissions:batch", payload, {"Content-Type": "application/json"})
        return self._classify(resp, (207,))

    def post_rating(self, key: str, body: bytes) -> Reply:
        resp = self._send(
            "POST", "/ratings", body, {"Content-Type": "application/json", "Idempotency-Key": key}
        )
        return self._classify(resp, (200, 201), listed=(422,))

    def heartbeat(self, body: dict[str, Any]) -> Reply:
        resp = self._send(
            "POST",
            "/heartbeat",
            json.dumps(body, ensure_ascii=False).encode(),
            {"Content-Type": "application/json"},
        )
        return self._classify(resp, (200,))

    # ------------------------------------------------------------------ status and documents
    def status_since(self, cursor: str) -> Reply:
        from urllib.parse import quote

        resp = self._send("GET", f"/status?since={quote(cursor, safe='')}")
        return self._classify(resp, (200,))

    def certificate(self, certificate_id: str, platform_key_raw: bytes) -> bytes:
        """The PDF, only after its hash and the platform's signature both check out."""
        from urllib.parse import quote

        resp = self._send("GET", f"/certificates/{quote(certificate_id, safe='')}")
        reply = self._classify(resp, (200,), binary_type="application/pdf")
        if not reply.content:
            raise Transient("证照下载答复不对")
        digest = hashlib.sha256(reply.content).hexdigest()
        if resp.headers.get("X-Certificate-SHA256", "").lower() != digest:
            raise DocumentRefused("证照文件与平台给出的校验值不一致，不予打印。")
        if not signing.verify(
            platform_key_raw, resp.headers.get("X-Certificate-Signature", ""), digest.encode()
        ):
            raise DocumentRefused("证照签名无效，不予打印。")
        return reply.content

    def certificate_status(self, certificate_id: str) -> dict[str, Any] | None:
        """Contract 1.1: the certificate's validity now and its application's current status
        ({"certificate_id", "status", "application_status", …}); {"status": "unknown"} when the
        platform does not know it (404 certificate_unknown); None when the platform does not offer
        the question (an older platform's plain 404), so the caller falls back on what it pulled."""
        from urllib.parse import quote

        resp = self._send("GET", f"/certificates/{quote(certificate_id, safe='')}/status")
        reply = self._classify(resp, (200,), listed=(404,))
        if reply.status == 404:
            return {"certificate_id": certificate_id, "status": "unknown"} \
                if reply.error == "certificate_unknown" else None
        body = reply.body or {}
        if body.get("certificate_id") != certificate_id or not isinstance(body.get("status"), str):
            raise Transient("平台的证照状态答复格式不对")
        return body

    def signed_document(self, path: str, etag: str | None) -> Reply:
        headers = {"If-None-Match": etag} if etag else {}
        resp = self._send("GET", path, headers=headers)
        return self._classify(resp, (200, 304))


def _header_int(resp: requests.Response, name: str, default: int) -> int:
    """A non-negative integer header; a malformed one is the platform's hiccup, not our crash."""
    raw = resp.headers.get(name)
    if raw is None:
        return default
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()):
        raise Transient(f"平台答复的 {name} 不是数字")
    return int(raw)


def _error_code(resp: requests.Response) -> str:
    body = _json_or_none(resp)
    return body.get("error", "") if isinstance(body, dict) else ""


def _json_or_none(resp: requests.Response) -> Any:
    if "json" not in resp.headers.get("Content-Type", ""):
        return None
    try:
        return json.loads(resp.content)
    except ValueError:
        return None
