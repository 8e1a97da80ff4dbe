"""`Session`: the personal data of one citizen session, held only by the journey, and its wipe.

What the session has established is its `Evidence` (the card text, the chip photo's hash, the face
result, the phone and whether it was verified, the consent time): exactly what a record is built
from (`kiosk.session_record.build_record`), handed over as a copy inside a `RecordDraft`. The rest
is the session's working state: the chip photo itself (a bytearray, zeroed by `wipe()`), what the
face and phone screens show, the OTP id, the QR on screen.

`wipe()` zeroes what can be zeroed and drops every reference; the journey calls it on every way a
session ends.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal
from uuid import UUID

from drivers.card.model import CardText
from kiosk.face.result import FaceResult
from kiosk.journey.events import QrToken
from kiosk.messages import Message

Purpose = Literal["ial_upgrade", "register"]
PhoneMethod = Literal["otp", "none"]
ContinuationChoice = Literal["qr", "sms", "app_scan"]
CardStatus = Literal["normal", "abnormal", "unchecked", "skipped"]


@dataclass(repr=False)
class Evidence:
    """What the session established, as the record will carry it (after data minimisation)."""

    card: CardText | None = None
    photo_sha256: str | None = None
    face: FaceResult | None = None
    phone_e164: str | None = None
    phone_verified: bool = False
    consent_at: datetime | None = None
    card_status: CardStatus | None = None
    """The registry's answer (`normal`, `abnormal`), `unchecked` (it could not answer and the policy
    let the session go on) or `skipped` (the kiosk does not check); None before the card was read."""
    card_status_at: datetime | None = None
    app_request: str | None = None
    """The app's binding request read by the camera (`TRA1:`...), with the `app_scan` continuation."""

    def __repr__(self) -> str:  # never show personal data in a traceback or log
        return f"Evidence(card={self.card is not None}, face={self.face is not None})"

    @property
    def phone_method(self) -> PhoneMethod | None:
        """How the phone was checked: `otp`, `none` (typed but not verified), None (no phone)."""
        if self.phone_verified:
            return "otp"
        return "none" if self.phone_e164 else None

    def snapshot(self) -> Evidence:
        """A copy that later changes to the session do not reach (a draft keeps its own)."""
        return replace(self)


@dataclass(repr=False)
class Session:
    purpose: Purpose
    continuation: ContinuationChoice = "qr"
    """How the citizen continues in the app, as chosen on the service screen."""
    id: UUID = field(default_factory=uuid.uuid4)
    evidence: Evidence = field(default_factory=Evidence)
    photo: bytearray | None = None
    scanning: bool = False
    """The camera is reading QR codes for the app's request (SCAN_APP)."""
    scan_hint: Message | None = None
    asking_more_time: bool = False
    """SCAN_APP's time ran out: "need more time?" is on screen."""
    face_started: bool = False
    face_reference_sent: bool = False
    face_hint: Message | None = None
    face_challenge: str | None = None
    face_seconds_left: float | None = None
    phone_national: str | None = None
    otp_id: str | None = None
    otp_wrong: int = 0
    otp_resend_at: float = 0.0
    otp_error: str | None = None
    otp_info: str | None = None
    otp_attempts_left: int | None = None
    phone_error: str | None = None
    busy: bool = False
    rechecked: bool = False
    card_status_pending: bool = False
    """The card-status check is under way: issuing waits for it."""
    record_id: UUID | None = None
    reference_code: str | None = None
    qr: QrToken | None = None
    qr_expires_mono: float | None = None
    qr_refresh_pending: bool = False

    def __repr__(self) -> str:  # never show personal data in a traceback or log
        return f"Session({self.id}, {self.purpose})"

    @property
    def card(self) -> CardText | None:
        return self.evidence.card

    def keep_photo(self, jpeg: bytearray) -> None:
        self.photo = jpeg
        self.evidence.photo_sha256 = hashlib.sha256(jpeg).hexdigest()

    def wipe(self) -> None:
        """Zero the photo bytes and drop every reference to personal data."""
        if self.photo is not None:
            self.photo[:] = bytes(len(self.photo))
        self.photo = None
        self.evidence = Evidence()
        self.face_hint = None
        self.scan_hint = None
        self.phone_national = None
        self.otp_id = None
        self.qr = None
        self.reference_code = None
        self.record_id = None
