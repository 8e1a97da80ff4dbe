"""Every timeout: inactivity with the visible countdown, each state's own deadline, the QR refresh,
the printer, "take your card", the error and thank-you screens."""

from __future__ import annotations

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.states import INTERACTIVE
from kiosk.journey.states import StateName as S

from .drive import Drive, assert_no_personal_data


@pytest.mark.parametrize("state", [S.CONSENT, S.INSERT_CARD, S.PHONE, S.OTP])
def test_inactivity_asks_then_counts_down_then_aborts(state: S) -> None:
    d = Drive().to(state)
    d.advance(59.75)
    assert not d.view.still_there
    d.advance(0.25)
    assert d.view.still_there and d.view.countdown_s == 15 and d.state == state
    d.advance(5)
    assert d.view.countdown_s == 10
    d.advance(10)
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == ("aborted", "timeout")
    assert d.state == S.ERROR and d.view.error == "error.timeout"
    assert_no_personal_data(d.view)


def test_still_here_keeps_the_session(drive: Drive) -> None:
    drive.to(S.PHONE)
    drive.advance(65)
    assert drive.view.still_there
    drive.send(ev.StillHere())
    assert not drive.view.still_there and drive.state == S.PHONE
    drive.advance(59)
    assert not drive.view.still_there and drive.records() == []


def test_any_touch_resets_the_inactivity_timer(drive: Drive) -> None:
    drive.to(S.CONSENT)
    drive.advance(50)
    drive.send(ev.Touch())
    drive.advance(50)
    assert not drive.view.still_there


def test_choose_service_timeout_returns_to_idle_without_a_record(drive: Drive) -> None:
    drive.to(S.CHOOSE_SERVICE)
    drive.advance(75)
    assert drive.state == S.IDLE and drive.records() == []


def test_idle_has_no_timeout(drive: Drive) -> None:
    drive.advance(600, step=5)
    assert drive.state == S.IDLE and not drive.view.still_there


def test_a_running_network_call_does_not_count_as_inactivity(drive: Drive) -> None:
    drive.to(S.PHONE)
    drive.send(ev.PhoneEntered("0812345678"))
    drive.advance(120, step=1)
    assert drive.state == S.PHONE and not drive.view.still_there


def test_device_states_are_not_interactive() -> None:
    assert {S.READING, S.FACE, S.ISSUING, S.PRINTING, S.TAKE_CARD}.isdisjoint(INTERACTIVE)


def test_reading_timeout() -> None:
    d = Drive().to(S.READING)
    d.advance(20)
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == ("failed", "timeout")
    assert d.view.error == "error.card_unreadable"


def test_face_timeout_stops_the_camera() -> None:
    d = Drive().to(S.FACE)
    out = d.advance(90, step=1)
    assert fx.StopFace in [type(e) for e in out]
    assert d.records()[0].failure_reason == "timeout" and d.view.error == "error.face_timeout"


def test_otp_step_has_an_overall_deadline() -> None:
    d = Drive(flow={"otp_timeout_s": 40}).to(S.OTP)
    d.advance(39)
    assert d.state == S.OTP
    d.advance(1)
    assert d.records()[0].failure_reason == "timeout"


def test_issuing_that_never_answers_ends_with_a_message() -> None:
    d = Drive().to(S.ISSUING)
    d.advance(20, step=1)
    assert d.state == S.ERROR and d.view.error == "error.issue_failed"


def test_error_screen_counts_down_to_take_card_or_idle() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFailed("camera_unavailable"))
    assert d.view.countdown_s == 15
    d.advance(15)
    assert d.state == S.TAKE_CARD  # the card is still in the reader
    d.send(ev.CardRemoved())
    assert d.state == S.RATING
    d.advance(20)
    assert d.state == S.IDLE


def test_done_on_the_error_screen() -> None:
    d = Drive().to(S.READING)
    d.send(ev.CardRemoved())
    d.send(ev.Done())
    assert d.state == S.IDLE


def _take_card() -> Drive:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    assert d.state == S.TAKE_CARD and not d.view.reminder
    return d


def test_a_card_left_in_the_reader_is_reminded_then_staff_are_alerted() -> None:
    d = _take_card()
    assert d.advance(9.75) == [] and not d.view.reminder
    d.advance(0.25)
    assert d.view.reminder and d.view.body == "take_card.reminder" and not d.view.card_left
    assert not [e for e in d.advance(29.75) if isinstance(e, fx.CardLeft)]  # take_card_timeout_s = 30
    assert d.advance(0.25) == [fx.CardLeft(True)]
    assert d.view.card_left and d.view.reminder and d.state == S.TAKE_CARD
    assert d.advance(600) == []  # alerted once; the kiosk keeps waiting for the card
    assert d.send(ev.CardRemoved()) == [fx.CardLeft(False)]
    assert d.state == S.RATING and not d.view.reminder and not d.view.card_left


def test_a_card_taken_during_the_reminder_alerts_no_one() -> None:
    d = _take_card()
    d.advance(15)
    assert d.view.reminder
    assert d.send(ev.CardRemoved()) == []
    assert d.state == S.RATING and not any(isinstance(e, fx.CardLeft) for e in d.effects)


def test_thank_you_returns_to_idle() -> None:
    d = Drive().to(S.CONSENT)
    d.send(ev.ConsentAnswer(False))
    assert d.state == S.THANK_YOU and d.view.countdown_s == 6
    d.advance(6)
    assert d.state == S.IDLE and d.view.notices == ()


def test_result_screen_ends_the_verified_session_normally_after_its_timeout() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.advance(179, step=1)
    assert d.state == S.RESULT_QR and not d.view.still_there
    d.advance(1)
    assert d.state == S.TAKE_CARD and d.records() == []
    assert_no_personal_data(d.view)


def test_qr_is_refreshed_before_expiry_with_the_same_record() -> None:
    d = Drive(flow={"result_timeout_s": 600}).to(S.RESULT_QR)
    assert d.view.qr_seconds_left == 120
    out = d.advance(104)
    assert not any(isinstance(e, fx.RefreshQr) for e in out)
    assert d.view.qr_seconds_left == 16
    out = d.advance(1)
    [refresh] = [e for e in out if isinstance(e, fx.RefreshQr)]
    assert refresh.record_id == d.record_id and refresh.display_code == 47
    assert not any(isinstance(e, fx.RefreshQr) for e in d.advance(2))  # asked once
    d.send(ev.QrRefreshed(d.qr("TRK1:NEW")))
    assert d.view.qr_text == "TRK1:NEW" and d.view.qr_seconds_left == 120
    assert any(isinstance(e, fx.RefreshQr) for e in d.advance(106))


def test_paper_out_completes_with_the_qr_and_a_notice() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(False, "paper_out"))
    v = d.view
    assert v.state == S.RESULT_QR and v.qr_text and v.notices == ("notice.receipt_not_printed",)
    d.send(ev.Done())
    assert d.state == S.TAKE_CARD and d.view.notices == ("notice.receipt_not_printed",)


def test_printer_that_never_answers() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.Done())
    assert d.state == S.PRINTING
    d.advance(30)
    assert d.state == S.TAKE_CARD and "notice.receipt_not_printed" in d.view.notices
