"""The "are you still there?" overlay: a countdown ring over the current screen, Continue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import wrapped_label
from ui.widgets.countdown import CountdownRing


class StillThereOverlay(QWidget):
    def __init__(self, metrics: theme.Metrics, send: Send, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.send = send
        outer = QVBoxLayout(self)
        outer.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        # In portrait the card sits low, its Continue button within reach.
        outer.addStretch(3 if metrics.portrait else 1)
        card = QFrame()
        card.setObjectName("card")
        card.setStyleSheet(f"#card {{ background: {theme.PAPER}; border-radius: 24px; }}")
        col = QVBoxLayout(card)
        col.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        col.setSpacing(metrics.margin // 2)
        self.title = wrapped_label(metrics, metrics.title_px, bold=True)
        col.addWidget(self.title)
        self.ring = CountdownRing(metrics.touch * 2)
        col.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body = wrapped_label(metrics, metrics.body_px)
        col.addWidget(self.body)
        self.button = BigButton(metrics, "primary")
        self.button.clicked.connect(lambda: self.send(events.StillHere()))
        col.addWidget(self.button)
        outer.addWidget(card)
        outer.addStretch(1)

    def show_view(self, view: View) -> None:
        self.title.setText(text(view, "still_there.title"))
        self.body.setText(text(view, "still_there.body"))
        self.ring.set_time(view.countdown_s, view.countdown_total_s, text(view, "unit.seconds"))
        self.button.setText(text(view, "button.still_here"))

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0, 150))
        p.end()
