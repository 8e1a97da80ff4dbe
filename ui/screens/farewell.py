"""TAKE_CARD, THANK_YOU and RATING: the card comes back, then the kiosk says goodbye, asking a
citizen whose card it read for a 1-5 rating (one touch; Skip, or it goes by itself)."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

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
        self.scores: list[BigButton] = []
        row = QHBoxLayout()
        row.setSpacing(metrics.margin // 4)
        for score in range(1, 6):
            b = BigButton(metrics, "secondary", px=metrics.small_px - 2, pad=4)
            b.setFixedHeight(metrics.touch + metrics.mm(8))
            b.clicked.connect(lambda _=False, n=score: self.send(events.Rate(n)))
            row.addWidget(b)
            self.scores.append(b)
        self.column.addLayout(row)
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
        rating = view.state == StateName.RATING
        for score, b in enumerate(self.scores, start=1):
            b.setText(f"{score}\n{text(view, f'rating.{score}')}")
            b.setVisible(rating)
        self.done.setText(text(view, "button.skip" if rating else "button.done"))
        self.done.setVisible(view.state in (StateName.THANK_YOU, StateName.RATING))
