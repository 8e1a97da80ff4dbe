"""The journey's three tables are complete and consistent (states, transitions, endings), the
machine refuses a handler that goes where its row does not say, and the package stays readable:
every module under 400 lines, no `Any`, the state table on one screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.config import FlowSection
from kiosk.journey import events as ev
from kiosk.journey import machine
from kiosk.journey.endings import Ending
from kiosk.journey.moves import Go
from kiosk.journey.states import STATES, StateName
from kiosk.messages import MESSAGES

from .drive import Drive

S = StateName
ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("kiosk/journey", "kiosk/runtime", "kiosk/devkit")


def test_every_state_has_one_row_and_a_transition_entry() -> None:
    assert set(STATES) == set(StateName) == set(machine.TRANSITIONS)


@pytest.mark.parametrize("state", list(StateName))
def test_each_row_is_consistent(state: StateName) -> None:
    row = STATES[state]
    assert row.title in MESSAGES and (row.body is None or row.body in MESSAGES)
    assert (ROOT / "ui" / "screens" / f"{row.screen}.py").exists()
    if isinstance(row.deadline, str):
        assert row.deadline in FlowSection.model_fields
    assert (row.deadline is None) == (row.on_timeout is None), "a deadline says where it goes, and only then"
    if isinstance(row.on_timeout, type):  # handled as an event: the state's transitions must have it
        assert row.on_timeout in machine.TRANSITIONS[state]
    for handler, targets in machine.TRANSITIONS[state].values():
        assert all(t == machine.END or t in StateName for t in targets), handler


def test_endings_say_what_happened_and_what_to_do() -> None:
    labels = [e.label for e in Ending]
    assert len(set(labels)) == len(labels)
    for e in Ending:
        assert (e.error is None) == (e.action is None), e
        for code in (e.error, e.action, e.farewell):
            assert code is None or code in MESSAGES, (e, code)
        assert (e.outcome == "verified") == (e is Ending.VERIFIED)
        assert (e.reason is None) == (e is Ending.VERIFIED)
        if e.receipt:  # a failure's receipt, or a referral's slip
            assert (e.outcome == "failed" or e.referral is not None) and e.error is not None, e


def test_a_handler_leading_outside_its_row_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    d = Drive().to(S.INSERT_CARD)
    row = dict(machine.TRANSITIONS[S.INSERT_CARD])
    row[ev.CardInserted] = (lambda j, e: Go(S.PHONE), (S.READING,))
    monkeypatch.setitem(machine.TRANSITIONS, S.INSERT_CARD, row)
    with pytest.raises(RuntimeError, match="not in the table"):
        d.flow.handle(ev.CardInserted(b"\x3b"), d.t)


def _python_files() -> list[Path]:
    return [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]


def test_modules_stay_small() -> None:
    big = {str(p.relative_to(ROOT)): n for p in _python_files() if (n := len(p.read_text().splitlines())) > 400}
    assert not big, big


def test_the_journey_has_no_any() -> None:
    found = [f"{p.relative_to(ROOT)}:{i}" for p in (ROOT / "kiosk" / "journey").rglob("*.py")
             for i, line in enumerate(p.read_text().splitlines(), 1)
             if re.search(r"\bAny\b", line.split("#")[0])]
    assert not found, found


def test_the_state_table_fits_one_screen() -> None:
    text = (ROOT / "kiosk" / "journey" / "states.py").read_text().splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith("STATES:"))
    end = next(i for i in range(start, len(text)) if text[i] == "}")
    assert end - start + 1 <= 20 and all(len(line) <= 160 for line in text[start - 1:end + 1])
