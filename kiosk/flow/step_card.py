"""Insert card, reading (text first, photo in the background), card checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow import step_face
from kiosk.flow.checks import card_problem
from kiosk.flow.effects import Effect
from kiosk.flow.states import StateName as S

if TYPE_CHECKING:
    from kiosk.flow.machine import Flow

# failure reason -> (record outcome, record failure_reason, error message, what to do)
READ_FAILURES: dict[str, tuple[str, str, str, str]] = {
    "card_removed": ("aborted", "card_removed", "error.card_removed", "action.try_again"),
    "not_thai_id": ("failed", "card_invalid", "error.card_not_thai_id", "action.use_own_card"),
    "invalid_data": ("failed", "card_invalid", "error.card_invalid", "action.call_help"),
    "unreadable": ("failed", "card_unreadable", "error.card_unreadable", "action.retry_card"),
    "timeout": ("failed", "timeout", "error.card_unreadable", "action.retry_card"),
    "device_fault": ("failed", "device_fault", "error.device_fault", "action.try_later"),
}

CHECK_FAILURES: dict[str, tuple[str, str]] = {
    "card_invalid": ("error.card_invalid", "action.call_help"),
    "card_expired": ("error.card_expired", "action.renew_card"),
}


def inserted(f: Flow, e: ev.CardInserted) -> list[Effect]:
    f.go(S.READING, f.cfg.flow.card_read_timeout_s)
    return [fx.ReadCard()]


def text_read(f: Flow, e: ev.CardTextRead) -> list[Effect]:
    s = f.require_session()
    s.card = e.text
    s.atr = bytes(getattr(e.text, "atr", b"") or b"")
    f.go(S.CARD_CHECKS)
    problem = card_problem(e.text, f.today())
    if problem is not None:
        error, action = CHECK_FAILURES[problem]
        return f.fail(problem, error, action)
    return step_face.enter(f)


def read_failed(f: Flow, e: ev.CardReadFailed) -> list[Effect]:
    outcome, reason, error, action = READ_FAILURES.get(e.reason, READ_FAILURES["unreadable"])
    if outcome == "aborted":
        return f.abort(reason, error, action)
    return f.fail(reason, error, action)
