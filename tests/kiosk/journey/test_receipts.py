"""Failure receipts in the pure flow: a failed session whose card text was read asks for a receipt
(no QR, the error screen's message and action, the failed record's id, not reported back);
aborted sessions and failures before the card text was read ask for none."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

from .drive import Drive, FaceOutcome, card_text


def failure_receipt(d: Drive) -> fx.PrintReceipt | None:
    receipts = [e for e in d.effects if isinstance(e, fx.PrintReceipt)]
    assert len(receipts) <= 1
    return receipts[0] if receipts else None


def assert_failure_receipt(d: Drive, reason: str, error: str, action: str) -> None:
    [write] = [e for e in d.effects if isinstance(e, fx.WriteRecord)]
    receipt = failure_receipt(d)
    assert receipt is not None
    assert d.effects.index(write) < d.effects.index(receipt)  # the record is queued first
    assert receipt.record_id == write.record_id is not None  # its reference code is the record's
    assert receipt.draft is write.draft and receipt.draft.failure_reason == reason
    assert (receipt.error, receipt.action) == (error, action) == (d.view.error, d.view.error_action)
    assert receipt.report is False
    assert d.state == S.ERROR and not d.view.printing  # the error screen does not wait for paper


@pytest.mark.parametrize(("failure", "reason", "error"), [
    (None, "face_mismatch", "error.face_mismatch"),
    ("liveness_failed", "liveness_failed", "error.liveness_failed"),
])
def test_face_failure_prints_a_receipt(failure: str | None, reason: str, error: str) -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFinished(FaceOutcome(match=False, failure=failure)))
    assert_failure_receipt(d, reason, error, "action.counter")
    assert d.flow.session is None  # wiped all the same: the draft alone carries the card to the printer


def test_expired_card_prints_a_receipt() -> None:
    d = Drive()
    d.card = card_text(expiry=date(2020, 1, 1))
    d.to(S.READING)
    d.send(ev.CardTextRead(d.card))
    assert_failure_receipt(d, "card_expired", "error.card_expired", "action.renew_card")


def test_otp_failure_prints_a_receipt() -> None:
    d = Drive().to(S.OTP)
    d.send(ev.OtpEntered("000000"))
    d.send(ev.OtpRejected("wrong_code", 0))  # the server says no tries are left
    assert_failure_receipt(d, "otp_failed", "error.otp_failed", "action.call_help")


def test_device_fault_after_the_card_prints_a_receipt() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFailed("camera_unavailable"))
    assert_failure_receipt(d, "device_fault", "error.device_fault", "action.try_later")


def test_photo_read_failing_after_the_text_prints_a_receipt() -> None:
    d = Drive().to(S.READING)
    d.send(ev.CardTextRead(d.card))
    d.send(ev.CardReadFailed("unreadable"))
    assert_failure_receipt(d, "card_unreadable", "error.card_unreadable", "action.retry_card")


def test_card_unreadable_before_its_text_prints_nothing() -> None:
    d = Drive().to(S.READING)
    d.send(ev.CardReadFailed("unreadable"))
    assert d.state == S.ERROR and d.records() and failure_receipt(d) is None


def test_card_without_a_13_digit_id_prints_nothing() -> None:
    d = Drive()
    d.card = card_text(cid="12345")
    d.to(S.READING)
    d.send(ev.CardTextRead(d.card))
    assert d.records()[0].failure_reason == "card_invalid" and failure_receipt(d) is None


@pytest.mark.parametrize("how", ["card_removed", "cancel", "inactivity", "swap"])
def test_aborted_sessions_print_nothing(how: str) -> None:
    d = Drive().to(S.PHONE if how != "swap" else S.ISSUING)
    if how == "card_removed":
        d.send(ev.CardRemoved())
    elif how == "cancel":
        d.cancel()
    elif how == "inactivity":
        d.advance(d.flow.cfg.flow.idle_timeout_s + d.flow.cfg.flow.countdown_s + 1)
    else:
        d.send(ev.CardRechecked("1" * 13, d.card.atr))
    [record] = d.records()
    assert record.outcome == "aborted" and failure_receipt(d) is None


def test_verified_session_receipt_is_reported_back() -> None:
    d = Drive().to(S.RESULT_QR)
    receipt = failure_receipt(d)
    assert receipt is not None and receipt.report and receipt.error is None
    assert receipt.record_id == d.record_id and receipt.draft.continuation == "qr"


@pytest.mark.parametrize("state", [S.FACE, S.OTP])
def test_a_time_limit_the_citizen_walked_away_from_prints_nothing(state: S) -> None:
    """Nobody is at the kiosk when the face step or the SMS code runs out of time: a slip left in
    the tray would name that citizen to the next one."""
    d = Drive().to(state)
    seconds = d.flow.cfg.flow.face_timeout_s if state == S.FACE else d.flow.cfg.flow.otp_timeout_s
    d.advance(seconds + 1)
    [record] = d.records()
    assert record.failure_reason == "timeout" and failure_receipt(d) is None and d.state in (S.ERROR, S.TAKE_CARD)
