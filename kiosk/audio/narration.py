"""What the kiosk says and plays as the screens change: a pure function of two views, so every
rule is tested without a sound card.

    narrate(before, view) -> [Say(cue, prompts, interrupt, if_silent)]
    alarm(view) -> "alarm1" | "alarm2" | None       the repeating card-left alarm, if any
    gain(view.volume) -> 0.25 ... 1.0

The rules:
- A new screen (or the language changed, or "say it again" was touched) stops what was being said
  and speaks the whole screen (`screen_prompts`): title, text, what went wrong and what to do,
  the current liveness challenge, the notices. A new screen that asks something of the citizen
  starts with the step chime; a verified result with the success notes; an error screen with the
  error notes; "take your card" with the attention note. Screens that only ask to wait (reading,
  issuing, printing) and the farewell are spoken without a cue.
- On the same screen, what newly appears is said: a new challenge, a refused number, a wrong
  code, a new text (interrupting: it replaces what was said), a new notice (after what is being
  said), the "are you still there?" and "cancel?" questions (attention note first), and the face
  step's live guidance, only when nothing else is being said.
- The attract screen is silent (a public place); arriving there silences what was playing.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.journey.states import StateName
from kiosk.journey.view import View
from kiosk.messages import Language

S = StateName

ASKING = frozenset({S.CHOOSE_SERVICE, S.SCAN_APP, S.CONSENT, S.INSERT_CARD, S.FACE, S.PHONE, S.OTP})
CUES: dict[StateName, str] = {**{s: "step" for s in ASKING}, S.RESULT_QR: "success", S.RESULT_SMS: "success",
                              S.RESULT_APP: "success",
                              S.ERROR: "error", S.TAKE_CARD: "attention"}
GAINS = (0.25, 0.4, 0.6, 0.8, 1.0)
"""The gain of each volume level 1-5 (about 4 dB apart)."""
ALARM_EVERY_S = {"alarm1": 6.0, "alarm2": 3.0}


@dataclass(frozen=True, slots=True)
class Say:
    language: Language
    cue: str | None = None
    prompts: tuple[str, ...] = ()
    interrupt: bool = True
    if_silent: bool = False


def gain(volume: int) -> float:
    return GAINS[min(len(GAINS), max(1, volume)) - 1]


def alarm(view: View) -> str | None:
    if view.state != S.TAKE_CARD:
        return None
    return "alarm2" if view.card_left else "alarm1" if view.reminder else None


def _overlay(view: View) -> tuple[str, ...]:
    if view.still_there:
        return ("still_there.title", "still_there.body")
    if view.confirm_cancel:
        return ("cancel.title", "cancel.body")
    if view.confirm_help:
        return ("ask_help.title", "ask_help.body")
    if view.more_time:
        return ("scan_app.more_time",)
    return ()


def screen_prompts(view: View) -> tuple[str, ...]:
    """Everything the screen says, in reading order (prompt ids)."""
    overlay = _overlay(view)
    if overlay:
        return overlay
    if view.state == S.IDLE:
        return ()
    if view.state == S.ERROR:
        parts: list[str | None] = [view.title, view.error, view.error_action]
    else:
        parts = ["face.greeting" if view.first_name else None, view.title, view.body]
    if view.state == S.CHOOSE_SERVICE:
        parts += [f"service.{s}" for s in view.services]
        parts += ["service.app_scan"] if "app_scan" in view.continuations else []
    parts += [view.challenge, view.phone_error, view.otp_error, view.otp_info, *view.notices]
    return tuple(p for p in parts if p)


_NEWS = ("body", "challenge", "phone_error", "otp_error", "otp_info")


def narrate(before: View | None, view: View) -> list[Say]:
    lang = view.language
    if view.state == S.IDLE:
        return [Say(lang)] if before is not None and before.state != S.IDLE else []
    new_screen = before is None or before.state != view.state
    if new_screen or before is None or before.language != lang or before.repeats != view.repeats:
        return [Say(lang, CUES.get(view.state) if new_screen else None, screen_prompts(view))]
    overlay = _overlay(view)
    if overlay != _overlay(before):
        return [Say(lang, "attention", overlay)] if overlay else [Say(lang)]
    out: list[Say] = []
    news = tuple(getattr(view, a) for a in _NEWS if getattr(view, a) and getattr(view, a) != getattr(before, a))
    if news:
        out.append(Say(lang, None, news))
    notices = tuple(n for n in view.notices if n not in before.notices)
    if notices:
        out.append(Say(lang, None, notices, interrupt=False))
    hint = view.camera_hint.code if view.camera_hint is not None else None
    if hint and hint != (before.camera_hint.code if before.camera_hint is not None else None) and not news:
        out.append(Say(lang, None, (hint,), interrupt=False, if_silent=True))
    return out
