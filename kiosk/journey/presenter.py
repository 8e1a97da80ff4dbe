"""`present(journey) -> View`: what the screen shows in the journey's current state. The screen,
title and text of each state come from `kiosk.journey.states.STATES`; the rest from the session,
reduced for display (first name only, a masked phone number)."""

from __future__ import annotations

import math

from kiosk.face.guide import guide
from kiosk.journey.context import Journey
from kiosk.journey.endings import Ending
from kiosk.journey.session import Session
from kiosk.journey.states import STATES, STEPS, StateName
from kiosk.journey.view import View, mask_phone
from kiosk.messages import Message

S = StateName


def present(j: Journey) -> View:
    state = j.state
    s = j.session
    row = STATES[state]
    title, body = row.title, row.body
    if state == S.RESULT_SMS and j.continuation() != "sms":
        body = "result_none.body"
    if state == S.THANK_YOU:
        body = j.thank_you_body
    out_of_service = state == S.IDLE and (j.out_of_service or j.reader_fault)
    if out_of_service:
        title, body = "out_of_service.title", "action.try_later"
    if state == S.FACE and s is not None and s.photo is None:
        body = "face.waiting_photo"
    if state == S.TAKE_CARD and j.reminder:
        body = "take_card.reminder"
    still_there = j.still_there_until is not None
    countdown = total = None
    if still_there:
        countdown, total = j.seconds_until(j.still_there_until), j.cfg.flow.countdown_s
    elif s is not None and state == S.SCAN_APP and s.asking_more_time:
        countdown, total = j.seconds_until(j.deadline), j.cfg.flow.countdown_s
    elif state in (S.ERROR, S.THANK_YOU, S.RATING):
        countdown, seconds = j.seconds_until(j.deadline), row.seconds(j.cfg.flow)
        total = round(seconds) if seconds is not None else None
    face = s if state == S.FACE else None
    qr = s.qr if s is not None and state == S.RESULT_QR else None
    result = state == S.RESULT_QR  # the time left to scan (an SMS link needs no waiting here)
    # After a session that did not end verified, "take your card" shows no finished journey.
    step = row.step if state != S.TAKE_CARD or j.last_ending is Ending.VERIFIED else 0
    camera = j.cfg.devices.camera
    oval = guide(j.cfg.face, camera.width, camera.height) if face is not None else None
    return View(
        state=state,
        language=j.language,
        title=title,
        body=body,
        step=step,
        steps=STEPS if step else 0,
        can_cancel=row.cancel,
        still_there=still_there,
        countdown_s=countdown,
        countdown_total_s=total,
        purpose=s.purpose if s is not None else None,
        consent_version=j.cfg.flow.consent_version if state == S.CONSENT else None,
        privacy_notice_url=(j.cfg.ui.privacy_notice_url or None) if state == S.CONSENT else None,
        first_name=first_name(s, j.language) if state == S.FACE else None,
        masked_phone=mask_phone(s.phone_national) if s is not None and s.phone_national else None,
        face_preview=face is not None,
        camera_hint=(face.face_hint if face is not None
                     else s.scan_hint if s is not None and state == S.SCAN_APP else None),
        scan_preview=state == S.SCAN_APP,
        more_time=bool(s is not None and state == S.SCAN_APP and s.asking_more_time),
        continuations=tuple(j.cfg.flow.offered_continuations(j.cfg.kiosk.profile)) if state == S.CHOOSE_SERVICE else ("qr",),
        challenge=f"challenge.{face.face_challenge}" if face is not None and face.face_challenge else None,
        face_seconds_left=(math.ceil(face.face_seconds_left)
                           if face is not None and face.face_seconds_left is not None else None),
        phone_error=s.phone_error if s is not None and state == S.PHONE else None,
        otp_error=s.otp_error if s is not None and state == S.OTP else None,
        otp_attempts_left=s.otp_attempts_left if s is not None and state == S.OTP else None,
        otp_info=s.otp_info if s is not None and state == S.OTP else None,
        confirm_cancel=j.confirming_cancel and row.cancel,
        confirm_help=j.confirming_help and row.cancel,
        counter=(_counter(j) if state == S.ERROR and j.last_ending is not None and j.last_ending.referral
                 else None),
        otp_resend_in_s=_resend_in(j, s),
        busy=bool(s is not None and s.busy) or state == S.ISSUING,
        qr_text=qr.text if qr is not None else None,
        display_code=qr.display_code if qr is not None else None,
        qr_seconds_left=(j.seconds_until(s.qr_expires_mono)
                         if s is not None and state == S.RESULT_QR and s.qr_expires_mono is not None else None),
        result_seconds_left=j.seconds_until(j.deadline) if result else None,
        result_total_s=j.cfg.flow.result_timeout_s if result else None,
        face_guide=(oval.cx, oval.cy, oval.w, oval.h) if oval is not None else None,
        bring=f"idle.bring.{j.cfg.kiosk.profile}" if state == S.IDLE and not out_of_service else None,
        reference_code=(s.reference_code if s is not None
                        else j.ended_reference if state == S.ERROR else None),
        printing=j.printing,
        notices=tuple(j.degraded) if state == S.IDLE and not out_of_service else tuple(j.notices),
        error=j.error if state == S.ERROR else None,
        error_action=j.error_action if state == S.ERROR else None,
        reminder=j.reminder and state == S.TAKE_CARD,
        card_left=j.card_left and state == S.TAKE_CARD,
        sound=j.cfg.devices.audio.backend != "off",
        volume=j.volume,
        repeats=j.repeats,
        card_present=j.card_present,
        out_of_service=out_of_service,
        simulation=j.simulated,
        help_line=f"help.{j.cfg.kiosk.profile}",
    )


def _counter(j: Journey) -> Message:
    kiosk = j.cfg.kiosk
    return Message("kiosk.counter", kiosk.counter_th, kiosk.counter_en)


def first_name(s: Session | None, language: str) -> str | None:
    """The citizen's first name in the screen's language (the Thai one when there is no English
    name), shown on the face screen so the citizen sees that the card was read."""
    card = s.card if s is not None else None
    if card is None:
        return None
    if language == "en" and card.name_en.first:
        return card.name_en.first.title()
    return card.name_th.first or card.name_en.first or None


def _resend_in(j: Journey, s: Session | None) -> int | None:
    """Seconds until "send again" is allowed (OTP screen), or until a new code may be asked for
    after the server said "too soon" (phone screen)."""
    if s is None or j.state not in (S.PHONE, S.OTP):
        return None
    left = max(0, math.ceil(s.otp_resend_at - j.now))
    return left if j.state == S.OTP or left > 0 else None
