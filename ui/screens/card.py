"""INSERT_CARD and READING: the card illustration, then a busy indicator."""

from __future__ import annotations

from kiosk.journey.states import StateName
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send
from ui.widgets.busy import BusyIndicator
from ui.widgets.illustrations import InsertCardArt


class CardScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.art = InsertCardArt()
        self.column.addWidget(self.art, 3)
        self.busy = BusyIndicator(metrics.touch * 2)
        self.column.addWidget(self.busy, 0)
        self.column.addStretch(1)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        inserting = view.state == StateName.INSERT_CARD
        self.art.setVisible(inserting)
        self.busy.setVisible(not inserting)
