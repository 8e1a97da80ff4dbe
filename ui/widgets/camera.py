"""The live camera preview with an oval face guide.

Frames arrive as NumPy BGR arrays (the camera's `Frame.image`). Each is wrapped as a QImage and
copied at once, so the preview never holds a reference to the camera's buffer.
The preview is mirrored, as citizens expect from a mirror.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme


class CameraPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._guide_ok = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_frame(self, image: Any | None) -> None:
        """Show a BGR frame (NumPy array height x width x 3), or None for no picture."""
        if image is None:
            self._image = None
        else:
            h, w = int(image.shape[0]), int(image.shape[1])
            # Copied at once (~0.3 ms for VGA): the widget then owns its pixels, and nothing
            # here keeps the camera's (or a wiped session's) array alive.
            wrapped = QImage(image.data, w, h, int(image.strides[0]), QImage.Format.Format_BGR888)
            self._image = wrapped.copy()
            del wrapped
        self.update()

    def set_guide_ok(self, ok: bool) -> None:
        """Green guide when the face is well placed, white otherwise."""
        if ok != self._guide_ok:
            self._guide_ok = ok
            self.update()

    def clear(self) -> None:
        self.set_frame(None)
        self._guide_ok = False

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    def paintEvent(self, _event: object) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#202428"))
        if self._image is not None:
            # Cover the widget (crop the overflow), mirrored horizontally.
            iw, ih = self._image.width(), self._image.height()
            s = max(self.width() / iw, self.height() / ih)
            dw, dh = iw * s, ih * s
            target = QRectF((self.width() - dw) / 2, (self.height() - dh) / 2, dw, dh)
            p.save()
            p.translate(self.width(), 0)
            p.scale(-1, 1)
            p.drawImage(target, self._image)
            p.restore()
        # Dim everything outside the oval guide.
        # A face-shaped oval (taller than wide) whatever the widget's proportions.
        oh = min(self.height() * 0.78, self.width() * 0.6 * 1.3)
        ow = oh / 1.3
        oval = QRectF((self.width() - ow) / 2, (self.height() - oh) / 2, ow, oh)
        outside = QPainterPath()
        outside.addRect(QRectF(self.rect()))
        hole = QPainterPath()
        hole.addEllipse(oval)
        p.fillPath(outside.subtracted(hole), QColor(0, 0, 0, 110))
        pen = QPen(QColor(theme.GREEN if self._guide_ok else "#ffffff"), 8)
        pen.setStyle(Qt.PenStyle.SolidLine if self._guide_ok else Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawEllipse(oval)
        p.end()
