"""The 辽事通 identity code: issue, verify offline, refuse anything else with a typed error."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync import identity_code as ic
from sync.signing import raw_public

NOW = 1_795_000_000.0          # 2026-11-18, platform time
NAME, NUMBER = "王喆", "11010519491231002X"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC = raw_public(KEY.public_key())


def _code(**kw) -> str:
    args = {"name": NAME, "id_number": NUMBER, "now": NOW}
    args.update(kw)
    return ic.issue(KEY, **args)


def _forge(body: dict) -> str:
    """A code with any payload, properly signed (what a buggy platform could issue)."""
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    signing_input = f"LSTID1.{payload}"
    sig = base64.urlsafe_b64encode(KEY.sign(signing_input.encode())).rstrip(b"=").decode()
    return f"{signing_input}.{sig}"


def test_a_fresh_code_reads_back_with_the_person():
    code = ic.read(_code(), PUBLIC, NOW + 10)
    assert (code.name, code.id_number, code.id_type) == (NAME, NUMBER, "resident")
    assert code.expires_at - code.issued_at == ic.DEFAULT_LIFETIME_S
    assert NAME not in repr(code) and NUMBER not in repr(code)


def test_the_code_is_short_ascii_and_reads_from_raw_bytes():
    text = _code()
    assert text.startswith("LSTID1.") and text.isascii() and len(text) < 300
    assert ic.read(text.encode(), PUBLIC, NOW).id_number == NUMBER


@pytest.mark.parametrize(("text", "error"), [
    ("https://www.example.com/pay?id=1", ic.NotIdentityCode),
    ("wxp://f2f0abcdef", ic.NotIdentityCode),
    ("", ic.NotIdentityCode),
    ("LSTID2.abc.def", ic.NotIdentityCode),
    ("LSTID1.", ic.DamagedCode),
    ("LSTID1.abc", ic.DamagedCode),
    ("LSTID1.a.b.c", ic.DamagedCode),
    ("LSTID1.!!!!.????", ic.DamagedCode),
])
def test_other_codes_are_refused_with_their_reason(text, error):
    with pytest.raises(error):
        ic.read(text, PUBLIC, NOW)


def test_expired_and_not_yet_valid_allow_a_little_skew():
    text = _code()
    ic.read(text, PUBLIC, NOW + ic.DEFAULT_LIFETIME_S + ic.SKEW_S - 1)
    with pytest.raises(ic.ExpiredCode) as expired:
        ic.read(text, PUBLIC, NOW + ic.DEFAULT_LIFETIME_S + ic.SKEW_S + 1)
    assert expired.value.message == "二维码已过期，请在辽事通里刷新后再扫。"
    ic.read(text, PUBLIC, NOW - ic.SKEW_S + 1)
    with pytest.raises(ic.NotYetValid):
        ic.read(text, PUBLIC, NOW - ic.SKEW_S - 1)


def test_another_platform_key_and_no_pinned_key_are_refused():
    other = raw_public(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ic.DamagedCode):
        ic.read(_code(), other, NOW)
    with pytest.raises(ic.Unverifiable) as none:
        ic.read(_code(), None, NOW)
    assert "身份证" in none.value.message and "手动输入" in none.value.message


def test_a_wrong_check_digit_is_refused_even_when_signed():
    with pytest.raises(ic.BadIdNumber):
        ic.read(_code(id_number="110105194912310021"), PUBLIC, NOW)


@pytest.mark.parametrize("body", [
    {"n": NAME, "id": NUMBER, "t": "passport", "iat": "2026-11-18T00:00:00Z", "exp": "2026-11-18T00:05:00Z"},
    {"n": NAME, "id": NUMBER, "t": "resident", "iat": "yesterday", "exp": "2026-11-18T00:05:00Z"},
    {"n": NAME, "id": NUMBER, "t": "resident", "iat": "2026-11-18T00:05:00Z", "exp": "2026-11-18T00:00:00Z"},
    {"n": "", "id": NUMBER, "t": "resident", "iat": "2026-11-18T00:00:00Z", "exp": "2026-11-18T00:05:00Z"},
    {"n": NAME, "id": 11010519491231002, "t": "resident", "iat": "2026-11-18T00:00:00Z",
     "exp": "2026-11-18T00:05:00Z"},
    ["not", "an", "object"],
])
def test_signed_but_malformed_payloads_are_damaged(body):
    with pytest.raises(ic.DamagedCode):
        ic.read(_forge(body), PUBLIC, NOW)


def test_every_error_tells_the_resident_what_to_do():
    for error in (ic.NotIdentityCode, ic.DamagedCode, ic.Unverifiable, ic.ExpiredCode, ic.NotYetValid,
                  ic.BadIdNumber):
        assert error.title and error.message.endswith("。")
        assert any(word in error.message for word in ("再扫", "对准", "手动输入"))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=400), st.binary(max_size=400),
                 st.text(max_size=300).map(lambda t: "LSTID1." + t),
                 st.binary(max_size=300).map(lambda b: "LSTID1." + base64.urlsafe_b64encode(b).decode()
                                             + "." + base64.urlsafe_b64encode(b[::-1]).decode())))
def test_any_input_gives_a_code_or_a_typed_error(data):
    try:
        result = ic.read(data, PUBLIC, NOW)
    except ic.IdentityCodeError as exc:
        assert exc.title and exc.message
    else:
        assert isinstance(result, ic.IdentityCode)


@settings(max_examples=300)
@given(st.data())
def test_changing_any_character_of_a_valid_code_is_refused(data):
    text = _code()
    index = data.draw(st.integers(0, len(text) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda c: c != text[index]))
    with pytest.raises(ic.IdentityCodeError):
        ic.read(text[:index] + replacement + text[index + 1:], PUBLIC, NOW)


@settings(max_examples=200)
@given(st.data())
def test_flipping_any_bit_of_the_raw_bytes_is_refused(data):
    raw = bytearray(_code().encode())
    index = data.draw(st.integers(0, len(raw) - 1))
    raw[index] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(ic.IdentityCodeError):
        ic.read(bytes(raw), PUBLIC, NOW)


@given(st.text(min_size=1, max_size=20).filter(lambda t: t.strip() == t and t.isprintable()))
def test_any_name_the_platform_signs_survives_the_round_trip_or_is_refused_cleanly(name):
    try:
        code = ic.read(_code(name=name), PUBLIC, NOW)
    except ic.IdentityCodeError:
        return          # a name that is not a name (digits, Latin) is refused, never crashes
    assert code.name == name
