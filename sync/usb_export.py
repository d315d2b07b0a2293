"""Offline export: a signed, encrypted bundle of the pending queue to carry on a USB stick.

Why this design: when a station is offline for days, staff carry the queue to the county office.
A lost stick must reveal nothing, and the platform must be able to tell the bundle came unaltered
from an enrolled station. So:
- the content is encrypted for the platform alone: an ephemeral X25519 key agreement with the
  platform's key (the Curve25519 form of the Ed25519 signing key pinned at enrollment, the same
  conversion libsodium's crypto_sign_ed25519_pk_to_curve25519 does), HKDF-SHA-256, AES-256-GCM;
- the manifest (station, time, counts, ciphertext hash, ephemeral key) is signed with the
  station's Ed25519 key;
- the entries are exactly the requests the kiosk would send (idempotency key + frozen body), so
  `platform import` goes through the same idempotent path and a later online resend is a replay.
Files are written under temporary names, fsynced, then renamed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sync import signing
from sync.durable import write_atomic

_P = 2**255 - 19
FORMAT = "station-kiosk-export/1"


class BundleError(Exception):
    """Message for staff (Chinese)."""


def ed25519_public_to_x25519(public_raw: bytes) -> bytes:
    """Montgomery u = (1 + y) / (1 − y) mod p of the Edwards point's y coordinate."""
    y = int.from_bytes(public_raw, "little") & ((1 << 255) - 1)
    u = (1 + y) * pow((1 - y) % _P, _P - 2, _P) % _P
    return u.to_bytes(32, "little")


def ed25519_private_to_x25519(private: Ed25519PrivateKey) -> X25519PrivateKey:
    """The scalar an Ed25519 seed stands for: SHA-512(seed)[:32] (X25519 clamps it)."""
    seed = signing.raw_private(private)
    return X25519PrivateKey.from_private_bytes(hashlib.sha512(seed).digest()[:32])


def _key(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"kiosk-export|" + eph_pub + recipient_pub).derive(
        shared
    )


def _write_atomic(path: Path, data: bytes) -> None:
    write_atomic(path, data, 0o644)


def export(
    items: dict[str, Any],
    out_dir: Path,
    station_id: str,
    station_key: Ed25519PrivateKey,
    platform_public_raw: bytes,
    created_at: str,
) -> Path:
    """Write `<station>-<time>.kiosk-export.json` (+ `.bin`) into out_dir; returns the manifest path."""
    plain = json.dumps(
        {
            "submissions": items["submissions"],
            "ratings": items["ratings"],
            "attachments": {
                sha: base64.b64encode(data).decode() for sha, data in items["attachments"].items()
            },
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode()
    recipient = ed25519_public_to_x25519(platform_public_raw)
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes_raw()
    key = _key(eph.exchange(X25519PublicKey.from_public_bytes(recipient)), eph_pub, recipient)
    nonce = os.urandom(12)
    blob = nonce + AESGCM(key).encrypt(nonce, plain, station_id.encode())
    stem = f"{station_id}-{created_at.replace(':', '').replace('-', '')}"
    manifest = {
        "format": FORMAT,
        "station_id": station_id,
        "created_at": created_at,
        "ephemeral_public_key": signing.b64(eph_pub),
        "ciphertext_file": stem + ".bin",
        "ciphertext_sha256": hashlib.sha256(blob).hexdigest(),
        "counts": {
            "submissions": len(items["submissions"]),
            "ratings": len(items["ratings"]),
            "attachments": len(items["attachments"]),
        },
    }
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(out_dir / (stem + ".bin"), blob)
    path = out_dir / (stem + ".kiosk-export.json")
    _write_atomic(
        path,
        json.dumps(
            {"manifest": manifest, "signature": signing.b64(station_key.sign(body))},
            ensure_ascii=False,
            indent=1,
        ).encode(),
    )
    return path


def read(
    path: Path, station_public: callable, platform_private: Ed25519PrivateKey
) -> tuple[str, dict[str, Any]]:
    """Verify and decrypt one bundle → (station_id, items). `station_public(id)` gives raw key or None."""
    try:
        outer = json.loads(path.read_text(encoding="utf-8"))
        manifest = outer["manifest"]
        station_id = manifest["station_id"]
    except (OSError, ValueError, KeyError, TypeError):
        raise BundleError(f"{path.name} 不是有效的导出文件。") from None
    if manifest.get("format") != FORMAT:
        raise BundleError(f"{path.name} 的格式版本不认识。")
    public = station_public(station_id)
    body = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    if public is None or not signing.verify(public, outer.get("signature", ""), body):
        raise BundleError(f"{path.name} 签名无效或驿站 {station_id} 未注册，拒绝导入。")
    try:
        blob = (path.parent / Path(manifest["ciphertext_file"]).name).read_bytes()
    except OSError:
        raise BundleError(f"{path.name} 缺少数据文件 {manifest.get('ciphertext_file')}。") from None
    if hashlib.sha256(blob).hexdigest() != manifest["ciphertext_sha256"]:
        raise BundleError(f"{path.name} 的数据文件已损坏或被改动。")
    x_priv = ed25519_private_to_x25519(platform_private)
    recipient = x_priv.public_key().public_bytes_raw()
    eph_pub = signing.unb64(manifest["ephemeral_public_key"])
    key = _key(x_priv.exchange(X25519PublicKey.from_public_bytes(eph_pub)), eph_pub, recipient)
    try:
        plain = AESGCM(key).decrypt(blob[:12], blob[12:], station_id.encode())
    except Exception:
        raise BundleError(f"{path.name} 无法解密（不是发给本平台的）。") from None
    items = json.loads(plain)
    items["attachments"] = {sha: base64.b64decode(b) for sha, b in items["attachments"].items()}
    return station_id, items


@dataclass(frozen=True)
class Exported:
    path: Path
    submissions: int
    ratings: int


def export_queue(store: Any, key_dir: Path, out_dir: Path) -> Exported:
    """`queue export` (command line and the staff screen's button alike): everything not yet
    delivered, encrypted to the platform and signed by this station, into `out_dir`; audited."""
    from sync import signing
    from sync.enrollment import EnrollmentError, platform_key, station_key

    station_id, pkey = store.setting("station_id"), platform_key(store)
    if not station_id or pkey is None:
        raise EnrollmentError("本机尚未注册，无法导出（导出文件需用平台公钥加密）。")
    items = store.export_items()
    path = export(items, Path(out_dir), station_id, station_key(key_dir), pkey, signing.rfc3339(store.now()))
    store.audit("exported", {"file": path.name, "submissions": len(items["submissions"])})
    return Exported(path, len(items["submissions"]), len(items["ratings"]))
