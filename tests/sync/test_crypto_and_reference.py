"""Envelope encryption (both suites). Provisional references: tests/sync/test_references.py."""

from __future__ import annotations

import os
import stat

import pytest

from sync.crypto import CryptoError, Keyring


@pytest.mark.parametrize("suite", ["aes", "sm4"])
def test_round_trip_and_tamper(tmp_path, suite):
    ring = Keyring.load_or_create(tmp_path / "keys", tmp_path / "data", suite)
    record = ring.encrypt("欧阳娜娜".encode(), b"submission|1")
    assert ring.decrypt(record, b"submission|1") == "欧阳娜娜".encode()
    assert "欧阳娜娜".encode() not in record
    with pytest.raises(CryptoError):
        ring.decrypt(record, b"submission|2")  # moved to another row
    broken = bytearray(record)
    broken[-1] ^= 1
    with pytest.raises(CryptoError):
        ring.decrypt(bytes(broken), b"submission|1")


def test_records_of_both_suites_open_with_one_station_key(tmp_path):
    aes = Keyring.load_or_create(tmp_path / "keys", None, "aes")
    sm4 = Keyring.load_or_create(tmp_path / "keys", None, "sm4")
    assert sm4.decrypt(aes.encrypt(b"x", b"a"), b"a") == b"x"
    assert aes.decrypt(sm4.encrypt(b"y", b"a"), b"a") == b"y"
    assert aes.lookup_hash("11010519491231002x") == aes.lookup_hash("11010519491231002X")
    assert aes.lookup_hash("1") != sm4.lookup_hash("1")  # HMAC-SHA256 vs HMAC-SM3


def test_key_file_is_private_and_outside_data_dir(tmp_path):
    Keyring.load_or_create(tmp_path / "keys", tmp_path / "data")
    assert stat.S_IMODE(os.stat(tmp_path / "keys" / "station.key").st_mode) == 0o600
    with pytest.raises(CryptoError, match="不能放在数据目录"):
        Keyring.load_or_create(tmp_path / "data" / "keys", tmp_path / "data")
    os.chmod(tmp_path / "keys" / "station.key", 0o644)
    with pytest.raises(CryptoError, match="权限过宽"):
        Keyring.load_or_create(tmp_path / "keys", tmp_path / "data")


def test_unknown_suite_is_refused_in_chinese(tmp_path):
    with pytest.raises(CryptoError, match="未知的加密方式"):
        Keyring.load_or_create(tmp_path / "k", None, "des")
