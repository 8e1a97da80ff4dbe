"""The verification rules that need no device: card checks and Thai mobile numbers.

`card_problem(card, today)` -> None when the card may be used, else how the session ends
(`Ending.CARD_INVALID`: bad citizen-id check digit; `Ending.CARD_EXPIRED`: past its expiry date; a
lifelong card, `expiry_date` None, never expires). `thai_mobile(digits)` -> E.164 (`+66812345678`) or None, with
`phonenumbers` (region TH, mobile numbers only).
"""

from __future__ import annotations

from datetime import date

import phonenumbers
from phonenumbers import PhoneNumberType
from stdnum.th import pin as thai_pin

from drivers.card.model import CardText
from kiosk.journey.endings import Ending

_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def card_problem(card: CardText, today: date) -> Ending | None:
    if not thai_pin.is_valid(card.cid):
        return Ending.CARD_INVALID
    if card.expiry_date is not None and today > card.expiry_date:
        return Ending.CARD_EXPIRED
    return None


def thai_mobile(digits: str) -> str | None:
    """E.164 form of a Thai mobile number typed on the keypad, or None when it is not one."""
    cleaned = "".join(ch for ch in digits if ch.isdigit() or ch == "+")
    if not 9 <= len(cleaned) <= 13:
        return None
    try:
        number = phonenumbers.parse(cleaned, "TH")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 66 or not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_digits(e164: str) -> str:
    """`+66812345678` -> `0812345678`."""
    return "0" + e164[3:] if e164.startswith("+66") else e164
