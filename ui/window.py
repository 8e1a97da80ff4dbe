"""The kiosk window: header, the current screen, footer, and the overlays (still there?,
technician, simulator). It shows `View`s (`show_view(view)`; Qt's own `render()` is left alone) and sends user events through
`send`; it holds no session logic.

Production mode: frameless, on top, full screen with explicit geometry (without a window
manager `showFullScreen()` does not resize), the lockdown filter (`ui.lockdown`) installed,
cursor hidden, closing refused. Development mode: an ordinary window; Ctrl+Q closes it.

When the state changes, every screen except the new one is cleared, so nothing a previous
screen showed (name, phone digits, QR) survives in a hidden widget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.journey import events
from kiosk.journey.states import STATES, STEP_NAMES, StateName
from kiosk.journey.view import View
from kiosk.runtime.api import PinVerdict, SimulationControls, TechnicianControls
from ui import lockdown, theme
from ui.background import Background
from ui.gesture import CornerGesture
from ui.screens.base import Screen, Send, text
from ui.screens.card import CardScreen
from ui.screens.confirm_cancel import ConfirmCancelOverlay
from ui.screens.consent import ConsentScreen
from ui.screens.error import ErrorScreen
from ui.screens.face import FaceScreen
from ui.screens.farewell import FarewellScreen
from ui.screens.idle import IdleScreen
from ui.screens.phone import PhoneScreen
from ui.screens.result import ResultScreen
from ui.screens.scan import ScanScreen
from ui.screens.service import ServiceScreen
from ui.screens.still_there import StillThereOverlay
from ui.simulator import SimulatorPanel
from ui.technician import TechnicianScreen
from ui.widgets.chrome import Footer, Header


class KioskWindow(QWidget):
    def __init__(
        self,
        *,
        send: Send,
        orientation: str = "portrait",
        dpi: int = 96,
        production: bool = True,
        simulation: bool = False,
        frames: Callable[[], Any] | None = None,
        technician: TechnicianControls | None = None,
        simulation_controls: SimulationControls | None = None,
    ) -> None:
        super().__init__()
        theme.load_thai_font()
        self.metrics = m = theme.Metrics(dpi, orientation == "portrait")
        self.send: Send = send
        self.production = production
        self.view: View | None = None
        self._allow_close = False
        self._lock: lockdown.Lockdown | None = None
        self.setObjectName("kiosk")
        self.setWindowTitle("Kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#kiosk {{ background: {theme.PAPER}; }}")
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.background = Background(self)

        col = QVBoxLayout(self)
        # The window has the screen's size, whatever the screens' size hints say (they assume
        # narrow word-wrapped labels); the overflow tests check that content really fits.
        col.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        self.header = Header(m, simulation)

        col.addWidget(self.header)
        self.stack = QStackedWidget()
        col.addWidget(self.stack, 1)
        self.footer = Footer(m)
        self.footer.cancel_clicked.connect(lambda: self.send(events.Cancel()))
        self.footer.help_clicked.connect(lambda: self.send(events.AskForHelp()))
        self.footer.language_clicked.connect(lambda: self.send(events.ToggleLanguage()))
        self.footer.sound.repeat_clicked.connect(lambda: self.send(events.RepeatPrompt()))
        self.footer.sound.volume_clicked.connect(lambda step: self.send(events.ChangeVolume(1 if step > 0 else -1)))
        col.addWidget(self.footer)

        self.screens: dict[str, Screen] = {
            "idle": IdleScreen(m, self._send),
            "service": ServiceScreen(m, self._send),
            "consent": ConsentScreen(m, self._send),
            "card": CardScreen(m, self._send),
            "face": FaceScreen(m, self._send, frames),
            "scan": ScanScreen(m, self._send, frames),
            "phone": PhoneScreen(m, self._send),
            "result": ResultScreen(m, self._send),
            "farewell": FarewellScreen(m, self._send),
            "error": ErrorScreen(m, self._send),
        }
        for screen in self.screens.values():
            self.stack.addWidget(screen)

        self.still_there = StillThereOverlay(m, self._send, self)
        self.still_there.hide()
        self.confirm_cancel = ConfirmCancelOverlay(m, self._send, self)
        self.confirm_cancel.hide()

        self.technician_controls = technician
        self.technician = TechnicianScreen(m, self)
        self.technician.hide()
        self.technician.pin_submitted.connect(self._check_pin)
        self.technician.left.connect(self._technician_left)
        self.technician.refresh_requested.connect(self._refresh_technician)
        self.technician.printer_test_requested.connect(self._printer_test)
        self.technician.maintenance_requested.connect(self._maintenance)
        self.technician.service_requested.connect(self._back_in_service)
        self.gesture = CornerGesture(self, m.touch, self.open_technician)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.gesture)

        self.simulator: SimulatorPanel | None = None
        if simulation_controls is not None:
            self.simulator = SimulatorPanel(m, simulation_controls, self)
            self.simulator.hide()
            self.header.simulation_clicked.connect(self.toggle_simulator)

        self._apply_mode()

    # -- mode and geometry --------------------------------------------------------------------
    def _apply_mode(self) -> None:
        m = self.metrics
        if self.production:
            self.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
            screen = QApplication.primaryScreen()
            geo = screen.geometry() if screen is not None else None
            if geo is not None and geo.width() >= m.width and geo.height() >= m.height:
                self.setGeometry(geo)
            else:
                self.setGeometry(0, 0, m.width, m.height)
        else:
            self.setGeometry(0, 0, m.width, m.height)
            quit_shortcut = QShortcut(QKeySequence("Ctrl+Q"), self)
            quit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            quit_shortcut.activated.connect(self.allow_close_and_quit)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        app = QApplication.instance()
        if self.production and self._lock is None and isinstance(app, QApplication):
            self._lock = lockdown.install(app)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.still_there.setGeometry(self.rect())
        self.confirm_cancel.setGeometry(self.rect())
        self.technician.setGeometry(self.rect())
        if self.simulator is not None:
            if self.metrics.portrait:  # over the upper part: the citizen's controls stay usable below
                self.simulator.setGeometry(0, 0, self.width(), round(self.height() * 0.42))
            else:
                w = min(self.width(), self.metrics.mm(150))
                self.simulator.setGeometry(self.width() - w, 0, w, self.height())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if self.production and not self._allow_close:
            event.ignore()  # Alt+F4 or a window-manager close must not end the kiosk
            return
        app = QApplication.instance()
        if self._lock is not None and isinstance(app, QApplication):
            lockdown.uninstall(app, self._lock)
            self._lock = None
        if app is not None:
            app.removeEventFilter(self.gesture)
        event.accept()

    def allow_close(self) -> None:
        self._allow_close = True

    def allow_close_and_quit(self) -> None:
        self.allow_close()
        self.close()

    # -- rendering ----------------------------------------------------------------------------
    def _send(self, event: Any) -> None:
        self.send(event)

    def current_screen(self) -> Screen:
        return self.screens[STATES[self.view.state if self.view else StateName.IDLE].screen]

    def show_view(self, view: View) -> None:
        previous = self.view
        self.view = view
        screen = self.screens[STATES[view.state].screen]
        if previous is None or previous.state != view.state:
            for other in self.screens.values():
                if other is not screen:
                    other.clear()
            self.stack.setCurrentWidget(screen)
        screen.show_view(view)
        self.header.steps.set_step(view.step, tuple(text(view, code) for code in STEP_NAMES[:view.steps]))
        self.header.simulation.setVisible(view.simulation or self.simulator is not None)
        self.header.simulation.setText(text(view, "simulation.banner"))
        ring = view.countdown_s if (view.countdown_s is not None and not view.still_there) else None
        self.header.countdown.set_time(ring, view.countdown_total_s, text(view, "unit.seconds"))
        self.footer.set_texts(text(view, "button.cancel") if view.can_cancel else None,
                              text(view, view.help_line), text(view, "button.language"),
                              text(view, "button.help") if view.can_cancel else None)
        self.footer.sound.setVisible(view.sound and view.state != StateName.IDLE)
        self.footer.sound.set_texts(text(view, "button.repeat"), text(view, "button.softer"),
                                    text(view, "button.louder"), view.volume)
        asking = (view.confirm_cancel or view.confirm_help) and not view.still_there
        if asking:
            self.confirm_cancel.show_view(view)
        self.confirm_cancel.setVisible(asking)
        if asking:
            self.confirm_cancel.raise_()
        self.still_there.setVisible(view.still_there)
        if view.still_there:
            self.still_there.show_view(view)
            self.still_there.raise_()
        if self.simulator is not None and self.simulator.isVisible():
            self.simulator.refresh()

    # -- simulator and technician ---------------------------------------------------------------
    def toggle_simulator(self) -> None:
        if self.simulator is None:
            return
        self.simulator.setVisible(not self.simulator.isVisible())
        if self.simulator.isVisible():
            self.simulator.refresh()
            self.simulator.raise_()

    def open_technician(self) -> None:
        tech = self.technician_controls
        if tech is None:
            return
        try:
            locked_s = tech.lockout_remaining_s()  # a small file read: the prompt opens locked
        except Exception:  # a fault of the lockout store must not keep a technician out for good
            locked_s = 0
        self.technician.open_prompt(locked_s)

    def _check_pin(self, pin: str) -> None:
        tech = self.technician_controls
        if tech is None:
            return

        def done(result: Any) -> None:
            if isinstance(result, Exception):
                result = PinVerdict("unset", message=f"The PIN could not be checked: {type(result).__name__}")
            self.technician.show_verdict(result)

        self.background.run(lambda: tech.check_pin(pin), done)

    def _technician_left(self, reason: str) -> None:
        tech = self.technician_controls
        if tech is not None:
            self.background.run(lambda: tech.leave(reason), lambda _result: None)

    def _refresh_technician(self) -> None:
        tech = self.technician_controls
        if tech is None:
            return

        def work() -> tuple[dict[str, tuple[str, str]], dict[str, Any]]:
            return tech.device_states(), tech.queue_stats()

        def done(result: Any) -> None:
            if isinstance(result, Exception):
                self.technician.set_action_result(f"Status unavailable: {type(result).__name__}: {result}")
                return
            self.technician.set_status(*result)

        self.background.run(work, done)

    def _printer_test(self) -> None:
        tech = self.technician_controls
        if tech is None:
            return
        self.technician.set_action_result("Printing a test page...")

        def done(result: Any) -> None:
            if isinstance(result, Exception):
                self.technician.set_action_result(f"Printer test failed: {type(result).__name__}: {result}")
            else:
                self.technician.set_action_result(f"Printer test done; printer state: {result}")
            self._refresh_technician()

        self.background.run(tech.print_test, done)

    def _maintenance(self) -> None:
        tech = self.technician_controls
        if tech is None:
            return

        def done(result: Any) -> None:
            if isinstance(result, Exception):
                self.technician.set_action_result(f"Could not enter maintenance: {result}")
            else:
                self.technician.set_action_result("The kiosk is out of service (maintenance).")

        self.background.run(tech.enter_maintenance, done)

    def _back_in_service(self) -> None:
        tech = self.technician_controls
        if tech is None:
            return

        def done(result: Any) -> None:
            if isinstance(result, Exception):
                self.technician.set_action_result(f"Could not leave maintenance: {result}")
            else:
                self.technician.set_action_result("The kiosk is back in service.")

        self.background.run(tech.leave_maintenance, done)
