"""Mobile number and one-time code.

The number is validated on the kiosk (`checks.thai_mobile`: region TH, mobile only) before any
network call. When the server cannot be reached, `flow.offline_policy` decides: `end` (the session
ends with a clear message) or `continue_without_phone` (issued with `phone.verified = false`,
`method = none`, and a notice on the result screen). Three wrong codes end the session
(`otp_failed`), whatever the server would still allow.
"""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.checks import national_digits, thai_mobile
from kiosk.journey.context import Journey
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move, Stay
from kiosk.journey.states import StateName as S

MAX_WRONG_CODES = 3


def phone_entered(j: Journey, e: ev.PhoneEntered) -> Move:
    s = j.require_session()
    if s.busy:
        return STAY
    e164 = thai_mobile(e.digits)
    if e164 is None:
        s.phone_error = "phone.invalid"
        return STAY
    s.phone_error = None
    s.evidence.phone_e164 = e164
    s.phone_national = national_digits(e164)
    s.busy = True
    return Stay((fx.SendOtp(s.id, e164),))


def otp_sent(j: Journey, e: ev.OtpSent) -> Move:
    s = j.require_session()
    s.busy = False
    s.otp_id = e.otp_id
    s.otp_resend_at = j.now + e.resend_after_s
    s.otp_error = None
    if j.state != S.PHONE:  # a code sent again: the earlier one no longer works, and the screen says so
        s.otp_info = "otp.resent"
        return STAY
    s.otp_info = None
    s.otp_wrong = 0
    s.otp_attempts_left = MAX_WRONG_CODES
    return Go(S.OTP)


def send_failed(j: Journey, e: ev.OtpSendFailed) -> Move:
    s = j.require_session()
    s.busy = False
    if e.reason == "offline":
        return offline(j)
    if e.reason == "send_limit":  # the server sends at most 3 codes per session
        return End(Ending.OTP_FAILED)
    if e.reason == "rate_limited":
        wait = e.retry_after_s if e.retry_after_s is not None else 30.0
        s.otp_resend_at = j.now + wait
        if j.state == S.PHONE:
            s.phone_error = "otp.wait_resend"
        else:
            s.otp_error = "otp.wait_resend"
        return STAY
    # the server refused the number (not a reachable Thai mobile): ask again
    s.phone_error = "phone.invalid"
    return Go(S.PHONE) if j.state == S.OTP else STAY


def offline(j: Journey) -> Move:
    s = j.require_session()
    if j.cfg.flow.offline_policy == "end":
        return End(Ending.OFFLINE)
    s.evidence.phone_verified = False
    s.otp_id = None
    j.notice("notice.phone_not_verified")
    return Go(S.ISSUING)


def otp_entered(j: Journey, e: ev.OtpEntered) -> Move:
    s = j.require_session()
    if s.busy or s.otp_id is None:
        return STAY
    if len(e.code) != 6 or not e.code.isdigit():
        s.otp_error = "otp.invalid"
        return STAY
    s.otp_error = None
    s.busy = True
    return Stay((fx.VerifyOtp(s.otp_id, e.code),))


def verified(j: Journey, e: ev.OtpVerified) -> Move:
    s = j.require_session()
    s.busy = False
    s.evidence.phone_verified = True
    s.otp_id = None
    return Go(S.ISSUING)


def rejected(j: Journey, e: ev.OtpRejected) -> Move:
    s = j.require_session()
    s.busy = False
    if e.reason == "offline":
        return offline(j)
    if e.reason == "expired":
        s.otp_error = "otp.expired_resend"
        return STAY
    if e.reason == "wrong_code":
        s.otp_wrong += 1
        left = MAX_WRONG_CODES - s.otp_wrong
        if e.attempts_left is not None:
            left = min(left, e.attempts_left)
        if left > 0:
            s.otp_attempts_left = left
            s.otp_error = "otp.wrong"
            return STAY
    return End(Ending.OTP_FAILED)


def change_number(j: Journey, e: ev.ChangeNumber) -> Move:
    """Back to the number (a mistyped one can be fixed): the code already sent is dropped."""
    s = j.require_session()
    if s.busy:
        return STAY
    s.otp_id = None
    s.otp_error = s.otp_info = s.phone_error = None
    return Go(S.PHONE)


def resend(j: Journey, e: ev.ResendOtp) -> Move:
    s = j.require_session()
    if s.busy or s.evidence.phone_e164 is None:
        return STAY
    if j.now < s.otp_resend_at:
        s.otp_error = "otp.wait_resend"
        return STAY
    s.busy = True
    return Stay((fx.SendOtp(s.id, s.evidence.phone_e164),))


def no_phone(j: Journey, e: ev.NoPhone) -> Move:
    """"I have no mobile phone": staff at the counter can finish what the kiosk cannot."""
    if j.require_session().busy:
        return STAY
    return End(Ending.NO_MOBILE_PHONE)
