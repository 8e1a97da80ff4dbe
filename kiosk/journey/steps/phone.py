"""Mobile number and one-time code.

The number is validated on the kiosk (`checks.thai_mobile`: region TH, mobile only) before any
network call. When the server cannot be reached, `flow.offline_policy` decides: `end` (the session
ends with a clear message) or `continue_without_phone` (issued with `phone.verified = false`,
`method = none`, and a notice on the result screen). Three wrong codes end the session
(`otp_failed`), whatever the server would still allow.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.checks import national_digits, thai_mobile
from kiosk.journey.effects import Effect
from kiosk.journey.states import StateName as S
from kiosk.journey.steps import result as step_result

if TYPE_CHECKING:
    from kiosk.journey.machine import Flow

MAX_WRONG_CODES = 3


def phone_entered(f: Flow, e: ev.PhoneEntered) -> list[Effect]:
    s = f.require_session()
    if s.busy:
        return []
    e164 = thai_mobile(e.digits)
    if e164 is None:
        s.phone_error = "phone.invalid"
        return []
    s.phone_error = None
    s.phone_e164 = e164
    s.phone_national = national_digits(e164)
    s.busy = True
    return [fx.SendOtp(s.id, e164)]


def otp_sent(f: Flow, e: ev.OtpSent) -> list[Effect]:
    s = f.require_session()
    s.busy = False
    s.otp_id = e.otp_id
    s.otp_resend_at = f.now + e.resend_after_s
    s.otp_error = None
    if f.state == S.PHONE:
        s.otp_wrong = 0
        s.otp_attempts_left = MAX_WRONG_CODES
        f.go(S.OTP, f.cfg.flow.otp_timeout_s)
    return []


def send_failed(f: Flow, e: ev.OtpSendFailed) -> list[Effect]:
    s = f.require_session()
    s.busy = False
    if e.reason == "offline":
        return offline(f)
    if e.reason == "send_limit":  # the server sends at most 3 codes per session
        return f.fail("otp_failed", "error.otp_failed", "action.call_help")
    if e.reason == "rate_limited":
        wait = e.retry_after_s if e.retry_after_s is not None else 30.0
        s.otp_resend_at = f.now + wait
        if f.state == S.PHONE:
            s.phone_error = "otp.wait_resend"
        else:
            s.otp_error = "otp.wait_resend"
        return []
    # the server refused the number (not a reachable Thai mobile): ask again
    s.phone_error = "phone.invalid"
    if f.state == S.OTP:
        f.go(S.PHONE)
    return []


def offline(f: Flow) -> list[Effect]:
    s = f.require_session()
    if f.cfg.flow.offline_policy == "end":
        return f.fail("offline", "error.offline", "action.try_later")
    s.phone_verified = False
    s.otp_id = None
    if "notice.phone_not_verified" not in f.notices:
        f.notices.append("notice.phone_not_verified")
    return step_result.enter_issuing(f)


def otp_entered(f: Flow, e: ev.OtpEntered) -> list[Effect]:
    s = f.require_session()
    if s.busy or s.otp_id is None:
        return []
    if len(e.code) != 6 or not e.code.isdigit():
        s.otp_error = "otp.invalid"
        return []
    s.otp_error = None
    s.busy = True
    return [fx.VerifyOtp(s.otp_id, e.code)]


def verified(f: Flow, e: ev.OtpVerified) -> list[Effect]:
    s = f.require_session()
    s.busy = False
    s.phone_verified = True
    s.otp_id = None
    return step_result.enter_issuing(f)


def rejected(f: Flow, e: ev.OtpRejected) -> list[Effect]:
    s = f.require_session()
    s.busy = False
    if e.reason == "offline":
        return offline(f)
    if e.reason == "expired":
        s.otp_error = "otp.expired_resend"
        return []
    if e.reason == "wrong_code":
        s.otp_wrong += 1
        left = MAX_WRONG_CODES - s.otp_wrong
        if e.attempts_left is not None:
            left = min(left, e.attempts_left)
        if left > 0:
            s.otp_attempts_left = left
            s.otp_error = "otp.wrong"
            return []
    return f.fail("otp_failed", "error.otp_failed", "action.call_help")


def resend(f: Flow, e: ev.ResendOtp) -> list[Effect]:
    s = f.require_session()
    if s.busy or s.phone_e164 is None:
        return []
    if f.now < s.otp_resend_at:
        s.otp_error = "otp.wait_resend"
        return []
    s.busy = True
    return [fx.SendOtp(s.id, s.phone_e164)]


def resend_in(f: Flow) -> int | None:
    s = f.session
    if s is None or f.state not in (S.PHONE, S.OTP):
        return None
    left = max(0, math.ceil(s.otp_resend_at - f.now))
    return left if f.state == S.OTP or left > 0 else None
