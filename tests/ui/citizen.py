"""A citizen at the real kiosk window: touches the screens' own widgets (buttons, keypad), uses
the simulator panel for the card, and waits for what the window renders. Plus the checks every
session test ends with: no personal data left in any widget, the outbox's records."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt

from kiosk.devkit.stack import DevStack
from kiosk.journey.states import StateName as S
from tests.ui.overflow import all_texts
from ui.app import KioskUi

# Personal data of the built-in simulated cards and of the phone typed in the tests.
PERSONAL = (
    "1101700123456", "1101700123457", "5710200456789", "1209900345670",
    "สมชาย", "ใจดี", "Somchai", "Jaidee", "SOMCHAI", "สุดา", "มั่นคง", "Suda", "ประเสริฐ", "Prasert",
    "0812345678", "081 234 5678", "812345678", "5678",
)
PHONE = "0812345678"


class Citizen:
    def __init__(self, qtbot: Any, kiosk: KioskUi, stack: DevStack) -> None:
        self.qtbot = qtbot
        self.kiosk = kiosk
        self.w = kiosk.window
        self.stack = stack

    # -- waiting on the screen
    def state(self) -> S | None:
        return self.w.view.state if self.w.view is not None else None

    def wait(self, *states: S, timeout_s: float = 30.0) -> Any:
        self.qtbot.waitUntil(lambda: self.state() in states, timeout=int(timeout_s * 1000))
        return self.w.view

    def wait_for(self, predicate: Any, timeout_s: float = 30.0) -> Any:
        self.qtbot.waitUntil(lambda: self.w.view is not None and predicate(self.w.view),
                             timeout=int(timeout_s * 1000))
        return self.w.view

    # -- touching
    def touch_idle(self) -> None:
        screen = self.w.screens["idle"]
        self.qtbot.mouseClick(screen, Qt.MouseButton.LeftButton, pos=screen.rect().center())

    def click(self, button: Any) -> None:
        assert button.isVisible() and button.isEnabled(), button.text()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def type(self, digits: str) -> None:
        keypad = self.w.screens["phone"].keypad  # type: ignore[attr-defined]
        for d in digits:
            self.click(keypad.buttons[d])

    def ok(self) -> None:
        self.click(self.w.screens["phone"].ok)  # type: ignore[attr-defined]

    def insert_card(self, profile: str) -> None:
        panel = self.w.simulator
        assert panel is not None
        panel.card_buttons[profile].click()

    def start(self, purpose: str = "ial_upgrade", profile: str = "normal") -> None:
        self.wait(S.IDLE)
        self.touch_idle()
        self.wait(S.CHOOSE_SERVICE)
        self.click(self.w.screens["service"].buttons[purpose])  # type: ignore[attr-defined]
        self.wait(S.CONSENT)
        self.click(self.w.screens["consent"].accept)  # type: ignore[attr-defined]
        self.wait(S.INSERT_CARD)
        self.insert_card(profile)

    def to_phone(self, purpose: str = "ial_upgrade", profile: str = "normal") -> Any:
        self.start(purpose, profile)
        return self.wait(S.PHONE, S.ERROR, timeout_s=60)

    def enter_phone_and_code(self, code: str | None = None) -> Any:
        self.type(PHONE)
        self.ok()
        view = self.wait(S.OTP, S.ERROR, S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP, S.ISSUING)
        if view.state != S.OTP:
            return view
        self.wait_for(lambda v: not v.busy)
        self.type(code if code is not None else (self.stack.last_otp() or ""))
        self.ok()
        return self.wait_for(lambda v: v.state in (S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP, S.ERROR)
                             or (v.state == S.OTP and bool(v.otp_error) and not v.busy))

    def finish(self, rating: int | None = 5) -> None:
        """Done on the result/error screen, take the card, rate (a score's button, or Skip when
        `rating` is None) or Done on thank-you, back to idle."""
        view = self.w.view
        if view.state in (S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP):
            self.click(self.w.screens["result"].done)  # type: ignore[attr-defined]
        elif view.state == S.ERROR:
            self.click(self.w.screens["error"].ok)  # type: ignore[attr-defined]
        view = self.wait(S.TAKE_CARD, S.THANK_YOU, S.RATING, S.IDLE, S.PRINTING, timeout_s=40)
        if view.state == S.PRINTING:
            view = self.wait(S.TAKE_CARD, S.THANK_YOU, S.RATING, S.IDLE, timeout_s=40)
        if view.state == S.TAKE_CARD:
            self.stack.simulator.remove_card()  # type: ignore[union-attr]
            view = self.wait(S.THANK_YOU, S.RATING, S.IDLE)
        farewell = self.w.screens["farewell"]
        if view.state == S.RATING and rating is not None:
            self.click(farewell.scores[rating - 1])  # type: ignore[attr-defined]
        elif view.state in (S.THANK_YOU, S.RATING):
            self.click(farewell.done)  # type: ignore[attr-defined]
        self.wait(S.IDLE)
        if self.stack.simulator is not None and self.stack.simulator.card_inserted():
            self.stack.simulator.remove_card()

    def finish_by_cancel(self) -> None:
        """Cancel (and yes when asked), take the card, back to idle."""
        self.click(self.w.footer.cancel)
        self.wait_for(lambda v: v.confirm_cancel or v.state not in (S.PHONE, S.OTP))
        if self.w.view.confirm_cancel:
            self.click(self.w.confirm_cancel.confirm)
        self.wait(S.TAKE_CARD, S.THANK_YOU, S.IDLE)
        self.finish()

    # -- checks
    def assert_nothing_personal(self) -> None:
        texts = "\n".join(all_texts(self.w))
        for needle in PERSONAL:
            assert needle not in texts, f"{needle!r} still shown in a widget"
        phone = self.w.screens["phone"]
        assert phone.digits == ""  # type: ignore[attr-defined]
        assert self.w.screens["result"].qr.modules == 0  # type: ignore[attr-defined]
        assert not self.w.screens["face"].preview.has_frame  # type: ignore[attr-defined]


def records(stack: DevStack) -> list[dict[str, Any]]:
    """Every record in the outbox, oldest first (claimed and released again: nothing changes)."""
    outbox = stack.devices.outbox  # type: ignore[union-attr]
    claimed = outbox.claim_batch(100, lease_s=5)
    outbox.release([c.record_id for c in claimed])
    return [c.record for c in claimed]


def new_record(stack: DevStack, before: int, timeout_s: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = records(stack)
        if len(found) > before:
            assert len(found) == before + 1, f"{len(found) - before} new records, expected one"
            return found[-1]
        time.sleep(0.05)
    raise AssertionError("no new record in the outbox")
