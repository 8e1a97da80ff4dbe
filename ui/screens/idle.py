"""The attract screen (IDLE): a touch anywhere, or inserting a card, starts a session. It says
what to bring and what works less well today; when no session could finish (out of service) it
says so instead (the journey then ignores the touch)."""

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
        self.degraded = self.label(metrics.small_px + 2, colour=theme.AMBER)
        self.column.addWidget(self.degraded)
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
        # What works less well today (no SMS link, no receipt): said before anyone starts.
        self.degraded.setText("\n".join(text(view, code) for code in view.notices))
        self.degraded.setVisible(bool(view.notices))
        colour = theme.RED if view.out_of_service else theme.INK
        self.title.setStyleSheet(f"color: {colour}; background: transparent;")
