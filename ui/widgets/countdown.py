"""A countdown ring: the remaining share of a time limit as an arc on a visible track, the time
in the middle with its unit under it (seconds, or minutes:seconds from a minute up)."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui import theme

TRACK = "#b8c4d4"
"""The ring's track: visible on the white screens and on the header's pale band."""


def clock_text(seconds: int) -> str:
    """`45` -> "45"; `165` -> "2:45"."""
    return str(seconds) if seconds < 60 else f"{seconds // 60}:{seconds % 60:02d}"


class CountdownRing(QWidget):
    def __init__(self, diameter: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(diameter, diameter)
        self._remaining = 0.0
        self._total = 1.0
        self._unit = ""

    def set_time(self, remaining_s: float | None, total_s: float | None, unit: str = "") -> None:
        """Show `remaining_s` of `total_s` (the whole length of this countdown), with `unit`
        ("วินาที" / "sec") under the number; None hides the ring."""
        if remaining_s is None or not total_s:
            self.hide()
            return
        self._remaining = max(0.0, float(remaining_s))
        self._total = max(float(total_s), 0.001)
        self._unit = unit
        self.show()
        self.update()

    @property
    def seconds_shown(self) -> int:
        return math.ceil(self._remaining)

    @property
    def share(self) -> float:
        """The part of the ring drawn (1.0 = full)."""
        return min(1.0, self._remaining / self._total)

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        pen_w = max(6, side // 10)
        rect = QRectF(pen_w / 2, pen_w / 2, side - pen_w, side - pen_w)
        p.setPen(QPen(QColor(TRACK), pen_w))
        p.drawEllipse(rect)
        share = self.share
        colour = theme.RED if share <= 0.25 else theme.BLUE
        pen = QPen(QColor(colour), pen_w)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        # Qt angles are in 1/16 degree, counter-clockwise from 3 o'clock: start at 12 o'clock.
        p.drawArc(rect, 90 * 16, -round(share * 360 * 16))
        p.setPen(QColor(theme.INK))
        number = clock_text(self.seconds_shown)
        inner = rect.adjusted(pen_w, pen_w, -pen_w, -pen_w)
        if self._unit and self.seconds_shown < 60:
            p.setFont(theme.font(max(12, round(side * 0.30)), bold=True))
            p.drawText(inner.adjusted(0, 0, 0, -inner.height() * 0.28), Qt.AlignmentFlag.AlignCenter, number)
            p.setFont(theme.font(max(10, round(side * 0.14))))
            p.drawText(inner.adjusted(0, inner.height() * 0.42, 0, 0), Qt.AlignmentFlag.AlignCenter, self._unit)
        else:
            p.setFont(theme.font(max(12, round(side * (0.30 if len(number) < 4 else 0.24))), bold=True))
            p.drawText(inner, Qt.AlignmentFlag.AlignCenter, number)
        p.end()
