"""FACE: a greeting by first name (the card was read), the live preview with the oval guide, the
live hint and the liveness challenge.

Frames are pulled from `SessionRuntime.latest_frame()` by a GUI timer while the preview is
shown (the camera thread never touches widgets); pulling the latest frame is a lock and a
reference, so the GUI thread never waits on the camera.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.journey.view import View
from ui import theme
from ui.screens.base import Screen, Send, message_text, text
from ui.widgets.camera import CameraPreview

FRAME_INTERVAL_MS = 66  # ~15 frames a second is smooth enough for a guide and light on 2 cores


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
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self.pull_frame)
        self._last_seq: object = None

    def pull_frame(self) -> None:
        frame = self.frames() if self.frames is not None else None
        if frame is None:
            return
        # A Frame carries a sequence number; a bare array is compared by identity.
        seq = getattr(frame, "seq", None)
        key = seq if seq is not None else id(frame)
        if key == self._last_seq:
            return
        self._last_seq = key
        self.preview.set_frame(getattr(frame, "image", frame))

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
        if view.face_preview and self.frames is not None:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()
            self.preview.clear()

    def clear(self) -> None:
        super().clear()
        self._timer.stop()
        self._last_seq = None
        self.preview.clear()
