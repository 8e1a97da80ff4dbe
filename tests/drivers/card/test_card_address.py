"""Address slots are found by their label words: bare labels and abbreviations never become
values, absent and empty slots stay empty, nothing is placed by position."""

from __future__ import annotations

import pytest

from drivers.card import decode
from drivers.card.errors import InvalidCardData
from drivers.card.model import Address


def address(text: str) -> Address:
    return decode.address(text.encode("tis-620").ljust(160, b" "))


def test_a_road_label_with_no_road_on_a_card_without_a_trok_slot() -> None:
    a = address("1#หมู่ที่ 4#ซอยสุขใจ#ถนน#ตำบลบางรัก#อำเภอเมืองตราด#จังหวัดตราด")
    assert a == Address("1", "4", "", "สุขใจ", "", "บางรัก", "เมืองตราด", "ตราด")


def test_bare_trok_soi_road_labels_are_empty_slots() -> None:
    a = address("12#หมู่ที่ 3#ตรอก#ซอย#ถนน#ตำบลในเมือง#อำเภอเมืองขอนแก่น#จังหวัดขอนแก่น")
    assert (a.trok, a.soi, a.road) == ("", "", "")
    assert (a.house_no, a.moo, a.subdistrict, a.province) == ("12", "3", "ในเมือง", "ขอนแก่น")


def test_abbreviated_labels_with_and_without_values() -> None:
    a = address("5/1#ม.7#ซ.#ถ.มิตรภาพ#ต.ในเมือง#อ.เมือง#จ.นครราชสีมา")
    assert a == Address("5/1", "7", "", "", "มิตรภาพ", "ในเมือง", "เมือง", "นครราชสีมา")
    a = address("5/1#ม.#ซ. 3#ถ.#ต.ในเมือง#อ.เมือง#จ.นครราชสีมา")
    assert (a.moo, a.soi, a.road) == ("", "3", "")


def test_slots_in_any_order_and_number_are_placed_by_label() -> None:
    a = address("7#ถนนพหลโยธิน#ตำบลรอบเวียง#อำเภอเมืองเชียงราย#จังหวัดเชียงราย")
    assert a == Address("7", "", "", "", "พหลโยธิน", "รอบเวียง", "เมืองเชียงราย", "เชียงราย")
    a = address("7#จังหวัดเชียงราย#อำเภอเมืองเชียงราย#ตำบลรอบเวียง")
    assert (a.subdistrict, a.district, a.province) == ("รอบเวียง", "เมืองเชียงราย", "เชียงราย")


def test_a_housing_estate_is_not_a_moo_and_stays_with_the_house_number() -> None:
    a = address("88/9#หมู่บ้านสวนทอง#หมู่ 2#ซอย 4#ถนนบางนา-ตราด#ตำบลบางพลีใหญ่#อำเภอบางพลี#จังหวัดสมุทรปราการ")
    assert a.house_no == "88/9 หมู่บ้านสวนทอง" and a.moo == "2" and a.soi == "4"


def test_bangkok_plain_province_and_empty_slots() -> None:
    a = address("1234/567##ตรอกโรงน้ำแข็งเก่า#ซอยสุขุมวิท 101/1#ถนนสุขุมวิท#แขวงบางจาก#เขตพระโขนง#กรุงเทพมหานคร")
    assert a == Address("1234/567", "", "โรงน้ำแข็งเก่า", "สุขุมวิท 101/1", "สุขุมวิท", "บางจาก", "พระโขนง", "กรุงเทพมหานคร")


def test_only_empty_slots_or_too_many_slots_are_invalid() -> None:
    for text in ("#######", "1#2#3#4#5#6#7#8#9"):
        with pytest.raises(InvalidCardData) as e:
            address(text)
        assert e.value.field == "address"
