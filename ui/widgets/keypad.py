"""The on-screen numeric keypad for the mobile number and the one-time code.

No system keyboard ever appears on the kiosk: digits come only from these keys. The keypad
emits `key(str)` with a digit, "back" or "clear"; the screen owning it decides what to do.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QWidget

from ui import theme
from ui.widgets.buttons import BigButton

_LABELS = {"back": ("ลบ", "Delete"), "clear": ("ล้าง", "Clear")}


class NumericKeypad(QWidget):
    key = Signal(str)

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setSpacing(metrics.mm(3))
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, BigButton] = {}
        size = max(metrics.touch, metrics.mm(24))
        layout = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]
        for i, name in enumerate(layout):
            kind = "secondary" if name in _LABELS else "primary"
            b = BigButton(metrics, kind, px=metrics.body_px + 8 if name.isdigit() else metrics.small_px)
            b.setFixedHeight(size)
            b.setMinimumWidth(size)
            b.setText(name if name.isdigit() else _LABELS[name][0])
            b.clicked.connect(lambda _=False, n=name: self.key.emit(n))
            grid.addWidget(b, i // 3, i % 3)
            self.buttons[name] = b

    def set_language(self, lang: str) -> None:
        for name, (th, en) in _LABELS.items():
            self.buttons[name].setText(th if lang == "th" else en)


def apply_key(current: str, key: str, max_len: int) -> str:
    """The entry after pressing `key` (digit, "back" or "clear"), never longer than max_len."""
    if key == "clear":
        return ""
    if key == "back":
        return current[:-1]
    if key.isdigit() and len(key) == 1 and len(current) < max_len:
        return current + key
    return current
