"""A way back: Cancel asks first once consent is given (and keeps everything when the citizen
changes their mind), a mistyped number can be changed after the code was sent, and sending a
code again says that the earlier one no longer works."""

from __future__ import annotations

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

from .drive import Drive


@pytest.mark.parametrize("state", [S.INSERT_CARD, S.READING, S.FACE, S.PHONE, S.OTP])
def test_cancel_after_consent_asks_first_and_keeping_on_loses_nothing(state: S) -> None:
    d = Drive().to(state)
    assert d.send(ev.Cancel()) == []
    v = d.view
    assert v.confirm_cancel and d.state == state and d.flow.session is not None and d.records() == []
    d.send(ev.ConfirmCancel(False))
    assert not d.view.confirm_cancel and d.state == state and d.flow.session is not None
    d.send(ev.Cancel())
    d.send(ev.ConfirmCancel(True))
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == ("aborted", "cancelled") and not d.view.confirm_cancel


@pytest.mark.parametrize("state", [S.CHOOSE_SERVICE, S.CONSENT])
def test_cancel_before_consent_ends_at_once(state: S) -> None:
    d = Drive().to(state)
    d.send(ev.Cancel())
    assert not d.view.confirm_cancel and d.state in (S.IDLE, S.THANK_YOU)


def test_the_question_goes_when_the_session_ends_otherwise() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.Cancel())
    d.send(ev.CardRemoved())
    assert d.state == S.ERROR and d.view.error == "error.card_removed" and not d.view.confirm_cancel
    assert d.send(ev.ConfirmCancel(True)) == []  # a late answer changes nothing


def test_a_late_yes_after_issuing_started_ends_nothing() -> None:
    d = Drive().to(S.OTP)
    d.send(ev.Cancel())
    d.send(ev.OtpEntered("123456"))
    d.send(ev.OtpVerified())
    assert d.state == S.ISSUING and not d.view.confirm_cancel
    assert d.send(ev.ConfirmCancel(True)) == [] and d.state == S.ISSUING


def test_walking_away_from_the_question_times_out() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.Cancel())
    d.advance(d.flow.cfg.flow.idle_timeout_s + d.flow.cfg.flow.countdown_s + 1)
    [record] = d.records()
    assert record.failure_reason == "timeout" and d.state == S.ERROR


def test_a_mistyped_number_can_be_changed_after_the_code_was_sent() -> None:
    d = Drive().to(S.OTP)
    assert d.flow.session is not None and d.flow.session.otp_id == "otp-1"
    assert d.send(ev.ChangeNumber()) == []
    assert d.state == S.PHONE and d.flow.session.otp_id is None and d.view.phone_error is None
    out = d.send(ev.PhoneEntered("0898765432"))
    assert [type(e) for e in out] == [fx.SendOtp] and out[0].phone_e164 == "+66898765432"  # type: ignore[union-attr]
    d.send(ev.OtpSent("otp-2", 30.0))
    assert d.state == S.OTP and d.view.masked_phone == "08x-xxx-5432" and d.view.otp_attempts_left == 3
    d.send(ev.OtpEntered("123456"))
    d.send(ev.OtpVerified())
    assert d.state == S.ISSUING


def test_the_old_code_is_dropped_when_the_number_changes() -> None:
    d = Drive().to(S.OTP)
    d.send(ev.ChangeNumber())
    assert d.send(ev.OtpEntered("123456")) == []  # nothing to check a code against on the number screen


def test_sending_again_says_the_earlier_code_no_longer_works() -> None:
    d = Drive().to(S.OTP)
    d.advance(31)
    out = d.send(ev.ResendOtp())
    assert [type(e) for e in out] == [fx.SendOtp]
    d.send(ev.OtpSent("otp-2", 30.0))
    assert d.state == S.OTP and d.view.otp_info == "otp.resent" and d.view.otp_error is None
