"""CHOOSE_SERVICE: one large button per service the kiosk offers."""

from __future__ import annotations

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.buttons import BigButton


class ServiceScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        # The choice sits in the lower half of a portrait screen, within reach; the words above.
        self.column.addStretch(3 if metrics.portrait else 1)
        self.buttons: dict[str, BigButton] = {}
        for purpose in ("ial_upgrade", "register"):
            b = BigButton(metrics, "primary")
            b.setFixedHeight(metrics.touch * 2)
            b.clicked.connect(lambda _=False, p=purpose: self.send(events.ChooseService(p)))
            self.column.addWidget(b)
            self.buttons[purpose] = b
        self.column.addStretch(0 if metrics.portrait else 2)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        for purpose, b in self.buttons.items():
            b.setVisible(purpose in view.services)
            b.setText(text(view, f"service.{purpose}"))
