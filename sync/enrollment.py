"""Station identity: the Ed25519 key pair, enrollment, and building a signed client from the store.

Why the pinned platform key lives in the store's settings (not the key directory): it is public,
and keeping it beside the data it protects means a restored backup verifies with the key that was
valid when it was made. The station's private signing key stays in the key directory (0600).
"""

from __future__ import annotations

import re
from pathlib import Path

from sync import signing
from sync.client import PlatformClient
from sync.store import Store

SIGNING_KEY_FILE = "station_ed25519.key"
_STATION_ID = re.compile(r"^\d{6}-\d{4}$")


class EnrollmentError(Exception):
    """Message for the technician (Chinese)."""


def station_key(key_dir: Path):  # -> Ed25519PrivateKey
    return signing.load_or_create_signing_key(Path(key_dir) / SIGNING_KEY_FILE)


CA_FILE = "platform-ca.pem"       # the pinned CA, written from the store's setting for requests


def read_ca(path: Path) -> str:
    """The PEM text of `enroll --ca-file`, checked to hold at least one certificate."""
    from cryptography import x509

    try:
        text = Path(path).read_text(encoding="ascii")
        if not x509.load_pem_x509_certificates(text.encode()):
            raise ValueError
    except (OSError, UnicodeDecodeError, ValueError):
        raise EnrollmentError(f"--ca-file {path} 不是可读的 PEM 证书文件（平台的证书机构 CA）。") from None
    return text


def enroll(
    store: Store, key_dir: Path, platform_url: str, station_id: str, code: str, timeout: float = 15.0,
    ca_pem: str | None = None, proxy: str | None = None,
) -> dict:
    """POST /stations/enroll and pin the platform's signing key (and, with `ca_pem`, the CA whose
    certificates alone are trusted for the platform's HTTPS from then on: kept in the store's
    settings with the rest of the enrollment). Raises EnrollmentError."""
    from sync.client import CertificateRefused, Offline, StationRefused, Terminal, Transient

    if not _STATION_ID.match(station_id):
        raise EnrollmentError(
            f"驿站编号 {station_id!r} 格式不对，应为“6 位行政区划代码-4 位序号”，如 210102-0001。"
        )
    key = station_key(key_dir)
    verify: bool | str = True
    if ca_pem:
        verify = str(_write_ca(store, ca_pem))
    client = PlatformClient(platform_url, timeout=timeout, clock=store.now, verify_tls=verify, proxy=proxy)
    try:
        reply = client.enroll(station_id, signing.raw_public(key.public_key()), code)
    except CertificateRefused as exc:
        raise EnrollmentError(f"注册没有进行：{exc.reason}。") from None
    except Offline as exc:
        raise EnrollmentError(f"无法连接平台 {platform_url}：{exc.reason}。") from None
    except Transient as exc:
        raise EnrollmentError(f"平台暂时无法处理注册：{exc.reason}，请稍后再试。") from None
    except (Terminal, StationRefused) as exc:
        raise EnrollmentError(f"平台拒绝注册：{exc.message}") from None
    body = reply.body
    try:
        platform_key = signing.unb64(body["platform_signing_key"])
        if len(platform_key) != 32:
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise EnrollmentError("平台的注册答复缺少有效的签名公钥。") from None
    store.set_setting("station_id", station_id)
    store.set_setting("platform_url", platform_url.rstrip("/"))
    store.set_setting("platform_signing_key", body["platform_signing_key"])
    store.set_setting("enrolled_at", str(body.get("enrolled_at", "")))
    store.set_setting("platform_ca_pem", ca_pem or "")
    store.audit("enrolled", {"station_id": station_id, "platform_url": platform_url})
    return body


def platform_key(store: Store) -> bytes | None:
    value = store.setting("platform_signing_key")
    return signing.unb64(value) if value else None


def _write_ca(store: Store, pem: str) -> Path:
    """requests takes a CA file by path: the pinned PEM is written beside the data it serves."""
    from sync.durable import write_atomic

    path = store.data_dir / CA_FILE
    if not path.exists() or path.read_text(encoding="ascii", errors="replace") != pem:
        write_atomic(path, pem.encode("ascii"), 0o644)
    return path


def make_client(
    store: Store, key_dir: Path, platform_url: str | None = None, timeout: float = 15.0, clock=None,
    proxy: str | None = None,
) -> PlatformClient:
    """A signed client for the enrolled station; the clock offset is persisted in the store; the
    CA pinned at enrollment (if any) is the only one trusted for HTTPS."""
    station_id = store.setting("station_id")
    if not station_id:
        raise EnrollmentError(
            "本机尚未注册。请先运行：python main.py enroll --platform-url URL --station-id ID --code CODE"
        )
    url = platform_url or store.setting("platform_url")
    return PlatformClient(
        url,
        station_id,
        station_key(key_dir),
        timeout=timeout,
        clock=clock or store.now,
        offset_s=store.clock_offset_s,
        on_offset=store.set_clock_offset,
        verify_tls=str(_write_ca(store, pem)) if (pem := store.setting("platform_ca_pem")) else True,
        proxy=proxy,
    )
