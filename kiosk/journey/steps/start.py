"""Attract screen, choice of service, consent (nothing personal is read before consent)."""

from __future__ import annotations

from kiosk.journey import events as ev
from kiosk.journey.context import Journey
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move
from kiosk.journey.session import Session
from kiosk.journey.states import StateName as S


def begin(j: Journey, e: ev.Begin | ev.CardInserted) -> Move:
    """A touch on the attract screen, or a card inserted there (kept; read after consent)."""
    if j.out_of_service or j.reader_fault:
        return STAY
    j.notices = []
    return Go(S.CHOOSE_SERVICE)


def choose(j: Journey, e: ev.ChooseService) -> Move:
    if e.purpose not in ("ial_upgrade", "register"):
        return STAY
    offered = j.cfg.flow.offered_continuations(j.cfg.kiosk.profile)
    if e.continuation is not None and e.continuation not in offered:
        return STAY
    j.session = Session(purpose=e.purpose, continuation=e.continuation or j.screen_continuation())
    # the app's QR is read first: the session is tied to the app's request before anything else
    return Go(S.SCAN_APP if e.continuation == "app_scan" else S.CONSENT)


def consent(j: Journey, e: ev.ConsentAnswer) -> Move:
    s = j.require_session()
    if not e.accepted:
        return End(Ending.CONSENT_DECLINED)
    s.evidence.consent_at = j.wall()
    # a card inserted on the attract screen is read now that consent is given
    return Go(S.READING if j.card_present else S.INSERT_CARD)
