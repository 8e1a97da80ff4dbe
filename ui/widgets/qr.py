"""The QR code, large and sharp: one image pixel per module, drawn at an integer scale.

Error correction M on screen (specs/ial-qr.md). Scaling by a whole number with no smoothing
keeps every module a crisp square of identical size, which phone scanners read fastest.

The symbol is encoded in native code with the GIL released (`kiosk.qr.matrix`, ~35 ms for a
token): `QrView.set_text` encodes on a worker thread and shows the image when it arrives
(`ready` says whether the shown image is the current text's), so the screen keeps painting.
A text that cannot be encoded (never a token the kiosk issued) leaves the view empty and is
logged for the technician.
"""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import QRect, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk import logs
from kiosk.qr import QrRenderError, matrix

log = logs.get("ui")


def qr_image(text: str, *, link: bool = False) -> QImage:
    """The screen QR for `text` (error correction M) as a 1-pixel-per-module image, quiet zone
    included; `link` for a web address rather than a token."""
    modules, _version = matrix(text, medium="screen", link=link)
    n = modules.shape[0]
    # One byte per module (0 dark, 255 light), wrapped and copied: no per-pixel Python calls.
    pixels = np.ascontiguousarray(np.where(modules, 0, 255).astype(np.uint8))
    return QImage(pixels.data, n, n, n, QImage.Format.Format_Grayscale8).copy()


class QrView(QWidget):
    """Shows one QR, centred, at the largest integer scale that fits."""

    _encoded = Signal(str, object)  # text, QImage (emitted by the encoding thread)

    def __init__(self, parent: QWidget | None = None, *, link: bool = False) -> None:
        super().__init__(parent)
        self._link = link
        self._image: QImage | None = None
        self._text: str | None = None
        self._image_text: str | None = None
        self._encoded.connect(self._arrived)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_text(self, text: str | None) -> None:
        if text == self._text:
            return
        self._text = text
        if not text:
            # Cleared at once: no code survives the session.
            self._image, self._image_text = None, None
            self.update()
        else:
            # A refreshed token of the same session: the previous code stays until the new one
            # is drawn, so the screen does not flicker.
            threading.Thread(target=self._encode, args=(text,), name="ui-qr", daemon=True).start()

    def _encode(self, text: str) -> None:
        try:
            image: QImage | None = qr_image(text, link=self._link)
        except QrRenderError as e:
            log.error("screen QR not drawn: %s", e)
            image = None
        self._encoded.emit(text, image)

    def _arrived(self, text: str, image: QImage | None) -> None:
        if text == self._text:  # a late answer for an older text is dropped
            self._image, self._image_text = image, text
            self.update()

    @property
    def ready(self) -> bool:
        """True when what is drawn is the QR of the current text (or there is no text)."""
        return self._text is None or self._image_text == self._text

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
