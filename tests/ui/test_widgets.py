"""Widgets on their own: the keypad, the QR (decoded back from the screen), the countdown ring,
the camera preview, touch-target sizes."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from ui import theme
from ui.widgets.camera import CameraPreview
from ui.widgets.countdown import CountdownRing
from ui.widgets.keypad import NumericKeypad, apply_key
from ui.widgets.qr import QrView, qr_image

pytestmark = pytest.mark.display


def _array(image: QImage) -> np.ndarray:
    # Through PNG bytes rather than constBits(): PySide6's memoryview of the pixels corrupts a
    # reference count that only shows when the interpreter exits.
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return np.array(Image.open(io.BytesIO(bytes(data))).convert("L"))


def test_apply_key_digits_back_clear_and_length_limit() -> None:
    entry = ""
    for k in "08123456789":
        entry = apply_key(entry, k, 10)
    assert entry == "0812345678"  # the 11th digit is refused
    assert apply_key(entry, "back", 10) == "081234567"
    assert apply_key(entry, "clear", 10) == ""
    assert apply_key("12", "x", 10) == "12"


def test_keypad_emits_keys_and_buttons_are_touch_sized(qtbot) -> None:
    m = theme.Metrics(96, True)
    pad = NumericKeypad(m)
    qtbot.addWidget(pad)
    pad.resize(900, 600)
    pad.show()
    got: list[str] = []
    pad.key.connect(got.append)
    for name in ("1", "0", "back", "clear"):
        pad.buttons[name].click()
    assert got == ["1", "0", "back", "clear"]
    assert all(min(b.width(), b.height()) >= m.touch for b in pad.buttons.values())
    assert m.touch >= round(20 / 25.4 * 96)
    pad.set_language("en")
    assert pad.buttons["back"].text() == "Delete"


def test_touch_size_follows_dpi() -> None:
    assert theme.Metrics(200, True).touch == round(20 / 25.4 * 200)


def test_qr_is_drawn_at_an_integer_scale_and_decodes_back(qtbot) -> None:
    text = "HC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B"
    view = QrView()
    qtbot.addWidget(view)
    view.resize(700, 700)
    view.set_text(text)
    view.show()
    qtbot.waitUntil(lambda: view.ready)
    assert view.scale() == 700 // view.modules
    shot = _array(view.grab().toImage())
    # Crisp: only pure black and pure white pixels, no smoothing grey.
    assert set(np.unique(shot).tolist()) <= {0, 255}
    decoded = zxingcpp.read_barcodes(shot)
    assert [d.text for d in decoded] == [text]
    view.clear()
    assert view.modules == 0


def test_qr_image_has_the_quiet_zone() -> None:
    img = qr_image("X")
    assert img.width() == img.height() == 21 + 2 * 4
    assert img.pixelColor(0, 0).lightness() == 255


def test_text_that_is_no_token_leaves_the_view_empty_and_is_logged(qtbot, caplog) -> None:
    view = QrView()
    qtbot.addWidget(view)
    view.set_text("HC1:6BF")
    qtbot.waitUntil(lambda: view.ready)
    assert view.modules > 0
    view.set_text("not a token")  # lowercase: outside the alphanumeric alphabet
    qtbot.waitUntil(lambda: view.ready)
    assert view.modules == 0
    assert "screen QR not drawn" in caplog.text


def test_countdown_ring_shows_whole_seconds_and_hides(qtbot) -> None:
    ring = CountdownRing(100)
    qtbot.addWidget(ring)
    ring.set_time(9.2, 15)
    assert ring.isVisibleTo(ring.parentWidget() or ring) and ring.seconds_shown == 10
    ring.set_time(None, 15)
    assert ring.isHidden()


def test_camera_preview_shows_a_frame_and_forgets_it(qtbot) -> None:
    preview = CameraPreview()
    qtbot.addWidget(preview)
    preview.resize(400, 300)
    preview.show()
    frame = np.zeros((48, 64, 3), np.uint8)
    frame[:, :, 2] = 255  # BGR: pure red
    preview.set_frame(frame)
    img = preview.grab().toImage()
    centre = img.pixelColor(200, 150)
    assert centre.red() > 200 and centre.blue() < 50  # BGR understood, inside the oval undimmed
    preview.clear()
    assert not preview.has_frame
