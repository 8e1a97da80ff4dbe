"""CONSENT: the versioned PDPA and biometric consent in short points, the full notice as a QR
(where the kiosk is told its address), agree or decline within reach at the bottom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.qr import QrView


class ConsentScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.body.setFont(theme.font(metrics.small_px + 4))
        self.notice_qr = QrView(link=True)
        self.notice_qr.setFixedSize(metrics.mm(45), metrics.mm(45))
        self.notice_text = self.label(metrics.small_px, align=Qt.AlignmentFlag.AlignLeft)
        if metrics.portrait:  # the notice's QR below the points, its words beside it
            notice = QHBoxLayout()
            notice.setSpacing(metrics.margin // 2)
            notice.addWidget(self.notice_qr)
            notice.addWidget(self.notice_text, 1)
            self.column.addLayout(notice)
        else:  # landscape has width to spare, not height: the notice to the right of the points
            self.column.removeWidget(self.body)
            side = QHBoxLayout()
            side.setSpacing(metrics.margin)
            side.addWidget(self.body, 1)
            stacked = QVBoxLayout()
            stacked.addWidget(self.notice_qr, 0, Qt.AlignmentFlag.AlignHCenter)
            self.notice_text.setFixedWidth(metrics.mm(70))
            stacked.addWidget(self.notice_text)
            stacked.addStretch(1)
            side.addLayout(stacked)
            self.column.addLayout(side)
        self.column.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(metrics.margin // 2)
        self.decline = BigButton(metrics, "secondary")
        self.accept = BigButton(metrics, "primary")
        self.decline.clicked.connect(lambda: self.send(events.ConsentAnswer(False)))
        self.accept.clicked.connect(lambda: self.send(events.ConsentAnswer(True)))
        row.addWidget(self.decline)
        row.addWidget(self.accept)
        self.column.addLayout(row)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        url = view.privacy_notice_url
        self.notice_qr.set_text(url)
        self.notice_qr.setVisible(bool(url))
        self.notice_text.setText(text(view, "consent.full_notice") if url else "")
        self.notice_text.setVisible(bool(url))
        self.accept.setText(text(view, "consent.accept"))
        self.decline.setText(text(view, "consent.decline"))

    def clear(self) -> None:
        super().clear()
        self.notice_qr.set_text(None)
