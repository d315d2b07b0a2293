"""Request signing exactly as PLATFORM-API.md defines it, shared by kiosk and reference platform.

One module for both sides so the string that is signed can never drift between them:
    METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n CONTENT_SHA256
PATH_WITH_QUERY is the request target as sent on the wire, base path included.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.crypto import CryptoError, write_secret

MAX_SKEW_S = 300


def rfc3339(ts: float) -> str:
    """RFC 3339 UTC with a Z, second precision (what X-Timestamp and bodies use)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> float:
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        raise ValueError("no time zone")
    return dt.timestamp()


def content_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def string_to_sign(method: str, path_with_query: str, timestamp: str, body_sha256: str) -> bytes:
    return f"{method.upper()}\n{path_with_query}\n{timestamp}\n{body_sha256}".encode()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def load_or_create_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key pair of a station (or of the platform), private half in a 0600 file."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_secret(path, raw_private(Ed25519PrivateKey.from_private_bytes(os.urandom(32))))
    data = path.read_bytes()
    if len(data) != 32:
        raise CryptoError(f"签名密钥文件 {path} 已损坏。")
    return Ed25519PrivateKey.from_private_bytes(data)


def sign_headers(
    key: Ed25519PrivateKey, station_id: str, method: str, path_with_query: str, body: bytes, now: float
) -> dict[str, str]:
    """The four identity headers for one request."""
    ts = rfc3339(now)
    digest = content_sha256(body)
    sig = key.sign(string_to_sign(method, path_with_query, ts, digest))
    return {
        "X-Station-Id": station_id,
        "X-Timestamp": ts,
        "X-Content-SHA256": digest,
        "X-Signature": b64(sig),
    }


def verify(public_raw: bytes, signature_b64: str, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(unb64(signature_b64), message)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def audit_head_message(store_id: str, seq: int, head_hash: str) -> bytes:
    """What the station signs for the head of its audit chain (sync/integrity.py): the integrity
    ledger in the key directory and the `audit_head` of every heartbeat carry this signature, so
    the platform can check a head with the station's enrolled public key."""
    return f"kiosk-audit-head|v1|{store_id}|{int(seq)}|{head_hash}".encode()
