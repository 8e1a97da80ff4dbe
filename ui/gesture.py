"""The hidden corner gesture that opens the technician PIN prompt: N taps in the top-right
corner of the kiosk window within a few seconds. Watched application-wide so that it works
whatever widget sits under the finger."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QMouseEvent, QTouchEvent, QWindow
from PySide6.QtWidgets import QWidget

TAPS = 5
WINDOW_S = 3.0


class CornerGesture(QObject):
    def __init__(self, window: QWidget, corner_px: int, on_gesture: Callable[[], None],
                 *, taps: int = TAPS, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(window)
        self._window = window
        self._corner = corner_px
        self._on_gesture = on_gesture
        self._taps = taps
        self._window_s = window_s
        self._clock = clock
        self._times: list[float] = []
        self._last: tuple[int, int] | None = None

    def in_corner(self, global_pos: QPoint) -> bool:
        local = self._window.mapFromGlobal(global_pos)
        return local.y() < self._corner and local.x() > self._window.width() - self._corner

    def tap(self, global_pos: QPoint) -> None:
        if not self.in_corner(global_pos):
            self._times.clear()
            return
        now = self._clock()
        self._times = [t for t in self._times if now - t <= self._window_s] + [now]
        if len(self._times) >= self._taps:
            self._times.clear()
            self._on_gesture()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # A press reaches the QWindow first, then each widget up the parent chain: count it once,
        # at widget level (the same event object and time stamp while it propagates).
        if isinstance(obj, QWindow):
            return False
        # Two quick taps arrive as a press and then a double-click (no second press): both count.
        pressed = event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)
        if pressed and isinstance(event, QMouseEvent):
            pos = event.globalPosition().toPoint()
        elif event.type() == QEvent.Type.TouchBegin and isinstance(event, QTouchEvent):
            pts = event.points()
            if not pts:
                return False
            pos = pts[0].globalPosition().toPoint()
        else:
            return False
        key = (event.timestamp(), pos.x() * 100003 + pos.y())
        if key != self._last:
            self._last = key
            self.tap(pos)
        return False
