"""ISSUING, RESULT_QR, RESULT_SMS and PRINTING: the verification result.

The QR is drawn at the largest whole-number scale that fits (crisp modules), with the display
code large beside it and a ring counting down to the token's refresh. Notices (receipt not
printed, phone not verified) are shown under the result; the result stays valid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QWidget

from kiosk.flow import events
from kiosk.flow.states import StateName
from kiosk.flow.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.busy import BusyIndicator
from ui.widgets.buttons import BigButton
from ui.widgets.countdown import CountdownRing
from ui.widgets.qr import QrView


class ResultScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send, qr_lifetime_s: int = 120) -> None:
        super().__init__(metrics, send)
        self.qr_lifetime_s = qr_lifetime_s
        holder = QWidget()
        direction = QBoxLayout.Direction.TopToBottom if metrics.portrait else QBoxLayout.Direction.LeftToRight
        box = QBoxLayout(direction, holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(metrics.margin // 2)
        self.qr = QrView()
        side = metrics.mm(140) if metrics.portrait else metrics.mm(150)
        self.qr.setMinimumSize(min(side, metrics.width - 2 * metrics.margin), min(side, 640))
        box.addWidget(self.qr, 3)
        side_col = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.code = self.label(metrics.title_px * 2, bold=True, colour=theme.BLUE)
        side_col.addWidget(self.code)
        self.ring = CountdownRing(metrics.touch + metrics.mm(6))
        side_col.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        self.reference = self.label(metrics.small_px, colour=theme.MUTED)
        side_col.addWidget(self.reference)
        box.addLayout(side_col, 2)
        self.qr_area = holder
        self.column.addWidget(holder, 1)
        self.busy = BusyIndicator(metrics.touch * 2)
        self.column.addWidget(self.busy)
        self.notices = self.label(metrics.small_px + 2, colour=theme.AMBER)
        self.column.addWidget(self.notices)
        self.column.addStretch(0)
        self.done = BigButton(metrics, "primary")
        self.done.clicked.connect(lambda: self.send(events.Done()))
        self.column.addWidget(self.done)

    def render(self, view: View) -> None:
        super().render(view)
        showing_qr = view.state == StateName.RESULT_QR or (view.state == StateName.PRINTING and bool(view.qr_text))
        self.qr_area.setVisible(showing_qr)
        self.qr.set_text(view.qr_text if showing_qr else None)
        self.code.setText(str(view.display_code) if view.display_code is not None and showing_qr else "")
        self.ring.set_time(view.qr_seconds_left if showing_qr else None, self.qr_lifetime_s)
        self.reference.setText(view.reference_code or "")
        self.busy.setVisible(view.state == StateName.ISSUING or (view.printing and not showing_qr))
        self.notices.setText("\n".join(text(view, code) for code in view.notices))
        self.notices.setVisible(bool(view.notices))
        self.done.setText(text(view, "button.done"))
        self.done.setVisible(view.state in (StateName.RESULT_QR, StateName.RESULT_SMS))

    def clear(self) -> None:
        super().clear()
        self.qr.clear()
        self.ring.set_time(None, None)
