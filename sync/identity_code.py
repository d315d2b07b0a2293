"""The 辽事通 identity code (身份码): what the resident's phone shows, what the kiosk's camera reads.

Format, version 1 (the text inside the QR code, ASCII only):

    LSTID1.<payload>.<signature>

- `payload`: base64url without padding of compact UTF-8 JSON
  `{"n": name, "id": id_number, "t": id_type, "iat": RFC 3339 UTC, "exp": RFC 3339 UTC}`;
  `t` is the card type as the ID-card room names it (`resident`, `hk_mo_tw`, `foreign_permanent`,
  `foreign_2023`). Unknown extra keys are ignored (later versions may add some).
- `signature`: base64url without padding of the Ed25519 signature over the ASCII bytes
  `LSTID1.<payload>` (the prefix and the payload exactly as they appear in the code).

Why these choices:
- Signed by the **platform signing key**, the key the kiosk pins at enrollment
  (`sync.enrollment.platform_key`): a code verifies fully offline, with no request to anyone,
  which is what a village station with a dead line needs.
- The signature covers the prefix too: the same key signs catalogues and certificates, and a
  version-tagged signing input means no other signed document can ever pass as an identity code.
- Base64 segments must be canonical (re-encoding gives the same text): otherwise the spare bits of
  the last character would let an altered code still verify.
- A dynamic code lives a few minutes (`DEFAULT_LIFETIME_S`): a photograph of someone else's phone
  is useless soon after. Times are compared with the kiosk's best estimate of platform time
  (kiosk clock + the offset learnt from the platform, `Store.clock_offset_s`), with `SKEW_S` of
  slack, because a village PC's clock may be wrong by days.

`read()` turns any text or bytes into an `IdentityCode` or raises one `IdentityCodeError`
subclass, whose `title` and `message` are the plain Chinese the resident sees (what happened and
what to do next); it never raises anything else. Nothing here logs: a code holds a name and an ID
number.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sync.signing import parse_rfc3339, rfc3339

PREFIX = "LSTID1"
DEFAULT_LIFETIME_S = 300.0      # 5 minutes, like the app's refreshing code
SKEW_S = 90.0                   # slack between the phone's code and the kiosk's estimate of time
MAX_TEXT = 2048                 # a QR code a phone shows holds far less; anything longer is not ours
ID_TYPES = ("resident", "hk_mo_tw", "foreign_permanent", "foreign_2023")
USE_CARD_INSTEAD = "请把身份证放在读卡区，或点“改为手动输入”。"


class IdentityCodeError(Exception):
    """A code the kiosk will not use. `title` and `message` are shown and spoken to the resident."""

    title = "无法识别"
    message = "请把辽事通身份码对准摄像头再试一次。"

    def __init__(self, detail: str = "") -> None:
        # `detail` is for staff and tests (which check failed); never personal data.
        super().__init__(detail or self.title)
        self.detail = detail


class NotIdentityCode(IdentityCodeError):
    """Some other QR code: a payment code, a web address, a parcel label."""

    title = "这不是辽事通身份码"
    message = ("请在辽事通里点“亮码”，出示身份码（不是付款码或其他二维码），再对准摄像头。"
               "也可以" + USE_CARD_INSTEAD[1:])


class DamagedCode(IdentityCodeError):
    """Looks like a 身份码 but is malformed or its signature does not verify (altered, or another
    platform's)."""

    title = "这个身份码无法核验"
    message = "身份码可能不完整或已被改动，本机不能使用。" + USE_CARD_INSTEAD


class Unverifiable(IdentityCodeError):
    """The kiosk has no pinned platform key yet (not enrolled): nothing to verify against."""

    title = "本机暂时不能核验身份码"
    message = "本机还没有完成与省平台的注册，不能核验身份码。" + USE_CARD_INSTEAD


class ExpiredCode(IdentityCodeError):
    title = "二维码已过期"
    message = "二维码已过期，请在辽事通里刷新后再扫。"


class NotYetValid(IdentityCodeError):
    """Issued later than the kiosk thinks it is now: usually the kiosk's clock is wrong."""

    title = "二维码时间不对"
    message = "请在辽事通里刷新身份码后再扫；仍不行，" + USE_CARD_INSTEAD


class BadIdNumber(IdentityCodeError):
    """Signed, in time, but the ID number fails its check (a platform-side mistake)."""

    title = "身份码里的证件号码有误"
    message = "身份码里的证件号码没有通过校验，本机不能使用。" + USE_CARD_INSTEAD


@dataclass(frozen=True)
class IdentityCode:
    """A verified code. The name and number stay out of `repr`, so no log line can carry them."""

    name: str = field(repr=False)
    id_number: str = field(repr=False)
    id_type: str
    issued_at: float
    expires_at: float


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    """Strict base64url without padding: only canonical text (the spare bits must be zero)."""
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DamagedCode("base64") from None
    if _b64encode(data) != text:
        raise DamagedCode("base64 not canonical")
    return data


def issue(private_key: Ed25519PrivateKey, name: str, id_number: str, now: float,
          lifetime: float = DEFAULT_LIFETIME_S, id_type: str = "resident") -> str:
    """A code as the platform issues it (the reference platform, the demo and the tests)."""
    body = {"n": name, "id": id_number, "t": id_type, "iat": rfc3339(now), "exp": rfc3339(now + lifetime)}
    payload = _b64encode(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    signing_input = f"{PREFIX}.{payload}"
    return f"{signing_input}.{_b64encode(private_key.sign(signing_input.encode('ascii')))}"


def read(text: str | bytes, platform_public_key: bytes | None, now: float) -> IdentityCode:
    """Verify a scanned code against the pinned platform key at platform time `now`.

    Raises NotIdentityCode, Unverifiable, DamagedCode, NotYetValid, ExpiredCode or BadIdNumber —
    checked in that order, so a forged code is called forged before anything in it is trusted.
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError:
            raise NotIdentityCode("not ascii") from None
    if not isinstance(text, str):
        raise NotIdentityCode("not text")
    text = text.strip()
    if len(text) > MAX_TEXT or not text.startswith(PREFIX + "."):
        raise NotIdentityCode("prefix")
    if not platform_public_key:
        raise Unverifiable("no pinned platform key")
    parts = text.split(".")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise DamagedCode("segments")
    payload, signature = _b64decode(parts[1]), _b64decode(parts[2])
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes(platform_public_key))
    except ValueError:
        raise Unverifiable("pinned key unusable") from None
    try:
        key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise DamagedCode("signature") from None
    code = _decode_payload(payload)
    if code.issued_at - SKEW_S > now:
        raise NotYetValid("issued in the future")
    if code.expires_at + SKEW_S < now:
        raise ExpiredCode("expired")
    _check_number(code)
    return code


def _decode_payload(payload: bytes) -> IdentityCode:
    """The signed JSON (already trusted as the platform's) into its typed fields."""
    try:
        body = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise DamagedCode("payload json") from None
    if not isinstance(body, dict):
        raise DamagedCode("payload not an object")
    values = {key: body.get(key) for key in ("n", "id", "t", "iat", "exp")}
    if not all(isinstance(value, str) and value for value in values.values()):
        raise DamagedCode("payload fields")
    if values["t"] not in ID_TYPES:
        raise DamagedCode("unknown id type")
    try:
        issued_at, expires_at = parse_rfc3339(values["iat"]), parse_rfc3339(values["exp"])
    except (ValueError, OverflowError, OSError):
        raise DamagedCode("times") from None
    if expires_at <= issued_at:
        raise DamagedCode("lifetime")
    return IdentityCode(values["n"].strip(), values["id"].strip().upper(), values["t"], issued_at,
                        expires_at)


def _check_number(code: IdentityCode) -> None:
    from forms.validators import (
        check_foreign_permanent_residence,
        check_hmt_permit,
        check_id_number,
        check_name,
    )

    check = {"resident": check_id_number, "hk_mo_tw": check_hmt_permit}.get(
        code.id_type, check_foreign_permanent_residence)
    if check(code.id_number) is not None:
        raise BadIdNumber("id number check")
    if check_name(code.name, allow_latin=code.id_type.startswith("foreign")) is not None:
        raise DamagedCode("name")

