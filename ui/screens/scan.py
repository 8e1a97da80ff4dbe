"""SCAN_APP: the citizen holds up the phone showing the Tang Rat app's QR to the top camera.

The live preview (so the citizen can aim), what would help the camera (closer, glare, hold still),
a clear line when the QR read is not the app's (its text is never shown), "I cannot show the QR"
(carry on with the kiosk's own QR or SMS link), and "need more time?" when the time is up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout

from kiosk.journey import events
from kiosk.journey.steps.scan import FOREIGN_QR
from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, message_text, text
from ui.widgets.buttons import BigButton
from ui.widgets.camera import CameraPreview, LiveFeed


class ScanScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send, frames: Callable[[], Any] | None = None) -> None:
        super().__init__(metrics, send)
        self.preview = CameraPreview(oval=False)
        self.feed = LiveFeed(self.preview, frames)
        self.hint = self.label(metrics.title_px, bold=True, colour=theme.BLUE)
        self.foreign = self.label(metrics.body_px, bold=True, colour=theme.RED)
        self.question = self.label(metrics.title_px, bold=True)
        self.more = BigButton(metrics, "primary")
        self.more.clicked.connect(lambda: self.send(events.MoreTime(True)))
        self.stop = BigButton(metrics, "secondary")
        self.stop.clicked.connect(lambda: self.send(events.MoreTime(False)))
        self.skip = BigButton(metrics, "secondary")
        self.skip.clicked.connect(lambda: self.send(events.SkipAppScan()))
        answers = QHBoxLayout()
        answers.setSpacing(metrics.margin // 2)
        answers.addWidget(self.stop)
        answers.addWidget(self.more)
        self.column.addWidget(self.preview, 1)
        for label in (self.hint, self.foreign, self.question):
            self.column.addWidget(label)
        self.column.addLayout(answers)
        self.column.addWidget(self.skip)

    def show_view(self, view: View) -> None:
        super().show_view(view)
        self.hint.setText(message_text(view, view.camera_hint))
        self.hint.setVisible(view.camera_hint is not None and not view.more_time)
        foreign = FOREIGN_QR in view.notices
        self.foreign.setText(text(view, FOREIGN_QR) if foreign else "")
        self.foreign.setVisible(foreign and not view.more_time)
        self.question.setText(text(view, "scan_app.more_time"))
        self.more.setText(text(view, "scan_app.more_time_yes"))
        self.stop.setText(text(view, "scan_app.more_time_no"))
        for w in (self.question, self.more, self.stop):
            w.setVisible(view.more_time)
        self.skip.setText(text(view, "scan_app.skip"))
        self.skip.setVisible(not view.more_time)
        self.feed.run(view.scan_preview)

    def clear(self) -> None:
        super().clear()
        self.feed.run(False)
