"""The "are you still there?" overlay: a countdown ring over the current screen, Continue."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import wrapped_label
from ui.widgets.countdown import CountdownRing
from ui.widgets.overlay import Overlay


class StillThereOverlay(Overlay):
    def __init__(self, metrics: theme.Metrics, send: Send, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self.send = send
        col = self.col
        self.ring = CountdownRing(metrics.touch * 2)
        col.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body = wrapped_label(metrics, metrics.body_px)
        col.addWidget(self.body)
        self.button = BigButton(metrics, "primary")
        self.button.clicked.connect(lambda: self.send(events.StillHere()))
        col.addWidget(self.button)

    def show_view(self, view: View) -> None:
        self.title.setText(text(view, "still_there.title"))
        self.body.setText(text(view, "still_there.body"))
        self.ring.set_time(view.countdown_s, view.countdown_total_s, text(view, "unit.seconds"))
        self.button.setText(text(view, "button.still_here"))
