"""Decoding the bytes of the personal file into the domain model.

Rules (from the card's specification): text is TIS-620, decoded with replacement of undefined
bytes; the 0x20 padding is stripped at the right only; names and addresses are split on `#`
before any other cleanup and empty parts stay empty; dates are Buddhist-era `YYYYMMDD`, birth
dates may be partial (`00` month/day), expiry `99999999` means lifelong. Anything malformed
raises `InvalidCardData` naming the field (never its value).
"""

from __future__ import annotations

from datetime import date

from stdnum.exceptions import ValidationError
from stdnum.th import pin

from drivers.card.errors import InvalidCardData
from drivers.card.layout import FIELDS
from drivers.card.model import Address, CardText, Gender, Name, PartialDate

BE_OFFSET = 543
LIFELONG = "99999999"


def field_bytes(image: bytes | bytearray, name: str) -> bytes:
    offset, length = FIELDS[name]
    return bytes(image[offset : offset + length])


def text(raw: bytes) -> str:
    """TIS-620 text with undefined bytes replaced and the right padding (0x20, NUL) removed."""
    return raw.decode("tis-620", errors="replace").rstrip(" \x00")


def ascii_text(raw: bytes, field: str) -> str:
    try:
        return raw.decode("ascii").rstrip(" \x00")
    except UnicodeDecodeError:
        raise InvalidCardData(field, "not ASCII") from None


def name(raw: bytes, field: str) -> Name:
    parts = text(raw).split("#")
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
    return {b"1": "male", b"2": "female"}.get(raw[:1], "unknown")  # type: ignore[return-value]


# Label words of the address slots, longest first so that `ตำบล` is not taken for `ต.`.
_LABELS: tuple[tuple[str, str], ...] = (
    ("หมู่ที่", "moo"),
    ("หมู่", "moo"),
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
_SLOTS = ("house_no", "moo", "trok", "soi", "road", "subdistrict", "district", "province")
_BANGKOK = "กรุงเทพมหานคร"


def address(raw: bytes) -> Address:
    """Slots are identified by their label words; unlabelled slots keep their position."""
    parts = [p.strip() for p in text(raw).split("#")]
    if len(parts) > len(_SLOTS):
        raise InvalidCardData("address", f"{len(parts)} slots instead of {len(_SLOTS)}")
    found: dict[str, str] = {}
    for index, part in enumerate(parts):
        if not part:
            continue
        slot, value = _label(part)
        if slot is None:
            slot = "province" if part == _BANGKOK else _SLOTS[index]
            value = part
        if slot in found:  # two parts claim one slot: keep both, in card order
            found[slot] = f"{found[slot]} {value}"
        else:
            found[slot] = value
    if not any(found.values()):
        raise InvalidCardData("address", "empty")
    return Address(**found)


def _label(part: str) -> tuple[str | None, str]:
    for word, slot in _LABELS:
        if part.startswith(word) and len(part) > len(word):
            return slot, part[len(word) :].strip()
    return None, part


def card_text(image: bytes | bytearray, atr: bytes) -> CardText:
    """The text fields of a personal-file image (bytes outside the text reads may be zero)."""
    return CardText(
        atr=bytes(atr),
        cid=citizen_id(field_bytes(image, "cid")),
        name_th=name(field_bytes(image, "name_th"), "name_th"),
        name_en=name(field_bytes(image, "name_en"), "name_en"),
        date_of_birth=birth_date(field_bytes(image, "date_of_birth")),
        gender=gender(field_bytes(image, "gender")),
        issuer=text(field_bytes(image, "issuer")).strip(),
        issue_date=issue_date(field_bytes(image, "issue_date")),
        expiry_date=expiry_date(field_bytes(image, "expiry_date")),
        request_number=ascii_text(field_bytes(image, "request_number"), "request_number").strip(),
        photo_number=ascii_text(field_bytes(image, "photo_number"), "photo_number").strip(),
        address=address(field_bytes(image, "address")),
    )


def photo(raw: bytes) -> bytes:
    """The JPEG on the chip, byte-exact: cut after the first `FF D9`, never whitespace-trimmed."""
    if raw[:2] != b"\xff\xd8":
        raise InvalidCardData("photo", "not a JPEG")
    end = raw.find(b"\xff\xd9")
    if end < 0:
        raise InvalidCardData("photo", "no JPEG end marker")
    return raw[: end + 2]
