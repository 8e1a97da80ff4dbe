"""Insert card, reading (text first, photo in the background), card checks."""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.checks import card_problem
from kiosk.journey.context import Journey
from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.moves import End, Go, Move
from kiosk.journey.states import StateName as S

READ_FAILURES: dict[ev.CardReadFailure, Ending] = {
    "card_removed": Ending.CARD_REMOVED,
    "not_thai_id": Ending.NOT_THAI_ID,
    "invalid_data": Ending.CARD_INVALID,
    "unreadable": Ending.CARD_UNREADABLE,
    "timeout": Ending.CARD_READ_TIMEOUT,
    "device_fault": Ending.DEVICE_FAULT,  # pcscd or the reader failed: the kiosk's fault, not the citizen's
}


def start_reading(j: Journey) -> list[Effect]:
    """Entering READING: the card thread reads the text, then the photo."""
    return [fx.ReadCard()]


def inserted(j: Journey, e: ev.CardInserted) -> Move:
    return Go(S.READING)


def text_read(j: Journey, e: ev.CardTextRead) -> Move:
    """The text is there: the checks need no device, so they run at once."""
    s = j.require_session()
    s.evidence.card = e.text
    problem = card_problem(e.text, j.today())
    return End(problem) if problem is not None else Go(S.FACE)


def read_failed(j: Journey, e: ev.CardReadFailed) -> Move:
    return End(READ_FAILURES[e.reason])
