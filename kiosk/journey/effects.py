"""Effects: what the pure `Flow` asks the outside world to do. `Flow.handle()` returns a list of
them; the `SessionRuntime` executes each on the owner thread of its device and reports the outcome
back as an event (see `kiosk.journey.events`). Tests assert on them directly.

  StartAppScan()                    camera thread: start the camera, read QR codes from its frames
                                    (AppQrSeen once, ForeignQrSeen, ScanGuidance) until StopAppScan
  StopAppScan()                     camera thread: stop reading, stop the camera, wipe its frames
  ReadCard(chip_ids)                card thread: text (CardTextRead; with the laser and chip ids when
                                    the card-status check needs them), then photo (ChipPhotoRead)
  RecheckCard()                     card thread: cid + ATR again (CardRechecked)
  StartFace()                       camera thread: start the camera and the preview
  SetFaceReference(photo)           camera thread: begin verification against the chip photo
  StopFace()                        camera thread: stop, wipe frames and the verifier
  CheckCardStatus(session_id, cid, request_number, laser_id, chip_id)
                                    network thread: the registry's card status (CardStatusAnswered |
                                    CardStatusUnavailable), while the citizen goes on to the face
  SendOtp(session_id, phone_e164)   network thread (OtpSent | OtpSendFailed)
  VerifyOtp(otp_id, code)           network thread (OtpVerified | OtpRejected)
  IssueRecord(draft)                storage thread: QR token (dga) + record into the outbox in one
                                    transaction (Issued | IssueFailed)
  RefreshQr(record_id, purpose, display_code)   storage thread: a new token, same record (QrRefreshed)
  PrintReceipt(draft, record_id, report)
                                    printer thread; then the outcome onto the pending record
                                    (storage thread) and, when `report`, ReceiptPrinted to the flow
  WriteRecord(draft, record_id)     storage thread: a failed/aborted record (no event back)
  SessionEnded(ending, recorded, final)
                                    log line + device wipe; the journey has already wiped its data;
                                    `final`: the record is made final now (else at CloseRecord)
  CloseRecord(record_id, rating)    storage thread, after the rating screen: the citizen's rating (or
                                    None: skipped) onto the record, which is then made final
  CardLeft(left)                    the card stayed in the reader long after the session (True: staff
                                    are alerted: log, technician screen, heartbeat) or was taken (False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

from kiosk.journey.endings import Ending, Outcome
from kiosk.journey.session import Evidence, Purpose

Continuation = Literal["qr", "sms", "app_scan", "none"]


@dataclass(frozen=True, slots=True, repr=False)
class RecordDraft:
    """A session's ending and its evidence, handed to the storage thread to become a Record
    (`kiosk.session_record` applies data minimisation: failed/aborted records keep only the card's
    citizen id and ATR)."""

    session_id: UUID
    purpose: Purpose
    ending: Ending
    created_at: datetime
    evidence: Evidence
    continuation: Continuation = "none"
    consent_version: str | None = None

    def __repr__(self) -> str:
        return f"RecordDraft({self.outcome}, {self.failure_reason})"

    @property
    def outcome(self) -> Outcome:
        return self.ending.outcome

    @property
    def failure_reason(self) -> str | None:
        return self.ending.reason


@dataclass(frozen=True, slots=True)
class StartAppScan:
    """Camera thread: start the camera and read QR codes from its frames until `StopAppScan`
    (`AppQrSeen` once, `ForeignQrSeen` and `ScanGuidance` as they change)."""


@dataclass(frozen=True, slots=True)
class StopAppScan:
    pass


@dataclass(frozen=True, slots=True)
class ReadCard:
    chip_ids: bool = False
    """Also read the laser id and chip id (the card-status check sends them; 2-4 more exchanges)."""


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
class CheckCardStatus:
    session_id: UUID
    cid: str = field(repr=False)
    request_number: str = field(repr=False)
    laser_id: str | None = field(default=None, repr=False)
    chip_id: str | None = field(default=None, repr=False)


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
    """A verified session's receipt (how it continues: the QR on screen, the SMS link), or a failed
    session's (its ending's error and what to do, as the error screen shows them); never a QR
    (see `kiosk.receipt`). `report` is False for the latter (the session is over; its outcome
    goes only to the record and the log)."""

    draft: RecordDraft
    record_id: UUID
    report: bool = True

    @property
    def error(self) -> str | None:
        """What went wrong, as the error screen says it (None on a verified session's receipt)."""
        return None if self.draft.outcome == "verified" else self.draft.ending.error

    @property
    def action(self) -> str | None:
        """What to do next, as the error screen says it (None on a verified session's receipt)."""
        return None if self.draft.outcome == "verified" else self.draft.ending.action


@dataclass(frozen=True, slots=True)
class WriteRecord:
    draft: RecordDraft
    record_id: UUID | None = None
    """Given when a failure receipt quotes the record's reference code; else one is made."""


@dataclass(frozen=True, slots=True)
class SessionEnded:
    ending: Ending
    recorded: bool
    """False when the session ended before it had any data (no record was written)."""
    final: bool = True
    """False while the rating screen may still add to the record (then `CloseRecord` makes it final)."""


@dataclass(frozen=True, slots=True)
class CloseRecord:
    record_id: UUID
    rating: int | None


@dataclass(frozen=True, slots=True)
class CardLeft:
    left: bool
    """True: the card has stayed in the reader past the reminder (staff alerted); False: taken."""


Effect = (
    StartAppScan | StopAppScan | ReadCard | RecheckCard | StartFace | SetFaceReference | StopFace | CheckCardStatus | SendOtp | VerifyOtp
    | IssueRecord | RefreshQr | PrintReceipt | WriteRecord | SessionEnded | CloseRecord | CardLeft
)
