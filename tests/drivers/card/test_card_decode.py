"""Decoding the personal file: vectors from the card's specification, and fuzzing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.card import decode
from drivers.card.errors import InvalidCardData
from drivers.card.layout import FIELDS, FILE_SIZE
from drivers.card.model import Address, Name, PartialDate
from drivers.card.profiles import build_image, load_profile


def tis(text: str, length: int = 100) -> bytes:
    return text.encode("tis-620").ljust(length, b" ")


def test_thai_name_with_empty_middle_keeps_parts_in_place() -> None:
    assert decode.name(tis("นาย#สมชาย##ใจดี"), "name_th") == Name("นาย", "สมชาย", "", "ใจดี")


def test_name_is_split_before_cleanup_and_only_right_padding_is_stripped() -> None:
    raw = tis("Mrs.#Malee#Sri#Sukjai ")
    assert decode.name(raw, "name_en") == Name("Mrs.", "Malee", "Sri", "Sukjai")
    assert decode.name(tis("#Somchai##"), "name_en") == Name("", "Somchai", "", "")


def test_undefined_tis620_bytes_become_replacement_characters() -> None:
    raw = "นาย#สม".encode("tis-620") + b"\xff\xdb" + "ชาย##ใจดี".encode("tis-620")
    name = decode.name(raw.ljust(100, b" "), "name_th")
    assert name.first == "สม\ufffd\ufffdชาย"
    assert name.last == "ใจดี"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"25300415", PartialDate(1987, 4, 15)),
        (b"25251100", PartialDate(1982, 11)),
        (b"24950000", PartialDate(1952)),
        (b"25150229", PartialDate(1972, 2, 29)),
    ],
)
def test_birth_dates_convert_from_buddhist_era_and_stay_partial(raw: bytes, expected: PartialDate) -> None:
    assert decode.birth_date(raw) == expected


def test_partial_date_iso_forms() -> None:
    assert [PartialDate(1952).iso(), PartialDate(1982, 11).iso(), PartialDate(1987, 4, 5).iso()] == [
        "1952", "1982-11", "1987-04-05",
    ]


@pytest.mark.parametrize("raw", [b"25160229", b"25301301", b"25300015", b"2530041 ", b"        ", b"2530-4-1"])
def test_impossible_birth_dates_name_the_field(raw: bytes) -> None:
    with pytest.raises(InvalidCardData) as e:
        decode.birth_date(raw)
    assert e.value.field == "date_of_birth"


def test_lifelong_expiry_and_ordinary_expiry() -> None:
    assert decode.expiry_date(b"99999999") is None
    assert decode.expiry_date(b"25730414") == date(2030, 4, 14)
    with pytest.raises(InvalidCardData) as e:
        decode.expiry_date(b"25730000")
    assert e.value.field == "expiry_date"


def test_citizen_id_check_digit_uses_mod_11() -> None:
    assert decode.citizen_id(b"1101700123456") == "1101700123456"
    for bad in (b"1101700123457", b"110170012345 ", b"11017001234X6"):
        with pytest.raises(InvalidCardData) as e:
            decode.citizen_id(bad)
        assert e.value.field == "cid"
        assert "1101700" not in str(e.value)  # never the value in a message


def test_gender_codes() -> None:
    assert [decode.gender(b"1"), decode.gender(b"2"), decode.gender(b" "), decode.gender(b"9")] == [
        "male", "female", "unknown", "unknown",
    ]


def test_address_with_moo_and_soi() -> None:
    raw = tis("99/123#หมู่ที่ 5##ซอยวัดบัวขวัญ#ถนนรัตนาธิเบศร์#ตำบลบางกระสอ#อำเภอเมืองนนทบุรี#จังหวัดนนทบุรี", 160)
    assert decode.address(raw) == Address(
        "99/123", "5", "", "วัดบัวขวัญ", "รัตนาธิเบศร์", "บางกระสอ", "เมืองนนทบุรี", "นนทบุรี"
    )


def test_bangkok_address_longer_than_100_bytes_with_plain_province() -> None:
    text = "1234/567 อาคารชุดบ้านสวนลุมพินีเรสซิเดนซ์##ตรอกโรงน้ำแข็งเก่า#ซอยสุขุมวิท 101/1 (ปุณณวิถี)#ถนนสุขุมวิท#แขวงบางจาก#เขตพระโขนง#กรุงเทพมหานคร"
    assert len(text.encode("tis-620")) > 100
    a = decode.address(tis(text, 160))
    assert (a.trok, a.soi, a.road) == ("โรงน้ำแข็งเก่า", "สุขุมวิท 101/1 (ปุณณวิถี)", "สุขุมวิท")
    assert (a.subdistrict, a.district, a.province) == ("บางจาก", "พระโขนง", "กรุงเทพมหานคร")
    assert a.moo == ""


def test_address_slots_found_by_label_even_when_shifted() -> None:
    # a layout that puts the road where others put the soi: labels decide, not positions
    a = decode.address(tis("7#ถนนพหลโยธิน#ตำบลรอบเวียง#อำเภอเมืองเชียงราย#จังหวัดเชียงราย", 160))
    assert a == Address("7", "", "", "", "พหลโยธิน", "รอบเวียง", "เมืองเชียงราย", "เชียงราย")


def test_photo_is_cut_after_first_end_marker_and_keeps_spaces() -> None:
    jpeg = b"\xff\xd8" + b"  \x20data \x20" + b"\xff\xd9"
    assert decode.photo(jpeg + b"    ") == jpeg
    with pytest.raises(InvalidCardData):
        decode.photo(b"    " + jpeg)
    with pytest.raises(InvalidCardData):
        decode.photo(b"\xff\xd8no end")


def test_whole_image_of_a_profile_decodes() -> None:
    profile = load_profile("lifelong-bangkok")
    text = decode.card_text(profile.chip.image, profile.chip.atr)
    assert text.lifelong and text.date_of_birth == PartialDate(1952)
    assert text.issue_date == date(2023, 3, 1)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([k for k in FIELDS if k != "photo"]), st.binary(max_size=160)))
def test_fuzzed_fields_give_a_card_text_or_a_typed_error(patches: dict[str, bytes]) -> None:
    image = build_image({}, b"")
    good = load_profile("normal").chip.image
    image[:] = good
    for key, raw in patches.items():
        offset, length = FIELDS[key]
        image[offset : offset + length] = raw[:length].ljust(length, b" ")
    assert len(image) == FILE_SIZE
    try:
        decode.card_text(image, b"\x3b\x79")
    except InvalidCardData as e:
        assert e.field in FIELDS
