"""The voice's controls in the footer: "say it again", softer, a five-step level meter, louder.
They send events only (`RepeatPrompt`, `ChangeVolume`); the level shown is the view's."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from ui import theme
from ui.widgets.buttons import BigButton

LEVELS = 5


class LevelMeter(QWidget):
    """Five bars rising left to right, the first `level` filled: the loudness at a glance."""

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = 3
        self.setFixedSize(metrics.mm(22), metrics.touch)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_level(self, level: int) -> None:
        if level != self.level:
            self.level = level
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        gap = max(2, w // 25)
        bar = (w - gap * (LEVELS - 1)) // LEVELS
        for i in range(LEVELS):
            bar_h = round(h * (0.3 + 0.6 * (i + 1) / LEVELS))
            rect = QRect(i * (bar + gap), h - bar_h - h // 20, bar, bar_h)
            filled = i < self.level
            p.setPen(QColor(theme.BLUE))
            p.setBrush(QColor(theme.BLUE) if filled else Qt.GlobalColor.transparent)
            p.drawRoundedRect(rect, 4, 4)
        p.end()


class SoundControls(QWidget):
    repeat_clicked = Signal()
    volume_clicked = Signal(int)
    """-1 (softer) or +1 (louder)."""

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(metrics.margin // 4)
        small = metrics.small_px
        self.repeat = BigButton(metrics, "secondary", px=small, pad=12)
        self.softer = BigButton(metrics, "secondary", px=small, pad=12)
        self.meter = LevelMeter(metrics)
        self.louder = BigButton(metrics, "secondary", px=small, pad=12)
        for widget in (self.repeat, self.softer, self.meter, self.louder):
            row.addWidget(widget)
        self.repeat.clicked.connect(self.repeat_clicked)
        self.softer.clicked.connect(lambda: self.volume_clicked.emit(-1))
        self.louder.clicked.connect(lambda: self.volume_clicked.emit(1))

    def set_texts(self, repeat: str, softer: str, louder: str, level: int) -> None:
        self.repeat.setText(repeat)
        self.softer.setText(softer)
        self.louder.setText(louder)
        self.meter.set_level(level)
        self.softer.setEnabled(level > 1)
        self.louder.setEnabled(level < LEVELS)
