"""The step indicator: one numbered dot per step of the journey with the step's name under it;
the current one large and filled, the ones done filled, the rest outlined."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui import theme

TODO = "#8a99ad"
"""Steps not reached yet: outlined, still readable on the header's pale band (3:1 and more)."""


class StepIndicator(QWidget):
    def __init__(self, height: int, label_px: int = 24, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label_px = label_px
        self.setFixedHeight(height + round(label_px * 1.7))
        self._dots_h = height
        self._index = 0
        self._names: tuple[str, ...] = ()
        self.setMinimumWidth(height * 4)

    def set_step(self, index: int | None, names: tuple[str, ...]) -> None:
        """`index` counts from 1; `names` are the steps' names in the screen's language. None, 0
        or no names leave the indicator blank (it never collapses: the header keeps its layout)."""
        self._index, self._names = (index, names) if index and names else (0, ())
        self.update()

    @property
    def current_name(self) -> str:
        return self._names[self._index - 1] if self._index else ""

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        total = len(self._names)
        if not total:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = self._dots_h
        gap = self.width() / total
        r = h * 0.28
        cy = h / 2
        for i in range(1, total + 1):
            cx = gap * (i - 0.5)
            if i < total:
                p.setPen(QPen(QColor(theme.BLUE if i < self._index else TODO), max(3, h // 12)))
                p.drawLine(round(cx + r), round(cy), round(cx + gap - r), round(cy))
            current = i == self._index
            rad = r * (1.25 if current else 1.0)
            rect = QRectF(cx - rad, cy - rad, 2 * rad, 2 * rad)
            done = i <= self._index
            p.setPen(QPen(QColor(theme.BLUE if done else TODO), 3))
            p.setBrush(QColor(theme.BLUE if done else "#ffffff"))
            p.drawEllipse(rect)
            p.setPen(QColor("#ffffff" if done else theme.MUTED))
            p.setFont(theme.font(max(10, round(rad * 1.1)), bold=True))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(i))
            p.setPen(QColor(theme.BLUE if current else theme.MUTED))
            p.setFont(theme.font(self._label_px, bold=current))
            label = QRectF(cx - gap / 2, h, gap, self.height() - h)
            p.drawText(label, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._names[i - 1])
        p.end()
