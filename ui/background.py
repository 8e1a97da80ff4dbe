"""Running a blocking call (technician queries, the printer test) off the GUI thread and getting
its result back on the GUI thread. The worker never touches a widget: it emits a signal, which
Qt queues to the receiver's (GUI) thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk import logs

log = logs.get("ui")


class Background(QObject):
    _finished = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._finished.connect(self._deliver)
        self.threads: list[threading.Thread] = []

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Call `work()` on a worker thread; `on_done(result or exception)` on the GUI thread."""

        def target() -> None:
            try:
                result: Any = work()
            except Exception as e:  # delivered to the GUI as a value, never raised into Qt
                log.warning("background call failed", extra={"fields": {"error": type(e).__name__}})
                result = e
            self._finished.emit(on_done, result)

        t = threading.Thread(target=target, name="ui-background", daemon=True)
        self.threads = [x for x in self.threads if x.is_alive()] + [t]
        t.start()

    def _deliver(self, on_done: Callable[[Any], None], result: Any) -> None:
        on_done(result)
