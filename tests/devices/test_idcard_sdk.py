"""The ctypes SDK backend against a small C library compiled here (skipped only without a compiler)."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from devices.idcard import ReaderFault, ReaderMissing, ReaderReady, codec
from devices.idcard.card import IdCard
from devices.idcard.samples import sample_cards
from devices.idcard.sdk_backend import SdkIdReader
from tests.devices.conftest import Events

SOURCE = Path(__file__).with_name("fake_vendor_sdk.c")


@pytest.fixture
def vendor_lib(tmp_path):
    compiler = shutil.which("gcc") or shutil.which("cc") or shutil.which("clang")
    if compiler is None:
        pytest.skip("没有 C 编译器，无法构建模拟厂商库")
    lib_path = tmp_path / "libfakesdt.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-o", str(lib_path), str(SOURCE)], check=True)
    lib = ctypes.CDLL(str(lib_path))  # the same handle the backend will get (dlopen refcount)
    return lib_path, lib


def _wait_finds(lib, count: int) -> None:
    target = lib.sim_find_count() + count
    for _ in range(500):
        if lib.sim_find_count() >= target:
            return
        time.sleep(0.01)
    raise AssertionError("the backend stopped polling")


def test_sdtapi_reads_every_card_type(vendor_lib):
    lib_path, lib = vendor_lib
    events = Events()
    reader = SdkIdReader(str(lib_path), style="sdtapi", port=1001, poll_interval=0.01)
    reader.start(events.on_card, events.on_status)
    try:
        events.wait_for(ReaderReady)
        for name in ("resident", "hk_mo_tw", "foreign_permanent", "foreign_2023"):
            card = sample_cards()[name]
            lib.sim_place(codec.encode_text_block(card), card.photo)
            assert events.wait_for(IdCard) == card
            lib.sim_lift()
            _wait_finds(lib, 2)  # the reader must see the card gone before the next one comes
    finally:
        reader.stop()


def test_sdtapi_sam_failure_and_missing_port(vendor_lib):
    lib_path, lib = vendor_lib
    lib.sim_set_sam(0x60)
    events = Events()
    reader = SdkIdReader(str(lib_path), style="sdtapi", poll_interval=0.01)
    reader.start(events.on_card, events.on_status)
    try:
        assert events.wait_for(ReaderFault).sw3 == 0x60
    finally:
        reader.stop()
        lib.sim_set_sam(0x90)
    lib.sim_set_port_ok(0)
    reader = SdkIdReader(str(lib_path), style="sdtapi", poll_interval=0.01)
    reader.start(events.on_card, events.on_status)
    try:
        assert "无法打开" in events.wait_for(ReaderMissing).message
    finally:
        reader.stop()
        lib.sim_set_port_ok(1)


def test_termb_reads_a_resident_card_in_gbk(vendor_lib):
    lib_path, lib = vendor_lib
    card = sample_cards()["resident"]
    fields = [card.name, card.sex, "汉族", "19870315", card.address, card.id_number, card.issuer,
              "20160601", "20360601"]
    for i, value in enumerate(fields):
        lib.sim_set_field(i, value.encode("gb18030"))
    lib.sim_place(bytes(256), bytes(1024))
    events = Events()
    reader = SdkIdReader(str(lib_path), style="termb", port=1, poll_interval=0.01)
    reader.start(events.on_card, events.on_status)
    try:
        got = events.wait_for(IdCard)
    finally:
        reader.stop()
    assert got.name == "王喆" and got.ethnicity == "汉" and got.birth_date == "1987-03-15"
    assert got.id_number == card.id_number and got.valid_to == "2036-06-01" and got.card_type == "resident"


def test_missing_library_is_a_state_not_a_crash(tmp_path):
    events = Events()
    reader = SdkIdReader(str(tmp_path / "libnothere.so"))
    reader.start(events.on_card, events.on_status)
    try:
        assert "无法加载" in events.wait_for(ReaderMissing).message
    finally:
        reader.stop()


def test_wlt_photo_decoder_plug_in(vendor_lib, tmp_path):
    from devices.idcard.photo import load_wlt_decoder

    lib_path, _ = vendor_lib
    decode = load_wlt_decoder(str(lib_path))
    photo = sample_cards()["resident"].photo
    bitmap = decode(photo)
    assert len(bitmap) == 38862 and bitmap[:1024] == photo  # a 102×126 24-bit BMP file
    assert decode(b"short") is None
    assert load_wlt_decoder(str(tmp_path / "libwlt2bmp.so")) is None  # absent: silhouette, no crash
