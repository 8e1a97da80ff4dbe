"""Keeping the kiosk window un-escapable in production mode.

An application-wide event filter swallows what a citizen could use to leave or disturb the
kiosk: context menus, any key chord with Alt, Ctrl or Meta (Alt+F4, Ctrl+Q, Alt+Tab reaching the
app, Super), Escape and function keys; the window refuses to close unless the application asks
(`allow_close()`); the cursor is hidden. Window-manager shortcuts outside the app are the
session's business (the kiosk runs without a desktop, see the systemd unit); the window is
frameless and stays on top. In development mode nothing is filtered and Ctrl+Q quits.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

_BLOCKED_MODIFIERS = (
    Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
)
_BLOCKED_KEYS = {
    Qt.Key.Key_Escape, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Menu, Qt.Key.Key_Super_L,
    Qt.Key.Key_Super_R, Qt.Key.Key_Meta, Qt.Key.Key_Alt, Qt.Key.Key_Control, Qt.Key.Key_Close,
    Qt.Key.Key_PowerOff, Qt.Key.Key_Sleep, Qt.Key.Key_Suspend,
    *(getattr(Qt.Key, f"Key_F{i}") for i in range(1, 36)),
}
_SWALLOWED_TYPES = {QEvent.Type.ContextMenu, QEvent.Type.Wheel, QEvent.Type.WhatsThis,
                    QEvent.Type.ToolTip, QEvent.Type.QueryWhatsThis}


class Lockdown(QObject):
    """The production event filter; `blocked` counts what it swallowed (for tests and logs)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked = 0

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        t = event.type()
        if t in _SWALLOWED_TYPES:
            self.blocked += 1
            return True
        if t in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
                 QEvent.Type.Shortcut):
            if t == QEvent.Type.Shortcut:
                self.blocked += 1
                return True
            assert isinstance(event, QKeyEvent)
            if event.modifiers() & _BLOCKED_MODIFIERS or event.key() in _BLOCKED_KEYS:
                self.blocked += 1
                return True
        return False


def install(app: QApplication) -> Lockdown:
    lock = Lockdown(app)
    app.installEventFilter(lock)
    app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    return lock


def uninstall(app: QApplication, lock: Lockdown) -> None:
    app.removeEventFilter(lock)
    app.restoreOverrideCursor()
