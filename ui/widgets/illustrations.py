"""Illustrations drawn with QPainter: "insert your card" and "take your card".

Drawn rather than loaded so they scale to any screen and need no asset files. Each has a
gentle motion (the card sliding in or out); the animation runs only while the widget is shown.
`set_phase` fixes the motion for screenshots.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme


class _CardArt(QWidget):
    inward = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._phase = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._tick)
        self.alert = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)

    def set_phase(self, phase: float) -> None:
        self._phase = phase % 1.0
        self.update()

    def showEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        self._timer.start()

    def hideEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        self._timer.stop()

    def _tick(self) -> None:
        self.set_phase(self._phase + 0.02)

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        unit = min(w / 10, h / 10)
        cx = w / 2
        # The reader: a dark slab with a slot near the bottom.
        reader = QRectF(cx - 3.6 * unit, h / 2 + 1.2 * unit, 7.2 * unit, 2.6 * unit)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#37474f"))
        p.drawRoundedRect(reader, unit * 0.4, unit * 0.4)
        slot_y = reader.top() + unit * 0.6
        p.setBrush(QColor("#111111"))
        p.drawRect(QRectF(cx - 2.8 * unit, slot_y - unit * 0.12, 5.6 * unit, unit * 0.24))
        # The card slides toward (insert) or away from (take) the slot.
        ease = 0.5 - 0.5 * math.cos(self._phase * 2 * math.pi)
        travel = 2.4 * unit * (ease if self.inward else 1 - ease)
        card = QRectF(cx - 2.6 * unit, slot_y - 4.4 * unit + travel, 5.2 * unit, 3.4 * unit)
        p.save()
        p.setClipRect(QRectF(0, 0, w, slot_y))
        p.setBrush(QColor("#e3f0fb"))
        p.setPen(QPen(QColor(theme.BLUE), max(2, unit * 0.08)))
        p.drawRoundedRect(card, unit * 0.3, unit * 0.3)
        chip = QRectF(card.left() + 0.5 * unit, card.top() + 1.2 * unit, 0.9 * unit, 0.7 * unit)
        p.setBrush(QColor("#d4a017"))
        p.setPen(QPen(QColor("#8a6a0a"), max(1, unit * 0.04)))
        p.drawRoundedRect(chip, unit * 0.1, unit * 0.1)
        p.setPen(QPen(QColor(theme.BLUE), max(2, unit * 0.12)))
        for i in range(3):
            y = card.top() + (0.9 + i * 0.6) * unit
            p.drawLine(QPointF(card.left() + 1.9 * unit, y), QPointF(card.right() - 0.5 * unit, y))
        p.restore()
        # The arrow says which way.
        colour = QColor(theme.RED if self.alert else theme.GREEN)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        ax = cx + 3.6 * unit
        top, bottom = h / 2 - 3.2 * unit, h / 2 - 0.2 * unit
        p.drawRect(QRectF(ax - 0.25 * unit, top + 0.8 * unit, 0.5 * unit, bottom - top - 1.6 * unit))
        if self.inward:
            tip = QPolygonF([QPointF(ax - unit, bottom - unit), QPointF(ax + unit, bottom - unit),
                             QPointF(ax, bottom)])
        else:
            tip = QPolygonF([QPointF(ax - unit, top + unit), QPointF(ax + unit, top + unit),
                             QPointF(ax, top)])
        p.drawPolygon(tip)
        p.end()


class InsertCardArt(_CardArt):
    inward = True


class TakeCardArt(_CardArt):
    inward = False


class AlertArt(QWidget):
    """The error screen's sign: an amber circle with an exclamation mark (never red alone:
    something went wrong, the citizen did nothing wrong)."""

    def __init__(self, diameter: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(diameter, diameter)

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        pen_w = max(4, side // 14)
        p.setPen(QPen(QColor(theme.AMBER), pen_w))
        p.setBrush(QColor("#fff3d6"))
        p.drawEllipse(QRectF(pen_w / 2, pen_w / 2, side - pen_w, side - pen_w))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.AMBER))
        bar_w = side * 0.12
        p.drawRoundedRect(QRectF((side - bar_w) / 2, side * 0.2, bar_w, side * 0.4), bar_w / 2, bar_w / 2)
        p.drawEllipse(QRectF((side - bar_w * 1.2) / 2, side * 0.68, bar_w * 1.2, bar_w * 1.2))
        p.end()
