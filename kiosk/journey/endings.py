"""`Ending`: every way a citizen session can end, each declared once with everything that follows
from it (in the spirit of AusweisApp's `FailureCode`).

Each ending says:
- `outcome`, `reason`: the record's `outcome` and `failure_reason` (the central contract's words);
- `error`, `action`: the message codes of the error screen, what went wrong and what to do next
  (None for an ending without an error screen: verified, cancelled, consent declined);
- `receipt`: whether a failed session whose card was read prints a receipt (it says `error` and
  `action`, with the record's reference); never for a time limit the citizen most likely walked
  away from (the face step, the SMS code): a slip nobody takes names a citizen to the next one;
  never for a card the registry reports abnormal (no name on paper for a card that may be lost);
- `referral` (`REFERRALS`): the endings that send the citizen to a staffed counter; their receipt
  is a referral slip with no names (what could not be done, the reference, where to go);
- `farewell`: the thank-you screen's text, where the ending has one of its own;
- `label`: the technician's words for it (the `session ended` log line).

A session that ends before the citizen chose a service (cancel or inactivity on the choice screen)
has no data: it writes no record and shows no error, whatever the ending.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

Outcome = Literal["verified", "failed", "aborted"]


class Ending(Enum):
    #                    outcome     record reason       error screen             what to do             receipt  technician label
    VERIFIED =           ("verified", None,              None,                    None,                  False, "verified")
    CANCELLED =          ("aborted",  "cancelled",       None,                    None,                  False, "cancelled by the citizen")
    CONSENT_DECLINED =   ("aborted",  "consent_declined", None,                   None,                  False, "consent declined")
    INACTIVE =           ("aborted",  "timeout",         "error.timeout",         "action.try_again",    False, "no answer from the citizen")
    CARD_REMOVED =       ("aborted",  "card_removed",    "error.card_removed",    "action.try_again",    False, "card removed before the end")
    CARD_SWAPPED =       ("aborted",  "card_swapped",    "error.card_swapped",    "action.use_own_card", False, "another card inserted mid-session")
    NOT_THAI_ID =        ("failed",   "card_invalid",    "error.card_not_thai_id", "action.use_own_card", True, "not a Thai ID card")
    CARD_INVALID =       ("failed",   "card_invalid",    "error.card_invalid",    "action.call_help",    True,  "card data invalid")
    CARD_UNREADABLE =    ("failed",   "card_unreadable", "error.card_unreadable", "action.retry_card",   True,  "card unreadable")
    CARD_READ_TIMEOUT =  ("failed",   "timeout",         "error.card_unreadable", "action.retry_card",   True,  "card read took too long")
    CARD_EXPIRED =       ("failed",   "card_expired",    "error.card_expired",    "action.renew_card",   True,  "card expired")
    CARD_STATUS_ABNORMAL = ("failed", "card_status_abnormal", "error.card_status_abnormal", "action.district_office", False, "card not valid in the registry")
    CARD_STATUS_UNAVAILABLE = ("failed", "card_status_unavailable", "error.card_status_unavailable", "action.try_later", True, "card registry unreachable")
    CHIP_PHOTO_NO_FACE = ("failed",   "card_invalid",    "error.chip_photo",      "action.call_help",    True,  "no face in the chip photo")
    FACE_MISMATCH =      ("failed",   "face_mismatch",   "error.face_mismatch",   "action.counter",      True,  "face did not match the chip photo")
    LIVENESS_FAILED =    ("failed",   "liveness_failed", "error.liveness_failed", "action.counter",      True,  "liveness challenge failed")
    LIVENESS_FACE_LOST = ("failed",   "liveness_failed", "error.liveness_face_lost", "action.counter",   True,  "liveness: the face left the camera")
    LIVENESS_NOT_DONE =  ("failed",   "liveness_failed", "error.liveness_not_done", "action.counter",    True,  "liveness: the movement not seen in time")
    FACE_TIMEOUT =       ("failed",   "timeout",         "error.face_timeout",    "action.counter",      False, "face step took too long")
    OTP_FAILED =         ("failed",   "otp_failed",      "error.otp_failed",      "action.call_help",    True,  "SMS code not confirmed")
    OTP_TIMEOUT =        ("failed",   "timeout",         "error.timeout",         "action.try_again",    False, "SMS code not entered in time")
    NO_MOBILE_PHONE =    ("aborted",  "no_mobile_phone", "referral.no_phone",     "action.see_staff",    True,  "no mobile phone: referred to staff")
    ASKED_FOR_HELP =     ("aborted",  "asked_for_help",  "referral.asked",        "action.see_staff",    True,  "asked for help: referred to staff")
    APP_SCAN_TIMEOUT =   ("aborted",  "timeout",         "error.app_scan_timeout", "action.app_scan_retry", False, "app QR not shown in time")
    OFFLINE =            ("failed",   "offline",         "error.offline",         "action.try_later",    True,  "central server unreachable")
    DEVICE_FAULT =       ("failed",   "device_fault",    "error.device_fault",    "action.try_later",    True,  "device fault")
    OUTBOX_FULL =        ("failed",   "device_fault",    "error.issue_failed",    "action.try_later",    True,  "outbox full: result not issued")
    ISSUE_FAILED =       ("failed",   "device_fault",    "error.issue_failed",    "action.call_help",    True,  "result could not be issued")
    ISSUE_TIMEOUT =      ("failed",   "device_fault",    "error.issue_failed",    "action.call_help",    True,  "issuing took too long")

    def __init__(self, outcome: Outcome, reason: str | None, error: str | None, action: str | None,
                 receipt: bool, label: str) -> None:
        self.outcome: Outcome = outcome
        self.reason = reason
        self.error = error
        self.action = action
        self.receipt = receipt
        self.label = label

    @property
    def referral(self) -> str | None:
        """Why the citizen is sent to a staffed counter (the record's `referral.reason`), or None:
        biometrics are never the only way through, and nobody is left at a dead end."""
        return REFERRALS.get(self)

    @property
    def farewell(self) -> str | None:
        """The thank-you screen's text for this ending (None: the plain thank-you)."""
        return "thank_you.declined" if self is Ending.CONSENT_DECLINED else None

    @property
    def code(self) -> str:
        """The ending's stable name in logs and tests, e.g. `face_mismatch`."""
        return self.name.lower()


REFERRALS: dict[Ending, str] = {
    Ending.FACE_MISMATCH: "face_mismatch",
    Ending.LIVENESS_FAILED: "liveness_failed",
    Ending.LIVENESS_FACE_LOST: "liveness_failed",
    Ending.LIVENESS_NOT_DONE: "liveness_failed",
    Ending.FACE_TIMEOUT: "face_quality",  # the face step never got a usable picture in time
    Ending.NO_MOBILE_PHONE: "no_mobile_phone",
    Ending.ASKED_FOR_HELP: "asked_for_help",
}
"""The endings that send the citizen to a staffed counter, and the reason the record gives."""
