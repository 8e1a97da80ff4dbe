"""Insert card, reading (text first, photo in the background), card checks, and the registry's
card-status check: asked in the background as the citizen moves on to the face step; an
`abnormal` answer ends the session at once, an unavailable registry follows the configured policy,
and issuing waits for the answer (`Journey.issue_when_ready`)."""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.checks import card_problem
from kiosk.journey.context import Journey
from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.moves import STAY, End, Go, Move, Stay
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
    """Entering READING: the card thread reads the text (with the laser and chip ids when the
    card-status check sends them), then the photo."""
    return [fx.ReadCard(chip_ids=j.cfg.flow.card_status == "check")]


def inserted(j: Journey, e: ev.CardInserted) -> Move:
    return Go(S.READING)


def text_read(j: Journey, e: ev.CardTextRead) -> Move:
    """The text is there: the checks need no device, so they run at once."""
    s = j.require_session()
    s.evidence.card = e.text
    problem = card_problem(e.text, j.today())
    return End(problem) if problem is not None else Go(S.FACE, check_status(j))


def check_status(j: Journey) -> tuple[Effect, ...]:
    """Ask the registry about the card now, while the citizen goes on (or record `skipped`)."""
    s = j.require_session()
    card = s.evidence.card
    if j.cfg.flow.card_status == "skip" or card is None:
        s.evidence.card_status = "skipped"
        return ()
    s.card_status_pending = True
    return (fx.CheckCardStatus(s.id, card.cid, card.request_number, card.laser_id, card.chip_id),)


def status_answered(j: Journey, e: ev.CardStatusAnswered) -> Move:
    """The registry's answer, in whichever state the citizen has reached."""
    s = j.session
    if s is None or not s.card_status_pending:
        return STAY
    s.card_status_pending = False
    s.evidence.card_status, s.evidence.card_status_at = e.status, e.checked_at
    if e.status == "abnormal":
        return End(Ending.CARD_STATUS_ABNORMAL)
    return Stay(tuple(j.issue_when_ready()))


def status_unavailable(j: Journey, e: ev.CardStatusUnavailable) -> Move:
    """No answer from the registry (or the server): the configured policy decides."""
    s = j.session
    if s is None or not s.card_status_pending:
        return STAY
    s.card_status_pending = False
    if j.cfg.flow.card_status_offline_policy == "end":
        return End(Ending.CARD_STATUS_UNAVAILABLE)
    s.evidence.card_status = "unchecked"
    return Stay(tuple(j.issue_when_ready()))


def read_failed(j: Journey, e: ev.CardReadFailed) -> Move:
    return End(READ_FAILURES[e.reason])
