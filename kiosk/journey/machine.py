"""`Flow`: the citizen session as a pure state machine. `handle(event, now) -> list[Effect]`;
`view` is what the screen shows. No threads, no I/O, no Qt: time comes in as `now` (monotonic
seconds) and wall-clock readings through the injected `wall` function, so tests drive every path.

How to read it, in three tables:
- `kiosk.journey.states.STATES`: each state's screen, step, deadline and where its timeout goes;
- `TRANSITIONS` (below): the events each state answers, the handler, and where it may lead;
- `kiosk.journey.endings.Ending`: every way a session ends and what follows from each.
`ANYTIME` lists the events every state answers alike; `ON_ENTER` what entering a state asks for.

Handlers (one small module per part of the journey, `kiosk.journey.steps.*`) answer with a
`Move`: `Go(state)`, `Stay(effects)` or `End(ending)`. Ending, by any path, goes through `end()`:
the record of a failed/aborted session (`WriteRecord`), a failure receipt where the ending has
one, the face worker stopped, the session's personal data wiped (`Session.wipe`), then ERROR /
PRINTING / TAKE_CARD / THANK_YOU / IDLE. A session writes a record once the citizen has chosen a
service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from kiosk import logs
from kiosk.config import Config
from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey import presenter
from kiosk.journey.context import Journey, failure_receipt_possible, utc_now
from kiosk.journey.effects import Effect
from kiosk.journey.endings import Ending
from kiosk.journey.moves import End, Go, Move, Stay
from kiosk.journey.states import INTERACTIVE, STATES, StateName
from kiosk.journey.steps import anytime, card, face, phone, result, scan, start
from kiosk.journey.view import View
from kiosk.reference import reference_code

log = logs.get("flow")

S = StateName
Handler = Callable[..., Move]  # (journey, the event its row names) -> Move
END = "end"  # a handler that may end the session (any Ending; see kiosk.journey.endings)

# state            event                 handler                 may go to
TRANSITIONS: dict[StateName, dict[type, tuple[Handler, tuple[StateName | str, ...]]]] = {
    S.IDLE:           {ev.Begin:          (start.begin,            (S.CHOOSE_SERVICE,)),
                       ev.CardInserted:   (start.begin,            (S.CHOOSE_SERVICE,))},
    S.CHOOSE_SERVICE: {ev.ChooseService:  (start.choose,           (S.CONSENT, S.SCAN_APP))},
    S.SCAN_APP:       {ev.AppQrSeen:      (scan.seen,              (S.CONSENT,)),
                       ev.ForeignQrSeen:  (scan.foreign,           ()),
                       ev.ScanGuidance:   (scan.guidance,          ()),
                       ev.SkipAppScan:    (scan.skip,              (S.CONSENT,)),
                       ev.AppScanFailed:  (scan.failed,            (END,)),
                       ev.DeadlinePassed: (scan.time_up,           (END,)),
                       ev.MoreTime:       (scan.more_time,         (END,))},
    S.CONSENT:        {ev.ConsentAnswer:  (start.consent,          (S.INSERT_CARD, S.READING, END))},
    S.INSERT_CARD:    {ev.CardInserted:   (card.inserted,          (S.READING,))},
    S.READING:        {ev.CardTextRead:   (card.text_read,         (S.FACE, END)),
                       ev.CardReadFailed: (card.read_failed,       (END,))},
    S.FACE:           {ev.FaceProgressed: (face.progressed,        ()),
                       ev.FaceFinished:   (face.finished,          (S.PHONE, END)),
                       ev.FaceFailed:     (face.failed,            (END,)),
                       ev.CardReadFailed: (card.read_failed,       (END,))},
    S.PHONE:          {ev.PhoneEntered:   (phone.phone_entered,    ()),
                       ev.NoPhone:        (phone.no_phone,         (END,)),
                       ev.OtpSent:        (phone.otp_sent,         (S.OTP,)),
                       ev.OtpSendFailed:  (phone.send_failed,      (S.ISSUING, END)),
                       ev.CardReadFailed: (card.read_failed,       (END,))},
    S.OTP:            {ev.OtpEntered:     (phone.otp_entered,      ()),
                       ev.OtpVerified:    (phone.verified,         (S.ISSUING,)),
                       ev.OtpRejected:    (phone.rejected,         (S.ISSUING, END)),
                       ev.ResendOtp:      (phone.resend,           ()),
                       ev.ChangeNumber:   (phone.change_number,    (S.PHONE,)),
                       ev.OtpSent:        (phone.otp_sent,         ()),
                       ev.OtpSendFailed:  (phone.send_failed,      (S.PHONE, S.ISSUING, END))},
    S.ISSUING:        {ev.CardRechecked:  (result.rechecked,       (END,)),
                       ev.Issued:         (result.issued,          (S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP)),
                       ev.IssueFailed:    (result.issue_failed,    (END,))},
    S.RESULT_QR:      {ev.QrRefreshed:    (result.qr_refreshed,    ()),
                       ev.Done:           (result.leave_result,    (END,))},
    S.RESULT_SMS:     {ev.Done:           (result.leave_result,    (END,))},
    S.RESULT_APP:     {ev.Done:           (result.leave_result,    (END,))},
    S.PRINTING:       {ev.DeadlinePassed: (result.printing_timeout, (S.TAKE_CARD, S.THANK_YOU))},
    S.TAKE_CARD:      {ev.DeadlinePassed: (result.take_card_reminder, ())},
    S.THANK_YOU:      {ev.Done:           (result.to_idle,         (S.IDLE,)),
                       ev.Begin:          (result.to_idle,         (S.IDLE,))},
    S.RATING:         {ev.Rate:           (result.rate,            (S.IDLE,)),
                       ev.Done:           (result.skip_rating,     (S.IDLE,))},
    S.ERROR:          {ev.Done:           (result.error_done,      (S.TAKE_CARD, S.RATING, S.IDLE))},
}

# Answered the same way whatever the state (before the table above is looked at).
ANYTIME: dict[type, Handler] = {
    ev.CardRemoved: anytime.card_removed,
    ev.ReaderFault: anytime.reader,
    ev.ReaderRecovered: anytime.reader,
    ev.Cancel: anytime.cancel,
    ev.ConfirmCancel: anytime.confirm_cancel,
    ev.AskForHelp: anytime.ask_for_help,
    ev.ConfirmHelp: anytime.confirm_help,
    ev.CardStatusAnswered: card.status_answered,
    ev.CardStatusUnavailable: card.status_unavailable,
    ev.ToggleLanguage: anytime.toggle_language,
    ev.RepeatPrompt: anytime.repeat_prompt,
    ev.ChangeVolume: anytime.change_volume,
    ev.ChipPhotoRead: face.photo_read,
    ev.ReceiptPrinted: result.receipt_printed,
}

ON_ENTER: dict[StateName, Callable[[Journey], list[Effect]]] = {
    S.SCAN_APP: scan.enter,
    S.READING: card.start_reading,
    S.FACE: face.enter,
    S.ISSUING: result.start_issuing,
}


class Flow(Journey):
    def __init__(self, cfg: Config, *, wall: Callable[[], datetime] = utc_now) -> None:
        super().__init__(cfg, wall=wall)

    # ---------------------------------------------------------------- the entry point
    def handle(self, event: ev.Event, now: float) -> list[Effect]:
        self.now = now
        if isinstance(event, ev.Tick):
            return self._tick()
        if isinstance(event, ev.UserEvent):  # type: ignore[arg-type,misc]
            self.last_touch = self.now
            self.still_there_until = None
        if isinstance(event, ev.Touch | ev.StillHere):
            return []
        if isinstance(event, ev.CardInserted):
            anytime.card_inserted(self, event)
        if isinstance(event, ev.CardInserted | ev.Begin) and self.state == S.RATING:
            # the next citizen: the last one's rating is skipped, and their session begins
            return self.enter(S.IDLE) + self._dispatch(event)
        shared = ANYTIME.get(type(event))
        if shared is not None:
            return self.apply(shared(self, event))
        return self._dispatch(event)

    def _dispatch(self, event: ev.Event) -> list[Effect]:
        row = TRANSITIONS[self.state].get(type(event))
        if row is None:
            log.debug("event ignored", extra={"fields": {"state": self.state, "event": type(event).__name__}})
            return []
        handler, targets = row
        move = handler(self, event)
        if (isinstance(move, Go) and move.to not in targets) or (isinstance(move, End) and END not in targets):
            raise RuntimeError(f"{handler.__qualname__} in {self.state} led to {move}, not in the table")
        return self.apply(move)

    def apply(self, move: Move) -> list[Effect]:
        if isinstance(move, Stay):
            return list(move.effects)
        if isinstance(move, End):
            return self.end(move.ending)
        return list(move.effects) + self.enter(move.to)

    def enter(self, state: StateName) -> list[Effect]:
        log.info("state", extra={"fields": {"from": str(self.state), "to": str(state)}})
        self.state = state
        seconds = STATES[state].seconds(self.cfg.flow)
        self.deadline = None if seconds is None else self.now + seconds
        self.last_touch = self.now
        self.still_there_until = None
        out: list[Effect] = []
        if state == S.IDLE:  # the attract screen keeps nothing of the last session
            if self.rating_record is not None:  # its rating (or none) onto the record, made final
                out.append(fx.CloseRecord(self.rating_record, self.rating))
            self.rating_record = self.rating = None
            self.confirming_help = False
            self.language = self.cfg.ui.language
            self.notices = []
            self.error = self.error_action = self.thank_you_body = None
            self.reminder = self.card_left = False
            self.last_ending = None
            self.volume, self.repeats = self.cfg.devices.audio.volume, 0  # the next citizen's own
        elif state == S.TAKE_CARD:
            self.reminder = self.card_left = False
        entry = ON_ENTER.get(state)
        return out + (entry(self) if entry is not None else [])

    # ---------------------------------------------------------------- how a session ends
    def end(self, ending: Ending) -> list[Effect]:
        """End the session by any path: record, stop the face worker, wipe, then the next screen."""
        out: list[Effect] = []
        s = self.session
        self.ended_reference = None
        if s is not None:
            if s.face_started:
                out.append(fx.StopFace())
            if s.scanning:
                out.append(fx.StopAppScan())
            record_id = s.record_id
            if ending is not Ending.VERIFIED:
                draft = self.draft(ending)
                record_id = uuid.uuid4()
                out.append(fx.WriteRecord(draft, record_id))
                if failure_receipt_possible(draft):
                    # after WriteRecord: the storage thread writes the record before the
                    # receipt's outcome is noted on it (one FIFO owner thread)
                    out.append(fx.PrintReceipt(draft, record_id, report=False))
                if ending.referral is not None:
                    self.ended_reference = reference_code(record_id)
            if s.evidence.card is not None and record_id is not None:  # reached the card: rated
                self.rating_record = record_id
            s.wipe()
            self.session = None
        out.append(fx.SessionEnded(ending, recorded=s is not None, final=self.rating_record is None))
        self.confirming_cancel = self.confirming_help = False
        self.last_ending = ending
        # Before the citizen chose a service there is nothing to report: no error screen, unless
        # the citizen asked for staff (where to go is shown all the same).
        error = ending.error if s is not None or ending.referral is not None else None
        self.error, self.error_action = (error, ending.action) if error is not None else (None, None)
        self.thank_you_body = ending.farewell
        if error is not None:
            return out + self.enter(S.ERROR)
        if self.printing:
            return out + self.enter(S.PRINTING)
        return out + self.enter(self.after_session())

    # ---------------------------------------------------------------- time
    def _tick(self) -> list[Effect]:
        now = self.now
        out: list[Effect] = []
        if self.state == S.RESULT_QR:
            out += result.maybe_refresh_qr(self)
        busy = self.session is not None and self.session.busy
        if self.state in INTERACTIVE and not busy:
            if self.still_there_until is None:
                if now - self.last_touch >= self.cfg.flow.idle_timeout_s:
                    self.still_there_until = now + self.cfg.flow.countdown_s
            elif now >= self.still_there_until:
                self.still_there_until = None
                return out + self.end(Ending.INACTIVE)
        if self.deadline is not None and now >= self.deadline:
            self.deadline = None
            timeout = STATES[self.state].on_timeout
            if isinstance(timeout, Ending):
                out += self.end(timeout)
            elif timeout is not None:
                out += self._dispatch(timeout())
        return out

    # ---------------------------------------------------------------- the view
    @property
    def view(self) -> View:
        return presenter.present(self)
