"""CHOOSE_SERVICE: one large button per service the kiosk offers; where both the kiosk's QR and an
SMS link are offered, a choice of which above them; where the kiosk reads the app's QR, a button
of its own ("I have a QR code in the Tang Rat app"), which starts the session with the camera."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, text
from ui.widgets.buttons import BigButton

SCREEN_CONTINUATIONS = ("qr", "sms")


class ServiceScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send) -> None:
        super().__init__(metrics, send)
        # The choice sits in the lower half of a portrait screen, within reach; the words above.
        self.column.addStretch(3 if metrics.portrait else 1)
        self.continue_label = self.label(metrics.body_px, bold=True)
        self.column.addWidget(self.continue_label)
        row = QHBoxLayout()
        row.setSpacing(metrics.margin // 2)
        group = QButtonGroup(self)
        self.continue_buttons: dict[str, BigButton] = {}
        for name in SCREEN_CONTINUATIONS:
            b = BigButton(metrics, "secondary", px=metrics.small_px + 4, pad=12)
            b.setCheckable(True)
            b.clicked.connect(lambda _=False, n=name: self._pick(n))
            group.addButton(b)
            row.addWidget(b)
            self.continue_buttons[name] = b
        self.column.addLayout(row)
        self.chosen: str | None = None
        self.buttons: dict[str, BigButton] = {}
        for purpose in ("ial_upgrade", "register"):
            b = BigButton(metrics, "primary")
            b.setFixedHeight(round(metrics.touch * 1.4))  # three large buttons, all in the lower half
            b.clicked.connect(lambda _=False, p=purpose: self.send(events.ChooseService(p, self.chosen)))  # type: ignore[arg-type]
            self.column.addWidget(b)
            self.buttons[purpose] = b
        self.app_scan = BigButton(metrics, "secondary")
        self.app_scan.setFixedHeight(round(metrics.touch * 1.4))
        self.app_scan.clicked.connect(lambda: self.send(events.ChooseService("ial_upgrade", "app_scan")))
        self.column.addWidget(self.app_scan)
        self.column.addStretch(0 if metrics.portrait else 2)

    def _pick(self, name: str) -> None:
        self.chosen = name
        for n, b in self.continue_buttons.items():
            b.setChecked(n == name)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        for purpose, b in self.buttons.items():
            b.setVisible(purpose in view.services)
            b.setText(text(view, f"service.{purpose}"))
        on_screen = [c for c in view.continuations if c in SCREEN_CONTINUATIONS]
        choice = len(on_screen) > 1  # a choice only where there is one to make
        if self.chosen not in on_screen:
            self._pick(on_screen[0] if on_screen else "qr")
        self.continue_label.setText(text(view, "continue_with.title") if choice else "")
        self.continue_label.setVisible(choice)
        for name, b in self.continue_buttons.items():
            b.setText(text(view, "continue_with.qr") if name == "qr" else text(view, "continue_with.sms"))
            b.setVisible(choice and name in on_screen)
        self.app_scan.setText(text(view, "service.app_scan"))
        self.app_scan.setVisible("app_scan" in view.continuations)

    def clear(self) -> None:
        super().clear()
        self.chosen = None
