"""The states of a citizen session, each declared once in `STATES`: the screen that shows it
(`ui/screens/<screen>.py`), its title and text, its place in the step indicator, how long it may
last and where it goes when that time is up, whether Cancel is offered, whether the inactivity
timer ("are you still there?") runs, and whether removing the card ends the session.

Which events each state answers, and where each answer may lead, is `kiosk.journey.machine.TRANSITIONS`.

A deadline is a number of seconds or the name of a `[flow]` setting (`card_read_timeout_s`, ...).
When it passes, the state ends the session with its `Ending`, or it handles the event named
(`Done`: as if the citizen touched Done; `DeadlinePassed`: see the state's transitions).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from kiosk.config import FlowSection
from kiosk.journey import events as ev
from kiosk.journey.endings import Ending

THANK_YOU_S = 6.0
"""Seconds the thank-you screen stays before the attract screen returns."""
RATING_S = 20.0
"""Seconds the rating is offered (then skipped, as if the citizen touched Skip)."""
PRINT_WAIT_S = 30.0
"""Longest wait for the receipt printer once the citizen has left the result screen."""
ISSUE_WAIT_S = 20.0
"""Longest wait for the card re-check + outbox transaction."""
RESULT_APP_S = 30.0
"""Seconds "open the app: it will confirm in a moment" stays (nothing to scan on it)."""


class StateName(StrEnum):
    IDLE = "idle"  # the attract screen; no session data exists
    CHOOSE_SERVICE = "choose_service"
    SCAN_APP = "scan_app"  # the camera reads the QR the citizen's app shows (before consent)
    CONSENT = "consent"
    INSERT_CARD = "insert_card"
    READING = "reading"
    FACE = "face"
    PHONE = "phone"
    OTP = "otp"
    ISSUING = "issuing"
    RESULT_QR = "result_qr"
    RESULT_SMS = "result_sms"
    RESULT_APP = "result_app"  # the app confirms by itself: "open the app"
    PRINTING = "printing"
    TAKE_CARD = "take_card"
    THANK_YOU = "thank_you"
    RATING = "rating"  # thank you, and an optional 1-5 rating of the service
    ERROR = "error"


FlowSetting = Literal["app_scan_timeout_s", "card_read_timeout_s", "face_timeout_s", "otp_timeout_s", "result_timeout_s",
                      "take_card_reminder_s", "countdown_s"]
Deadline = float | FlowSetting | None
Timeout = Ending | type[ev.Done] | type[ev.DeadlinePassed] | None


@dataclass(frozen=True, slots=True)
class State:
    screen: str
    title: str
    body: str | None
    step: int = 0
    deadline: Deadline = None
    on_timeout: Timeout = None
    cancel: bool = False
    idle_timer: bool = False
    needs_card: bool = False

    def seconds(self, flow: FlowSection) -> float | None:
        """The deadline in seconds under this `[flow]` config (None: the state has none)."""
        if isinstance(self.deadline, str):  # a FlowSetting: each names a field (tests check)
            return float(getattr(flow, self.deadline))
        return self.deadline


S = StateName
E = Ending
STEP_NAMES = ("steps.service", "steps.consent", "steps.card", "steps.face", "steps.phone", "steps.result")
"""The indicator's steps, as message codes of their names (the step of a state is its index + 1)."""
STEPS = len(STEP_NAMES)

# state           screen      title                 body               step deadline               on timeout          cancel idle   card
STATES: dict[StateName, State] = {
    S.IDLE:           State("idle",     "idle.title",           "idle.body",          0),
    S.CHOOSE_SERVICE: State("service",  "choose.title",         "choose.body",        1, None,                  None,               True,  True),
    S.SCAN_APP:       State("scan",     "scan_app.title",       "scan_app.body",      1, "app_scan_timeout_s",  ev.DeadlinePassed,  True,  False),
    S.CONSENT:        State("consent",  "consent.title",        "consent.body",       2, None,                  None,               True,  True),
    S.INSERT_CARD:    State("card",     "insert_card.title",    "insert_card.body",   3, None,                  None,               True,  True),
    S.READING:        State("card",     "reading.title",        "reading.body",       3, "card_read_timeout_s", E.CARD_READ_TIMEOUT, True, False, True),
    S.FACE:           State("face",     "face.title",           "face.body",          4, "face_timeout_s",      E.FACE_TIMEOUT,     True,  False, True),
    S.PHONE:          State("phone",    "phone.title",          "phone.body",         5, None,                  None,               True,  True,  True),
    S.OTP:            State("phone",    "otp.title",            "otp.body",           5, "otp_timeout_s",       E.OTP_TIMEOUT,      True,  True,  True),
    S.ISSUING:        State("result",   "issuing.title",        None,                 6, ISSUE_WAIT_S,          E.ISSUE_TIMEOUT,    False, False, True),
    S.RESULT_QR:      State("result",   "result_qr.title",      "result_qr.body",     6, "result_timeout_s",    ev.Done),
    S.RESULT_SMS:     State("result",   "result_sms.title",     "result_sms.body",    6, "result_timeout_s",    ev.Done),
    S.RESULT_APP:     State("result",   "result_app.title",     "result_app.body",    6, RESULT_APP_S,          ev.Done),
    S.PRINTING:       State("result",   "printing.title",       None,                 6, PRINT_WAIT_S,          ev.DeadlinePassed),
    S.TAKE_CARD:      State("farewell", "take_card.title",      None,                 6, "take_card_reminder_s", ev.DeadlinePassed),
    S.THANK_YOU:      State("farewell", "thank_you.title",      None,                 0, THANK_YOU_S,           ev.Done),
    S.RATING:         State("farewell", "rating.title",         "rating.body",        0, RATING_S,              ev.Done),
    S.ERROR:          State("error",    "error.title",          None,                 0, "countdown_s",         ev.Done),
}

# Derived views of the table, for the machine and the tests.
CANCELLABLE = frozenset(s for s, st in STATES.items() if st.cancel)
INTERACTIVE = frozenset(s for s, st in STATES.items() if st.idle_timer)
"""States in which the citizen is expected to touch the screen: the inactivity timer runs only
there. Device-bound states have their own deadlines, and so do the result screens (a citizen
scanning the QR with a phone does not touch the kiosk)."""
BEFORE_RESULT = frozenset(s for s, st in STATES.items() if st.needs_card)
"""States before the result exists: removing the card here ends the session."""
