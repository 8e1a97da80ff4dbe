"""Checking that no text overflows its widget: the text's bounding box under the widget's font
(QFontMetrics, wrapping when the widget wraps) must fit the widget's content rectangle."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

# Plain buttons: Qt's own margins; BigButton says what its style sheet takes (h_pad, v_pad).
BUTTON_H_PAD = 16
BUTTON_V_PAD = 8


def visible_texts(root: QWidget) -> list[QWidget]:
    out: list[QWidget] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLabel | QAbstractButton) and w.isVisibleTo(root) and w.text():
            out.append(w)
    return out


def overflow(widget: QWidget) -> str | None:
    """A description of the overflow, or None when the text fits."""
    fm = QFontMetrics(widget.font())
    text = widget.text()  # type: ignore[attr-defined]
    if isinstance(widget, QLabel):
        area = widget.contentsRect()
        if widget.wordWrap():
            need = fm.boundingRect(QRect(0, 0, area.width(), 100_000),
                                   int(Qt.TextFlag.TextWordWrap), text)
            ok = need.width() <= area.width() + 1 and need.height() <= area.height() + 1
        else:
            need = fm.boundingRect(QRect(0, 0, 100_000, 100_000), 0, text)
            ok = need.width() <= area.width() + 1 and need.height() <= area.height() + 1
        if ok:
            return None
        return f"label {text!r}: needs {need.width()}x{need.height()}, has {area.width()}x{area.height()}"
    need = fm.boundingRect(QRect(0, 0, 100_000, 100_000), 0, text)
    has_w = widget.width() - getattr(widget, "h_pad", BUTTON_H_PAD)
    has_h = widget.height() - getattr(widget, "v_pad", BUTTON_V_PAD)
    if need.width() <= has_w and need.height() <= has_h:
        return None
    return f"button {text!r}: needs {need.width()}x{need.height()}, has {has_w}x{has_h}"


def all_texts(root: QWidget) -> list[str]:
    """Every text any label or button under `root` holds, visible or not."""
    return [w.text() for w in root.findChildren(QWidget) if isinstance(w, QLabel | QAbstractButton)]
