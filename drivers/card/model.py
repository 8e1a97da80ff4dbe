"""What the chip says about its holder: the domain model of a read Thai national ID card.

Qt-free and kiosk-free; values are already decoded (Gregorian dates, Thai text, label words removed
from address slots). `CardText` holds personal data: never log it, drop it when the session ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

Gender = Literal["male", "female", "unknown"]


@dataclass(frozen=True)
class Name:
    prefix: str
    first: str
    middle: str
    last: str

    def as_dict(self) -> dict[str, str]:
        return {"prefix": self.prefix, "first": self.first, "middle": self.middle, "last": self.last}


@dataclass(frozen=True)
class PartialDate:
    """A birth date whose month and/or day may be unknown on the card (never invented)."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Address:
    house_no: str = ""
    moo: str = ""
    trok: str = ""
    soi: str = ""
    road: str = ""
    subdistrict: str = ""
    district: str = ""
    province: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "house_no": self.house_no,
            "moo": self.moo,
            "trok": self.trok,
            "soi": self.soi,
            "road": self.road,
            "subdistrict": self.subdistrict,
            "district": self.district,
            "province": self.province,
        }


@dataclass(frozen=True)
class CardText:
    """Every text field of the personal file (the photo is read separately)."""

    atr: bytes
    cid: str
    name_th: Name
    name_en: Name
    date_of_birth: PartialDate
    gender: Gender
    issuer: str
    issue_date: date
    expiry_date: date | None
    request_number: str
    photo_number: str
    address: Address
    chip_id: str | None = None
    laser_id: str | None = None

    @property
    def lifelong(self) -> bool:
        """The card never expires (expiry `99999999`, issued to citizens aged 70 and over)."""
        return self.expiry_date is None

    def expired(self, today: date) -> bool:
        """True when the card's last valid day is before `today`."""
        return self.expiry_date is not None and self.expiry_date < today
