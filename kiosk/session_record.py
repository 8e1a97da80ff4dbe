"""Turn a session's results into a verification `Record`, keeping only what the record may hold.

Data minimisation (PDPA and the `Record` schema):
- never an address, the issuer, the photo, a face image or a face template;
- a verified session keeps the card's identity fields, a SHA-256 of the chip photo (to prove which
  photo was compared), the face and liveness figures, the phone it verified and how the citizen
  continues;
- a failed or aborted session keeps only the card's citizen id and ATR (no names, birth date or
  other card fields), the face figures, whether a phone was verified (not the number), and the
  failure reason; when the face step ran, also the card's issue date (when the chip photo was
  taken: the central team calibrates the match threshold by photo age, on failures too). A card id that is not 13 digits (unreadable card) is left out rather than
  letting the record be refused.

`build_record(draft, ...)` turns the journey's `RecordDraft` (its ending and the session's
evidence) into a `Record`, validated with `sync.records.validate_record`, so a record the server
would reject is never built (`RecordInvalid`). `with_qr(record, token)` puts a (re-)issued token's cti on a record, and
`note_refreshed_qr(outbox, record_id, token)` does so for a record already queued;
`with_receipt(record, printed, printer_state)` / `note_receipt(outbox, record_id, printed,
printer_state)` do the same for the receipt's outcome. Both `note_*` change only a record the
session still holds open (`Outbox.enqueue(..., final=False)`) and return False, changing nothing,
once it is final (finalized when the citizen left, or open longer than `sync.outbox.OPEN_LIMIT_S`):
what may have reached the server is never changed.

Errors: `sync.records.RecordInvalid`; `note_refreshed_qr` also those of `sync.outbox`.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from drivers.card.model import CardText, Name
from kiosk.face.result import FaceResult
from kiosk.journey.effects import RecordDraft
from kiosk.reference import reference_code
from sync.outbox import Outbox, RecordGone
from sync.qrtoken import IssuedToken
from sync.records import Record, validate_record

_CID = re.compile(r"^[0-9]{13}$")


def _name(n: Name) -> dict[str, str]:
    return {"prefix": n.prefix, "first": n.first, "middle": n.middle, "last": n.last}


def _iso(ts: datetime) -> str:
    if ts.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def cti_text(cti: bytes) -> str:
    """The record's form of a QR token id: base64url without padding."""
    return base64.urlsafe_b64encode(cti).rstrip(b"=").decode("ascii")


def _face(face: FaceResult) -> dict[str, Any]:
    out: dict[str, Any] = {"method": face.method}
    for name, value in (("distance", face.distance), ("threshold", face.threshold)):
        if math.isfinite(value):  # no face was measured: JSON has no NaN or infinity
            out[name] = round(value, 4)
    out.update(match=face.match, attempts=face.attempts)
    out["liveness"] = {"method": face.liveness.method, "passed": face.liveness.passed,
                       "challenges": list(face.liveness.challenges)}
    return out


def _card(card: CardText | None, photo_sha256: str | None, full: bool, face: bool) -> dict[str, Any] | None:
    if card is None or not _CID.match(card.cid or ""):
        return None
    out: dict[str, Any] = {"cid": card.cid, "atr": card.atr.hex().upper()}
    if not full:
        if face:  # the photo's age for threshold calibration; the schema's own field, no birth date
            out["issue_date"] = card.issue_date.isoformat()
        return out
    out.update(
        name_th=_name(card.name_th),
        name_en=_name(card.name_en),
        date_of_birth=card.date_of_birth.iso(),
        gender=card.gender,
        issue_date=card.issue_date.isoformat(),
        expiry_date=card.expiry_date.isoformat() if card.expiry_date is not None else None,
        request_number=card.request_number,
        photo_number=card.photo_number,
        chip_id=card.chip_id,
        laser_id=card.laser_id,
    )
    if photo_sha256:
        out["photo_sha256"] = photo_sha256
    return out


def build_record(
    draft: RecordDraft,
    *,
    record_id: UUID,
    kiosk_id: str,
    app_version: str,
    clock_synced: bool,
    qr: IssuedToken | None = None,
    receipt_printed: bool | None = None,
    printer_state: str | None = None,
) -> Record:
    """The record of a session: its draft (ending + evidence) and what only the storage thread
    knows (the record id, the kiosk, the clock, the QR token, the receipt's outcome)."""
    evidence = draft.evidence
    verified = draft.outcome == "verified"
    data: dict[str, Any] = {
        "record_id": str(record_id),
        "kiosk_id": kiosk_id,
        "created_at": _iso(draft.created_at),
        "clock_synced": clock_synced,
        "purpose": draft.purpose,
        "outcome": draft.outcome,
        "ial": "2.3" if verified else "none",
        "failure_reason": None if verified else draft.failure_reason,
        "app_version": app_version,
    }
    # without chip data there is no card part: the schema's card needs a citizen id
    card_part = _card(evidence.card, evidence.photo_sha256, full=verified, face=evidence.face is not None)
    if card_part is not None:
        data["card"] = card_part
    if evidence.face is not None:
        data["face"] = _face(evidence.face)
    if evidence.phone_method is not None:
        phone: dict[str, Any] = {"verified": evidence.phone_verified, "method": evidence.phone_method}
        if verified and evidence.phone_e164:
            phone["number"] = evidence.phone_e164
        data["phone"] = phone
    cont: dict[str, Any] = {"method": draft.continuation if verified else "none"}
    if verified and draft.continuation == "app_scan":  # the app's request, for the server to bind
        cont["app_request"] = evidence.app_request
    if verified and qr is not None:
        cont["qr_cti"] = cti_text(qr.cti)
        cont["qr_expires_at"] = _iso(datetime.fromtimestamp(qr.exp, UTC))
    data["continuation"] = cont
    if receipt_printed is not None or printer_state is not None:
        receipt: dict[str, Any] = {}
        if receipt_printed is not None:
            receipt["printed"] = receipt_printed
        if printer_state is not None:
            receipt["printer_state"] = printer_state
        data["receipt"] = receipt
    if draft.consent_version is not None and evidence.consent_at is not None:
        data["consent"] = {"version": draft.consent_version, "accepted_at": _iso(evidence.consent_at)}
    if evidence.card_status is not None:
        status: dict[str, Any] = {"status": evidence.card_status}
        if evidence.card_status_at is not None:
            status["checked_at"] = _iso(evidence.card_status_at)
        data["card_status"] = status
    if draft.ending.referral is not None:
        data["referral"] = {"reference": reference_code(record_id), "reason": draft.ending.referral}
    return validate_record(data)


def with_qr(record: Record, token: IssuedToken) -> Record:
    """The same record carrying a newer token's cti and expiry (the spec keeps the last one)."""
    data = record.to_json()
    cont = dict(data.get("continuation") or {"method": "qr"})
    cont["qr_cti"] = cti_text(token.cti)
    cont["qr_expires_at"] = _iso(datetime.fromtimestamp(token.exp, UTC))
    data["continuation"] = cont
    return validate_record(data)


def note_refreshed_qr(outbox: Outbox, record_id: UUID, token: IssuedToken) -> bool:
    """Write a re-issued token's cti onto the queued record (the spec keeps the last one).
    False when the record is already final (it then keeps the cti it was finalized with)."""
    return _update_pending(outbox, record_id, lambda record: with_qr(record, token))


def with_receipt(record: Record, printed: bool, printer_state: str) -> Record:
    """The same record carrying the receipt's outcome (`receipt.printed`, `receipt.printer_state`)."""
    data = record.to_json()
    data["receipt"] = {"printed": bool(printed), "printer_state": printer_state}
    return validate_record(data)


def note_receipt(outbox: Outbox, record_id: UUID, printed: bool, printer_state: str) -> bool:
    """Write the receipt's outcome onto the queued record. False when the record is already final
    (it then has no receipt part)."""
    return _update_pending(outbox, record_id, lambda record: with_receipt(record, printed, printer_state))


def with_rating(record: Record, score: int) -> Record:
    """The same record carrying the citizen's rating of the service (1-5)."""
    data = record.to_json()
    data["rating"] = {"score": int(score)}
    return validate_record(data)


def note_rating(outbox: Outbox, record_id: UUID, score: int) -> bool:
    """Write the rating onto the queued record. False when the record is already final."""
    return _update_pending(outbox, record_id, lambda record: with_rating(record, score))


def _update_pending(outbox: Outbox, record_id: UUID, change: Callable[[Record], Record]) -> bool:
    # Read-modify-write: callers serialise on the storage owner thread; `update` itself only
    # replaces a record that is still open, so a record made final in between is never changed.
    try:
        current = outbox.get(str(record_id))
    except RecordGone:
        return False
    return outbox.update(change(validate_record(current)).to_json())
