"""The registry's card-status check: asked in the background when the card is read, gating the
result; `abnormal` ends the session neutrally (no names, no receipt), an unavailable registry
follows the configured policy, `skip` records `skipped`."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

from .drive import START, Drive, FaceOutcome, assert_no_personal_data


def unanswered(**flow: object) -> Drive:
    d = Drive(flow=flow) if flow else Drive()
    d.answer_status = False
    return d


def issued_draft(d: Drive) -> fx.RecordDraft:
    [issue] = [e for e in d.effects if isinstance(e, fx.IssueRecord)]
    return issue.draft


def test_the_check_is_asked_with_the_chip_ids_as_the_citizen_moves_on() -> None:
    d = unanswered().to(S.INSERT_CARD)
    assert d.send(ev.CardInserted(d.card.atr)) == [fx.ReadCard(chip_ids=True)]
    out = d.send(ev.CardTextRead(d.card))
    assert d.state == S.FACE  # no waiting for the registry
    assert isinstance(out[0], fx.CheckCardStatus) and out[0].request_number == d.card.request_number
    assert "1101700203" not in repr(out[0])  # the citizen id is not in its repr (logs)


def test_a_normal_answer_is_recorded_and_lets_the_result_be_issued() -> None:
    d = unanswered().to(S.FACE)
    checked = datetime(2026, 11, 21, 3, 0, 5).astimezone()
    assert d.send(ev.CardStatusAnswered("normal", checked)) == []
    d.to(S.RESULT_QR)
    draft = issued_draft(d)
    assert (draft.evidence.card_status, draft.evidence.card_status_at) == ("normal", checked)


def test_issuing_waits_for_a_slow_registry_then_issues() -> None:
    d = unanswered().to(S.ISSUING)
    assert d.send(ev.CardRechecked(d.card.cid, d.card.atr)) == []  # waiting for the answer
    assert d.state == S.ISSUING and d.view.busy
    out = d.send(ev.CardStatusAnswered("normal", START))
    assert [type(e) for e in out] == [fx.IssueRecord]
    d.send(ev.Issued(d.record_id, "K7Q-4MX", d.qr()))
    assert d.state == S.RESULT_QR


@pytest.mark.parametrize("state", [S.FACE, S.PHONE, S.OTP, S.ISSUING])
def test_an_abnormal_card_ends_the_session_neutrally_wherever_the_answer_comes(state: S) -> None:
    d = unanswered().to(state)
    if state == S.ISSUING:
        d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    out = d.send(ev.CardStatusAnswered("abnormal", START))
    assert not any(isinstance(e, fx.IssueRecord | fx.PrintReceipt) for e in out)  # no paper with a name
    [record] = d.records()
    assert (record.outcome, record.failure_reason, record.evidence.card_status) == (
        "failed", "card_status_abnormal", "abnormal")
    assert d.state == S.ERROR and d.view.error == "error.card_status_abnormal"
    assert d.view.error_action == "action.district_office"
    assert_no_personal_data(d.view)


@pytest.mark.parametrize("reason", ["offline", "not_supported", "rate_limited", "rejected", "not_checkable"])
def test_an_unavailable_registry_ends_the_session_under_the_end_policy(reason: str) -> None:
    d = unanswered().to(S.PHONE)
    d.send(ev.CardStatusUnavailable(reason))  # type: ignore[arg-type]
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == ("failed", "card_status_unavailable")
    assert d.state == S.ERROR and d.view.error == "error.card_status_unavailable"
    assert any(isinstance(e, fx.PrintReceipt) for e in d.effects)  # says what to do, with the reference


def test_an_unavailable_registry_is_recorded_unchecked_under_the_continue_policy() -> None:
    d = unanswered(card_status_offline_policy="continue_unchecked").to(S.ISSUING)
    d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    out = d.send(ev.CardStatusUnavailable("offline"))
    assert [type(e) for e in out] == [fx.IssueRecord]
    assert (issued_draft(d).evidence.card_status, issued_draft(d).evidence.card_status_at) == ("unchecked", None)


def test_a_kiosk_configured_not_to_check_records_skipped() -> None:
    d = Drive(flow={"card_status": "skip"}).to(S.INSERT_CARD)
    assert d.send(ev.CardInserted(d.card.atr)) == [fx.ReadCard(chip_ids=False)]
    assert not any(isinstance(e, fx.CheckCardStatus) for e in d.send(ev.CardTextRead(d.card)))
    d.send(ev.ChipPhotoRead(d.photo))
    d.send(ev.FaceFinished(FaceOutcome()))
    d.to(S.RESULT_QR)
    assert issued_draft(d).evidence.card_status == "skipped"


def test_an_answer_after_the_session_ended_changes_nothing() -> None:
    d = unanswered().to(S.FACE)
    d.cancel()
    assert d.send(ev.CardStatusAnswered("abnormal", START)) == []
    [record] = d.records()
    assert record.failure_reason == "cancelled"
