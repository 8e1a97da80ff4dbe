"""An overlay over the current screen: the screen dimmed, a card low on it (within reach in
portrait) holding a title and what the overlay asks. Subclasses add their widgets to `col`."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ui import theme
from ui.widgets.chrome import wrapped_label


class Overlay(QWidget):
    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        outer.addStretch(3 if metrics.portrait else 1)
        card = QFrame()
        card.setObjectName("card")
        card.setStyleSheet(f"#card {{ background: {theme.PAPER}; border-radius: 24px; }}")
        self.col = QVBoxLayout(card)
        self.col.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        self.col.setSpacing(metrics.margin // 2)
        self.title = wrapped_label(metrics, metrics.title_px, bold=True)
        self.col.addWidget(self.title)
        outer.addWidget(card)
        outer.addStretch(1)

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0, 150))
        p.end()
