"""`Session`: the personal data of one citizen session, held only by the flow, and its wipe.

Everything personal lives here and nowhere else in the flow: the card text, the chip photo (a
bytearray, zeroed by `wipe()`), the phone number, the OTP id, the face result. `wipe()` zeroes what
can be zeroed and drops every reference; the flow calls it on every way a session ends.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from kiosk.journey.events import QrToken


@dataclass(repr=False)
class Session:
    purpose: str
    id: UUID = field(default_factory=uuid.uuid4)
    consent_at: datetime | None = None
    card: Any | None = None  # drivers.card.model.CardText
    atr: bytes | None = None
    photo: bytearray | None = None
    photo_sha256: str | None = None
    face_started: bool = False
    face_reference_sent: bool = False
    face_phase: str = "waiting"
    face_hint: Any | None = None  # kiosk.messages.Message
    face_challenge: str | None = None
    face_seconds_left: float | None = None
    face_result: Any | None = None
    phone_national: str | None = None
    phone_e164: str | None = None
    phone_verified: bool = False
    otp_id: str | None = None
    otp_wrong: int = 0
    otp_resend_at: float = 0.0
    otp_error: str | None = None
    otp_attempts_left: int | None = None
    phone_error: str | None = None
    busy: bool = False
    rechecked: bool = False
    record_id: UUID | None = None
    reference_code: str | None = None
    qr: QrToken | None = None
    qr_expires_mono: float | None = None
    qr_refresh_pending: bool = False

    def __repr__(self) -> str:  # never show personal data in a traceback or log
        return f"Session({self.id}, {self.purpose})"

    def keep_photo(self, jpeg: bytearray) -> None:
        self.photo = jpeg
        self.photo_sha256 = hashlib.sha256(jpeg).hexdigest()

    def wipe(self) -> None:
        """Zero the photo bytes and drop every reference to personal data."""
        if self.photo is not None:
            self.photo[:] = bytes(len(self.photo))
        self.photo = None
        self.photo_sha256 = None
        self.card = None
        self.atr = None
        self.face_hint = None
        self.face_result = None
        self.phone_national = None
        self.phone_e164 = None
        self.otp_id = None
        self.qr = None
        self.reference_code = None
        self.record_id = None
