"""A spinning arc: something is happening, please wait (runs only while shown)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui import theme


class _Spinner(QWidget):
    def __init__(self, diameter: int) -> None:
        super().__init__()
        self.setFixedSize(diameter, diameter)
        self.angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.angle = (self.angle + 12) % 360
        self.update()

    def showEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        self._timer.start()

    def hideEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w = max(6, self.width() // 10)
        r = QRectF(w, w, self.width() - 2 * w, self.height() - 2 * w)
        pen = QPen(QColor(theme.BLUE), w)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawArc(r, -self.angle * 16, 270 * 16)
        p.end()


class BusyIndicator(QWidget):
    """A centred spinner."""

    def __init__(self, diameter: int) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.spinner = _Spinner(diameter)
        row.addStretch(1)
        row.addWidget(self.spinner)
        row.addStretch(1)
