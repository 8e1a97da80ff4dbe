"""The step indicator: one dot per step of the journey, the current one large and filled."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui import theme


class StepIndicator(QWidget):
    def __init__(self, height: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedHeight(height)
        self._index = 0
        self._total = 0
        self.setMinimumWidth(height * 4)

    def set_step(self, index: int | None, total: int | None) -> None:
        """`index` counts from 1; None or a total of 0 hides the indicator."""
        # Never hidden, only blank: the header keeps its layout (toggle left, marks right).
        self._index, self._total = (index, total) if index and total else (0, 0)
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        if not self._total:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = self.height()
        gap = self.width() / self._total
        r = h * 0.28
        for i in range(1, self._total + 1):
            cx = gap * (i - 0.5)
            cy = h / 2
            if i < self._total:
                p.setPen(QPen(QColor(theme.BLUE if i < self._index else "#c9d3e0"), max(3, h // 12)))
                p.drawLine(round(cx + r), round(cy), round(cx + gap - r), round(cy))
            rad = r * (1.25 if i == self._index else 1.0)
            rect = QRectF(cx - rad, cy - rad, 2 * rad, 2 * rad)
            done = i <= self._index
            p.setPen(QPen(QColor(theme.BLUE if done else "#c9d3e0"), 3))
            p.setBrush(QColor(theme.BLUE if done else "#ffffff"))
            p.drawEllipse(rect)
            p.setPen(QColor("#ffffff" if done else theme.MUTED))
            p.setFont(theme.font(max(10, round(rad * 1.1)), bold=True))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(i))
        p.end()
