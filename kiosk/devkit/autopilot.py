"""A simulated citizen: drives one whole session through a running `SessionRuntime` by sending the
events a person would (touches, typing) and working the simulator (inserting and removing the
card), waiting for each screen as it comes. `kiosk demo`, `benchmarks/session.py` and the
runtime tests use it. Human think time is a parameter (0 = machine time only).

Errors: `AutopilotError` (a screen did not come in time; the message names the state awaited
and the state shown).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.journey import events as ev
from kiosk.journey.states import StateName
from kiosk.journey.view import View
from kiosk.runtime.session_runtime import SessionRuntime

S = StateName


class AutopilotError(Exception):
    """The session did not go where the simulated citizen expected."""


@dataclass
class Timeline:
    views: list[View] = field(default_factory=list)
    times: list[float] = field(default_factory=list)

    def first(self, state: StateName) -> View | None:
        return next((v for v in self.views if v.state == state), None)

    def time_of(self, state: StateName) -> float | None:
        return next((t for v, t in zip(self.views, self.times, strict=True) if v.state == state), None)


class Autopilot:
    def __init__(self, runtime: SessionRuntime, *, think_s: float = 0.0,
                 otp_source: Callable[[], str | None] | None = None,
                 on_view: Callable[[View], None] | None = None, continuation: str | None = None) -> None:
        self.rt = runtime
        self.continuation = continuation
        """What the citizen picks on the service screen (None: the kiosk's default; `app_scan`)."""
        self.wrong_qr_s = 0.0
        """With `app_scan`: seconds a payment QR is held up before the app's."""
        self.think_s = think_s
        self.otp_source = otp_source
        self.timeline = Timeline()
        self._cond = threading.Condition()
        self._forward = on_view
        runtime.on_view = self._seen

    def _seen(self, view: View) -> None:
        with self._cond:
            self.timeline.views.append(view)
            self.timeline.times.append(time.monotonic())
            self._cond.notify_all()
        if self._forward is not None:
            self._forward(view)

    @property
    def view(self) -> View:
        return self.rt.view

    def wait(self, predicate: Callable[[View], bool], what: str, timeout_s: float = 30.0) -> View:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                view = self.rt.view
                if predicate(view):
                    return view
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AutopilotError(f"waited {timeout_s:g} s for {what}; the screen shows {view.state}"
                                         + (f" ({view.error})" if view.error else ""))
                self._cond.wait(min(left, 0.1))

    def wait_state(self, *states: StateName, timeout_s: float = 30.0) -> View:
        return self.wait(lambda v: v.state in states, "/".join(states), timeout_s)

    def act(self, event: ev.Event) -> None:
        if self.think_s:
            time.sleep(self.think_s)
        self.rt.send(event)

    # ------------------------------------------------------------------ one citizen
    def start_session(self, *, profile: str = "normal", purpose: str = "ial_upgrade") -> View:
        """From the attract screen to the card read: touch, choose, agree, insert the card."""
        sim = self.rt.simulation
        if sim is None:
            raise AutopilotError("the runtime has no simulated devices")
        self.wait_state(S.IDLE)
        self.act(ev.Begin())
        self.wait_state(S.CHOOSE_SERVICE)
        self.act(ev.ChooseService(purpose, self.continuation))  # type: ignore[arg-type]
        if self.continuation == "app_scan":  # the citizen holds up the phone with the app's QR
            self.wait_state(S.SCAN_APP)
            if self.think_s:
                time.sleep(self.think_s)
            if self.wrong_qr_s:  # first a payment QR, by mistake: the camera keeps reading meanwhile
                sim.show_phone("payment")
                time.sleep(self.wrong_qr_s)
            if self.think_s:  # held too far at first: the kiosk says to come closer
                sim.show_phone("app", scale=0.3)
                self.wait(lambda v: v.camera_hint is not None or v.state != S.SCAN_APP, "guidance", timeout_s=10)
                time.sleep(self.think_s)
            sim.show_phone("app")
            self.wait_state(S.CONSENT, timeout_s=30)
            sim.show_phone("none")
        self.wait_state(S.CONSENT)
        self.act(ev.ConsentAnswer(True))
        self.wait_state(S.INSERT_CARD)
        if self.think_s:
            time.sleep(self.think_s)
        sim.insert_card(profile)
        return self.wait_state(S.READING, S.FACE, S.ERROR)

    def verify(self, *, profile: str = "normal", phone: str = "0812345678", purpose: str = "ial_upgrade",
               face_timeout_s: float = 60.0, take_card: bool = True) -> View:
        """A whole session up to the result screen (QR or SMS); returns the result view."""
        self.start_session(profile=profile, purpose=purpose)
        view = self.wait_state(S.PHONE, S.ERROR, timeout_s=face_timeout_s)
        if view.state == S.ERROR:
            return view
        return self.phone(phone)

    def phone(self, phone: str = "0812345678") -> View:
        """On the phone screen: the number, then the code the server sent; returns the view after."""
        self.act(ev.PhoneEntered(phone))
        view = self.wait_state(S.OTP, S.ISSUING, S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP, S.ERROR)
        if view.state == S.OTP:
            code = self.otp_source() if self.otp_source is not None else None
            if code is None:
                raise AutopilotError("no one-time code to type (no SMS from the server)")
            self.act(ev.OtpEntered(code))
        return self.wait_state(S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP, S.ERROR)

    def finish(self, *, wait_print: bool = True, rating: int | None = None) -> View:
        """Done on the result (or error) screen, take the card, rate the service (`rating`, 1-5)
        or skip it, back to idle."""
        if wait_print:
            self.wait(lambda v: not v.printing, "the receipt to print")
        if self.view.state not in (S.THANK_YOU, S.RATING):
            self.act(ev.Done())
        view = self.wait_state(S.TAKE_CARD, S.THANK_YOU, S.RATING, S.IDLE)
        sim = self.rt.simulation
        if view.state == S.TAKE_CARD and sim is not None:
            if self.think_s:
                time.sleep(self.think_s)
            sim.remove_card()
            view = self.wait_state(S.THANK_YOU, S.RATING, S.IDLE)
        if view.state == S.RATING:
            self.act(ev.Rate(rating) if rating is not None else ev.Done())
        elif view.state == S.THANK_YOU:
            self.act(ev.Done())
        return self.wait_state(S.IDLE)
