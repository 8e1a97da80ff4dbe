"""The attract screen (IDLE): a touch anywhere, or inserting a card, starts a session. When the
kiosk is out of service the same screen says so (the flow then ignores the touch)."""

from __future__ import annotations

from PySide6.QtGui import QMouseEvent

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.illustrations import InsertCardArt


class IdleScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.column.insertStretch(0, 1)
        self.art = InsertCardArt()
        self.column.addWidget(self.art, 3)
        self.bring = self.label(metrics.body_px, colour=theme.BLUE)
        self.column.addWidget(self.bring)
        self.column.addStretch(1)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self.send(events.Begin())
        event.accept()

    def show_view(self, view: View) -> None:
        super().show_view(view)
        # Out of service (maintenance, reader fault, storage budget): no card picture, a red title.
        self.art.setVisible(not view.out_of_service)
        self.bring.setText(text(view, view.bring))
        self.bring.setVisible(bool(view.bring))
        colour = theme.RED if view.out_of_service else theme.INK
        self.title.setStyleSheet(f"color: {colour}; background: transparent;")
