"""The one bridge from the session runtime to the GUI.

`SessionRuntime.on_view(view)` is called on the runtime's flow thread. `ViewBridge.emit_view`
is that callback: it only emits a Qt signal. The bridge lives in the GUI thread, so Qt queues
the signal and `view_changed` is delivered on the GUI thread, where the window renders it.
Views are frozen dataclasses, safe to hand across threads.

    bridge = ViewBridge()
    bridge.view_changed.connect(window.render)
    bridge.attach(runtime)          # runtime.on_view = bridge.emit_view
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from kiosk.journey.view import View


class ViewBridge(QObject):
    view_changed = Signal(object)  # a kiosk.journey.view.View
    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Explicitly queued, even when emitted on the GUI thread (e.g. `runtime.start()` posting
        # the first view synchronously): rendering never re-enters the runtime's call stack.
        self._incoming.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self.delivered = 0

    def emit_view(self, view: View) -> None:
        """The runtime's `on_view` callback: safe from any thread; does nothing but emit."""
        self._incoming.emit(view)

    def _deliver(self, view: View) -> None:
        self.delivered += 1
        self.view_changed.emit(view)

    def attach(self, runtime: Any) -> None:
        runtime.on_view = self.emit_view

    def detach(self, runtime: Any) -> None:
        if getattr(runtime, "on_view", None) == self.emit_view:
            runtime.on_view = None
