"""Within reach: on a portrait kiosk (1080x1920, mounted as on these cabinets) every control a
citizen touches (buttons, the keypad) lies in the lower half of the screen, large text above.
Public-kiosk reach ranges put operable parts between 380 mm and 1,220 mm above the floor; the
upper half of a portrait panel is above that."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton

from tests.ui.samples import sample_views
from ui.screenshot import Screenshotter
from ui.widgets.keypad import NumericKeypad

pytestmark = pytest.mark.display

FRAME = np.full((480, 640, 3), (90, 120, 150), np.uint8)


def test_every_control_lies_in_the_lower_half_in_portrait(qapp) -> None:
    high: list[str] = []
    with Screenshotter(orientation="portrait", simulation=True) as shots:
        window = shots.window
        half = window.height() // 2
        for name, view in sample_views().items():
            shots.render(view, frame=FRAME.copy())
            controls = [w for w in window.findChildren(QAbstractButton) if w.isVisibleTo(window)]
            controls += [k for k in window.findChildren(NumericKeypad) if k.isVisibleTo(window)]
            for w in controls:
                if window.technician.isAncestorOf(w) or (window.simulator and window.simulator.isAncestorOf(w)):
                    continue
                top = w.mapTo(window, QPoint(0, 0)).y()
                if top < half:
                    high.append(f"{name}: {type(w).__name__} {getattr(w, 'text', lambda: '')()!r} at y={top}")
    assert not high, high
