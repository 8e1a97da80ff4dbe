"""Events that drive the session: what the citizen does (from the UI) and what the devices and the
network report (from the runtime's owner threads). All are frozen dataclasses; send them with
`SessionRuntime.send(event)` (thread-safe) or, in tests, `Flow.handle(event, now)`.

User events (the UI sends these):
  Begin()                         touch on the attract screen
  ChooseService(purpose, continuation)  "ial_upgrade" | "register"; how the citizen continues in the
                                  app ("qr" | "sms" | "app_scan"; None = the first the kiosk offers)
  MoreTime(wanted)                the answer to "need more time?" while the camera looks for the app's QR
  SkipAppScan()                   "I cannot show the QR": carry on with the kiosk's own QR or SMS link
  ConsentAnswer(accepted)         True = agree, False = decline (ends politely, nothing recorded
                                  but an `aborted` tombstone-only record with reason consent_declined)
  Cancel()                        the Cancel button (every screen that shows `view.can_cancel`)
  StillHere()                     "Continue" on the "are you still there?" countdown
  Touch()                         any other touch (resets the inactivity timer)
  PhoneEntered(digits)            what the keypad holds, e.g. "0812345678" (personal fields never in repr)
  OtpEntered(code)                six digits
  ResendOtp()
  ChangeNumber()                  on the OTP screen: back to the number (the code sent is dropped)
  ConfirmCancel(confirmed)        the answer to "cancel this session?" (asked once consent is given)
  ToggleLanguage()
  AskForHelp()                    "Get help": see staff at the counter (asked first once consent is given)
  ConfirmHelp(confirmed)          the answer to "get help from staff?"
  NoPhone()                       on the phone screen: "I have no mobile phone" (staff take it from here)
  Rate(score)                     after the session: 1 (very unsatisfied) to 5 (very satisfied)
  RepeatPrompt()                  "say it again": the screen's voice prompts once more
  ChangeVolume(step)              +1 louder / -1 softer (5 levels; back to the default each session)
  Done()                          "Done" on the result / error / thank-you screens

Device and result events (the runtime sends these; tests send them directly):
  CardInserted(atr), CardRemoved(), ReaderFault(detail), ReaderRecovered()
  CardTextRead(text), ChipPhotoRead(jpeg), CardReadFailed(reason)
  FaceProgressed(phase, hint, challenge, seconds_left), FaceFinished(result), FaceFailed(reason)
  OtpSent(otp_id, resend_after_s), OtpSendFailed(reason), OtpVerified(), OtpRejected(reason, attempts_left)
  CardRechecked(cid, atr)         the card's id read again just before issuing (None = no card)
  CardStatusAnswered(status, checked_at)   the registry: `normal` or `abnormal`
  CardStatusUnavailable(reason)   the registry or the server could not answer (`offline`, ...)
  AppQrSeen(text)                 the camera read the app's binding-request QR (only a `TRA1:` text
                                  that passed the strict check reaches the journey)
  ForeignQrSeen()                 the camera read some other QR (a URL, a payment QR): never passed on
  ScanGuidance(hint)              what would help the camera read the app's QR (a message), or None
  AppScanFailed(reason)           the camera (or the decoder) failed while looking for the app's QR
  Issued(record_id, reference_code, qr), IssueFailed(reason), QrRefreshed(qr)
  ReceiptPrinted(printed, printer_state)
  Tick()                          the runtime's timer (4 per second); deadlines are checked here

Raised by the flow itself (never sent from outside):
  DeadlinePassed()                a state's deadline passed and its table row says to handle it
                                  as an event (printing, take your card)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from uuid import UUID

from drivers.card.model import CardText
from kiosk.face.result import FaceResult
from kiosk.messages import Message

Purpose = Literal["ial_upgrade", "register"]
ContinuationChoice = Literal["qr", "sms", "app_scan"]


# ---- user events ----
@dataclass(frozen=True, slots=True)
class Begin:
    pass


@dataclass(frozen=True, slots=True)
class ChooseService:
    purpose: Purpose
    continuation: ContinuationChoice | None = None


@dataclass(frozen=True, slots=True)
class MoreTime:
    wanted: bool


@dataclass(frozen=True, slots=True)
class SkipAppScan:
    pass


@dataclass(frozen=True, slots=True, repr=False)
class AppQrSeen:
    text: str

    def __repr__(self) -> str:  # the request is the app account's key to this binding: never logged
        return "AppQrSeen(…)"


@dataclass(frozen=True, slots=True)
class ForeignQrSeen:
    pass


@dataclass(frozen=True, slots=True)
class ScanGuidance:
    hint: Message | None


@dataclass(frozen=True, slots=True)
class AppScanFailed:
    reason: Literal["camera_unavailable", "device_fault"]


@dataclass(frozen=True, slots=True)
class ConsentAnswer:
    accepted: bool


@dataclass(frozen=True, slots=True)
class Cancel:
    pass


@dataclass(frozen=True, slots=True)
class StillHere:
    pass


@dataclass(frozen=True, slots=True)
class Touch:
    pass


# Personal fields are left out of repr (field(repr=False)): an event in a log line or a
# traceback shows its kind, never a phone number, a code or card data.
@dataclass(frozen=True, slots=True)
class PhoneEntered:
    digits: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class OtpEntered:
    code: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class ResendOtp:
    pass


@dataclass(frozen=True, slots=True)
class ChangeNumber:
    pass


@dataclass(frozen=True, slots=True)
class ConfirmCancel:
    confirmed: bool


@dataclass(frozen=True, slots=True)
class ToggleLanguage:
    pass


@dataclass(frozen=True, slots=True)
class AskForHelp:
    pass


@dataclass(frozen=True, slots=True)
class ConfirmHelp:
    confirmed: bool


@dataclass(frozen=True, slots=True)
class NoPhone:
    pass


@dataclass(frozen=True, slots=True)
class Rate:
    score: int


@dataclass(frozen=True, slots=True)
class RepeatPrompt:
    pass


@dataclass(frozen=True, slots=True)
class ChangeVolume:
    step: Literal[-1, 1]


@dataclass(frozen=True, slots=True)
class Done:
    pass


# ---- card ----
@dataclass(frozen=True, slots=True)
class CardInserted:
    atr: bytes = b""


@dataclass(frozen=True, slots=True)
class CardRemoved:
    pass


@dataclass(frozen=True, slots=True)
class ReaderFault:
    detail: str


@dataclass(frozen=True, slots=True)
class ReaderRecovered:
    pass


@dataclass(frozen=True, slots=True)
class CardTextRead:
    text: CardText = field(repr=False)


@dataclass(frozen=True, slots=True, repr=False)
class ChipPhotoRead:
    jpeg: bytearray  # the flow owns it from here and zeroes it at the end

    def __repr__(self) -> str:
        return f"ChipPhotoRead(<{len(self.jpeg)} bytes>)"


CardReadFailure = Literal["card_removed", "not_thai_id", "invalid_data", "unreadable", "timeout", "device_fault"]


@dataclass(frozen=True, slots=True)
class CardReadFailed:
    reason: CardReadFailure


@dataclass(frozen=True, slots=True, repr=False)
class CardRechecked:
    cid: str | None
    atr: bytes | None

    def __repr__(self) -> str:
        return f"CardRechecked(present={self.cid is not None})"


@dataclass(frozen=True, slots=True)
class CardStatusAnswered:
    status: Literal["normal", "abnormal"]
    checked_at: datetime


CardStatusProblem = Literal["offline", "not_supported", "rate_limited", "rejected", "not_checkable"]


@dataclass(frozen=True, slots=True)
class CardStatusUnavailable:
    reason: CardStatusProblem


# ---- face ----
@dataclass(frozen=True, slots=True)
class FaceProgressed:
    phase: Literal["waiting", "positioning", "challenge", "matching", "done"]
    hint: Message | None = None
    challenge: str | None = None
    seconds_left: float | None = None


@dataclass(frozen=True, slots=True)
class FaceFinished:
    result: FaceResult


FaceFailure = Literal["chip_photo_no_face", "camera_unavailable", "device_fault"]


@dataclass(frozen=True, slots=True)
class FaceFailed:
    reason: FaceFailure


# ---- phone / OTP ----
@dataclass(frozen=True, slots=True)
class OtpSent:
    otp_id: str
    resend_after_s: float


OtpSendFailure = Literal["offline", "rate_limited", "rejected", "send_limit"]


@dataclass(frozen=True, slots=True)
class OtpSendFailed:
    reason: OtpSendFailure
    retry_after_s: float | None = None


@dataclass(frozen=True, slots=True)
class OtpVerified:
    pass


@dataclass(frozen=True, slots=True)
class OtpRejected:
    reason: Literal["wrong_code", "expired", "too_many_tries", "offline"]
    attempts_left: int | None = None


# ---- issuing and result ----
@dataclass(frozen=True, slots=True)
class QrToken:
    text: str
    cti: bytes
    expires_at: float  # wall-clock UNIX seconds (the token's exp)
    display_code: int


@dataclass(frozen=True, slots=True)
class Issued:
    record_id: UUID
    reference_code: str
    qr: QrToken | None


IssueFailure = Literal["outbox_full", "storage", "key_missing", "device_fault"]


@dataclass(frozen=True, slots=True)
class IssueFailed:
    reason: IssueFailure


@dataclass(frozen=True, slots=True)
class QrRefreshed:
    qr: QrToken


@dataclass(frozen=True, slots=True)
class ReceiptPrinted:
    printed: bool
    printer_state: str


@dataclass(frozen=True, slots=True)
class Tick:
    pass


@dataclass(frozen=True, slots=True)
class DeadlinePassed:
    pass


UserEvent = (
    Begin | ChooseService | ConsentAnswer | Cancel | StillHere | Touch | PhoneEntered | OtpEntered
    | ResendOtp | ChangeNumber | ConfirmCancel | AskForHelp | ConfirmHelp | NoPhone | Rate | ToggleLanguage
    | RepeatPrompt | ChangeVolume | MoreTime | SkipAppScan | Done
)
DeviceEvent = (
    CardInserted | CardRemoved | ReaderFault | ReaderRecovered | CardTextRead | ChipPhotoRead
    | CardReadFailed | CardRechecked | CardStatusAnswered | CardStatusUnavailable | FaceProgressed
    | FaceFinished | FaceFailed | OtpSent | OtpSendFailed | OtpVerified | OtpRejected | Issued | IssueFailed | QrRefreshed | ReceiptPrinted
    | AppQrSeen | ForeignQrSeen | ScanGuidance | AppScanFailed | Tick | DeadlinePassed
)
Event = UserEvent | DeviceEvent
