"""`Journey`: everything the session machine knows between two events (the state, its deadline,
the inactivity timer, the language, the session's data, what the attract screen must say), and
the few questions the steps ask of it. The handlers in `kiosk.journey.steps` read and change it
and answer with a `Move`; only `kiosk.journey.machine.Flow` changes the state.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

from kiosk.config import Config
from kiosk.journey.effects import Continuation, Effect, IssueRecord, RecordDraft
from kiosk.journey.endings import Ending
from kiosk.journey.session import ContinuationChoice, Session
from kiosk.journey.states import StateName
from kiosk.lockdown import simulated_devices
from kiosk.messages import Language

_CID = re.compile(r"^[0-9]{13}$")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Journey:
    def __init__(self, cfg: Config, *, wall: Callable[[], datetime] = utc_now) -> None:
        self.cfg = cfg
        self.wall = wall
        self.state: StateName = StateName.IDLE
        self.now = 0.0
        self.deadline: float | None = None
        self.last_touch = 0.0
        self.still_there_until: float | None = None
        self.language: Language = cfg.ui.language
        self.session: Session | None = None
        self.card_present = False
        self.notices: list[str] = []
        self.error: str | None = None
        self.error_action: str | None = None
        self.thank_you_body: str | None = None
        self.reminder = False
        self.card_left = False
        """TAKE_CARD: the reminder ran its time and staff were alerted (`CardLeft(True)`)."""
        self.volume = cfg.devices.audio.volume
        """The voice's loudness (1-5), the citizen's to change; back to the default each session."""
        self.repeats = 0
        """How many times "say it again" was touched this session (the voice replays on a change)."""
        self.printing = False
        self.out_of_service = False
        self.degraded: tuple[str, ...] = ()
        """What works less well today (message codes), said on the attract screen."""
        self.reader_fault = False
        self.confirming_cancel = False
        """Cancel was touched after consent: the screen asks whether to throw the session away."""
        self.confirming_help = False
        """"Get help" was touched after consent: the screen asks whether to end it and see staff."""
        self.rating_record: UUID | None = None
        """The record of the session that just ended, kept open for the citizen's rating (RATING)."""
        self.ended_reference: str | None = None
        """The reference of a session that ended with a referral (shown with where to go)."""
        self.rating: int | None = None
        """The score given on the rating screen (None: skipped, or not asked)."""
        self.last_ending: Ending | None = None
        """How the last session ended (what "take your card" and the receipt reminder show)."""
        self.simulated = cfg.kiosk.simulation or bool(simulated_devices(cfg))

    def require_session(self) -> Session:
        if self.session is None:  # a programming error: the table only routes here mid-session
            raise RuntimeError(f"no session in state {self.state}")
        return self.session

    def today(self) -> date:
        return self.wall().astimezone().date()

    def seconds_until(self, until: float | None) -> int | None:
        """Whole seconds left until a monotonic time, as a countdown shows them."""
        return None if until is None else max(0, math.ceil(until - self.now))

    def notice(self, code: str) -> None:
        if code not in self.notices:
            self.notices.append(code)

    def issue_when_ready(self) -> list[Effect]:
        """ISSUING signs the result once both the card's re-read id and the registry's answer are
        in (whichever comes second asks for it; each comes once)."""
        s = self.session
        if s is None or self.state != StateName.ISSUING or not s.rechecked or s.card_status_pending:
            return []
        return [IssueRecord(self.draft(Ending.VERIFIED))]

    def screen_continuation(self) -> ContinuationChoice:
        """The continuation of a citizen who does not show the app's QR: the first of `qr` and `sms`
        the kiosk offers (the config requires one of them)."""
        for offered in self.cfg.flow.offered_continuations(self.cfg.kiosk.profile):
            if offered == "qr" or offered == "sms":
                return offered
        return "qr"  # not reached: the config refuses a list without either

    def continuation(self) -> Continuation:
        """What the record says: `qr`, `app_scan` (with the request read), `sms` when the phone was
        verified (the link goes to it), else `none`."""
        s = self.session
        chosen = s.continuation if s is not None else self.screen_continuation()
        if chosen == "app_scan":
            return "app_scan" if s is not None and s.evidence.app_request else "none"
        if chosen == "qr":
            return "qr"
        return "sms" if s is not None and s.evidence.phone_verified else "none"

    def draft(self, ending: Ending) -> RecordDraft:
        s = self.require_session()
        return RecordDraft(
            session_id=s.id,
            purpose=s.purpose,
            ending=ending,
            created_at=self.wall(),
            evidence=s.evidence.snapshot(),
            continuation=self.continuation(),
            consent_version=self.cfg.flow.consent_version if s.evidence.consent_at else None,
        )

    def after_session(self) -> StateName:
        """Where a finished session goes: remind to take the card, else the rating (a session that
        reached the card) or thank you / the attract screen (straight back when it ended on the
        choice of service, before any data)."""
        if self.card_present:
            return StateName.TAKE_CARD
        if self.state in (StateName.CHOOSE_SERVICE, StateName.IDLE):
            return StateName.IDLE
        return self.after_card_taken()

    def after_card_taken(self) -> StateName:
        return StateName.RATING if self.rating_record is not None else StateName.THANK_YOU


def failure_receipt_possible(draft: RecordDraft) -> bool:
    """A failed session prints a receipt (what failed, what to do, its reference; never a QR)
    once the card text was read: the receipt names the citizen by masked id and first name.
    A referral (the citizen is sent to staff) always prints its slip, which names nobody.
    Aborted sessions (card removed or swapped, cancel, inactivity, consent declined) print none:
    the citizen has left or chose to stop, and a receipt left in the tray would show the next
    person someone else's masked id and name."""
    if draft.ending.referral is not None:
        return draft.ending.receipt
    card = draft.evidence.card
    return draft.ending.receipt and card is not None and _CID.match(card.cid) is not None
