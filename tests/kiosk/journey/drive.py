"""A driver for the pure session flow: a fake clock, a real CardText, the happy path step by step."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

from stdnum.th import pin as thai_pin

from drivers.card.model import Address, CardText, Name, PartialDate
from kiosk.config import Config, with_overrides
from kiosk.face.result import FaceResult, LivenessResult
from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.machine import Flow
from kiosk.journey.states import StateName as S
from kiosk.journey.view import View
from kiosk.messages import msg

START = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 10:00 in Bangkok


def valid_cid(body: str = "110170020345") -> str:
    return body + thai_pin.calc_check_digit(body)


def card_text(*, cid: str | None = None, expiry: date | None = date(2030, 5, 1),
              atr: bytes = bytes.fromhex("3B7896000029")) -> CardText:
    return CardText(
        atr=atr,
        cid=cid or valid_cid(),
        name_th=Name("นาย", "สมชาย", "", "ใจดี"),
        name_en=Name("Mr.", "SOMCHAI", "", "JAIDEE"),
        date_of_birth=PartialDate(1980, 4, 12),
        gender="male",
        issuer="กรุงเทพมหานคร",
        issue_date=date(2022, 5, 2),
        expiry_date=expiry,
        request_number="1234-56-789012",
        photo_number="12345678",
        address=Address(house_no="99/1", province="กรุงเทพมหานคร"),
    )


def FaceOutcome(match: bool = True, failure: str | None = None) -> FaceResult:  # noqa: N802 (reads as a value)
    return FaceResult("dlib-resnet-v1", 0.35 if match else 0.82, 0.5, match, 1,
                      LivenessResult("active-challenge", failure != "liveness_failed", ["blink"]),
                      failure)  # type: ignore[arg-type]


class Drive:
    def __init__(self, **sections: dict[str, Any]) -> None:
        cfg = with_overrides(Config(), **sections) if sections else Config()
        self.t = 1000.0
        self.flow = Flow(cfg, wall=lambda: START + timedelta(seconds=self.t - 1000.0))
        self.card = card_text()
        self.photo = bytearray(b"\xff\xd8JPEG-chip-photo\xff\xd9")
        self.effects: list[fx.Effect] = []
        self.record_id = uuid4()
        self.answer_status = True
        """`to()` has the registry answer `normal` as soon as the card is read."""

    # -- sending
    def send(self, event: ev.Event) -> list[fx.Effect]:
        out = self.flow.handle(event, self.t)
        self.effects += out
        check_view(self.flow.view)
        return out

    def cancel(self) -> list[fx.Effect]:
        """Cancel, and yes when asked (after consent the kiosk asks before throwing a session away)."""
        out = self.send(ev.Cancel())
        if self.flow.view.confirm_cancel:
            out += self.send(ev.ConfirmCancel(True))
        return out

    def advance(self, seconds: float, step: float = 0.25) -> list[fx.Effect]:
        out: list[fx.Effect] = []
        end = self.t + seconds
        while self.t < end - 1e-9:
            self.t = min(end, self.t + step)
            out += self.send(ev.Tick())
        return out

    @property
    def state(self) -> S:
        return self.flow.state

    @property
    def view(self) -> View:
        return self.flow.view

    def records(self) -> list[fx.RecordDraft]:
        return [e.draft for e in self.effects if isinstance(e, fx.WriteRecord)]

    # -- the happy path, stopping at a state
    def to(self, target: S) -> Drive:
        if target == S.SCAN_APP:  # the service screen's "I have a QR in the app"
            self.to(S.CHOOSE_SERVICE).send(ev.ChooseService("ial_upgrade", "app_scan"))
            assert self.state == target, f"{self.state} != {target}"
            return self
        order = [S.CHOOSE_SERVICE, S.CONSENT, S.INSERT_CARD, S.READING, S.FACE, S.PHONE, S.OTP,
                 S.ISSUING, S.RESULT_QR]
        steps: dict[S, Any] = {
            S.CHOOSE_SERVICE: lambda: self.send(ev.Begin()),
            S.CONSENT: lambda: self.send(ev.ChooseService("ial_upgrade")),
            S.INSERT_CARD: lambda: self.send(ev.ConsentAnswer(True)),
            S.READING: lambda: self.send(ev.CardInserted(self.card.atr)),
            S.FACE: lambda: (self.send(ev.CardTextRead(self.card)), self.send(ev.ChipPhotoRead(self.photo)),
                             self.answer_status and self.send(ev.CardStatusAnswered("normal", START))),
            S.PHONE: lambda: self.send(ev.FaceFinished(FaceOutcome())),
            S.OTP: lambda: (self.send(ev.PhoneEntered("0812345678")), self.send(ev.OtpSent("otp-1", 30.0))),
            S.ISSUING: lambda: (self.send(ev.OtpEntered("123456")), self.send(ev.OtpVerified())),
            S.RESULT_QR: lambda: (self.send(ev.CardRechecked(self.card.cid, self.card.atr)),
                                  self.send(ev.Issued(self.record_id, "K7Q-4MX", self.qr()))),
        }
        for state in order:
            if self.state == target:
                return self
            steps[state]()
        assert self.state == target, f"{self.state} != {target}"
        return self

    def leave(self) -> list[fx.Effect]:
        """From the end of a session back to the attract screen: take the card, skip the rating."""
        out: list[fx.Effect] = []
        if self.flow.card_present:
            out += self.send(ev.CardRemoved())
        for _ in range(3):
            if self.state == S.IDLE:
                break
            out += self.send(ev.Done())
        assert self.state == S.IDLE, self.state
        return out

    def qr(self, text: str = "TRK1:ABC", lifetime: float = 120.0, code: int = 47) -> ev.QrToken:
        return ev.QrToken(text, b"c" * 16, self.flow.wall().timestamp() + lifetime, code)


def check_view(view: View) -> None:
    """Every message code a view names exists in kiosk.messages, in both languages."""
    codes = [view.title, view.body, view.error, view.error_action, view.challenge, view.help_line,
             view.phone_error, view.otp_error, *view.notices]
    for code in codes:
        if code is not None:
            m = msg(code)
            assert m.th and m.en
    if view.still_there:
        assert view.countdown_s is not None


PERSONAL = ("สมชาย", "SOMCHAI", "Somchai", "ใจดี", "JAIDEE", "1101700203", "0812345678", "5678", "K7Q-4MX", "TRK1")


def assert_no_personal_data(view: View) -> None:
    text = repr(view)
    for needle in PERSONAL:
        assert needle not in text, needle
    assert view.first_name is None and view.masked_phone is None and view.qr_text is None
    # a referral shows the failed record's reference (a pointer for staff, nothing personal)
    assert (view.reference_code is None or view.counter is not None) and view.purpose is None
