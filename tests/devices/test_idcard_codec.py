"""SAM_V codec: the captured frames from the protocol notes, every card layout, and fuzzing."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard import codec
from devices.idcard.card import IdCard
from devices.idcard.samples import gb11643_check_digit, sample_cards

NOTES_REQUESTS = {
    codec.RESET_SAM: "AA AA AA 96 69 00 03 10 FF EC",
    codec.SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    codec.READ_SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    codec.FIND_CARD: "AA AA AA 96 69 00 03 20 01 22",
    codec.SELECT_CARD: "AA AA AA 96 69 00 03 20 02 21",
    codec.READ_TEXT_PHOTO: "AA AA AA 96 69 00 03 30 01 32",
    codec.READ_APPENDED_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
    codec.READ_WITH_FINGERPRINT: "AA AA AA 96 69 00 03 30 10 23",
}


@pytest.mark.parametrize("command,expected", NOTES_REQUESTS.items())
def test_request_frames_match_the_notes_byte_for_byte(command, expected):
    assert codec.build_request(command) == bytes.fromhex(expected)


def test_captured_replies_parse():
    found = codec.parse_reply(bytes.fromhex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"))
    assert found == codec.Reply(0, 0, 0x9F, bytes(4))
    no_card = codec.parse_reply(bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 84"))
    assert no_card == codec.Reply(0, 0, 0x80)
    select = bytes.fromhex("AA AA AA 96 69 00 0C 00 00 90") + bytes(8) + bytes.fromhex("9C")
    assert codec.parse_reply(select) == codec.Reply(0, 0, 0x90, bytes(8))
    # the simulator's builder produces the very same bytes
    assert codec.build_reply(0x9F, bytes(4)) == bytes.fromhex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    assert codec.build_reply(0x80) == bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 84")


def test_read_reply_is_1295_bytes_and_splits_into_text_and_photo():
    card = sample_cards()["resident"]
    blocks = codec.CardBlocks(codec.encode_text_block(card), card.photo)
    frame = codec.build_reply(0x90, codec.build_read_reply_data(blocks))
    assert len(frame) == 1295
    assert frame[5:7] == b"\x05\x08" and frame[10:14] == b"\x01\x00\x04\x00"
    reply = codec.parse_reply(frame)
    assert codec.split_read_reply(reply) == blocks


def test_fingerprint_read_reply_has_a_third_length():
    card = sample_cards()["resident"]
    blocks = codec.CardBlocks(codec.encode_text_block(card), card.photo, b"")
    data = codec.build_read_reply_data(blocks, with_fingerprint=True)
    assert data[:6] == b"\x01\x00\x04\x00\x00\x00"
    assert codec.split_read_reply(codec.Reply(0, 0, 0x90, data), with_fingerprint=True) == blocks


@pytest.mark.parametrize("name", list(sample_cards()))
def test_every_sample_card_round_trips_through_its_text_block(name):
    card = sample_cards()[name]
    block = codec.encode_text_block(card)
    assert len(block) == 256
    assert codec.decode_text_block(block, card.photo) == card


def test_resident_block_layout_offsets_and_padding():
    card = sample_cards()["resident"]
    block = codec.encode_text_block(card)
    assert block[0:30].decode("utf-16-le") == "王喆" + " " * 13  # trailing-space padding
    assert block[30:32].decode("utf-16-le") == "1"
    assert block[32:36].decode("utf-16-le") == "01"
    assert block[36:52].decode("utf-16-le") == "19870315"
    assert block[122:158].decode("utf-16-le") == card.id_number
    assert block[248:250] == b" \x00"


def test_long_term_validity_and_ethnicity_names():
    card = codec.decode_text_block(codec.encode_text_block(sample_cards()["resident_long_term"]))
    assert isinstance(card, IdCard)
    assert card.valid_to == "长期" and card.ethnicity == "满" and card.name == "李堃"
    assert codec.ETHNICITY_BY_CODE["56"] == "基诺" and codec.ETHNICITY_BY_CODE["10"] == "朝鲜"


def test_hk_mo_tw_layout():
    card = sample_cards()["hk_mo_tw"]
    block = codec.encode_text_block(card)
    assert block[248:250] == b"J\x00"
    assert block[220:238].decode("utf-16-le") == "H60123456"
    assert block[238:242].decode("utf-16-le") == "02"
    decoded = codec.decode_text_block(block)
    assert decoded.ethnicity is None and decoded.pass_number == "H60123456" and decoded.issue_count == 2


def test_foreign_2017_layout():
    card = sample_cards()["foreign_permanent"]
    block = codec.encode_text_block(card)
    assert block[0:120].decode("utf-16-le").rstrip() == "SMITH, JOHN WILLIAM"
    assert block[122:152].decode("utf-16-le") == "USA210070021401"
    assert block[152:158].decode("utf-16-le") == "USA"
    assert block[158:188].decode("utf-16-le").rstrip() == "约翰·史密斯"
    assert block[248:250] == b"I\x00"


def test_foreign_2023_layout_splits_the_english_name():
    card = sample_cards()["foreign_2023"]
    assert len(card.name_en) > 35
    block = codec.encode_text_block(card)
    assert block[52:122].decode("utf-16-le") == card.name_en[:35]
    assert block[220:242].decode("utf-16-le").rstrip() == card.name_en[35:]
    assert block[242:248].decode("utf-16-le") == "ESP"
    assert block[248:250] == b"Y\x00"
    number = card.id_number
    assert number[0] == "9" and number[17] == gb11643_check_digit(number[:17])


def test_check_digit_example_from_the_notes():
    assert gb11643_check_digit("11010519491231002") == "X"


@pytest.mark.parametrize("mutate,fragment", [
    (lambda b: b[:248] + b"Q\x00" + b[250:], "证件类型"),
    (lambda b: b[:36] + "19871345".encode("utf-16-le") + b[52:], "出生日期"),
    (lambda b: b[:30] + "7".encode("utf-16-le") + b[32:], "性别"),
    (lambda b: b[:32] + "77".encode("utf-16-le") + b[36:], "民族"),
    (lambda b: b"\x00\xd8" + b[2:], "UCS-2"),
    (lambda b: b[:100], "256"),
])
def test_bad_text_blocks_are_typed_errors(mutate, fragment):
    block = mutate(codec.encode_text_block(sample_cards()["resident"]))
    result = codec.decode_text_block(block)
    assert isinstance(result, codec.CardDataError)
    assert fragment in result.message


def test_noise_before_preamble_and_split_fragments_resynchronise():
    reply = codec.build_reply(0x9F, bytes(4))
    stream = b"\x00\xaa\x13\xaa\xaa" + reply + b"\xaa\xaa" + codec.build_reply(0x80)
    decoder = codec.FrameDecoder()
    frames = []
    for i in range(0, len(stream), 3):
        frames += decoder.feed(stream[i:i + 3])
    assert [codec.reply_from(f).sw3 for f in frames] == [0x9F, 0x80]


def test_checksum_error_is_reported_and_the_next_frame_still_parses():
    bad = bytearray(codec.build_reply(0x90, bytes(8)))
    bad[-1] ^= 0xFF
    frames, rest = codec.split_frames(bytes(bad) + codec.build_reply(0x80))
    assert frames[0] == codec.FrameError("checksum") and codec.reply_from(frames[1]).sw3 == 0x80
    assert rest == b""


def test_a_truncated_reply_followed_by_a_good_one_is_not_swallowed():
    good = codec.build_reply(0x9F, bytes(4))
    truncated = codec.build_reply(0x90, bytes(20))[:12]
    frames, _ = codec.split_frames(truncated + good)
    assert codec.reply_from(frames[-1]) == codec.Reply(0, 0, 0x9F, bytes(4))


def test_absurd_length_is_skipped():
    frames, _ = codec.split_frames(codec.PREAMBLE + b"\xff\xff" + codec.build_reply(0x80))
    assert frames[0].kind == "length" and codec.reply_from(frames[1]).sw3 == 0x80


@pytest.mark.parametrize("data,kind", [
    (b"", "preamble"), (b"\x00" * 10, "preamble"), (codec.PREAMBLE, "truncated"),
    (codec.PREAMBLE + b"\x00\x05\x00", "truncated"), (codec.build_reply(0x90) + b"\x00", "trailing"),
    (codec.encode_frame(b"\x00\x00"), "short_body"),
])
def test_malformed_single_frames(data, kind):
    result = codec.parse_reply(data)
    assert isinstance(result, codec.FrameError) and result.kind == kind and result.message


# CI runs a few hundred cases; the benchmark run sets IDCARD_FUZZ_EXAMPLES=10000.
FUZZ = settings(max_examples=int(os.environ.get("IDCARD_FUZZ_EXAMPLES", "300")), deadline=None)
_frames = st.sampled_from([codec.build_reply(0x9F, bytes(4)), codec.build_reply(0x80),
                           codec.build_reply(0x90, bytes(8)), codec.build_request(codec.FIND_CARD)])
_streams = st.lists(st.one_of(st.binary(max_size=40), _frames,
                              _frames.map(lambda f: f[: len(f) // 2])), max_size=8).map(b"".join)


@FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_parse_reply_only_returns_typed_values(data):
    assert isinstance(codec.parse_reply(data), codec.Reply | codec.FrameError)


@FUZZ
@given(_streams, st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=20))
def test_fuzz_stream_parser_is_independent_of_fragmentation(stream, cuts):
    whole, rest = codec.split_frames(stream)
    assert all(isinstance(f, codec.Frame | codec.FrameError) for f in whole)
    assert len(rest) <= len(stream)
    decoder = codec.FrameDecoder()
    pieces, pos, i = [], 0, 0
    while pos < len(stream):
        size = cuts[i % len(cuts)]
        pieces += decoder.feed(stream[pos:pos + size])
        pos, i = pos + size, i + 1
    good = [f for f in whole if isinstance(f, codec.Frame)]
    assert [f for f in pieces if isinstance(f, codec.Frame)] == good


@FUZZ
@given(st.binary(min_size=256, max_size=256), st.binary(max_size=1024))
def test_fuzz_text_block_decoder_never_raises(block, photo):
    assert isinstance(codec.decode_text_block(block, photo), IdCard | codec.CardDataError)


@FUZZ
@given(st.binary(max_size=1400))
def test_fuzz_read_reply_splitter_never_raises(data):
    result = codec.split_read_reply(codec.Reply(0, 0, 0x90, data))
    assert isinstance(result, codec.CardBlocks | codec.FrameError)
