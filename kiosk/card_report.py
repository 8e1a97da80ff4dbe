"""What `kiosk card read` shows of a card: the JSON document (fixed keys) and its masked form.

Masked by default, for a technician who only checks that the reader works: citizen id as
`1-xxxx-xxxxx-xx-3`, names as initials, birth date as the year, address down to the
subdistrict, request and photo numbers hidden. `reveal=True` shows everything.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from drivers.card.model import Address, CardText, Name

HIDDEN = "x"


def card_document(text: CardText, photo: bytes, apdu_count: int, today: date, *, reveal: bool) -> dict[str, Any]:
    """Exactly the keys of `kiosk card read --json`."""
    name_th, name_en, address = text.name_th, text.name_en, text.address
    dob = text.date_of_birth.iso()
    if not reveal:
        name_th, name_en, address = _initials(name_th), _initials(name_en), _masked_address(address)
        dob = dob[:4]
    return {
        "atr": text.atr.hex().upper(),
        "cid": text.cid if reveal else mask_cid(text.cid),
        "name_th": name_th.as_dict(),
        "name_en": name_en.as_dict(),
        "date_of_birth": dob,
        "gender": text.gender,
        "issuer": text.issuer,
        "issue_date": text.issue_date.isoformat(),
        "expiry_date": text.expiry_date.isoformat() if text.expiry_date else None,
        "lifelong": text.lifelong,
        "expired": text.expired(today),
        "address": address.as_dict(),
        "request_number": text.request_number if reveal else _hide(text.request_number),
        "photo_number": text.photo_number if reveal else _hide(text.photo_number),
        "photo": {"sha256": hashlib.sha256(photo).hexdigest(), "bytes": len(photo)},
        "apdu_count": apdu_count,
    }


def mask_cid(cid: str) -> str:
    return f"{cid[0]}-xxxx-xxxxx-xx-{cid[-1]}" if len(cid) == 13 else HIDDEN


def _initial(part: str) -> str:
    return f"{part[0]}." if part else ""


def _initials(name: Name) -> Name:
    return Name(name.prefix, _initial(name.first), _initial(name.middle), _initial(name.last))


def _hide(value: str) -> str:
    return HIDDEN * len(value)


def _masked_address(a: Address) -> Address:
    return Address(
        house_no=_hide(a.house_no)[:3],
        moo=_hide(a.moo)[:3],
        trok=_hide(a.trok)[:3],
        soi=_hide(a.soi)[:3],
        road=_hide(a.road)[:3],
        subdistrict=a.subdistrict,
        district=a.district,
        province=a.province,
    )


def card_lines(doc: dict[str, Any]) -> list[str]:
    """The document as aligned `label: value` lines for a terminal."""

    def name(n: dict[str, str]) -> str:
        return " ".join(p for p in (n["prefix"], n["first"], n["middle"], n["last"]) if p)

    a = doc["address"]
    expiry = "lifelong" if doc["lifelong"] else doc["expiry_date"] + (" (EXPIRED)" if doc["expired"] else "")
    rows = [
        ("ATR", doc["atr"]),
        ("citizen id", doc["cid"]),
        ("name (th)", name(doc["name_th"])),
        ("name (en)", name(doc["name_en"])),
        ("date of birth", doc["date_of_birth"]),
        ("gender", doc["gender"]),
        ("issuer", doc["issuer"]),
        ("issued", doc["issue_date"]),
        ("expires", expiry),
        ("address", " | ".join(f"{k}={v}" for k, v in a.items() if v)),
        ("request number", doc["request_number"]),
        ("photo number", doc["photo_number"]),
        ("photo", f"{doc['photo']['bytes']} bytes, sha256 {doc['photo']['sha256'][:16]}…"),
        ("APDUs", str(doc["apdu_count"])),
    ]
    width = max(len(k) for k, _ in rows)
    return [f"{k:<{width}}  {v}" for k, v in rows]
