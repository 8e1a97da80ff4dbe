"""FACE: a greeting by first name (the card was read), the live preview with the oval guide, the
live hint and the liveness challenge.

Frames are pulled from `SessionRuntime.latest_frame()` by a GUI timer while the preview is
shown (`ui.widgets.camera.LiveFeed`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, message_text, text
from ui.widgets.camera import CameraPreview, LiveFeed


class FaceScreen(Screen):
    def __init__(self, metrics: theme.Metrics, send: Send,
                 frames: Callable[[], Any] | None = None) -> None:
        super().__init__(metrics, send)
        self.frames = frames
        self.greeting = self.label(metrics.body_px, colour=theme.MUTED)
        self.column.insertWidget(0, self.greeting)
        self.preview = CameraPreview()
        self.hint = self.label(metrics.title_px, bold=True, colour=theme.BLUE)
        self.seconds = self.label(metrics.small_px, colour=theme.MUTED)
        if metrics.portrait:
            self.column.addWidget(self.preview, 1)
            self.column.addWidget(self.hint)
            self.column.addWidget(self.seconds)
        else:
            # Landscape is short: the preview takes the full height, the texts stand beside it.
            row = QHBoxLayout()
            row.setSpacing(metrics.margin)
            row.addWidget(self.preview, 3)
            side = QVBoxLayout()
            side.setSpacing(metrics.margin // 2)
            for label in (self.greeting, self.title, self.body):
                self.column.removeWidget(label)
                side.addWidget(label)
            side.addStretch(1)
            side.addWidget(self.hint)
            side.addWidget(self.seconds)
            side.addStretch(1)
            row.addLayout(side, 2)
            self.column.addLayout(row, 1)
        self.feed = LiveFeed(self.preview, frames)

    def pull_frame(self) -> None:
        self.feed.pull_frame()

    def show_view(self, view: View) -> None:
        super().show_view(view)
        self.greeting.setText(text(view, "face.greeting") if view.first_name else "")
        self.greeting.setVisible(bool(view.first_name))
        # The challenge outranks the positioning hint: it is what the citizen must do now.
        hint = text(view, view.challenge) if view.challenge else message_text(view, view.camera_hint)
        self.hint.setText(hint)
        self.preview.set_guide(view.face_guide)
        self.preview.set_guide_ok(bool(view.challenge) or (view.face_preview and view.camera_hint is None))
        timed = view.face_seconds_left is not None
        self.seconds.setText(text(view, "face.seconds_left") if timed else "")
        self.feed.run(view.face_preview)

    def clear(self) -> None:
        super().clear()
        self.feed.run(False)
