"""Production lockdown, the corner gesture and the technician PIN, the development escape."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.fakes import FakeTechnician
from ui.gesture import CornerGesture
from ui.window import KioskWindow

pytestmark = pytest.mark.display


def _window(qtbot, production: bool, technician=None) -> KioskWindow:
    sent: list[object] = []
    w = KioskWindow(send=sent.append, production=production, technician=technician)
    w.sent = sent  # type: ignore[attr-defined]
    qtbot.addWidget(w)
    w.show()
    return w


def test_production_swallows_escape_chords_and_refuses_to_close(qtbot) -> None:
    w = _window(qtbot, production=True)
    app = QApplication.instance()
    try:
        assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
        assert (w.width(), w.height()) == (1080, 1920)  # explicit geometry, no window manager
        assert app.overrideCursor() is not None and app.overrideCursor().shape() == Qt.CursorShape.BlankCursor
        lock = w._lock
        chords = ((Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
                  (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
                  (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
                  (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
                  (Qt.Key.Key_Super_L, Qt.KeyboardModifier.MetaModifier))
        for key, mods in chords:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
                assert lock.eventFilter(w, QKeyEvent(kind, key, mods)), (key, kind)
        menu = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(10, 10), QPoint(10, 10))
        assert lock.eventFilter(w, menu)
        # A plain digit passes (a USB keypad may be attached); so do mouse presses.
        assert not lock.eventFilter(w, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_5, Qt.KeyboardModifier.NoModifier))
        # Through the real event path: a Ctrl+Q shortcut on the window never fires.
        fired: list[int] = []
        shortcut = QShortcut(QKeySequence("Ctrl+Q"), w)
        shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        shortcut.activated.connect(lambda: fired.append(1))
        qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
        assert not fired
        w.close()  # what Alt+F4 from a window manager would do
        assert w.isVisible()
    finally:
        w.allow_close()
        w.close()
    assert not w.isVisible()
    assert app.overrideCursor() is None


def test_development_mode_has_no_lockdown_and_ctrl_q_quits(qtbot) -> None:
    w = _window(qtbot, production=False)
    assert w._lock is None
    assert not (w.windowFlags() & Qt.WindowType.FramelessWindowHint)
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not w.isVisible()


def test_five_taps_in_the_corner_within_three_seconds() -> None:
    class FakeWindow:
        def width(self) -> int:
            return 1080

        def mapFromGlobal(self, p: QPoint) -> QPoint:  # noqa: N802
            return p

    clock = [0.0]
    opened: list[int] = []
    g = CornerGesture.__new__(CornerGesture)
    g._window, g._corner, g._on_gesture = FakeWindow(), 100, lambda: opened.append(1)
    g._taps, g._window_s, g._clock, g._times, g._last = 5, 3.0, lambda: clock[0], [], None
    corner, elsewhere = QPoint(1050, 20), QPoint(500, 500)
    for _ in range(4):
        g.tap(corner)
        clock[0] += 0.5
    clock[0] += 3.5  # too slow: the first taps expire
    g.tap(corner)
    assert not opened
    for _ in range(4):
        g.tap(corner)
    assert opened == [1]
    for _ in range(4):
        g.tap(corner)
    g.tap(elsewhere)  # a tap outside resets
    g.tap(corner)
    assert opened == [1]


def test_corner_taps_open_the_pin_prompt_and_the_pin_unlocks(qtbot) -> None:
    tech = FakeTechnician()
    w = _window(qtbot, production=False, technician=tech)
    corner = QPoint(w.width() - 10, 10)
    for _ in range(5):
        qtbot.mouseClick(w.header, Qt.MouseButton.LeftButton, pos=w.header.mapFrom(w, corner))
    assert w.technician.isVisible() and not w.technician.is_unlocked
    w.technician.enter_pin("1111")
    w.technician.submit_pin()  # checked off the GUI thread; the answer comes back as a verdict
    qtbot.waitUntil(lambda: "Wrong PIN: 2 more" in w.technician.prompt_error.text())
    w.technician.close_screen()
    w.open_technician()
    w.technician.enter_pin("2580")
    w.technician.submit_pin()
    qtbot.waitUntil(lambda: w.technician.is_unlocked)
    qtbot.waitUntil(lambda: "printer" in " ".join(x.text() for x in w.technician.findChildren(QLabel)))
    assert "3 pending" in w.technician.queue_label.text()  # figures in words (no raw floats)
    w.technician.printer_test.click()
    qtbot.waitUntil(lambda: "paper_out" in w.technician.action_result.text())
    assert tech.printed == 1
    w.technician.maintenance.click()
    qtbot.waitUntil(lambda: tech.maintenance)
    w.technician.back_in_service.click()
    qtbot.waitUntil(lambda: not tech.maintenance)
    w.technician.close_button.click()
    assert not w.technician.isVisible()
    qtbot.waitUntil(lambda: tech.left == ["closed"])  # leaving is reported (the audit trail's `left`)


class FakeSimulation:
    def __init__(self) -> None:
        self.card: str | None = None
        self.scenario, self.printer, self.online, self.registry = "genuine", "ok", True, "normal"
        self.held = "none"

    def card_profiles(self) -> list[str]:
        return ["bad-check-digit", "expired", "lifelong-bangkok", "normal", "old-3b67", "unknown-atr"]

    def insert_card(self, profile: str) -> None:
        self.card = profile

    def remove_card(self) -> None:
        self.card = None

    def card_inserted(self) -> str | None:
        return self.card

    def camera_scenarios(self) -> list[str]:
        return ["genuine", "impostor", "no_face", "printed_photo"]

    def set_camera_scenario(self, scenario: str) -> None:
        self.scenario = scenario

    def camera_scenario(self) -> str:
        return self.scenario

    def printer_states(self) -> list[str]:
        return ["ok", "near-end", "out", "cover-open", "offline"]

    def set_printer_state(self, state: str) -> None:
        self.printer = state

    def printer_state(self) -> str:
        return self.printer

    def set_network(self, online: bool) -> None:
        self.online = online

    def network_online(self) -> bool:
        return self.online

    def phone_choices(self) -> list[str]:
        return ["none", "app", "payment", "website"]

    def show_phone(self, choice: str, *, scale: float = 1.0) -> None:
        self.held = choice

    def phone(self) -> str:
        return self.held

    def registry_states(self) -> list[str]:
        return ["normal", "abnormal", "down"]

    def set_registry_state(self, state: str) -> None:
        self.registry = state

    def registry_state(self) -> str:
        return self.registry


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_simulator_panel_drives_the_controls_and_fits(qtbot, orientation: str) -> None:
    from tests.ui.overflow import overflow, visible_texts

    sim = FakeSimulation()
    w = KioskWindow(send=lambda e: None, production=False, simulation=True, simulation_controls=sim,
                    orientation=orientation)
    qtbot.addWidget(w)
    w.show()
    assert w.header.simulation.isVisible() and not w.simulator.isVisible()
    qtbot.mouseClick(w.header.simulation, Qt.MouseButton.LeftButton)  # a badge, touched
    assert w.simulator.isVisible()
    w.simulator.card_buttons["lifelong-bangkok"].click()
    w.simulator.camera_buttons["printed_photo"].click()
    w.simulator.printer_buttons["out"].click()
    w.simulator.network_buttons["cut"].click()
    w.simulator.registry_buttons["abnormal"].click()
    w.simulator.phone_buttons["payment"].click()
    assert sim.held == "payment"
    assert (sim.card, sim.scenario, sim.printer, sim.online, sim.registry) == (
        "lifelong-bangkok", "printed_photo", "out", False, "abnormal")
    assert "network: cut" in w.simulator.status.text() and "card registry: abnormal" in w.simulator.status.text()
    qtbot.wait(50)  # let the layout settle, as a frame on screen would
    problems = [p for x in visible_texts(w.simulator) if (p := overflow(x))]
    assert not problems, problems
