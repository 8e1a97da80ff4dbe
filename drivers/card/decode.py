"""Decoding the bytes of the personal file into the domain model.

Rules (from the card's specification), applied strictly: text is TIS-620 and a byte that is not
(undefined in TIS-620, or a control character) makes the field invalid — nothing is replaced;
English names, numbers and dates are printable ASCII; the 0x20 (or NUL) padding is stripped at
the right only; names and addresses are split on `#` before any other cleanup and empty parts
stay empty; dates are Buddhist-era `YYYYMMDD`, birth dates may be partial (`00` month/day),
expiry `99999999` means lifelong; gender is `1` or `2`; the dates must make sense together (born
on or before the issue date, not in the future; expiry after the issue date). Address slots are
found by their label words. Anything malformed raises `InvalidCardData` naming the field (never
its value).
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from stdnum.exceptions import ValidationError
from stdnum.th import pin

from drivers.card.errors import InvalidCardData
from drivers.card.layout import FIELDS
from drivers.card.model import Address, CardText, Gender, Name, PartialDate

BE_OFFSET = 543
LIFELONG = "99999999"
_PADDING = " \x00"
# the card's date may be a day ahead of a kiosk clock kept in UTC
_CLOCK_SLACK = timedelta(days=1)
# a board without a real-time clock boots in the past: before this date the clock is not trusted
# to say what is "in the future" (and the cards are not refused for it)
CLOCK_FLOOR = date(2025, 1, 1)


def field_bytes(image: bytes | bytearray, name: str) -> bytes:
    offset, length = FIELDS[name]
    return bytes(image[offset : offset + length])


def _no_controls(value: str, field: str) -> str:
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise InvalidCardData(field, "control characters in the text")
    return value


def text(raw: bytes, field: str) -> str:
    """TIS-620 text with the right padding removed; undefined bytes and control characters are
    an error, never replaced."""
    try:
        value = raw.decode("tis-620").rstrip(_PADDING)
    except UnicodeDecodeError:
        raise InvalidCardData(field, "bytes that are not TIS-620 text") from None
    return _no_controls(value, field)


def ascii_text(raw: bytes, field: str) -> str:
    try:
        value = raw.decode("ascii").rstrip(_PADDING)
    except UnicodeDecodeError:
        raise InvalidCardData(field, "bytes that are not ASCII") from None
    return _no_controls(value, field)


def name(raw: bytes, field: str) -> Name:
    """`prefix#first#middle#last`; the English name must be ASCII, the Thai one TIS-620."""
    parts = (ascii_text(raw, field) if field == "name_en" else text(raw, field)).split("#")
    if len(parts) > 4:
        raise InvalidCardData(field, f"{len(parts)} parts instead of 4")
    parts += [""] * (4 - len(parts))
    prefix, first, middle, last = (p.strip() for p in parts)
    if not first and not last:
        raise InvalidCardData(field, "empty")
    return Name(prefix, first, middle, last)


def citizen_id(raw: bytes) -> str:
    value = ascii_text(raw, "cid")
    if len(value) != 13 or not value.isdigit():
        raise InvalidCardData("cid", "not 13 digits")
    try:
        pin.validate(value)
    except ValidationError:
        raise InvalidCardData("cid", "check digit does not match") from None
    return value


def _digits(raw: bytes, field: str) -> str:
    value = ascii_text(raw, field)
    if len(value) != 8 or not value.isdigit():
        raise InvalidCardData(field, "not a YYYYMMDD date")
    return value


def _full_date(value: str, field: str) -> date:
    try:
        return date(int(value[:4]) - BE_OFFSET, int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise InvalidCardData(field, "no such date") from None


def birth_date(raw: bytes) -> PartialDate:
    value = _digits(raw, "date_of_birth")
    year, month, day = int(value[:4]) - BE_OFFSET, int(value[4:6]), int(value[6:8])
    if year < 1 or month > 12 or (month == 0 and day != 0):
        raise InvalidCardData("date_of_birth", "no such date")
    if month == 0:
        return PartialDate(year)
    if day == 0:
        return PartialDate(year, month)
    _full_date(value, "date_of_birth")
    return PartialDate(year, month, day)


def issue_date(raw: bytes) -> date:
    return _full_date(_digits(raw, "issue_date"), "issue_date")


def expiry_date(raw: bytes) -> date | None:
    value = _digits(raw, "expiry_date")
    return None if value == LIFELONG else _full_date(value, "expiry_date")


def gender(raw: bytes) -> Gender:
    value: Gender | None = {b"1": "male", b"2": "female"}.get(raw[:1])  # type: ignore[assignment]
    if value is None:
        raise InvalidCardData("gender", "neither 1 (male) nor 2 (female)")
    return value


def _earliest(d: PartialDate) -> date:
    return date(d.year, d.month or 1, d.day or 1)


def check_dates(born: PartialDate, issued: date, expires: date | None, today: date) -> None:
    """Born on or before the issue date, neither in the future (when the clock can be trusted:
    not before CLOCK_FLOOR); expiry after the issue date."""
    if today < CLOCK_FLOOR:
        today = date.max - _CLOCK_SLACK
    if issued > today + _CLOCK_SLACK:
        raise InvalidCardData("issue_date", "in the future")
    if _earliest(born) > issued:
        raise InvalidCardData("date_of_birth", "after the issue date")
    if _earliest(born) > today + _CLOCK_SLACK:
        raise InvalidCardData("date_of_birth", "in the future")
    if expires is not None and expires <= issued:
        raise InvalidCardData("expiry_date", "not after the issue date")


# Label words of the address slots. A part is a label followed by its value (`ถนนพหลโยธิน`,
# `ซ. 5`) or a bare label (`ถนน`: the slot is there and empty). `หมู่บ้าน` (a housing estate)
# starts with `หมู่` but is not a moo: it stays with the house number.
_LABELS: tuple[tuple[str, str], ...] = (
    ("หมู่ที่", "moo"),
    ("ตรอก", "trok"),
    ("ซอย", "soi"),
    ("ถนน", "road"),
    ("ตำบล", "subdistrict"),
    ("แขวง", "subdistrict"),
    ("อำเภอ", "district"),
    ("เขต", "district"),
    ("จังหวัด", "province"),
    ("ม.", "moo"),
    ("ซ.", "soi"),
    ("ถ.", "road"),
    ("ต.", "subdistrict"),
    ("อ.", "district"),
    ("จ.", "province"),
)
_NOT_LABELS = ("หมู่บ้าน",)
_SLOTS = ("house_no", "moo", "trok", "soi", "road", "subdistrict", "district", "province")


def address(raw: bytes) -> Address:
    """Slots found by their label words, never by position: the first unlabelled part is the
    house number (and unlabelled parts after it — a building, a housing estate — stay with it),
    an unlabelled last part is the province (Bangkok's plain name). Absent and bare-label slots
    stay empty."""
    parts = [p.strip() for p in text(raw, "address").split("#")]
    if len(parts) > len(_SLOTS):
        raise InvalidCardData("address", f"{len(parts)} slots instead of {len(_SLOTS)}")
    filled = [i for i, p in enumerate(parts) if p]
    if not filled:
        raise InvalidCardData("address", "empty")
    found: dict[str, list[str]] = {slot: [] for slot in _SLOTS}
    for i in filled:
        slot, value = _label(parts[i])
        if slot is None:
            slot = "province" if i == filled[-1] and i > filled[0] else "house_no"
        if value:
            found[slot].append(value)  # two parts for one slot (a soi in a soi): both, card order
    return Address(**{slot: " ".join(values) for slot, values in found.items()})


def _label(part: str) -> tuple[str | None, str]:
    if part.startswith(_NOT_LABELS):
        return None, part
    for word, slot in _LABELS:
        if part.startswith(word):
            return slot, part[len(word) :].strip()
    rest = part[len("หมู่") :] if part.startswith("หมู่") else None
    if rest is not None and (not rest or rest[0].isspace() or rest[0].isdigit()):
        return "moo", rest.strip()
    return None, part


def card_text(image: bytes | bytearray, atr: bytes, today: date | None = None) -> CardText:
    """The text fields of a personal-file image (bytes outside the text reads may be zero)."""
    cid = citizen_id(field_bytes(image, "cid"))
    born = birth_date(field_bytes(image, "date_of_birth"))
    issued = issue_date(field_bytes(image, "issue_date"))
    expires = expiry_date(field_bytes(image, "expiry_date"))
    check_dates(born, issued, expires, today or date.today())
    return CardText(
        atr=bytes(atr),
        cid=cid,
        name_th=name(field_bytes(image, "name_th"), "name_th"),
        name_en=name(field_bytes(image, "name_en"), "name_en"),
        date_of_birth=born,
        gender=gender(field_bytes(image, "gender")),
        issuer=text(field_bytes(image, "issuer"), "issuer").strip(),
        issue_date=issued,
        expiry_date=expires,
        request_number=ascii_text(field_bytes(image, "request_number"), "request_number").strip(),
        photo_number=ascii_text(field_bytes(image, "photo_number"), "photo_number").strip(),
        address=address(field_bytes(image, "address")),
    )
