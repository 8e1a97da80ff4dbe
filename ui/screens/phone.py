"""PHONE and OTP: the number or the code typed on the on-screen keypad.

The digits typed live only in this screen until they are sent; they are cleared when the
screen is left or the session ends. The flow validates the number (`phonenumbers`); the
screen only limits the length and masks nothing the citizen needs to check.
"""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout

from kiosk.journey import events
from kiosk.journey.states import StateName
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.busy import BusyIndicator
from ui.widgets.buttons import BigButton
from ui.widgets.keypad import NumericKeypad, apply_key

PHONE_DIGITS = 10
OTP_DIGITS = 6


def group_phone(digits: str) -> str:
    """`0812345678` -> `081 234 5678` while typing."""
    parts = [digits[:3], digits[3:6], digits[6:]]
    return " ".join(p for p in parts if p)


class PhoneScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.state: StateName | None = None
        self.digits = ""
        self.number = ""
        """The number last sent: shown again when the citizen goes back to change it."""
        # Portrait: everything in one column. Landscape: the keypad to the right of the entry.
        direction = QBoxLayout.Direction.TopToBottom if metrics.portrait else QBoxLayout.Direction.LeftToRight
        split = QBoxLayout(direction)
        split.setSpacing(metrics.margin)
        left = QVBoxLayout()
        left.setSpacing(metrics.margin // 2)
        split.addLayout(left, 0 if metrics.portrait else 1)
        self.column.addLayout(split, 1)
        self.entry = self.label(metrics.title_px + 12, bold=True, colour=theme.BLUE)
        self.entry.setMinimumHeight(metrics.touch)
        self.entry.setStyleSheet(
            f"color: {theme.BLUE}; background: {theme.BAND}; border-radius: 16px; padding: 8px;"
        )
        left.addWidget(self.entry)
        self.problem = self.label(metrics.small_px, colour=theme.RED)
        left.addWidget(self.problem)
        self.info = self.label(metrics.small_px, colour=theme.BLUE)
        left.addWidget(self.info)
        self.busy = BusyIndicator(metrics.touch if metrics.portrait else metrics.touch // 2)
        left.addWidget(self.busy)
        self.keypad = NumericKeypad(metrics)
        self.keypad.key.connect(self._key)
        if metrics.portrait:  # the keypad in the lower half, within reach; what is typed above
            split.addStretch(1)
        split.addWidget(self.keypad, 0 if metrics.portrait else 1)
        row = QHBoxLayout()
        self.change = BigButton(metrics, "secondary", px=metrics.small_px, pad=12)
        self.change.clicked.connect(lambda: self.send(events.ChangeNumber()))
        row.addWidget(self.change)
        # on the number's screen, in the code's buttons' place: staff help a citizen without a phone
        self.no_phone = BigButton(metrics, "secondary", px=metrics.small_px, pad=12)
        self.no_phone.clicked.connect(lambda: self.send(events.NoPhone()))
        row.addWidget(self.no_phone)
        self.resend = BigButton(metrics, "secondary", px=metrics.small_px, pad=12)
        self.resend.clicked.connect(lambda: self.send(events.ResendOtp()))
        self.ok = BigButton(metrics, "primary")
        self.ok.clicked.connect(self.submit)
        row.addWidget(self.resend)
        row.addWidget(self.ok)
        if metrics.portrait:
            self.column.addLayout(row)
        else:
            left.addStretch(1)
            left.addLayout(row)

    @property
    def max_len(self) -> int:
        return OTP_DIGITS if self.state == StateName.OTP else PHONE_DIGITS

    def _key(self, key: str) -> None:
        self.digits = apply_key(self.digits, key, self.max_len)
        self._show_entry()
        self.ok.setEnabled(len(self.digits) == self.max_len)
        self.send(events.Touch())

    def type_digits(self, digits: str) -> None:
        for d in digits:
            self._key(d)

    def _show_entry(self) -> None:
        if self.state == StateName.OTP:
            shown = " ".join(self.digits.ljust(OTP_DIGITS, "–"))  # a clear bar per digit still to type
        else:
            shown = group_phone(self.digits) or " "
        self.entry.setText(shown)

    def submit(self) -> None:
        if self.state == StateName.OTP:
            digits, self.digits = self.digits, ""  # a code is typed afresh
            self._show_entry()
            self.ok.setEnabled(False)
            self.send(events.OtpEntered(digits))
        else:
            # The number stays on screen: if it is refused, the citizen corrects it, not retypes it.
            self.number = self.digits
            self.ok.setEnabled(False)
            self.send(events.PhoneEntered(self.digits))

    def show_view(self, view: View) -> None:
        if view.state != self.state:
            # Back from the code to the number: the number typed before, ready to correct.
            self.digits = self.number if view.state == StateName.PHONE and self.state == StateName.OTP else ""
            self.state = view.state
        super().show_view(view)
        otp = view.state == StateName.OTP
        self.problem.setText(text(view, view.otp_error if otp else view.phone_error))
        self.info.setText(text(view, view.otp_info) if otp else "")
        self.info.setVisible(otp and bool(view.otp_info))
        self.change.setText(text(view, "otp.change_number"))
        self.change.setVisible(otp)
        self.change.setEnabled(otp and not view.busy)
        self.no_phone.setText(text(view, "phone.no_phone"))
        self.no_phone.setVisible(not otp)
        self.no_phone.setEnabled(not view.busy)
        self.keypad.set_language(view.language)
        self.keypad.setEnabled(not view.busy)
        self.busy.setVisible(view.busy)
        self.ok.setText(text(view, "button.ok"))
        self.ok.setEnabled(len(self.digits) == self.max_len and not view.busy)
        self.resend.setVisible(otp)
        resend_label = text(view, "otp.resend")
        if otp and view.otp_resend_in_s:
            resend_label += f" ({view.otp_resend_in_s})"
        self.resend.setText(resend_label)
        self.resend.setEnabled(otp and not view.busy and not view.otp_resend_in_s)
        self._show_entry()

    def clear(self) -> None:
        self.digits = ""
        self.number = ""
        self.state = None
        super().clear()
