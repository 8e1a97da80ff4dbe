"""Large touch buttons (at least 20 mm on each side at the configured DPI)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from ui import theme

_STYLES = {
    "primary": (theme.BLUE, "#ffffff", theme.BLUE_DARK),
    "secondary": ("#ffffff", theme.BLUE, theme.BAND),
    "danger": ("#ffffff", theme.RED, "#fbeaea"),
    "sim": (theme.SIM, "#ffffff", "#8e0f42"),
}


class BigButton(QPushButton):
    """A push button sized for fingers; `kind` is primary, secondary, danger or sim."""

    def __init__(
        self, metrics: theme.Metrics, kind: str = "primary", parent: QWidget | None = None,
        *, px: int | None = None, pad: int = 28,
    ) -> None:
        super().__init__(parent)
        bg, fg, pressed = _STYLES[kind]
        border = fg if kind in ("secondary", "danger") else bg
        self.setFont(theme.font(px or metrics.button_px, bold=True))
        self.setMinimumSize(metrics.touch, metrics.touch)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(max(metrics.touch, round((px or metrics.button_px) * 2.6)))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        radius = 18
        # Room the style sheet takes around the text (border + padding), for layout checks.
        self.h_pad = 2 * (4 + pad)
        self.v_pad = 2 * (4 + 8)
        self.setStyleSheet(
            f"QPushButton {{ background: {bg}; color: {fg}; border: 4px solid {border};"
            f" border-radius: {radius}px; padding: 8px {pad}px; }}"
            f"QPushButton:pressed {{ background: {pressed}; }}"
            f"QPushButton:checked {{ background: {theme.BLUE}; color: #ffffff; border-color: {theme.BLUE}; }}"
            f"QPushButton:disabled {{ background: #d0d0d0; color: #6b6b6b; border-color: #d0d0d0; }}"
        )
