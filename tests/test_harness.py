"""The test harness itself: a real pcscd with the vpcd driver, and a real X server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.daemon
def test_pyscard_lists_the_virtual_reader(pcscd) -> None:
    from smartcard.System import readers

    names = [str(r) for r in readers()]
    assert "Virtual PCD 00 00" in names


@pytest.mark.daemon
def test_pcscd_restart_keeps_the_reader(pcscd) -> None:
    from smartcard.System import readers

    pcscd.restart()
    assert "Virtual PCD 00 00" in [str(r) for r in readers()]


QT_WINDOW = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("ทดสอบ")
w.show()
app.processEvents()
print(app.platformName(), w.isVisible(), w.windowHandle().screen().size().width())
"""


@pytest.mark.display
def test_qt_opens_a_real_window_on_xvfb(xvfb: str) -> None:
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    r = subprocess.run([sys.executable, "-c", QT_WINDOW], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["xcb", "True", "1920"]
