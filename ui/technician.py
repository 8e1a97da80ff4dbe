"""The hidden technician screen: PIN prompt, then device states, queue figures, a printer test,
"leave to maintenance" and "back in service".

Opened by the corner gesture (`ui.gesture`); the PIN (`ui.technician_pin`) is checked by
`check_pin` (the runtime's technician controls). Three wrong PINs
close the prompt. The screen shows what it is given (`set_status`) and asks for actions through
signals; it does no I/O itself. Technician-facing, so English, and every state names its cause.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ui import theme
from ui.widgets.buttons import BigButton
from ui.widgets.chrome import wrapped_label
from ui.widgets.keypad import NumericKeypad, apply_key

MAX_PIN_TRIES = 3


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
    printer_test_requested = Signal()
    maintenance_requested = Signal()
    service_requested = Signal()
    refresh_requested = Signal()

    def __init__(self, metrics: theme.Metrics, check_pin: Callable[[str], bool],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("technician")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#technician {{ background: {theme.PAPER}; }}")
        self._check_pin = check_pin
        self._entry = ""
        self._tries = 0
        self._m = metrics
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
        self.pin_cancel.clicked.connect(self.close_screen)
        self.pin_ok = BigButton(m, "primary")
        self.pin_ok.setText("Unlock")
        self.pin_ok.clicked.connect(self.submit_pin)
        row.addWidget(self.pin_cancel)
        row.addWidget(self.pin_ok)
        col.addLayout(row)
        col.addStretch(1)
        return page

    def _key(self, key: str) -> None:
        self._entry = apply_key(self._entry, key, 12)
        self.pin_dots.setText("●" * len(self._entry))

    def enter_pin(self, digits: str) -> None:
        for d in digits:
            self._key(d)

    def submit_pin(self) -> None:
        ok = bool(self._entry) and self._check_pin(self._entry)
        self._entry = ""
        self.pin_dots.setText("")
        if ok:
            self._tries = 0
            self.prompt_error.setText("")
            self.pages.setCurrentIndex(1)
            self.unlocked.emit()
            self.refresh_requested.emit()
            return
        self._tries += 1
        if self._tries >= MAX_PIN_TRIES:
            self.close_screen()
            return
        self.prompt_error.setText(f"Wrong PIN ({MAX_PIN_TRIES - self._tries} tries left)")

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
        self.close_button.clicked.connect(self.close_screen)
        for b in (self.refresh, self.printer_test, self.maintenance, self.back_in_service, self.close_button):
            actions.addWidget(b)
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

    def open_prompt(self) -> None:
        self._entry = ""
        self._tries = 0
        self.pin_dots.setText("")
        self.prompt_error.setText("")
        self.action_result.setText("")
        self.pages.setCurrentIndex(0)
        self.show()
        self.raise_()

    def close_screen(self) -> None:
        self._entry = ""
        self.pin_dots.setText("")
        self.pages.setCurrentIndex(0)
        self.hide()
        self.closed.emit()
