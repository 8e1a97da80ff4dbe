"""A countdown ring: the remaining share of a time limit as an arc, the seconds in the middle."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui import theme


class CountdownRing(QWidget):
    def __init__(self, diameter: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(diameter, diameter)
        self._remaining = 0.0
        self._total = 1.0

    def set_time(self, remaining_s: float | None, total_s: float | None) -> None:
        """Show `remaining_s` of `total_s`; None hides the ring."""
        if remaining_s is None or not total_s:
            self.hide()
            return
        self._remaining = max(0.0, float(remaining_s))
        self._total = max(float(total_s), 0.001)
        self.show()
        self.update()

    @property
    def seconds_shown(self) -> int:
        return math.ceil(self._remaining)

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        pen_w = max(6, side // 10)
        rect = QRectF(pen_w / 2, pen_w / 2, side - pen_w, side - pen_w)
        p.setPen(QPen(QColor(theme.BAND), pen_w))
        p.drawEllipse(rect)
        share = min(1.0, self._remaining / self._total)
        colour = theme.RED if share <= 0.25 else theme.BLUE
        pen = QPen(QColor(colour), pen_w)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        # Qt angles are in 1/16 degree, counter-clockwise from 3 o'clock: start at 12 o'clock.
        p.drawArc(rect, 90 * 16, -round(share * 360 * 16))
        p.setPen(QColor(theme.INK))
        p.setFont(theme.font(max(12, side // 3), bold=True))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(self.seconds_shown))
        p.end()
