"""The Qt binding keeps Python's reference counts right. PySide6 6.12.0 under Python 3.11 drops a
reference to None on every call of a method returning void; after enough calls None is
deallocated and the kiosk aborts (`Fatal Python error: none_dealloc`). pyproject.toml pins
PySide6 below 6.12; this test fails loudly if a broken binding comes back."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.display


def test_void_calls_do_not_consume_references_to_none(qapp) -> None:
    label = QLabel()
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(200):
            label.setText("x")
            painter.setPen(QColor("#000000"))
        after = sys.getrefcount(None)
    finally:
        painter.end()
    assert after - before > -50, f"{before - after} references to None lost in 400 calls"
