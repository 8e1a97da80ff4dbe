"""The "cancel this session?" question, over the current screen: asked once consent is given, so
that a slip of the finger does not throw away a card read and a face check. Keep going closes
it; Cancel the session ends it. Both buttons sit low, within reach."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import wrapped_label


class ConfirmCancelOverlay(QWidget):
    def __init__(self, metrics: theme.Metrics, send: Send, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.send = send
        outer = QVBoxLayout(self)
        outer.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        outer.addStretch(3 if metrics.portrait else 1)
        card = QFrame()
        card.setObjectName("card")
        card.setStyleSheet(f"#card {{ background: {theme.PAPER}; border-radius: 24px; }}")
        col = QVBoxLayout(card)
        col.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        col.setSpacing(metrics.margin // 2)
        self.title = wrapped_label(metrics, metrics.title_px, bold=True)
        col.addWidget(self.title)
        self.body = wrapped_label(metrics, metrics.body_px)
        col.addWidget(self.body)
        row = QHBoxLayout()
        row.setSpacing(metrics.margin // 2)
        self.confirm = BigButton(metrics, "danger")
        self.confirm.clicked.connect(lambda: self.send(events.ConfirmCancel(True)))
        self.keep = BigButton(metrics, "primary")
        self.keep.clicked.connect(lambda: self.send(events.ConfirmCancel(False)))
        row.addWidget(self.confirm)
        row.addWidget(self.keep)
        col.addLayout(row)
        outer.addWidget(card)
        outer.addStretch(1)

    def show_view(self, view: View) -> None:
        self.title.setText(text(view, "cancel.title"))
        self.body.setText(text(view, "cancel.body"))
        self.confirm.setText(text(view, "cancel.confirm"))
        self.keep.setText(text(view, "cancel.keep"))

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0, 150))
        p.end()
