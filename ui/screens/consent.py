"""CONSENT: the versioned PDPA and biometric consent text, agree or decline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.buttons import BigButton


class ConsentScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.body.setFont(theme.font(metrics.small_px + 4))
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
        self.accept.setText(text(view, "consent.accept"))
        self.decline.setText(text(view, "consent.decline"))
