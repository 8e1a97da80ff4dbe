"""ISSUING, RESULT_QR, RESULT_SMS and PRINTING: the verification result.

The QR is drawn at the largest whole-number scale that fits (crisp modules), with the display
code large beside it and a ring counting down to the token's refresh. Notices (receipt not
printed, phone not verified) are shown under the result; the result stays valid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QWidget

from kiosk.journey import events
from kiosk.journey.states import StateName
from kiosk.journey.view import View
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
        portrait = metrics.portrait
        box = QBoxLayout(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight, holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(metrics.margin // 2)
        self.qr = QrView()
        side = metrics.mm(130) if portrait else metrics.mm(105)
        self.qr.setMinimumSize(min(side, metrics.width - 2 * metrics.margin), side)
        box.addWidget(self.qr, 3 if portrait else 4)
        side_col = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        side_col.setSpacing(metrics.margin // 3)
        if not portrait:
            # Landscape is short: title and text go beside the QR, not above it.
            for label in (self.title, self.body):
                self.column.removeWidget(label)
                side_col.addWidget(label)
        code_row = QBoxLayout(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)
        self.code = self.label(metrics.title_px * 2 if portrait else metrics.title_px + 16, bold=True,
                               colour=theme.BLUE)
        code_row.addWidget(self.code)
        self.ring = CountdownRing(metrics.touch + (metrics.mm(6) if portrait else 0))
        code_row.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        self.reference = self.label(metrics.small_px, colour=theme.MUTED)
        code_row.addWidget(self.reference)
        side_col.addLayout(code_row)
        box.addLayout(side_col, 2 if portrait else 3)
        self.qr_area = holder
        self.column.addWidget(holder, 1)
        self.busy = BusyIndicator(metrics.touch * 2)
        self.column.addWidget(self.busy)
        self.notices = self.label(metrics.small_px + 2, colour=theme.AMBER)
        self.done = BigButton(metrics, "primary")
        self.done.clicked.connect(lambda: self.send(events.Done()))
        # Landscape is short: notices and Done go beside the QR, under the display code.
        target = self.column if portrait else side_col
        target.addWidget(self.notices)
        target.addWidget(self.done)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        showing_qr = view.state == StateName.RESULT_QR or (view.state == StateName.PRINTING and bool(view.qr_text))
        self.qr.setVisible(showing_qr)
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
