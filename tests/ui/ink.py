"""Where a label's ink really falls: the label is rendered to pixels and its dark rows counted, so
a Thai tone mark cut at the top or two wrapped lines that touch are seen (a font-metrics box is
not enough: Sarabun's stacked marks rise above the ascent)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel

from ui.widgets.text import keep_together

INK_BELOW = 170
"""A pixel darker than this (0-255 grey) is ink; the labels' colours are all darker."""
EDGE_ROWS = 2


def line_count(label: QLabel) -> int:
    """Lines the label's text takes at the label's content width (Qt's own line breaking)."""
    width = label.contentsRect().width()
    lines = 0
    for paragraph in keep_together(label.text()).split("\u2028"):
        layout = QTextLayout(paragraph, label.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines += 1
        layout.endLayout()
    return lines


def ink_rows(label: QLabel) -> list[bool]:
    grabbed = label.grab().toImage()
    # The labels draw on a transparent background: lay them on white paper, as on screen.
    image = QImage(grabbed.size(), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(grabbed.devicePixelRatio())
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    painter.drawImage(0, 0, grabbed)
    painter.end()
    image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.frombuffer(bytes(image.constBits()), np.uint8).reshape(image.height(), image.bytesPerLine())
    return [bool(v) for v in (pixels[:, :image.width()] < INK_BELOW).any(axis=1)]


def ink_problem(label: QLabel) -> str | None:
    """Why the label's ink is not wholly inside it with its lines apart, or None."""
    rows = ink_rows(label)
    if not any(rows):
        return None if not label.text().strip() else f"{label.text()!r}: no ink at all"
    if any(rows[:EDGE_ROWS]):
        return f"{label.text()!r}: ink at the top edge (marks clipped)"
    if any(rows[-EDGE_ROWS:]):
        return f"{label.text()!r}: ink at the bottom edge (marks clipped)"
    bands = sum(1 for y, ink in enumerate(rows) if ink and (y == 0 or not rows[y - 1]))
    lines = line_count(label)
    if bands < lines:
        return f"{label.text()!r}: {lines} lines but {bands} separate bands of ink (lines touch)"
    return None


def line_height(label: QLabel) -> float:
    return QFontMetricsF(label.font()).lineSpacing()
