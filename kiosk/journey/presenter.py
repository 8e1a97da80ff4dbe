"""`build_view(flow)`: the `View` of the flow's current state (what each screen shows)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kiosk.journey.states import CANCELLABLE, StateName
from kiosk.journey.steps import phone as step_phone
from kiosk.journey.steps import result as step_result
from kiosk.journey.view import View

if TYPE_CHECKING:
    from kiosk.journey.machine import Flow

S = StateName

TITLES: dict[StateName, tuple[str, str | None]] = {
    S.IDLE: ("idle.title", "idle.body"),
    S.CHOOSE_SERVICE: ("choose.title", "choose.body"),
    S.CONSENT: ("consent.title", "consent.body"),
    S.INSERT_CARD: ("insert_card.title", "insert_card.body"),
    S.READING: ("reading.title", "reading.body"),
    S.CARD_CHECKS: ("card_checks.title", "reading.body"),
    S.FACE: ("face.title", "face.body"),
    S.PHONE: ("phone.title", "phone.body"),
    S.OTP: ("otp.title", "otp.body"),
    S.ISSUING: ("issuing.title", None),
    S.RESULT_QR: ("result_qr.title", "result_qr.body"),
    S.RESULT_SMS: ("result_sms.title", "result_sms.body"),
    S.PRINTING: ("printing.title", None),
    S.TAKE_CARD: ("take_card.title", None),
    S.THANK_YOU: ("thank_you.title", None),
    S.ERROR: ("error.title", None),
}


def build_view(f: Flow) -> View:
    state = f.state
    s = f.session
    title, body = TITLES[state]
    if state == S.RESULT_SMS and f.continuation() != "sms":
        body = "result_none.body"
    if state == S.THANK_YOU:
        body = f.thank_you_body
    out_of_service = state == S.IDLE and (f.out_of_service or f.reader_fault)
    if out_of_service:
        title, body = "out_of_service.title", "action.try_later"
    if state == S.FACE and s is not None and s.photo is None:
        body = "face.waiting_photo"
    if state == S.TAKE_CARD and f.reminder:
        body = "take_card.reminder"
    step, steps = f.step()
    still_there = f.still_there_until is not None
    countdown: int | None = None
    if still_there:
        countdown = f.countdown(f.still_there_until)
    elif state in (S.ERROR, S.THANK_YOU):
        countdown = f.countdown(f.deadline)
    face = state == S.FACE and s is not None
    return View(
        state=state,
        language=f.language,
        title=title,
        body=body,
        step=step,
        steps=steps,
        can_cancel=state in CANCELLABLE,
        still_there=still_there,
        countdown_s=countdown,
        purpose=s.purpose if s is not None else None,
        consent_version=f.cfg.flow.consent_version if state == S.CONSENT else None,
        first_name=f.first_name(),
        masked_phone=f.masked_phone(),
        face_preview=face,
        camera_hint=s.face_hint if face and s is not None else None,
        challenge=f"challenge.{s.face_challenge}" if face and s is not None and s.face_challenge else None,
        face_seconds_left=(
            math.ceil(s.face_seconds_left)
            if face and s is not None and s.face_seconds_left is not None
            else None
        ),
        phone_error=s.phone_error if s is not None and state == S.PHONE else None,
        otp_error=s.otp_error if s is not None and state == S.OTP else None,
        otp_attempts_left=s.otp_attempts_left if s is not None and state == S.OTP else None,
        otp_resend_in_s=step_phone.resend_in(f),
        busy=bool(s is not None and s.busy) or state == S.ISSUING,
        qr_text=s.qr.text if s is not None and s.qr is not None and state == S.RESULT_QR else None,
        display_code=s.qr.display_code if s is not None and s.qr is not None and state == S.RESULT_QR else None,
        qr_seconds_left=step_result.qr_seconds_left(f) if state == S.RESULT_QR else None,
        reference_code=s.reference_code if s is not None else None,
        printing=f.printing,
        notices=tuple(f.notices),
        error=f.error if state == S.ERROR else None,
        error_action=f.error_action if state == S.ERROR else None,
        reminder=f.reminder and state == S.TAKE_CARD,
        card_present=f.card_present,
        out_of_service=out_of_service,
        simulation=f.simulated,
        help_line=f"help.{f.cfg.kiosk.profile}",
    )
