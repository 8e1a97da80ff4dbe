"""The states of a citizen session and where each sits in the step indicator."""

from __future__ import annotations

from enum import StrEnum


class StateName(StrEnum):
    IDLE = "idle"  # the attract screen; no session data exists
    CHOOSE_SERVICE = "choose_service"
    CONSENT = "consent"
    INSERT_CARD = "insert_card"
    READING = "reading"
    CARD_CHECKS = "card_checks"
    FACE = "face"
    PHONE = "phone"
    OTP = "otp"
    ISSUING = "issuing"
    RESULT_QR = "result_qr"
    RESULT_SMS = "result_sms"
    PRINTING = "printing"
    TAKE_CARD = "take_card"
    THANK_YOU = "thank_you"
    ERROR = "error"


STEPS = 6
"""Number of steps in the indicator (service, consent, card, face, phone, result)."""

STEP_OF: dict[StateName, int] = {
    StateName.CHOOSE_SERVICE: 1,
    StateName.CONSENT: 2,
    StateName.INSERT_CARD: 3,
    StateName.READING: 3,
    StateName.CARD_CHECKS: 3,
    StateName.FACE: 4,
    StateName.PHONE: 5,
    StateName.OTP: 5,
    StateName.ISSUING: 6,
    StateName.RESULT_QR: 6,
    StateName.RESULT_SMS: 6,
    StateName.PRINTING: 6,
    StateName.TAKE_CARD: 6,
}
"""Step index (1-based) of each state; states not listed show no indicator (0)."""

# States in which the citizen is expected to touch the screen: the inactivity timer
# ("are you still there?") runs only there. Device-bound states have their own deadlines, and so
# do the result screens (a citizen scanning the QR with a phone does not touch the kiosk).
INTERACTIVE = frozenset(
    {
        StateName.CHOOSE_SERVICE,
        StateName.CONSENT,
        StateName.INSERT_CARD,
        StateName.PHONE,
        StateName.OTP,
    }
)

# States with a Cancel button. Issuing is a sub-second transaction and cannot be cancelled;
# the result screens end with "Done" instead (the verification already happened).
CANCELLABLE = frozenset(
    {
        StateName.CHOOSE_SERVICE,
        StateName.CONSENT,
        StateName.INSERT_CARD,
        StateName.READING,
        StateName.CARD_CHECKS,
        StateName.FACE,
        StateName.PHONE,
        StateName.OTP,
    }
)

# States before the result exists: removing the card here aborts the session.
BEFORE_RESULT = frozenset(
    {
        StateName.READING,
        StateName.CARD_CHECKS,
        StateName.FACE,
        StateName.PHONE,
        StateName.OTP,
        StateName.ISSUING,
    }
)
