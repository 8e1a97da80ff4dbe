"""The "cancel this session?" and "get help from staff?" questions, over the current screen: asked
once consent is given, so that a slip of the finger does not throw away a card read and a face
check. Keep going closes it; the other button ends the session (cancelled, or referred to staff).
Both buttons sit low, within reach."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.journey import events
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Send, text
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import wrapped_label
from ui.widgets.overlay import Overlay


class ConfirmCancelOverlay(Overlay):
    def __init__(self, metrics: theme.Metrics, send: Send, parent: QWidget | None = None) -> None:
        super().__init__(metrics, parent)
        self.send = send
        col = self.col
        self.body = wrapped_label(metrics, metrics.body_px)
        col.addWidget(self.body)
        row = QHBoxLayout()
        row.setSpacing(metrics.margin // 2)
        self.confirm = BigButton(metrics, "danger")
        self.confirm.clicked.connect(lambda: self.send(self._answer(True)))
        self.keep = BigButton(metrics, "primary")
        self.keep.clicked.connect(lambda: self.send(self._answer(False)))
        self.asking_help = False
        row.addWidget(self.confirm)
        row.addWidget(self.keep)
        col.addLayout(row)

    def _answer(self, yes: bool) -> events.ConfirmCancel | events.ConfirmHelp:
        return events.ConfirmHelp(yes) if self.asking_help else events.ConfirmCancel(yes)

    def show_view(self, view: View) -> None:
        self.asking_help = view.confirm_help
        prefix = "ask_help" if view.confirm_help else "cancel"
        self.title.setText(text(view, f"{prefix}.title"))
        self.body.setText(text(view, f"{prefix}.body"))
        self.confirm.setText(text(view, "ask_help.yes" if view.confirm_help else "cancel.confirm"))
        self.keep.setText(text(view, "cancel.keep"))
