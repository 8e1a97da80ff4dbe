"""The QR code, large and sharp: one image pixel per module, drawn at an integer scale.

Error correction M on screen (specs/ial-qr.md). Scaling by a whole number with no smoothing
keeps every module a crisp square of identical size, which phone scanners read fastest.
"""

from __future__ import annotations

import qrcode
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4


def qr_image(text: str) -> QImage:
    """The QR for `text` as a 1-pixel-per-module image (quiet zone included)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=1)
    code.add_data(text.encode("ascii") if text.isascii() else text.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    img = QImage(n, n, QImage.Format.Format_Grayscale8)
    img.fill(QColor("#ffffff"))
    black = QColor("#000000").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.setPixel(x, y, black)
    return img


class QrView(QWidget):
    """Shows one QR, centred, at the largest integer scale that fits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._text: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_text(self, text: str | None) -> None:
        if text == self._text:
            return
        self._text = text
        self._image = qr_image(text) if text else None
        self.update()

    def clear(self) -> None:
        self.set_text(None)

    @property
    def modules(self) -> int:
        return self._image.width() if self._image is not None else 0

    def scale(self) -> int:
        if self._image is None:
            return 0
        return max(1, min(self.width(), self.height()) // self._image.width())

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        if self._image is None:
            return
        s = self.scale()
        side = self._image.width() * s
        x = (self.width() - side) // 2
        y = (self.height() - side) // 2
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#ffffff"))  # a wider quiet zone helps scanners
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        p.drawImage(QRect(x, y, side, side), self._image)
        p.end()
