"""What every screen shares: the metrics, the event sender, text look-up and clearing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.journey.view import View
from kiosk.messages import Message, msg
from ui import theme
from ui.widgets.chrome import wrapped_label

Send = Callable[[Any], None]


def text(view: View, code: str | None) -> str:
    """The message `code` in the view's language with its placeholders filled ("" for None)."""
    if not code:
        return ""
    return msg(code).format(**view.message_values()).text(view.language)


def message_text(view: View, message: Message | None) -> str:
    return message.text(view.language) if message is not None else ""


class Screen(QWidget):
    """Base of all screens: a column with a title and a body label."""

    def __init__(self, metrics: theme.Metrics, send: Send, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.m = metrics
        self.send = send
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        self.column.setSpacing(metrics.margin // 2)
        self.title = wrapped_label(metrics, metrics.title_px, bold=True)
        self.column.addWidget(self.title)
        self.body = wrapped_label(metrics, metrics.body_px)
        self.column.addWidget(self.body)

    def label(self, px: int | None = None, *, bold: bool = False, colour: str = theme.INK,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter) -> QLabel:
        return wrapped_label(self.m, px or self.m.body_px, bold=bold, colour=colour, align=align)

    def show_view(self, view: View) -> None:
        self.title.setText(text(view, view.title))
        self.body.setText(text(view, view.body))
        self.body.setVisible(bool(view.body))

    def clear(self) -> None:
        """Forget everything shown (called when the screen is left): subclasses extend it."""
        for label in self.findChildren(QLabel):
            label.clear()
