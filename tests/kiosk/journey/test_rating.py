"""The citizen's rating after a session that reached the card: optional (Skip, or 20 s), one
touch, never in the next citizen's way; it goes onto the record, which stays open until then."""

from __future__ import annotations

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.endings import Ending
from kiosk.journey.states import StateName as S

from .drive import Drive, FaceOutcome


def rated_after_verified() -> Drive:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    ended = d.send(ev.Done())
    assert fx.SessionEnded(Ending.VERIFIED, recorded=True, final=False) in ended
    d.send(ev.CardRemoved())
    assert d.state == S.RATING and d.view.body == "rating.body" and d.view.countdown_s == 20
    return d


@pytest.mark.parametrize("score", [1, 3, 5])
def test_a_score_goes_onto_the_record_and_the_attract_screen_returns(score: int) -> None:
    d = rated_after_verified()
    assert d.send(ev.Rate(score)) == [fx.CloseRecord(d.record_id, score)]
    assert d.state == S.IDLE


def test_skip_and_the_time_limit_close_the_record_without_a_rating() -> None:
    d = rated_after_verified()
    assert d.send(ev.Done()) == [fx.CloseRecord(d.record_id, None)]
    d = rated_after_verified()
    assert d.advance(19.75) == []
    assert d.advance(0.25) == [fx.CloseRecord(d.record_id, None)] and d.state == S.IDLE


def test_a_score_outside_one_to_five_is_ignored() -> None:
    d = rated_after_verified()
    assert d.send(ev.Rate(0)) == [] and d.send(ev.Rate(6)) == [] and d.state == S.RATING


@pytest.mark.parametrize("event", [ev.CardInserted(b"\x3b"), ev.Begin()])
def test_the_next_citizen_is_never_kept_waiting(event: ev.Event) -> None:
    d = rated_after_verified()
    d.send(ev.ChangeVolume(1))
    out = d.send(event)
    assert out[0] == fx.CloseRecord(d.record_id, None)
    assert d.state == S.CHOOSE_SERVICE and d.view.volume == 3  # a fresh session, the default volume


def test_failed_sessions_that_read_the_card_are_rated_too() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFinished(FaceOutcome(match=False, failure="face_mismatch")))
    [write] = [e for e in d.effects if isinstance(e, fx.WriteRecord)]
    [ended] = [e for e in d.effects if isinstance(e, fx.SessionEnded)]
    assert not ended.final
    d.send(ev.CardRemoved())
    d.send(ev.Done())
    assert d.state == S.RATING
    assert d.send(ev.Rate(2)) == [fx.CloseRecord(write.record_id, 2)]


@pytest.mark.parametrize("to", [S.CONSENT, S.INSERT_CARD, S.READING])
def test_sessions_that_never_read_the_card_are_not_rated(to: S) -> None:
    d = Drive().to(to)
    d.cancel()
    [ended] = [e for e in d.effects if isinstance(e, fx.SessionEnded)]
    assert ended.final
    d.send(ev.CardRemoved())
    d.advance(30)
    assert d.state == S.IDLE and not any(isinstance(e, fx.CloseRecord) for e in d.effects)
