"""The IPP codec (pure, fuzzed) and the write-to-folder printer."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.printer.a4 import PdfFolderPrinter, PrintError, open_a4_printer
from devices.printer.a4.cups import reason_message
from devices.printer.a4.ipp import (
    GET_JOB_ATTRIBUTES,
    TAG_ENUM,
    TAG_INTEGER,
    TAG_JOB,
    TAG_KEYWORD,
    IppError,
    _attr,
    decode_response,
    encode_request,
)


def test_request_bytes_are_exact() -> None:
    body = encode_request(GET_JOB_ATTRIBUTES, 7, [(TAG_INTEGER, "job-id", 42)])
    assert body[:8] == bytes([1, 1, 0, 9, 0, 0, 0, 7])
    assert body[8] == 0x01  # operation attributes group
    assert b"\x47\x00\x12attributes-charset\x00\x05utf-8" in body
    assert body.endswith(b"\x21\x00\x06job-id\x00\x04\x00\x00\x00\x2a\x03")


def test_response_with_multi_valued_attribute() -> None:
    payload = (struct.pack(">BBHi", 1, 1, 0, 7) + bytes([TAG_JOB])
               + _attr(TAG_ENUM, "job-state", 9)
               + _attr(TAG_KEYWORD, "job-state-reasons", ["job-completed-successfully", "other"])
               + b"\x03")
    response = decode_response(payload)
    assert response.ok and response.request_id == 7
    assert response.first(TAG_JOB) == {"job-state": [9],
                                       "job-state-reasons": ["job-completed-successfully", "other"]}


@given(st.binary(max_size=300))
def test_garbage_is_an_ipp_error_or_a_response(payload: bytes) -> None:
    try:
        response = decode_response(payload)
    except IppError as exc:
        assert str(exc).startswith("打印服务应答")
    else:
        assert isinstance(response.status, int)


def test_reasons_in_chinese() -> None:
    assert reason_message(["media-empty-error"]) == "打印机缺纸，请添加 A4 纸"
    assert reason_message(["none", "media-jam-warning"]) == "打印机卡纸，请打开盖板取出卡住的纸"
    assert reason_message(["offline-report"]) == "打印机离线，请检查电源和数据线"
    assert reason_message(["something-new"]) is None


def test_folder_printer_writes_whole_files(tmp_path: Path) -> None:
    printer = open_a4_printer("pdf", tmp_path / "prints")
    assert isinstance(printer, PdfFolderPrinter)
    job = printer.submit(b"%PDF-1.4\n%fake but whole\n", "受理回执/张三")
    outcome = printer.follow(job)
    assert outcome.done and job.path is not None
    assert job.path.read_bytes().startswith(b"%PDF-1.4")
    assert "/" not in job.path.name[len("20260101-000000-"):]
    assert not list((tmp_path / "prints").glob("*.part"))
    with pytest.raises(PrintError, match="不是 PDF"):
        printer.submit(b"nope", "x")


def test_folder_printer_unwritable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(PrintError, match="无法写入 PDF 文件夹"):
        PdfFolderPrinter(blocker / "sub").submit(b"%PDF-1.4\n", "x")
