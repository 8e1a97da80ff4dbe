"""TAKE_CARD and THANK_YOU: the card comes back, then the kiosk says goodbye."""

from __future__ import annotations

from kiosk.journey import events
from kiosk.journey.states import StateName
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.illustrations import TakeCardArt


class FarewellScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.art = TakeCardArt()
        self.column.addWidget(self.art, 3)
        self.reminder = self.label(metrics.title_px, bold=True, colour=theme.RED)
        self.column.addWidget(self.reminder)
        self.notices = self.label(metrics.small_px + 2, colour=theme.AMBER)
        self.column.addWidget(self.notices)
        self.column.addStretch(1)
        self.done = BigButton(metrics, "primary")
        self.done.clicked.connect(lambda: self.send(events.Done()))
        self.column.addWidget(self.done)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        taking = view.state == StateName.TAKE_CARD
        self.art.setVisible(taking)
        self.art.alert = view.reminder
        # The reminder blinks with the animation so that it catches the eye.
        self.reminder.setText(text(view, "take_card.reminder") if taking and view.reminder else "")
        self.reminder.setVisible(taking and view.reminder)
        self.notices.setText("\n".join(text(view, code) for code in view.notices))
        self.notices.setVisible(bool(view.notices))
        self.done.setText(text(view, "button.done"))
        self.done.setVisible(view.state == StateName.THANK_YOU)
