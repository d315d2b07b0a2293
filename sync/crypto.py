"""Envelope encryption for personal data at rest.

Why envelope encryption: every record (a draft, a frozen submission body, an attachment file) gets
its own random data key; only that data key is encrypted ("wrapped") with the station key. Wiping
one record's key makes that record unreadable for good, and the station key itself never touches
the data directory: it lives in a 0600 file in the key directory, so a copied database or a lost
USB backup of the data directory reveals nothing.

Two suites, chosen per station in the config:
- "aes": AES-256-GCM, HMAC-SHA-256 for lookup hashes (the default);
- "sm4": SM4-GCM, HMAC-SM3 (GB/T 32907, GB/T 32905) for national-standard deployments.

Both come from `cryptography` (OpenSSL underneath), which the project already depends on and which
ships SM4 in GCM mode and SM3 in its wheels since 2023. We checked the alternative `gmssl`
(pure Python): it is far slower, has no GCM mode and no constant-time guarantees, so it brings a
dependency without a benefit here. If an OpenSSL build lacks SM4, `suite("sm4")` says so in
Chinese instead of failing later.

Record layout (bytes): MAGIC(2) | suite(1) | wrap_nonce(12) | wrapped_key(key_len+16) |
data_nonce(12) | ciphertext+tag. The associated data binds a record to its place (table and id),
so a ciphertext moved to another row does not decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"K1"
_NONCE = 12
_TAG = 16


class CryptoError(Exception):
    """Decryption or key problem; the message is for staff (Chinese)."""


@dataclass(frozen=True)
class Suite:
    """One cipher + hash pair. `code` is the byte stored in every record."""

    name: str
    code: int
    key_len: int

    def seal(self, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        if self.name == "aes":
            return AESGCM(key).encrypt(nonce, plaintext, aad)
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(plaintext) + enc.finalize() + enc.tag

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        try:
            if self.name == "aes":
                return AESGCM(key).decrypt(nonce, sealed, aad)
            body, tag = sealed[:-_TAG], sealed[-_TAG:]
            dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
            dec.authenticate_additional_data(aad)
            return dec.update(body) + dec.finalize()
        except InvalidTag:
            raise CryptoError("数据校验失败：记录已损坏，或密钥不匹配。") from None

    def mac(self, key: bytes, data: bytes) -> str:
        if self.name == "aes":
            return hmac.new(key, data, hashlib.sha256).hexdigest()
        from cryptography.hazmat.primitives import hmac as chmac

        h = chmac.HMAC(key, hashes.SM3())
        h.update(data)
        return h.finalize().hex()


_SUITES = {"aes": Suite("aes", 1, 32), "sm4": Suite("sm4", 2, 16)}
_BY_CODE = {s.code: s for s in _SUITES.values()}


def suite(name: str) -> Suite:
    """The suite called `name`, checked to work on this machine's OpenSSL."""
    if name not in _SUITES:
        raise CryptoError(f"未知的加密方式 {name!r}，可选 aes 或 sm4。")
    chosen = _SUITES[name]
    if name == "sm4":
        try:
            chosen.seal(bytes(16), bytes(12), b"", b"")
            hashes.Hash(hashes.SM3())
        except UnsupportedAlgorithm:
            raise CryptoError("本机的 OpenSSL 不支持国密 SM4/SM3，请改用 aes 或升级 cryptography。") from None
    return chosen


class Keyring:
    """The station key and what is derived from it: wrap/unwrap record keys, lookup hashes.

    The station key file is made on first use with mode 0600 in a 0700 directory. We refuse a key
    directory inside the data directory, because then one copy of the data directory carries both.
    """

    def __init__(self, station_key: bytes, default_suite: Suite) -> None:
        self._root = station_key  # always 32 bytes; SM4 uses a derived 16-byte key
        self.suite = default_suite

    @classmethod
    def load_or_create(
        cls, key_dir: Path, data_dir: Path | None, suite_name: str = "aes", create: bool = True
    ) -> Keyring:
        """The station key of `key_dir`; made there only when `create` (the store passes False
        when the data directory already holds data: keys are never made over existing data)."""
        key_dir = Path(key_dir)
        if data_dir is not None:
            kd, dd = key_dir.resolve(), Path(data_dir).resolve()
            if kd == dd or dd in kd.parents:
                raise CryptoError(f"密钥目录 {key_dir} 不能放在数据目录 {data_dir} 里面。")
        key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = key_dir / "station.key"
        if not path.exists():
            if not create:
                raise CryptoError(f"密钥目录 {key_dir} 中没有密钥文件 {path.name}。")
            _write_secret(path, os.urandom(32))
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise CryptoError(f"密钥文件 {path} 权限过宽（{oct(mode)}），应为 0600。")
        key = path.read_bytes()
        if len(key) != 32:
            raise CryptoError(f"密钥文件 {path} 已损坏（长度不对）。")
        return cls(key, suite(suite_name))

    def fingerprint(self) -> str:
        """Names the station key without revealing it: the store records it, so a database opened
        with another station's key directory is refused instead of showing （无法解密）."""
        return hashlib.sha256(b"fingerprint|" + self._root).hexdigest()[:32]

    def _kek(self, s: Suite) -> bytes:
        return hashlib.sha256(b"kek|" + s.name.encode() + b"|" + self._root).digest()[: s.key_len]

    def encrypt(self, plaintext: bytes, aad: bytes) -> bytes:
        s = self.suite
        data_key = os.urandom(s.key_len)
        wrap_nonce, data_nonce = os.urandom(_NONCE), os.urandom(_NONCE)
        wrapped = s.seal(self._kek(s), wrap_nonce, data_key, b"wrap|" + aad)
        sealed = s.seal(data_key, data_nonce, plaintext, aad)
        return MAGIC + bytes([s.code]) + wrap_nonce + wrapped + data_nonce + sealed

    def decrypt(self, record: bytes, aad: bytes) -> bytes:
        if len(record) < 3 or record[:2] != MAGIC or record[2] not in _BY_CODE:
            raise CryptoError("数据格式无法识别：记录已损坏。")
        s = _BY_CODE[record[2]]
        pos = 3
        wrap_nonce = record[pos : pos + _NONCE]
        pos += _NONCE
        wrapped = record[pos : pos + s.key_len + _TAG]
        pos += s.key_len + _TAG
        data_nonce = record[pos : pos + _NONCE]
        pos += _NONCE
        data_key = s.open(self._kek(s), wrap_nonce, wrapped, b"wrap|" + aad)
        return s.open(data_key, data_nonce, record[pos:], aad)

    def lookup_hash(self, value: str) -> str:
        """A keyed hash for finding rows by ID number without storing it (查进度)."""
        return self.suite.mac(
            hashlib.sha256(b"lookup|" + self._root).digest(), value.strip().upper().encode()
        )


def _write_secret(path: Path, data: bytes) -> None:
    """Create a 0600 file atomically: a crash never leaves a half key (sync.durable)."""
    from sync.durable import write_atomic

    write_atomic(path, data, 0o600)


def write_secret(path: Path, data: bytes) -> None:
    """Public wrapper: the station's signing key is written the same way."""
    _write_secret(path, data)
