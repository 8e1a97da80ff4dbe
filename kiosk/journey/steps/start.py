"""Attract screen, choice of service, consent (nothing personal is read before consent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.effects import Effect
from kiosk.journey.session import Session
from kiosk.journey.states import StateName as S

if TYPE_CHECKING:
    from kiosk.journey.machine import Flow


def begin(f: Flow, e: Any) -> list[Effect]:
    """A touch on the attract screen, or a card inserted there (kept; read after consent)."""
    if f.out_of_service or f.reader_fault:
        return []
    f.notices = []
    f.go(S.CHOOSE_SERVICE)
    return []


def choose(f: Flow, e: ev.ChooseService) -> list[Effect]:
    if e.purpose not in ("ial_upgrade", "register"):
        return []
    f.session = Session(purpose=e.purpose)
    f.go(S.CONSENT)
    return []


def consent(f: Flow, e: ev.ConsentAnswer) -> list[Effect]:
    s = f.require_session()
    if not e.accepted:
        return f.end("aborted", "consent_declined", body="thank_you.declined")
    s.consent_at = f.wall()
    if f.card_present:  # inserted on the attract screen: read it now that consent is given
        f.go(S.READING, f.cfg.flow.card_read_timeout_s)
        return [fx.ReadCard()]
    f.go(S.INSERT_CARD)
    return []
