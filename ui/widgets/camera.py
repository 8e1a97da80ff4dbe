"""The live camera preview with an oval face guide where the quality gate measures.

Frames arrive as NumPy BGR arrays (the camera's `Frame.image`). Each is wrapped as a QImage and
copied at once, so the preview never holds a reference to the camera's buffer.
The preview is mirrored, as citizens expect from a mirror, and shows the whole frame (never
cropped: what the gate sees is what the citizen sees). The oval is the gate's own guide
(`View.face_guide`, fractions of the frame, from `kiosk.face.guide`) mapped exactly as the frame
is, so a face inside the oval is a face the gate can accept, in portrait and landscape alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui import theme


class CameraPreview(QWidget):
    def __init__(self, parent: QWidget | None = None, *, oval: bool = True) -> None:
        super().__init__(parent)
        self.oval = oval
        """Draw the face guide (the app-QR scan shows the picture only)."""
        self._image: QImage | None = None
        self._guide_ok = False
        self._guide: tuple[float, float, float, float] = (0.5, 0.5, 0.58, 0.8)
        self._frame_size: tuple[int, int] = (640, 480)
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
            self._frame_size = (w, h)
            del wrapped
        self.update()

    def set_guide(self, guide: tuple[float, float, float, float] | None) -> None:
        """Where the gate wants the face: centre x, centre y, width, height as frame fractions."""
        if guide is not None and guide != self._guide:
            self._guide = guide
            self.update()

    def frame_rect(self) -> QRectF:
        """Where the frame is drawn: the whole frame, as large as the widget allows."""
        iw, ih = self._frame_size
        s = min(self.width() / iw, self.height() / ih)
        dw, dh = iw * s, ih * s
        return QRectF((self.width() - dw) / 2, (self.height() - dh) / 2, dw, dh)

    def to_widget(self, x: float, y: float) -> tuple[float, float]:
        """A point of the frame (fractions) where it appears on screen (mirrored)."""
        r = self.frame_rect()
        return r.left() + (1.0 - x) * r.width(), r.top() + y * r.height()

    def oval_rect(self) -> QRectF:
        cx, cy, w, h = self._guide
        r = self.frame_rect()
        x, y = self.to_widget(cx, cy)
        return QRectF(x - w * r.width() / 2, y - h * r.height() / 2, w * r.width(), h * r.height())

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
        target = self.frame_rect()
        if self._image is not None:
            # The whole frame, mirrored horizontally (drawn into the mirrored target rectangle).
            p.save()
            p.translate(self.width(), 0)
            p.scale(-1, 1)
            p.drawImage(QRectF(self.width() - target.right(), target.top(), target.width(), target.height()),
                        self._image)
            p.restore()
        if not self.oval:
            p.end()
            return
        # Dim everything outside the oval guide.
        oval = self.oval_rect()
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


FRAME_INTERVAL_MS = 66  # ~15 frames a second is smooth enough for a guide and light on 2 cores


class LiveFeed(QObject):
    """Pulls the newest camera frame into a `CameraPreview` on a GUI timer while running (the
    camera thread never touches widgets; pulling the latest frame is a lock and a reference, so
    the GUI thread never waits on the camera)."""

    def __init__(self, preview: CameraPreview, frames: Callable[[], Any] | None) -> None:
        super().__init__(preview)
        self.preview = preview
        self.frames = frames
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_INTERVAL_MS)
        self._timer.timeout.connect(self.pull_frame)
        self._last_seq: object = None

    def pull_frame(self) -> None:
        frame = self.frames() if self.frames is not None else None
        if frame is None:
            return
        # A Frame carries a sequence number; a bare array is compared by identity.
        seq = getattr(frame, "seq", None)
        key = seq if seq is not None else id(frame)
        if key == self._last_seq:
            return
        self._last_seq = key
        self.preview.set_frame(getattr(frame, "image", frame))

    def run(self, on: bool) -> None:
        """Start pulling frames (when there is a source), or stop and clear the preview."""
        if on and self.frames is not None:
            if not self._timer.isActive():
                self._timer.start()
            return
        self._timer.stop()
        self._last_seq = None
        self.preview.clear()

    def is_running(self) -> bool:
        return self._timer.isActive()
