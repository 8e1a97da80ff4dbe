"""Rendering a `View` to a PNG without a display (the offscreen Qt platform).

For tests, the README's screenshots and `kiosk demo`:

    from ui.screenshot import Screenshotter
    with Screenshotter(orientation="portrait", simulation=True) as shots:
        shots.save(view, Path("out/01-idle.png"))            # -> the path written
        shots.save(face_view, Path("out/06-face.png"), frame=bgr_array)

`save_view_png(view, path, ...)` does the same for one picture. The window is the real kiosk
window in development mode (no lockdown), rendered at the configured layout size; animations
are frozen at a fixed phase so that pictures are reproducible. If no QApplication exists, one
is created on the offscreen platform (set before Qt starts, so the caller needs no display).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from kiosk.journey.view import View


def _app() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return app if app is not None else QApplication([])


class Screenshotter:
    def __init__(self, *, orientation: str = "portrait", dpi: int = 96, simulation: bool = False) -> None:
        self._app = _app()
        from ui.widgets.illustrations import _CardArt
        from ui.window import KioskWindow

        self._frame: Any = None
        self.window = KioskWindow(
            send=lambda _event: None, orientation=orientation, dpi=dpi, production=False,
            simulation=simulation, frames=lambda: self._frame,
        )
        self._art_type = _CardArt

    def __enter__(self) -> Screenshotter:
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        from PySide6.QtCore import QCoreApplication, QEvent

        self.window.allow_close()
        self.window.close()
        self._frame = None
        self.window.deleteLater()
        # Delete now, while Python and Qt are both fully alive (not at interpreter exit).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def render(self, view: View, *, frame: Any = None) -> Any:
        """Render `view` (and `frame`, a BGR array, as the camera picture); returns the QImage."""
        self._frame = frame
        w = self.window
        w.show_view(view)
        if not w.isVisible():
            w.show()
        if frame is not None and (view.face_preview or view.scan_preview):
            screen = w.screens["face" if view.face_preview else "scan"]
            screen.feed.pull_frame()  # type: ignore[attr-defined]
        for art in w.findChildren(self._art_type):
            art.set_phase(0.35)
        from ui.widgets.qr import QrView

        codes = [q for q in w.findChildren(QrView) if q.isVisibleTo(w)]  # the result's, the notice's
        deadline = time.monotonic() + 5.0
        while not all(q.ready for q in codes) and time.monotonic() < deadline:  # encoded on a worker thread
            self._app.processEvents()
            time.sleep(0.002)
        self._app.processEvents()
        return w.grab().toImage()

    def save(self, view: View, path: Path, *, frame: Any = None) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        image = self.render(view, frame=frame)
        if not image.save(str(path), "PNG"):
            raise OSError(f"cannot write the screenshot {path}")
        return path


def save_view_png(view: View, path: Path, **options: Any) -> Path:
    """One screenshot of `view` at `path` (options as for `Screenshotter`)."""
    frame = options.pop("frame", None)
    with Screenshotter(**options) as shots:
        return shots.save(view, path, frame=frame)
