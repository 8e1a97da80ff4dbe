"""`Flow`: the citizen session as a pure state machine. `handle(event, now) -> list[Effect]`;
`view` is what the screen shows. No threads, no I/O, no Qt: time comes in as `now` (monotonic
seconds) and wall-clock readings through the injected `wall` function, so tests drive every path.

How to read it: `TRANSITIONS` (bottom of this file) says which event each state reacts to, and
`TIMEOUTS` what happens when a state's deadline passes. The handlers live in one small module per
part of the journey (`step_start`, `step_card`, `step_face`, `step_phone`, `step_result`).
Events every state shares are handled here, in one place each:

- `CardRemoved`: before the result exists (reading ... issuing) it aborts the session
  (`card_removed`, an aborted record); on "take your card" it completes the session.
- `Cancel` (states in `CANCELLABLE`): ends the session politely (aborted record, `cancelled`).
- `Tick`: the inactivity timer ("are you still there?" after `flow.idle_timeout_s`, then a
  visible `flow.countdown_s` countdown), each state's own deadline, the QR refresh.
- `ToggleLanguage`, `Touch`, `StillHere`; `ChipPhotoRead` (arrives in the background).

Ending, by any path, goes through `end()`: a failed/aborted record (`WriteRecord`), the face
worker stopped, the session's personal data wiped (`Session.wipe`), then ERROR / TAKE_CARD /
THANK_YOU. A session writes a record once the citizen has chosen a service. A failed session
whose card text was read also prints a receipt saying what failed and what to do, without a QR
(`PrintReceipt(..., report=False)`: in the background, never holding up the error screen); an
aborted one prints none (`failure_receipt_possible`).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from kiosk import logs
from kiosk.config import Config
from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey import presenter as screens
from kiosk.journey.effects import Effect, Outcome, RecordDraft
from kiosk.journey.session import Session
from kiosk.journey.states import BEFORE_RESULT, CANCELLABLE, INTERACTIVE, STEP_OF, STEPS, StateName
from kiosk.journey.steps import card as step_card
from kiosk.journey.steps import face as step_face
from kiosk.journey.steps import phone as step_phone
from kiosk.journey.steps import result as step_result
from kiosk.journey.steps import start as step_start
from kiosk.journey.view import View, mask_phone
from kiosk.lockdown import simulated_devices
from kiosk.messages import Language

log = logs.get("flow")

S = StateName
Handler = Callable[["Flow", Any], list[Effect]]

THANK_YOU_S = 6.0
"""Seconds the thank-you screen stays before the attract screen returns."""
PRINT_WAIT_S = 30.0
"""Longest wait for the receipt printer once the citizen has left the result screen."""
ISSUE_WAIT_S = 20.0
"""Longest wait for the card re-check + outbox transaction."""


_CID = re.compile(r"^[0-9]{13}$")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def failure_receipt_possible(draft: RecordDraft) -> bool:
    """A failed session prints a receipt (what failed, what to do, its reference; never a QR)
    once the card text was read: the receipt names the citizen by masked id and first name.
    Aborted sessions (card removed or swapped, cancel, inactivity, consent declined) print none:
    the citizen has left or chose to stop, and a receipt left in the tray would show the next
    person someone else's masked id and name."""
    return draft.outcome == "failed" and _CID.match(str(getattr(draft.card, "cid", "") or "")) is not None


class Flow:
    def __init__(self, cfg: Config, *, wall: Callable[[], datetime] = _utc_now) -> None:
        self.cfg = cfg
        self.wall = wall
        self.state: StateName = S.IDLE
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
        self.printing = False
        self.out_of_service = False
        self.reader_fault = False
        self.simulated = cfg.kiosk.simulation or bool(simulated_devices(cfg))

    # ---------------------------------------------------------------- the entry point
    def handle(self, event: ev.Event, now: float) -> list[Effect]:
        self.now = now
        if isinstance(event, ev.Tick):
            return self._tick()
        if isinstance(event, ev.UserEvent):  # type: ignore[arg-type,misc]
            self._touched()
        if isinstance(event, ev.ToggleLanguage):
            self.language = "en" if self.language == "th" else "th"
            return []
        if isinstance(event, ev.Touch | ev.StillHere):
            return []
        if isinstance(event, ev.CardInserted):
            self.card_present = True
        if isinstance(event, ev.CardRemoved):
            self.card_present = False
            return self._card_removed()
        if isinstance(event, ev.ReaderFault | ev.ReaderRecovered):
            return self._reader(isinstance(event, ev.ReaderFault))
        if isinstance(event, ev.Cancel):
            return self.cancel() if self.state in CANCELLABLE else []
        if isinstance(event, ev.ChipPhotoRead):
            return step_face.photo_read(self, event)
        if isinstance(event, ev.ReceiptPrinted):
            return step_result.receipt_printed(self, event)
        handler = TRANSITIONS.get(self.state, {}).get(type(event))
        if handler is None:
            log.debug("event ignored", extra={"fields": {"state": self.state, "event": type(event).__name__}})
            return []
        return handler(self, event)

    # ---------------------------------------------------------------- helpers for the steps
    def go(self, state: StateName, timeout_s: float | None = None) -> None:
        log.info("state", extra={"fields": {"from": str(self.state), "to": str(state)}})
        self.state = state
        self.deadline = None if timeout_s is None else self.now + timeout_s
        self.last_touch = self.now
        self.still_there_until = None

    def today(self) -> date:
        return self.wall().astimezone().date()

    def _touched(self) -> None:
        self.last_touch = self.now
        self.still_there_until = None

    def require_session(self) -> Session:
        if self.session is None:  # a programming error: the table only routes here mid-session
            raise RuntimeError(f"no session in state {self.state}")
        return self.session

    def draft(self, outcome: Outcome, reason: str | None) -> RecordDraft:
        s = self.require_session()
        return RecordDraft(
            session_id=s.id,
            purpose=s.purpose,
            outcome=outcome,
            failure_reason=reason,
            created_at=self.wall(),
            card=s.card,
            atr=s.atr,
            photo_sha256=s.photo_sha256,
            face=s.face_result,
            phone_e164=s.phone_e164,
            phone_verified=s.phone_verified,
            phone_method="otp" if s.phone_verified else ("none" if s.phone_e164 else None),  # type: ignore[arg-type]
            continuation=self.continuation(),  # type: ignore[arg-type]
            consent_version=self.cfg.flow.consent_version if s.consent_at else None,
            consent_at=s.consent_at,
        )

    def continuation(self) -> str:
        s = self.session
        if self.cfg.kiosk.profile == "dga-smart-kiosk":
            return "qr"
        return "sms" if s is not None and s.phone_verified else "none"

    def end(
        self,
        outcome: Outcome | None,
        reason: str | None,
        *,
        error: str | None = None,
        action: str | None = None,
        body: str | None = None,
    ) -> list[Effect]:
        """End the session by any path: record, stop the face worker, wipe, then the next screen."""
        out: list[Effect] = []
        s = self.session
        if s is not None:
            if s.face_started:
                out.append(fx.StopFace())
            if outcome in ("failed", "aborted"):
                draft = self.draft(outcome, reason)
                record_id = uuid.uuid4()
                out.append(fx.WriteRecord(draft, record_id))
                if outcome == "failed" and failure_receipt_possible(draft):
                    # after WriteRecord: the storage thread writes the record before the
                    # receipt's outcome is noted on it (one FIFO owner thread)
                    out.append(fx.PrintReceipt(draft, record_id, None, None, error=error, action=action,
                                               report=False))
            s.wipe()
            self.session = None
        out.append(fx.SessionEnded(outcome, reason))
        self.error, self.error_action, self.thank_you_body = error, action, body
        if error is not None:
            self.go(S.ERROR, self.cfg.flow.countdown_s)
        elif self.printing:
            self.go(S.PRINTING, PRINT_WAIT_S)
        else:
            self.after_session()
        return out

    def after_session(self) -> None:
        """Where a finished session goes: remind to take the card, else say thank you / go idle."""
        if self.card_present:
            self.reminder = False
            self.go(S.TAKE_CARD, self.cfg.flow.take_card_timeout_s)
        elif self.state == S.CHOOSE_SERVICE or (self.state == S.IDLE):
            self.reset()
        else:
            self.go(S.THANK_YOU, THANK_YOU_S)

    def reset(self) -> None:
        """Back to the attract screen with nothing of the last session left."""
        self.go(S.IDLE)
        self.language = self.cfg.ui.language
        self.notices = []
        self.error = self.error_action = self.thank_you_body = None
        self.reminder = False

    def fail(self, reason: str, error: str, action: str) -> list[Effect]:
        return self.end("failed", reason, error=error, action=action)

    def abort(self, reason: str, error: str, action: str) -> list[Effect]:
        return self.end("aborted", reason, error=error, action=action)

    def cancel(self) -> list[Effect]:
        if self.session is None:
            return self.end(None, "cancelled")
        return self.end("aborted", "cancelled")

    # ---------------------------------------------------------------- shared events
    def _card_removed(self) -> list[Effect]:
        if self.state in BEFORE_RESULT:
            s = self.session
            if self.state == S.ISSUING and s is not None and s.rechecked:
                return []  # the commit is under way with the card checked; its outcome decides
            return self.abort("card_removed", "error.card_removed", "action.try_again")
        if self.state == S.TAKE_CARD:
            self.go(S.THANK_YOU, THANK_YOU_S)
        return []

    def _reader(self, fault: bool) -> list[Effect]:
        """The card reader failed (unplugged, pcscd gone) or came back. No new session starts
        while it is faulty; a session that still needs the card ends with a device fault."""
        self.reader_fault = fault
        if fault and self.state in BEFORE_RESULT | {S.INSERT_CARD}:
            return self.fail("device_fault", "error.device_fault", "action.try_later")
        return []

    def _tick(self) -> list[Effect]:
        now = self.now
        out: list[Effect] = []
        if self.state == S.RESULT_QR:
            out += step_result.maybe_refresh_qr(self)
        busy = self.session is not None and self.session.busy
        if self.state in INTERACTIVE and not busy:
            if self.still_there_until is None:
                if now - self.last_touch >= self.cfg.flow.idle_timeout_s:
                    self.still_there_until = now + self.cfg.flow.countdown_s
            elif now >= self.still_there_until:
                return out + self._inactive()
        if self.deadline is not None and now >= self.deadline:
            self.deadline = None
            timeout = TIMEOUTS.get(self.state)
            if timeout is not None:
                out += timeout(self)
        return out

    def _inactive(self) -> list[Effect]:
        self.still_there_until = None
        if self.session is None:
            return self.end(None, "timeout")
        return self.abort("timeout", "error.timeout", "action.try_again")

    # ---------------------------------------------------------------- the view
    def countdown(self, until: float | None) -> int | None:
        return None if until is None else max(0, math.ceil(until - self.now))

    @property
    def view(self) -> View:
        return screens.build_view(self)

    def first_name(self) -> str | None:
        s = self.session
        card = s.card if s is not None else None
        if card is None:
            return None
        first_en = str(getattr(getattr(card, "name_en", None), "first", "") or "")
        first_th = str(getattr(getattr(card, "name_th", None), "first", "") or "")
        if self.language == "en" and first_en:
            return first_en.title()
        return first_th or first_en or None

    def masked_phone(self) -> str | None:
        s = self.session
        return mask_phone(s.phone_national) if s is not None and s.phone_national else None

    def step(self) -> tuple[int, int]:
        index = STEP_OF.get(self.state, 0)
        return (index, STEPS) if index else (0, 0)


# ------------------------------------------------------------------ the transition table
TRANSITIONS: dict[StateName, dict[type, Handler]] = {
    S.IDLE:           {ev.Begin: step_start.begin, ev.CardInserted: step_start.begin},
    S.CHOOSE_SERVICE: {ev.ChooseService: step_start.choose},
    S.CONSENT:        {ev.ConsentAnswer: step_start.consent},
    S.INSERT_CARD:    {ev.CardInserted: step_card.inserted},
    S.READING:        {ev.CardTextRead: step_card.text_read, ev.CardReadFailed: step_card.read_failed},
    S.CARD_CHECKS:    {},  # transient: the checks are pure and run as the card text arrives
    S.FACE:           {ev.FaceProgressed: step_face.progressed, ev.FaceFinished: step_face.finished,
                       ev.FaceFailed: step_face.failed, ev.CardReadFailed: step_card.read_failed},
    S.PHONE:          {ev.PhoneEntered: step_phone.phone_entered, ev.OtpSent: step_phone.otp_sent,
                       ev.OtpSendFailed: step_phone.send_failed, ev.CardReadFailed: step_card.read_failed},
    S.OTP:            {ev.OtpEntered: step_phone.otp_entered, ev.OtpVerified: step_phone.verified,
                       ev.OtpRejected: step_phone.rejected, ev.ResendOtp: step_phone.resend,
                       ev.OtpSent: step_phone.otp_sent, ev.OtpSendFailed: step_phone.send_failed},
    S.ISSUING:        {ev.CardRechecked: step_result.rechecked, ev.Issued: step_result.issued,
                       ev.IssueFailed: step_result.issue_failed},
    S.RESULT_QR:      {ev.QrRefreshed: step_result.qr_refreshed, ev.Done: step_result.leave_result},
    S.RESULT_SMS:     {ev.Done: step_result.leave_result},
    S.PRINTING:       {},  # ReceiptPrinted is shared (printing also runs behind the result)
    S.TAKE_CARD:      {},  # CardRemoved is shared
    S.THANK_YOU:      {ev.Done: step_result.to_idle, ev.Begin: step_result.to_idle},
    S.ERROR:          {ev.Done: step_result.error_done},
}

TIMEOUTS: dict[StateName, Callable[[Flow], list[Effect]]] = {
    S.READING:   lambda f: f.fail("timeout", "error.card_unreadable", "action.retry_card"),
    S.FACE:      lambda f: f.fail("timeout", "error.face_timeout", "action.face_retry"),
    S.OTP:       lambda f: f.fail("timeout", "error.timeout", "action.try_again"),
    S.ISSUING:   lambda f: f.fail("device_fault", "error.issue_failed", "action.call_help"),
    S.RESULT_QR: step_result.leave_result,
    S.RESULT_SMS: step_result.leave_result,
    S.PRINTING:  step_result.printing_timeout,
    S.TAKE_CARD: step_result.take_card_reminder,
    S.THANK_YOU: step_result.to_idle,
    S.ERROR:     step_result.error_done,
}
