"""ERROR: a sign, what went wrong and what to do next, in large type, with OK. After a referral,
also where staff help (the site's counter) and the reference to show them."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.illustrations import AlertArt


class ErrorScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        self.title.setStyleSheet(f"color: {theme.RED}; background: transparent;")
        self.sign = AlertArt(metrics.touch + metrics.mm(10))
        self.column.insertWidget(0, self.sign, 0, Qt.AlignmentFlag.AlignHCenter)
        self.column.insertStretch(0, 1)
        self.problem = self.label(metrics.title_px - 8, bold=True)
        self.column.addWidget(self.problem)
        self.action = self.label(metrics.body_px, colour=theme.BLUE)
        self.column.addWidget(self.action)
        self.counter = self.label(metrics.body_px, bold=True)
        self.column.addWidget(self.counter)
        self.reference = self.label(metrics.body_px, bold=True, colour=theme.BLUE)
        self.column.addWidget(self.reference)
        self.column.addStretch(2)
        self.ok = BigButton(metrics, "primary")
        self.ok.clicked.connect(lambda: self.send(events.Done()))
        self.column.addWidget(self.ok)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        self.problem.setText(text(view, view.error))
        self.action.setText(text(view, view.error_action))
        self.action.setVisible(bool(view.error_action))
        counter = view.counter.text(view.language) if view.counter is not None else ""
        self.counter.setText(f"{text(view, 'referral.where')}: {counter}" if counter else "")
        self.counter.setVisible(bool(counter))
        self.reference.setText(text(view, "result.reference") if view.reference_code else "")
        self.reference.setVisible(bool(view.reference_code))
        self.ok.setText(text(view, "button.ok"))
