"""Effects: what the pure `Flow` asks the outside world to do. `Flow.handle()` returns a list of
them; the `SessionRuntime` executes each on the owner thread of its device and reports the outcome
back as an event (see `kiosk.journey.events`). Tests assert on them directly.

  ReadCard()                        card thread: text (CardTextRead), then photo (ChipPhotoRead)
  RecheckCard()                     card thread: cid + ATR again (CardRechecked)
  StartFace()                       camera thread: start the camera and the preview
  SetFaceReference(photo)           camera thread: begin verification against the chip photo
  StopFace()                        camera thread: stop, wipe frames and the verifier
  SendOtp(session_id, phone_e164)   network thread (OtpSent | OtpSendFailed)
  VerifyOtp(otp_id, code)           network thread (OtpVerified | OtpRejected)
  IssueRecord(draft)                storage thread: QR token (dga) + record into the outbox in one
                                    transaction (Issued | IssueFailed)
  RefreshQr(record_id, purpose, display_code)   storage thread: a new token, same record (QrRefreshed)
  PrintReceipt(draft, record_id, qr_text, qr_expires_at, error, action, report)
                                    printer thread; then the outcome onto the pending record
                                    (storage thread) and, when `report`, ReceiptPrinted to the flow
  WriteRecord(draft, record_id)     storage thread: a failed/aborted record (no event back)
  SessionEnded(outcome, reason)     log line + device wipe; the flow has already wiped its data
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

Outcome = Literal["verified", "failed", "aborted"]


@dataclass(slots=True, repr=False)
class RecordDraft:
    """A session's results, handed to the storage thread to become a Record (kiosk.session_record
    applies data minimisation: failed/aborted records keep only cid + ATR of the card)."""

    session_id: UUID
    purpose: str
    outcome: Outcome
    failure_reason: str | None
    created_at: datetime
    card: Any | None = None  # drivers.card.model.CardText
    atr: bytes | None = None
    photo_sha256: str | None = None
    face: Any | None = None  # kiosk.face.FaceResult
    phone_e164: str | None = None
    phone_verified: bool = False
    phone_method: Literal["otp", "none"] | None = None
    continuation: Literal["qr", "sms", "none"] = "none"
    consent_version: str | None = None
    consent_at: datetime | None = None
    display_code: int | None = None

    def __repr__(self) -> str:
        return f"RecordDraft({self.outcome}, {self.failure_reason})"


@dataclass(frozen=True, slots=True)
class ReadCard:
    pass


@dataclass(frozen=True, slots=True)
class RecheckCard:
    pass


@dataclass(frozen=True, slots=True)
class StartFace:
    pass


# Personal fields are left out of repr (field(repr=False)), as in kiosk.journey.events.
@dataclass(frozen=True, slots=True)
class SetFaceReference:
    photo: bytearray = field(repr=False)


@dataclass(frozen=True, slots=True)
class StopFace:
    pass


@dataclass(frozen=True, slots=True)
class SendOtp:
    session_id: UUID
    phone_e164: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class VerifyOtp:
    otp_id: str
    code: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class IssueRecord:
    draft: RecordDraft


@dataclass(frozen=True, slots=True)
class RefreshQr:
    record_id: UUID
    purpose: str
    display_code: int


@dataclass(frozen=True, slots=True)
class PrintReceipt:
    """A verified session's receipt (QR or SMS notice), or a failed session's: `error`/`action`
    are then the message codes the error screen shows, printed without a QR, and `report` is
    False (the session is over; its outcome goes only to the record and the log)."""

    draft: RecordDraft
    record_id: UUID
    qr_text: str | None
    qr_expires_at: float | None
    error: str | None = None
    action: str | None = None
    report: bool = True


@dataclass(frozen=True, slots=True)
class WriteRecord:
    draft: RecordDraft
    record_id: UUID | None = None
    """Given when a failure receipt quotes the record's reference code; else one is made."""


@dataclass(frozen=True, slots=True)
class SessionEnded:
    outcome: Outcome | None
    reason: str | None


Effect = (
    ReadCard | RecheckCard | StartFace | SetFaceReference | StopFace | SendOtp | VerifyOtp
    | IssueRecord | RefreshQr | PrintReceipt | WriteRecord | SessionEnded
)
