"""ESC/POS builder, status parser and stream interpreter: bytes exact, and fuzzed."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer import escpos, receipt_bytes, sample_receipt
from devices.printer.glyphs import default_rasteriser
from devices.printer.interpreter import Cut, EscPosInterpreter, QrCode, RasterImage
from devices.printer.status import (
    CoverOpen,
    CutterError,
    NoAnswer,
    Offline,
    PaperNearEnd,
    PaperOut,
    StatusOk,
    parse_status,
    status_bytes,
)
from tests.devices.conftest import needs_cjk_font

FUZZ = settings(max_examples=int(os.environ.get("PRINTER_FUZZ_EXAMPLES", "300")), deadline=None)


def test_basic_commands_byte_for_byte():
    assert bytes.fromhex("1B 40") == escpos.INIT
    assert bytes.fromhex("1C 26") == escpos.CHINESE_ON and bytes.fromhex("1C 2E") == escpos.CHINESE_OFF
    assert escpos.cut() == bytes.fromhex("1D 56 00") and escpos.cut(partial=True) == bytes.fromhex("1D 56 01")
    assert escpos.cut(feed_dots=120) == bytes.fromhex("1D 56 42 78")
    assert escpos.status_request(4) == bytes.fromhex("10 04 04")
    assert escpos.size(2, 2) == bytes.fromhex("1D 21 11") and escpos.align(1) == bytes.fromhex("1B 61 01")


def test_native_qr_sequence():
    assert escpos.qr_native("AB12", module=6, error_level="M") == bytes.fromhex(
        "1D 28 6B 04 00 31 41 32 00"      # fn 65: model 2
        "1D 28 6B 03 00 31 43 06"         # fn 67: module size 6
        "1D 28 6B 03 00 31 45 31"         # fn 69: error level M (49)
        "1D 28 6B 07 00 31 50 30 41 42 31 32"  # fn 80: store, pL = 4 + 3
        "1D 28 6B 03 00 31 51 30"         # fn 81: print
    )


def test_raster_header_and_packing():
    bitmap = np.zeros((2, 10), dtype=bool)
    bitmap[0, 0] = bitmap[1, 9] = True
    assert escpos.raster(bitmap) == bytes.fromhex("1D 76 30 00 02 00 02 00 80 00 00 40")


def test_chinese_text_is_gb18030_two_byte_and_full_width_punctuation_survives_alone():
    assert escpos.text_line("驿站") == "驿站".encode("gb18030") + b"\n"
    assert escpos.text_line("：") == b"\xa3\xba\n"
    assert escpos.text_line("王喆 李堃 玛丽亚·加西亚") == "王喆 李堃 玛丽亚·加西亚".encode("gb18030") + b"\n"


@needs_cjk_font
@pytest.mark.parametrize("ch", ["𠮷", "䶮"])
def test_characters_outside_the_printer_font_become_a_raster_line(ch):
    assert not escpos.printer_can_encode(ch)
    data = escpos.text_line(f"张{ch}", rasterise=default_rasteriser(), paper_dots=384)
    assert data.startswith(bytes.fromhex("1D 76 30 00 30 00"))  # 384 dots = 48 bytes wide
    assert escpos.text_line(f"张{ch}") == "张?".encode("gb18030") + b"\n"  # no font: never garbage bytes


def test_receipt_masks_personal_data_and_uses_chinese_mode():
    r = sample_receipt()
    data = receipt_bytes(r, width_mm=80, rasterise=default_rasteriser())
    assert data.startswith(escpos.INIT + escpos.CHINESE_ON)
    assert r.applicant_id_number.encode() not in data
    assert r.applicant_name.encode("gb18030") not in data
    assert b"210***********2116" in data and "张*明".encode("gb18030") in data
    assert b"12345" in data and r.reference.encode() in data
    assert data.endswith(escpos.CHINESE_OFF + escpos.cut(feed_dots=120))


def test_receipt_without_native_qr_or_cutter():
    data = receipt_bytes(sample_receipt(), width_mm=58, native_qr=False, has_cutter=False)
    interp = EscPosInterpreter()
    interp.feed(data)
    assert not any(isinstance(op, QrCode) for op in interp.ops)
    assert any(isinstance(op, RasterImage) and op.width_bytes == 48 for op in interp.ops)
    assert not any(isinstance(op, Cut) for op in interp.ops)
    assert all(escpos.display_columns(line) <= 32 for line in interp.text_log())


def test_promised_dates_and_owed_materials_are_on_the_receipt():
    r = sample_receipt(now=dt.datetime(2026, 1, 5, 8, 0))
    interp = EscPosInterpreter()
    interp.feed(receipt_bytes(r))
    text = "\n".join(interp.text_log())
    # One date format for residents, on paper as on screen and in speech: no leading zeros.
    assert "即办件，当场办结" in text and "承诺件，2026年1月10日前办结" in text
    assert "结婚证，请于2026年1月15日前补交" in text and "12345" in text
    assert "政府共享获取：居民户口簿、父母身份证" in text and "告知承诺代替：婚姻状况" in text


@pytest.mark.parametrize("state,expected", [
    ({}, StatusOk), ({"near_end": True}, PaperNearEnd), ({"paper_out": True}, PaperOut),
    ({"cover_open": True}, CoverOpen), ({"offline": True}, Offline), ({"cutter_error": True}, CutterError),
    ({"cover_open": True, "paper_out": True}, CoverOpen),
])
def test_status_bits(state, expected):
    status = parse_status(status_bytes(**state))
    assert isinstance(status, expected) and status.message


@pytest.mark.parametrize("replies", [b"", b"\x12", b"\x12\x12\x12", b"\x00\x00\x00\x00", b"\xff\x12\x12\x12"])
def test_silence_or_garbage_is_no_answer_never_plenty_of_paper(replies):
    assert isinstance(parse_status(replies), NoAnswer)


_STATUS_TYPES = (StatusOk, PaperNearEnd, PaperOut, CoverOpen, Offline, CutterError, NoAnswer)


@FUZZ
@given(st.binary(max_size=8))
def test_fuzz_status_parser_returns_only_the_union(data):
    status = parse_status(data)
    assert isinstance(status, _STATUS_TYPES) and status.message


@FUZZ
@given(st.binary(max_size=600), st.integers(min_value=1, max_value=64))
def test_fuzz_interpreter_never_raises_and_ignores_fragmentation(data, step):
    whole = EscPosInterpreter(lambda n: 0x12)
    whole_reply = whole.feed(data)
    parts = EscPosInterpreter(lambda n: 0x12)
    parts_reply = b"".join(parts.feed(data[i:i + step]) for i in range(0, len(data), step))
    assert whole.text_log() == parts.text_log() and whole_reply == parts_reply
