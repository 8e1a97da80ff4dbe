"""ISSUING, RESULT_QR, RESULT_SMS, RESULT_APP and PRINTING: the verification result.

The QR is drawn at the largest whole-number scale that fits (crisp modules), with the display
code large beside it, each figure under its own words: the code the app will show, the time left
to scan (a ring counting down the whole time the result stays on screen: a refreshed QR does not
restart it), the reference. Notices (take the receipt; receipt not printed, phone not verified)
are shown under the result; the result stays valid.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

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
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        holder = QWidget()
        portrait = metrics.portrait
        box = QBoxLayout(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight, holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(metrics.margin // 2)
        qr_col = QVBoxLayout()
        qr_col.setSpacing(metrics.margin // 3)
        self.qr = QrView()
        side = metrics.mm(115) if portrait else metrics.mm(100)
        self.qr.setMinimumSize(min(side, metrics.width - 2 * metrics.margin), side)
        qr_col.addWidget(self.qr, 1)
        box.addLayout(qr_col, 3 if portrait else 4)
        side_col = QVBoxLayout()
        side_col.setSpacing(metrics.margin // 3)
        if not portrait:
            # Landscape is short: title and text go beside the QR, not above it.
            for label in (self.title, self.body):
                self.column.removeWidget(label)
                side_col.addWidget(label)
        # Each figure under its own words: the code, the time left to scan, the reference.
        figures = QHBoxLayout()
        figures.setSpacing(metrics.margin)
        code_box = QVBoxLayout()
        self.code_label = self.label(metrics.small_px, colour=theme.MUTED)
        code_box.addWidget(self.code_label)
        self.code = self.label(metrics.title_px + 40 if portrait else metrics.title_px + 16, bold=True,
                               colour=theme.BLUE)
        code_box.addWidget(self.code)
        code_box.addStretch(1)
        figures.addLayout(code_box, 1)
        time_box = QVBoxLayout()
        self.time_label = self.label(metrics.small_px, colour=theme.MUTED)
        time_box.addWidget(self.time_label)
        self.ring = CountdownRing(metrics.touch + metrics.mm(4))
        time_box.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        time_box.addStretch(1)
        figures.addLayout(time_box, 1)
        side_col.addLayout(figures)
        self.reference = self.label(metrics.small_px + 2)
        side_col.addWidget(self.reference)
        box.addLayout(side_col, 2 if portrait else 3)
        self.qr_area = holder
        self.column.addWidget(holder, 1)
        self.busy = BusyIndicator(metrics.touch * 2)
        self.column.addWidget(self.busy)
        self.notices = self.label(metrics.small_px + 2, colour=theme.AMBER)
        self.done = BigButton(metrics, "primary")
        self.done.clicked.connect(lambda: self.send(events.Done()))
        if portrait:
            self.column.addWidget(self.notices)
            self.column.addWidget(self.done)
        else:  # landscape is short: notices under the QR, Done at the foot of the side column
            qr_col.addWidget(self.notices)
            side_col.addStretch(1)
            side_col.addWidget(self.done)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        showing_qr = view.state == StateName.RESULT_QR or (view.state == StateName.PRINTING and bool(view.qr_text))
        self.qr.setVisible(showing_qr)
        self.qr.set_text(view.qr_text if showing_qr else None)
        has_code = view.display_code is not None and showing_qr
        self.code.setText(str(view.display_code) if has_code else "")
        self.code_label.setText(text(view, "result.code_label") if has_code else "")
        self.code_label.setVisible(has_code)
        timed = view.result_seconds_left is not None
        self.ring.set_time(view.result_seconds_left, view.result_total_s, text(view, "unit.seconds"))
        self.time_label.setText(text(view, "result.time_left") if timed else "")
        self.time_label.setVisible(timed)
        self.reference.setText(text(view, "result.reference") if view.reference_code else "")
        self.reference.setVisible(bool(view.reference_code))
        self.busy.setVisible(view.state == StateName.ISSUING or (view.printing and not showing_qr))
        self.notices.setText("\n".join(text(view, code) for code in view.notices))
        self.notices.setVisible(bool(view.notices))
        self.done.setText(text(view, "button.done"))
        self.done.setVisible(view.state in (StateName.RESULT_QR, StateName.RESULT_SMS, StateName.RESULT_APP))

    def clear(self) -> None:
        super().clear()
        self.qr.clear()
        self.ring.set_time(None, None)
