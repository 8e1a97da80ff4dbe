"""Every way a session fails or is aborted: card removal in every state, swap, card checks,
face, OTP, offline policy, cancel. Each writes the right record and wipes the session."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.states import CANCELLABLE
from kiosk.journey.states import StateName as S

from .drive import Drive, FaceOutcome, assert_no_personal_data, card_text, valid_cid


def ended_with(d: Drive, outcome: str, reason: str, error: str | None = None) -> None:
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == (outcome, reason)
    if error is not None:
        assert d.state == S.ERROR and d.view.error == error and d.view.error_action
    assert d.flow.session is None
    assert_no_personal_data(d.view)
    assert any(isinstance(e, fx.SessionEnded) for e in d.effects)


# ---------------------------------------------------------------- card removal
@pytest.mark.parametrize("state", [S.READING, S.FACE, S.PHONE, S.OTP, S.ISSUING])
def test_card_removal_before_the_result_aborts_with_a_record(state: S) -> None:
    d = Drive().to(state)
    out = d.send(ev.CardRemoved())
    ended_with(d, "aborted", "card_removed", "error.card_removed")
    assert (fx.StopFace in [type(e) for e in out]) == (state == S.FACE)
    d.advance(15)  # the error screen's countdown; no card to hand back
    # a session that read the card asks for a rating before the attract screen
    assert d.state == (S.IDLE if state == S.READING else S.RATING)


def test_removal_after_the_face_step_keeps_card_data_in_the_aborted_record_only_as_draft() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.CardRemoved())
    [record] = d.records()
    assert record.evidence.card is not None and record.evidence.card.atr == d.card.atr  # kiosk.session_record minimises it


@pytest.mark.parametrize("state", [S.CHOOSE_SERVICE, S.CONSENT])
def test_removal_before_consent_only_forgets_the_card(state: S) -> None:
    d = Drive()
    d.send(ev.CardInserted(b"\x3b"))
    d.to(state)
    d.send(ev.CardRemoved())
    assert d.state == state and d.records() == [] and not d.view.card_present
    if state == S.CONSENT:
        d.send(ev.ConsentAnswer(True))
        assert d.state == S.INSERT_CARD


def test_removal_on_insert_card_screen_changes_nothing(drive: Drive) -> None:
    drive.to(S.INSERT_CARD)
    drive.send(ev.CardRemoved())
    assert drive.state == S.INSERT_CARD and drive.records() == []


def test_removal_after_the_recheck_lets_the_commit_finish() -> None:
    d = Drive().to(S.ISSUING)
    d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    d.send(ev.CardRemoved())
    assert d.state == S.ISSUING and d.records() == []
    d.send(ev.Issued(d.record_id, "K7Q-4MX", d.qr()))
    assert d.state == S.RESULT_QR
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    assert d.state == S.RATING  # no card to take: thank you, and the rating


def test_removal_on_the_result_screen_skips_take_card() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.CardRemoved())
    assert d.state == S.RESULT_QR and d.view.qr_text
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    assert d.state == S.RATING and d.records() == []


def test_removal_during_printing_and_take_card() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.Done())
    assert d.state == S.PRINTING
    d.send(ev.CardRemoved())
    assert d.state == S.PRINTING
    d.send(ev.ReceiptPrinted(True, "ok"))
    assert d.state == S.RATING


def test_late_chip_photo_after_an_abort_is_zeroed() -> None:
    d = Drive().to(S.READING)
    d.send(ev.CardTextRead(d.card))
    d.send(ev.CardRemoved())
    late = bytearray(b"photo-bytes")
    assert d.send(ev.ChipPhotoRead(late)) == []
    assert late == bytearray(len(late))


# ---------------------------------------------------------------- swap
def test_a_different_card_at_issuing_aborts_as_swapped() -> None:
    d = Drive().to(S.ISSUING)
    out = d.send(ev.CardRechecked(valid_cid("310100012345"), d.card.atr))
    assert not any(isinstance(e, fx.IssueRecord) for e in out)
    ended_with(d, "aborted", "card_swapped", "error.card_swapped")


def test_same_id_but_another_atr_is_a_swap() -> None:
    d = Drive().to(S.ISSUING)
    d.send(ev.CardRechecked(d.card.cid, b"\x3b\x67\x00"))
    ended_with(d, "aborted", "card_swapped", "error.card_swapped")


def test_no_card_at_the_recheck_is_a_removal() -> None:
    d = Drive().to(S.ISSUING)
    d.send(ev.CardRechecked(None, None))
    ended_with(d, "aborted", "card_removed", "error.card_removed")


# ---------------------------------------------------------------- card checks and reads
def test_bad_check_digit_fails_the_card_check() -> None:
    d = Drive()
    good = valid_cid()
    d.card = card_text(cid=good[:-1] + str((int(good[-1]) + 1) % 10))
    d.to(S.READING)
    d.send(ev.CardTextRead(d.card))
    ended_with(d, "failed", "card_invalid", "error.card_invalid")
    assert d.view.error_action == "action.call_help"


def test_expired_card_fails_and_says_to_renew() -> None:
    d = Drive()
    d.card = card_text(expiry=date(2026, 11, 20))
    d.to(S.READING)
    d.send(ev.CardTextRead(d.card))
    ended_with(d, "failed", "card_expired", "error.card_expired")
    assert d.view.error_action == "action.renew_card"


@pytest.mark.parametrize("expiry", [None, date(2026, 11, 21)])
def test_lifelong_card_and_last_valid_day_pass(expiry: date | None) -> None:
    d = Drive()
    d.card = card_text(expiry=expiry)
    d.to(S.FACE)
    assert d.records() == []


@pytest.mark.parametrize(
    ("reason", "outcome", "recorded", "error"),
    [
        ("card_removed", "aborted", "card_removed", "error.card_removed"),
        ("not_thai_id", "failed", "card_invalid", "error.card_not_thai_id"),
        ("invalid_data", "failed", "card_invalid", "error.card_invalid"),
        ("unreadable", "failed", "card_unreadable", "error.card_unreadable"),
        ("device_fault", "failed", "device_fault", "error.device_fault"),  # pcscd died mid-read
    ],
)
def test_card_read_failures(reason: str, outcome: str, recorded: str, error: str) -> None:
    d = Drive().to(S.READING)
    d.send(ev.CardReadFailed(reason))  # type: ignore[arg-type]
    ended_with(d, outcome, recorded, error)


def test_photo_read_failure_during_the_face_step_ends_the_session() -> None:
    d = Drive().to(S.READING)
    d.send(ev.CardTextRead(d.card))
    d.send(ev.CardReadFailed("unreadable"))
    ended_with(d, "failed", "card_unreadable", "error.card_unreadable")
    assert fx.StopFace in [type(e) for e in d.effects]


# ---------------------------------------------------------------- face
@pytest.mark.parametrize(("failure", "error"), [("face_mismatch", "error.face_mismatch"),
                                                ("liveness_failed", "error.liveness_failed")])
def test_face_failures(failure: str, error: str) -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFinished(FaceOutcome(match=False, failure=failure)))
    ended_with(d, "failed", failure, error)
    assert d.records()[0].evidence.face is not None


@pytest.mark.parametrize(("cause", "error"), [("face_lost", "error.liveness_face_lost"),
                                              ("not_done", "error.liveness_not_done"),
                                              (None, "error.liveness_failed")])
def test_a_liveness_failure_is_said_per_cause_and_recorded_as_one(cause: str | None, error: str) -> None:
    from dataclasses import replace

    d = Drive().to(S.FACE)
    outcome = FaceOutcome(match=True, failure="liveness_failed")
    d.send(ev.FaceFinished(replace(outcome, liveness=replace(outcome.liveness, cause=cause))))  # type: ignore[arg-type]
    ended_with(d, "failed", "liveness_failed", error)
    assert d.view.error_action == "action.counter"  # try again or see staff, whatever the cause


def test_face_match_true_with_liveness_failure_is_not_accepted() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFinished(FaceOutcome(match=True, failure="liveness_failed")))
    ended_with(d, "failed", "liveness_failed", "error.liveness_failed")


def test_chip_photo_without_face_and_camera_fault() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFailed("chip_photo_no_face"))
    ended_with(d, "failed", "card_invalid", "error.chip_photo")
    d2 = Drive().to(S.FACE)
    d2.send(ev.FaceFailed("camera_unavailable"))
    ended_with(d2, "failed", "device_fault", "error.device_fault")


def test_photo_arriving_before_the_face_step_is_sent_with_start() -> None:
    d2 = Drive().to(S.READING)
    d2.flow.session.evidence.card = d2.card  # type: ignore[union-attr]  # as if the photo overtook the checks
    d2.send(ev.ChipPhotoRead(d2.photo))
    out = d2.send(ev.CardTextRead(d2.card))
    assert [type(e) for e in out] == [fx.CheckCardStatus, fx.StartFace, fx.SetFaceReference]


# ---------------------------------------------------------------- phone and OTP
@pytest.mark.parametrize("digits", ["021234567", "0212345678", "081234567", "1234", "", "+1 212 555 0100"])
def test_invalid_or_landline_numbers_are_refused_on_the_kiosk(digits: str) -> None:
    d = Drive().to(S.PHONE)
    assert d.send(ev.PhoneEntered(digits)) == []
    assert d.state == S.PHONE and d.view.phone_error == "phone.invalid" and not d.view.busy


def test_three_wrong_codes_fail_the_session() -> None:
    d = Drive().to(S.OTP)
    for left in (2, 1):
        d.send(ev.OtpEntered("000000"))
        d.send(ev.OtpRejected("wrong_code", attempts_left=4))
        assert d.state == S.OTP and d.view.otp_error == "otp.wrong" and d.view.otp_attempts_left == left
    d.send(ev.OtpEntered("000000"))
    d.send(ev.OtpRejected("wrong_code", attempts_left=2))
    ended_with(d, "failed", "otp_failed", "error.otp_failed")


def test_server_side_too_many_tries_fails() -> None:
    d = Drive().to(S.OTP)
    d.send(ev.OtpEntered("000000"))
    d.send(ev.OtpRejected("too_many_tries"))
    ended_with(d, "failed", "otp_failed", "error.otp_failed")


def test_malformed_code_is_refused_without_a_call() -> None:
    d = Drive().to(S.OTP)
    assert d.send(ev.OtpEntered("12a4")) == []
    assert d.view.otp_error == "otp.invalid"


def test_expired_code_then_resend_after_the_wait() -> None:
    d = Drive().to(S.OTP)
    d.send(ev.OtpEntered("123456"))
    d.send(ev.OtpRejected("expired"))
    assert d.view.otp_error == "otp.expired_resend"
    assert d.send(ev.ResendOtp()) == []  # 30 s have not passed
    assert d.view.otp_error == "otp.wait_resend"
    d.advance(30)
    assert d.view.otp_resend_in_s == 0
    out = d.send(ev.ResendOtp())
    assert [type(e) for e in out] == [fx.SendOtp]
    d.send(ev.OtpSent("otp-2", 30.0))
    assert d.state == S.OTP and d.view.otp_error is None
    assert [type(e) for e in d.send(ev.OtpEntered("654321"))] == [fx.VerifyOtp]
    assert d.effects[-1].otp_id == "otp-2"  # type: ignore[union-attr]


def test_rate_limited_send_says_how_long_to_wait() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.PhoneEntered("0812345678"))
    d.send(ev.OtpSendFailed("rate_limited", retry_after_s=20))
    assert d.state == S.PHONE and d.view.phone_error == "otp.wait_resend"
    assert d.view.otp_resend_in_s == 20 and d.view.message_values()["seconds"] == 20
    d.advance(20)
    assert d.view.otp_resend_in_s is None


def test_number_refused_by_the_server_asks_again() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.PhoneEntered("0812345678"))
    d.send(ev.OtpSendFailed("rejected"))
    assert d.state == S.PHONE and d.view.phone_error == "phone.invalid"


@pytest.mark.parametrize("at", ["send", "verify"])
def test_offline_policy_end(at: str) -> None:
    d = Drive(flow={"offline_policy": "end"}).to(S.PHONE if at == "send" else S.OTP)
    if at == "send":
        d.send(ev.PhoneEntered("0812345678"))
        d.send(ev.OtpSendFailed("offline"))
    else:
        d.send(ev.OtpEntered("123456"))
        d.send(ev.OtpRejected("offline"))
    ended_with(d, "failed", "offline", "error.offline")
    assert d.view.error_action == "action.try_later"


def test_offline_policy_continue_records_an_unverified_phone() -> None:
    d = Drive(flow={"offline_policy": "continue_without_phone"}).to(S.PHONE)
    d.send(ev.PhoneEntered("0812345678"))
    out = d.send(ev.OtpSendFailed("offline"))
    assert [type(e) for e in out] == [fx.RecheckCard] and d.state == S.ISSUING
    issue = d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    draft = issue[0].draft  # type: ignore[union-attr]
    assert (draft.evidence.phone_e164, draft.evidence.phone_verified, draft.evidence.phone_method) == ("+66812345678", False, "none")
    d.send(ev.Issued(d.record_id, "K7Q-4MX", d.qr()))
    assert "notice.phone_not_verified" in d.view.notices


def test_offline_continue_on_boonterm_sends_no_sms_link() -> None:
    d = Drive(kiosk={"profile": "boonterm"}, flow={"offline_policy": "continue_without_phone"}).to(S.PHONE)
    d.send(ev.PhoneEntered("0812345678"))
    d.send(ev.OtpSendFailed("offline"))
    issue = d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    assert issue[0].draft.continuation == "none"  # type: ignore[union-attr]
    d.send(ev.Issued(d.record_id, "K7Q-4MX", None))
    assert d.view.state == S.RESULT_SMS and d.view.body == "result_none.body"


# ---------------------------------------------------------------- issuing
@pytest.mark.parametrize("reason", ["outbox_full", "storage", "key_missing"])
def test_issue_failure_ends_with_a_failed_record(reason: str) -> None:
    d = Drive().to(S.ISSUING)
    d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    d.send(ev.IssueFailed(reason))  # type: ignore[arg-type]
    ended_with(d, "failed", "device_fault", "error.issue_failed")


# ---------------------------------------------------------------- cancel
@pytest.mark.parametrize("state", sorted(CANCELLABLE - {S.CHOOSE_SERVICE}))
def test_cancel_ends_politely_with_an_aborted_record(state: S) -> None:
    d = Drive().to(state)
    d.cancel()
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == ("aborted", "cancelled")
    assert d.state == (S.TAKE_CARD if d.flow.card_present else S.THANK_YOU)
    assert_no_personal_data(d.view)


def test_cancel_on_choose_service_returns_to_idle_without_a_record(drive: Drive) -> None:
    drive.to(S.CHOOSE_SERVICE)
    drive.cancel()
    assert drive.state == S.IDLE and drive.records() == []


@pytest.mark.parametrize("state", [S.ISSUING, S.RESULT_QR, S.TAKE_CARD])
def test_no_cancel_once_issuing_started(state: S) -> None:
    d = Drive().to(S.RESULT_QR if state != S.ISSUING else S.ISSUING)
    if state == S.TAKE_CARD:
        d.send(ev.Done())
        d.send(ev.ReceiptPrinted(True, "ok"))
    assert not d.view.can_cancel
    assert d.cancel() == [] and d.state == state


# ---------------------------------------------------------------- card reader fault
@pytest.mark.parametrize("state", [S.INSERT_CARD, S.READING, S.FACE, S.OTP])
def test_reader_fault_ends_a_session_that_needs_the_card(state: S) -> None:
    d = Drive().to(state)
    d.send(ev.ReaderFault("reader_removed"))
    ended_with(d, "failed", "device_fault", "error.device_fault")


def test_no_session_starts_while_the_reader_is_faulty(drive: Drive) -> None:
    drive.send(ev.ReaderFault("pcscd stopped"))
    assert drive.view.out_of_service and drive.view.title == "out_of_service.title"
    drive.send(ev.Begin())
    assert drive.state == S.IDLE
    drive.send(ev.ReaderRecovered())
    assert not drive.view.out_of_service
    drive.send(ev.Begin())
    assert drive.state == S.CHOOSE_SERVICE


def test_reader_fault_after_the_result_changes_nothing() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReaderFault("reader_removed"))
    assert d.state == S.RESULT_QR and d.records() == []


def test_removal_on_the_closing_screens_only_skips_take_card() -> None:
    d = Drive()
    d.send(ev.CardInserted(b"\x3b"))
    d.send(ev.CardRemoved())  # on the attract screen
    assert d.state == S.CHOOSE_SERVICE and not d.view.card_present
    d = Drive().to(S.FACE)
    d.send(ev.FaceFailed("camera_unavailable"))  # ERROR, the card still inside
    d.send(ev.CardRemoved())
    assert d.state == S.ERROR and len(d.records()) == 1
    d.send(ev.Done())
    assert d.state == S.RATING  # nothing to take; the rating
    d = Drive().to(S.CONSENT)
    d.send(ev.ConsentAnswer(False))
    d.send(ev.CardRemoved())  # on the thank-you screen
    assert d.state == S.THANK_YOU
