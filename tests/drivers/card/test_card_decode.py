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


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("name_th", "นาย#สม".encode("tis-620") + b"\xff\xdb" + "ชาย##ใจดี".encode("tis-620")),  # undefined in TIS-620
        ("name_th", "นาย#สม".encode("tis-620") + b"\xa0" + "ชาย##ใจดี".encode("tis-620")),
        ("name_th", "นาย#สม\x07ชาย##ใจดี".encode("tis-620")),  # a control character
        ("name_th", "นาย#สม".encode("tis-620") + b"\x85" + "ชาย##ใจดี".encode("tis-620")),  # C1 control
        ("name_th", "นาย#สม\x00ชาย##ใจดี".encode("tis-620")),  # NUL inside the text, not padding
        ("name_en", "Mr.#Somchai##Jaidee".encode("ascii").replace(b"o", b"\xd3")),  # Thai bytes in English
        ("name_en", b"Mr.#Som\tchai##Jaidee"),
    ],
)
def test_corrupt_text_is_invalid_never_replaced(field: str, raw: bytes) -> None:
    with pytest.raises(InvalidCardData) as e:
        decode.name(raw.ljust(100, b" "), field)
    assert e.value.field == field
    assert "สม" not in str(e.value) and "Som" not in str(e.value)


@pytest.mark.parametrize("field", ["issuer", "address"])
def test_corrupt_issuer_and_address_are_invalid(field: str) -> None:
    image = bytearray(load_profile("normal").chip.image)
    offset, _ = FIELDS[field]
    image[offset + 3] = 0xFE
    with pytest.raises(InvalidCardData) as e:
        decode.card_text(image, b"\x3b\x79")
    assert e.value.field == field


@pytest.mark.parametrize("field", ["request_number", "photo_number"])
def test_control_characters_in_numbers_are_invalid(field: str) -> None:
    image = bytearray(load_profile("normal").chip.image)
    image[FIELDS[field][0] + 2] = 0x1B
    with pytest.raises(InvalidCardData) as e:
        decode.card_text(image, b"\x3b\x79")
    assert e.value.field == field


def test_right_padding_of_spaces_or_nuls_is_not_data() -> None:
    assert decode.name("นาย#สมชาย##ใจดี".encode("tis-620").ljust(100, b"\x00"), "name_th").last == "ใจดี"


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
    assert [decode.gender(b"1"), decode.gender(b"2")] == ["male", "female"]
    for bad in (b"9", b" ", b"0", b"\xff"):
        with pytest.raises(InvalidCardData) as e:
            decode.gender(bad)
        assert e.value.field == "gender"


def dated(born: str, issued: str, expires: str) -> bytearray:
    image = bytearray(load_profile("normal").chip.image)
    for field, value in (("date_of_birth", born), ("issue_date", issued), ("expiry_date", expires)):
        offset, _ = FIELDS[field]
        image[offset : offset + 8] = value.encode("ascii")
    return image


@pytest.mark.parametrize(
    ("born", "issued", "expires", "field"),
    [
        ("25300415", "25650110", "25650109", "expiry_date"),  # expires before it was issued
        ("25300415", "25650110", "25650110", "expiry_date"),
        ("25660415", "25650110", "25730414", "date_of_birth"),  # born after the issue date
        ("25650200", "25650110", "25730414", "date_of_birth"),  # a partial date after it too
        ("26000101", "26000102", "26080101", "issue_date"),  # issued (and born) in the future
    ],
)
def test_implausible_dates_name_the_field(born: str, issued: str, expires: str, field: str) -> None:
    with pytest.raises(InvalidCardData) as e:
        decode.card_text(dated(born, issued, expires), b"\x3b\x79", today=date(2025, 6, 1))
    assert e.value.field == field


def test_a_clock_left_in_the_past_does_not_refuse_cards() -> None:
    # a board without a real-time clock before time sync: "in the future" cannot be judged
    text = decode.card_text(dated("25300415", "25650110", "25730414"), b"\x3b\x79", today=date(1970, 1, 1))
    assert text.issue_date == date(2022, 1, 10)
    with pytest.raises(InvalidCardData) as e:  # the clock-free checks still hold
        decode.card_text(dated("25660415", "25650110", "25730414"), b"\x3b\x79", today=date(1970, 1, 1))
    assert e.value.field == "date_of_birth"


def test_plausible_dates_pass() -> None:
    text = decode.card_text(dated("25650100", "25650110", "99999999"), b"\x3b\x79", today=date(2025, 6, 1))
    assert text.date_of_birth == PartialDate(2022, 1) and text.lifelong
    assert decode.card_text(dated("25300415", "25650110", "25730414"), b"\x3b\x79", today=date(2025, 1, 10))


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
