"""A staffed path: biometrics are never the only way through. A face mismatch, a liveness failure,
a face step that never got a usable picture, no mobile phone, and "Get help" on every screen
that has Cancel all send the citizen to the counter with a reference, and the record says why."""

from __future__ import annotations

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.context import failure_receipt_possible
from kiosk.journey.endings import Ending
from kiosk.journey.states import CANCELLABLE
from kiosk.journey.states import StateName as S
from kiosk.reference import reference_code

from .drive import Drive, FaceOutcome, assert_no_personal_data


def referred(d: Drive, ending: Ending, reason: str) -> fx.WriteRecord:
    [write] = [e for e in d.effects if isinstance(e, fx.WriteRecord)]
    assert write.draft.ending is ending and ending.referral == reason
    v = d.view
    assert v.state == S.ERROR and v.error == ending.error and v.error_action == ending.action
    assert v.counter is not None and v.counter.th == "เคาน์เตอร์บริการของหน่วยงานนี้"
    assert v.reference_code == reference_code(write.record_id)  # what the slip and staff see
    assert_no_personal_data(v)
    return write


@pytest.mark.parametrize(("outcome", "ending", "reason"), [
    (FaceOutcome(match=False, failure="face_mismatch"), Ending.FACE_MISMATCH, "face_mismatch"),
    (FaceOutcome(match=True, failure="liveness_failed"), Ending.LIVENESS_FAILED, "liveness_failed"),
])
def test_a_failed_face_check_sends_the_citizen_to_staff_with_a_slip(outcome, ending: Ending, reason: str) -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFinished(outcome))
    write = referred(d, ending, reason)
    [slip] = [e for e in d.effects if isinstance(e, fx.PrintReceipt)]
    assert slip.record_id == write.record_id and not slip.report


def test_a_face_step_that_never_got_a_usable_picture_refers_without_paper() -> None:
    d = Drive().to(S.FACE)
    d.advance(90)  # face_timeout_s: the quality gate never passed
    referred(d, Ending.FACE_TIMEOUT, "face_quality")
    assert not any(isinstance(e, fx.PrintReceipt) for e in d.effects)  # most likely gone: no slip


def test_no_mobile_phone_is_referred_not_a_dead_end() -> None:
    d = Drive().to(S.PHONE)
    d.send(ev.NoPhone())
    write = referred(d, Ending.NO_MOBILE_PHONE, "no_mobile_phone")
    assert (write.draft.outcome, write.draft.failure_reason) == ("aborted", "no_mobile_phone")
    assert any(isinstance(e, fx.PrintReceipt) for e in d.effects)


@pytest.mark.parametrize("state", sorted(CANCELLABLE - {S.CHOOSE_SERVICE}))
def test_get_help_is_asked_first_after_consent_and_refers(state: S) -> None:
    d = Drive().to(state)
    d.send(ev.AskForHelp())
    if state in (S.SCAN_APP, S.CONSENT):  # nothing to lose yet
        referred(d, Ending.ASKED_FOR_HELP, "asked_for_help")
        return
    assert d.view.confirm_help and d.state == state and d.records() == []
    d.send(ev.ConfirmHelp(False))
    assert not d.view.confirm_help and d.state == state
    d.send(ev.AskForHelp())
    d.send(ev.ConfirmHelp(True))
    referred(d, Ending.ASKED_FOR_HELP, "asked_for_help")


def test_get_help_before_a_service_was_chosen_shows_where_to_go_without_a_record() -> None:
    d = Drive().to(S.CHOOSE_SERVICE)
    d.send(ev.AskForHelp())
    assert d.records() == [] and d.state == S.ERROR
    assert d.view.error == "referral.asked" and d.view.counter is not None and d.view.reference_code is None


def test_help_is_not_offered_where_the_session_can_no_longer_be_left() -> None:
    d = Drive().to(S.RESULT_QR)
    assert d.send(ev.AskForHelp()) == [] and d.state == S.RESULT_QR and not d.view.confirm_help


def test_the_counter_text_comes_from_the_site_config() -> None:
    d = Drive(kiosk={"counter_th": "ช่องบริการ 3", "counter_en": "counter 3"}).to(S.PHONE)
    d.send(ev.NoPhone())
    assert d.view.counter is not None and (d.view.counter.th, d.view.counter.en) == ("ช่องบริการ 3", "counter 3")


def test_a_referral_slip_prints_even_without_a_card_read() -> None:
    d = Drive().to(S.INSERT_CARD)
    d.send(ev.AskForHelp())
    d.send(ev.ConfirmHelp(True))
    [write] = [e for e in d.effects if isinstance(e, fx.WriteRecord)]
    assert write.draft.evidence.card is None and failure_receipt_possible(write.draft)
