"""The technician PIN prompt on the real window with the real technician back end (the kiosk's
hashed PIN, the lockout file) over a minimal runtime: the PIN is checked off the GUI thread, the
third wrong PIN locks the prompt, closing and reopening it finds it still locked (digits refused,
a countdown), the attract screen never shows any of it, and an unlocked screen left alone closes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from kiosk import technician_pin
from kiosk.config import Config, with_overrides
from kiosk.journey.machine import Flow
from kiosk.runtime.devices import Devices
from kiosk.runtime.technician import Technician
from ui.window import KioskWindow

pytestmark = pytest.mark.display

PIN = "73915048"


class Runtime:
    """What the technician back end needs of the session runtime; devices are not open."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.maintenance: list[bool] = []

    @property
    def devices(self) -> Devices:
        raise RuntimeError("not open")

    def set_maintenance(self, on: bool) -> None:
        self.maintenance.append(on)


class Clock:
    def __init__(self) -> None:
        self.t = 1_790_000_000.0

    def __call__(self) -> float:
        return self.t


def visible_texts(w: QWidget) -> list[str]:
    """Every text a person sees on the window, the technician overlay included when shown."""
    return sorted(label.text() for label in w.findChildren(QLabel) if label.isVisibleTo(w) and label.text())


@pytest.fixture
def setup(qtbot, tmp_path: Path) -> tuple[KioskWindow, Technician, Clock]:
    technician_pin.store(tmp_path, PIN)
    cfg = with_overrides(Config(), storage={"state_dir": str(tmp_path)})
    clock = Clock()
    tech = Technician(Runtime(cfg), clock=clock)  # type: ignore[arg-type]
    w = KioskWindow(send=lambda e: None, production=False, technician=tech)
    qtbot.addWidget(w)
    w.show()
    w.show_view(Flow(cfg).view)
    w.technician._clock = clock  # the prompt's countdown follows the same clock
    return w, tech, clock


def submit(qtbot, w: KioskWindow, pin: str, expect: str) -> None:
    w.technician.enter_pin(pin)
    w.technician.submit_pin()
    qtbot.waitUntil(lambda: expect in w.technician.prompt_error.text() or w.technician.is_unlocked, timeout=5000)


def test_the_lockout_survives_reopening_and_the_attract_screen_shows_none_of_it(qtbot, setup) -> None:
    w, tech, clock = setup
    attract = visible_texts(w)
    w.open_technician()
    submit(qtbot, w, "11111111", "2 more wrong PINs")
    w.technician.close_screen()
    assert visible_texts(w) == attract
    w.open_technician()  # reopened: the count goes on
    submit(qtbot, w, "22222222", "1 more wrong PIN lock")
    submit(qtbot, w, "33333333", "locked. Try again in 30 s")
    assert not w.technician.takes_pin and not w.technician.pin_keypad.isEnabled()
    w.technician.close_screen()
    assert visible_texts(w) == attract  # nothing of the prompt's state on the attract screen
    assert not any("PIN" in t or "lock" in t.lower() for t in visible_texts(w))

    clock.t += 10
    w.open_technician()  # reopened during the backoff: locked, counting down, no digits taken
    assert "Try again in 20 s" in w.technician.prompt_error.text()
    w.technician.enter_pin(PIN)
    assert w.technician.pin_dots.text() == ""
    w.technician.submit_pin()
    assert tech.lockout.state().failures == 3
    clock.t += 20
    w.technician.tick()
    assert w.technician.takes_pin and w.technician.prompt_error.text() == ""
    submit(qtbot, w, PIN, "never")
    assert w.technician.is_unlocked and tech.lockout.state().failures == 0
    assert w.technician.idle_timer.isActive()
    w.technician.idle_timer.timeout.emit()  # two minutes without a touch
    assert not w.technician.isVisible()
    qtbot.waitUntil(lambda: not tech._entered)
    assert visible_texts(w) == attract
