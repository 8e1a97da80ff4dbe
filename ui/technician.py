"""The hidden technician screen: PIN prompt, then device states, queue figures, a printer test,
"leave to maintenance" and "back in service".

Opened by the corner gesture (`ui.gesture`). The typed PIN is handed out (`pin_submitted`) and
checked off the GUI thread by the runtime's technician controls (a slow hash); their answer comes
back through `show_verdict`. Three wrong PINs in a row lock the prompt (30 s, doubling, kept by the
runtime across reopening and restarts): while locked it takes no digits and counts down, and it
opens locked (`open_prompt(locked_s)`). Whatever the prompt shows stays on this overlay: closing it
leaves the attract screen exactly as it was. Two minutes without a touch close the screen (an
unlocked screen is never left open for the next citizen); leaving an unlocked screen is reported
(`left`, for the audit trail). The screen shows what it is given (`set_status`) and asks for
actions through signals; it does no I/O itself. Technician-facing, so English, and every state
names its cause.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from kiosk.runtime.api import PinVerdict
from ui import theme
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import wrapped_label
from ui.widgets.keypad import NumericKeypad, apply_key

IDLE_S = 120
"""Seconds without a touch after which the technician screen closes by itself."""


def _age(seconds: float) -> str:
    s = int(seconds)
    if s < 120:
        return f"{s} s"
    if s < 7200:
        return f"{s // 60} min"
    return f"{s // 3600} h {s % 3600 // 60} min"


def _mib(n: float) -> str:
    return f"{n / 1048576:.1f} MiB"


def queue_summary(queue: Mapping[str, object]) -> str:
    """The outbox figures in words a technician reads at a glance (no raw floats)."""
    if not queue:
        return "Outbox: no figures"
    if "error" in queue:
        return f"Outbox unavailable: {queue['error']}"

    def number(key: str) -> float:
        value = queue.get(key)
        return float(value) if isinstance(value, int | float) else 0.0

    parts = [f"{int(number(k))} {k.replace('_', ' ')}" for k in ("pending", "in_flight", "acknowledged", "dead")
             if k in queue]
    age = queue.get("oldest_pending_age_s")
    if isinstance(age, int | float):
        parts.append(f"oldest pending {_age(age)}")
    if "disk_bytes" in queue:
        used, budget = number("used_bytes"), number("budget_bytes")
        share = f" ({100 * used / budget:.0f} % of the {_mib(budget)} budget)" if budget else ""
        parts.append(f"{_mib(number('disk_bytes'))} on disk{share}")
    return "Outbox: " + " · ".join(parts)


class TechnicianScreen(QWidget):
    closed = Signal()
    unlocked = Signal()
    pin_submitted = Signal(str)
    left = Signal(str)
    """An unlocked screen closed: `closed` (by the technician) or `idle`."""
    printer_test_requested = Signal()
    maintenance_requested = Signal()
    service_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, metrics: theme.Metrics, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.setObjectName("technician")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#technician {{ background: {theme.PAPER}; }}")
        self._entry = ""
        self._checking = False
        self._locked_until = 0.0
        self._clock = clock
        self._m = metrics
        self.lock_timer = QTimer(self)
        self.lock_timer.setInterval(1000)
        self.lock_timer.timeout.connect(self.tick)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(IDLE_S * 1000)
        self.idle_timer.timeout.connect(lambda: self.close_screen("idle"))
        self.pages = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(metrics.margin, metrics.margin, metrics.margin, metrics.margin)
        outer.addWidget(self.pages)
        self.pages.addWidget(self._build_prompt())
        self.pages.addWidget(self._build_panel())

    # -- PIN prompt ---------------------------------------------------------------------------
    def _build_prompt(self) -> QWidget:
        m = self._m
        page = QWidget()
        col = QVBoxLayout(page)
        col.setSpacing(m.margin // 2)
        self.prompt_title = wrapped_label(m, m.title_px, bold=True)
        self.prompt_title.setText("Technician PIN")
        col.addWidget(self.prompt_title)
        self.pin_dots = wrapped_label(m, m.title_px, bold=True)
        col.addWidget(self.pin_dots)
        self.prompt_error = wrapped_label(m, m.small_px, colour=theme.RED)
        col.addWidget(self.prompt_error)
        self.pin_keypad = NumericKeypad(m)
        self.pin_keypad.set_language("en")
        self.pin_keypad.key.connect(self._key)
        col.addWidget(self.pin_keypad)
        row = QHBoxLayout()
        self.pin_cancel = BigButton(m, "secondary")
        self.pin_cancel.setText("Close")
        self.pin_cancel.clicked.connect(lambda: self.close_screen())
        self.pin_ok = BigButton(m, "primary")
        self.pin_ok.setText("Unlock")
        self.pin_ok.clicked.connect(self.submit_pin)
        row.addWidget(self.pin_cancel)
        row.addWidget(self.pin_ok)
        col.addLayout(row)
        col.addStretch(1)
        return page

    def _key(self, key: str) -> None:
        self.touched()
        if not self.takes_pin:
            return
        self._entry = apply_key(self._entry, key, 12)
        self.pin_dots.setText("●" * len(self._entry))

    def enter_pin(self, digits: str) -> None:
        for d in digits:
            self._key(d)

    @property
    def takes_pin(self) -> bool:
        """Digits are taken: not locked, not waiting for the answer to the last PIN."""
        return not self._checking and self.locked_s() == 0

    def locked_s(self) -> int:
        return max(0, math.ceil(self._locked_until - self._clock()))

    def submit_pin(self) -> None:
        self.touched()
        pin, self._entry = self._entry, ""
        self.pin_dots.setText("")
        if not pin or not self.takes_pin:
            return
        self._checking = True
        self._enable_entry(False)
        self.prompt_error.setText("Checking the PIN...")
        self.pin_submitted.emit(pin)

    def show_verdict(self, verdict: PinVerdict) -> None:
        """The runtime's answer to the PIN last submitted."""
        self._checking = False
        if verdict.result == "ok":
            self.prompt_error.setText("")
            self._enable_entry(True)
            self.pages.setCurrentIndex(1)
            self.unlocked.emit()
            self.refresh_requested.emit()
        elif verdict.result == "locked":
            self._lock(verdict.locked_s)
        elif verdict.result == "wrong":
            self._enable_entry(True)
            n = verdict.tries_left
            self.prompt_error.setText(f"Wrong PIN: {n} more wrong PIN{'s' if n != 1 else ''} lock this prompt")
        else:
            self.prompt_error.setText(verdict.message or "No technician PIN can be checked on this kiosk")

    def _lock(self, seconds: int) -> None:
        self._locked_until = self._clock() + seconds
        self._enable_entry(False)
        self.lock_timer.start()
        self.tick()

    def tick(self) -> None:
        """Once a second while locked: the time left, then the prompt takes a PIN again."""
        left = self.locked_s()
        if left:
            self.prompt_error.setText(f"Too many wrong PINs: locked. Try again in {left} s.")
            return
        self.lock_timer.stop()
        if not self._checking:
            self.prompt_error.setText("")
            self._enable_entry(True)

    def _enable_entry(self, on: bool) -> None:
        self.pin_keypad.setEnabled(on)
        self.pin_ok.setEnabled(on)

    def touched(self) -> None:
        """A touch on the screen: the idle timer starts again."""
        if self.isVisible():
            self.idle_timer.start()

    @property
    def is_unlocked(self) -> bool:
        return self.pages.currentIndex() == 1

    # -- panel --------------------------------------------------------------------------------
    def _build_panel(self) -> QWidget:
        m = self._m
        page = QWidget()
        # Landscape: the states and figures on the left at full height, the actions beside them.
        split = QVBoxLayout(page) if m.portrait else QHBoxLayout(page)
        split.setSpacing(m.margin)
        col = QVBoxLayout()
        col.setSpacing(m.margin // 2)
        split.addLayout(col, 3)
        actions = col if m.portrait else QVBoxLayout()
        if not m.portrait:
            actions.setSpacing(m.margin // 2)
            split.addLayout(actions, 2)
        title = wrapped_label(m, m.title_px, bold=True)
        title.setText("Technician")
        col.addWidget(title)
        self.devices_box = QGridLayout()
        self.devices_box.setHorizontalSpacing(m.margin)
        col.addLayout(self.devices_box)
        self.queue_label = wrapped_label(m, m.small_px, align=Qt.AlignmentFlag.AlignLeft)
        col.addWidget(self.queue_label)
        self.action_result = wrapped_label(m, m.small_px, colour=theme.BLUE)
        col.addWidget(self.action_result)
        col.addStretch(1)
        if not m.portrait:
            actions.addStretch(1)
        self.refresh = BigButton(m, "secondary")
        self.refresh.setText("Refresh")
        self.refresh.clicked.connect(self.refresh_requested)
        self.printer_test = BigButton(m, "primary")
        self.printer_test.setText("Print a test page")
        self.printer_test.clicked.connect(self.printer_test_requested)
        self.maintenance = BigButton(m, "danger")
        self.maintenance.setText("Leave to maintenance")
        self.maintenance.clicked.connect(self.maintenance_requested)
        self.back_in_service = BigButton(m, "secondary")
        self.back_in_service.setText("Back in service")
        self.back_in_service.clicked.connect(self.service_requested)
        self.close_button = BigButton(m, "secondary")
        self.close_button.setText("Back to the kiosk")
        self.close_button.clicked.connect(lambda: self.close_screen())
        for b in (self.refresh, self.printer_test, self.maintenance, self.back_in_service, self.close_button):
            actions.addWidget(b)
            b.pressed.connect(self.touched)
        return page

    def set_status(self, devices: Mapping[str, tuple[str, str]], queue: Mapping[str, object]) -> None:
        """`devices`: name -> (state, detail); `queue`: outbox figures by name."""
        while self.devices_box.count():
            item = self.devices_box.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        for row, (name, (state, detail)) in enumerate(sorted(devices.items())):
            colour = theme.GREEN if state == "ok" else (theme.AMBER if state in ("unknown", "degraded") else theme.RED)
            for col, (text, c) in enumerate(((name, theme.INK), (state, colour), (detail, theme.MUTED))):
                label = QLabel(text)
                label.setFont(theme.font(self._m.small_px, bold=col == 1))
                label.setStyleSheet(f"color: {c};")
                label.setWordWrap(col == 2)
                self.devices_box.addWidget(label, row, col)
        self.queue_label.setText(queue_summary(queue))

    def set_action_result(self, text: str) -> None:
        self.action_result.setText(text)

    def open_prompt(self, locked_s: int = 0) -> None:
        """Show the PIN prompt; `locked_s` > 0 opens it locked (the runtime's lockout)."""
        self._entry = ""
        self._checking = False
        self._locked_until = 0.0
        self.pin_dots.setText("")
        self.prompt_error.setText("")
        self.action_result.setText("")
        self._enable_entry(True)
        self.pages.setCurrentIndex(0)
        self.show()
        self.raise_()
        self.idle_timer.start()
        if locked_s > 0:
            self._lock(locked_s)

    def close_screen(self, reason: str = "closed") -> None:
        was_unlocked = self.isVisible() and self.is_unlocked
        self._entry = ""
        self.pin_dots.setText("")
        self.prompt_error.setText("")
        self.lock_timer.stop()
        self.idle_timer.stop()
        self.pages.setCurrentIndex(0)
        self.hide()
        if was_unlocked:
            self.left.emit(reason)
        self.closed.emit()
