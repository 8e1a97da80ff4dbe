"""The kiosk application: Qt, the Thai font, the window, the bridge, the systemd watchdog.

    from ui.app import main
    exit_code = main(config, runtime)        # `kiosk run`: blocks in the Qt event loop

    with KioskUi(config, runtime) as kiosk:  # tests and benchmarks: the same wiring, no exec()
        kiosk.window ...                     # the KioskWindow; kiosk.bridge, kiosk.first_view_at

`runtime` is a `kiosk.runtime.session_runtime.SessionRuntime` (typed as `kiosk.runtime.api.SessionRuntimeApi`).
Startup order: font, window, bridge attached, the runtime's initial view (the attract screen)
rendered, window shown, runtime started; READY=1 goes to systemd once that screen is rendered. The watchdog is fed by a
QTimer on the GUI thread, so a frozen event loop starves it and systemd restarts the kiosk.
SIGTERM and SIGINT end the loop cleanly (runtime stopped, STOPPING=1). With `freeze_heap`
(`main` sets it), the start-up objects are collected and frozen once the face models are ready
and the attract screen shows (`kiosk.heap`: no full garbage collection of them during sessions).

Errors: `ui.theme.FontUnavailable` (the Thai font is missing: the kiosk would show boxes).
"""

from __future__ import annotations

import signal
import sys
import time
from types import TracebackType
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk import heap, logs, notify
from kiosk.config import Config
from kiosk.journey.states import StateName
from kiosk.journey.view import View
from kiosk.runtime.api import SessionRuntimeApi
from ui import theme
from ui.bridge import ViewBridge
from ui.window import KioskWindow

log = logs.get("ui")


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    return QApplication(sys.argv[:1])


class KioskUi:
    """The wired kiosk UI (window + bridge + watchdog) around one runtime."""

    def __init__(self, config: Config, runtime: SessionRuntimeApi, *, freeze_heap: bool = False) -> None:
        self.app = application()
        theme.load_thai_font()
        self.config = config
        self.runtime = runtime
        self.window = KioskWindow(
            send=runtime.send,
            orientation=config.ui.orientation,
            dpi=config.ui.dpi,
            production=config.kiosk.mode == "production",
            simulation=runtime.simulation is not None,
            frames=runtime.latest_frame,
            technician=runtime.technician,
            simulation_controls=runtime.simulation,
        )
        self.bridge = ViewBridge(self.window)
        self.bridge.view_changed.connect(self._render)
        self.first_view_at: float | None = None
        self.watchdog = notify.Watchdog.from_env()
        self._watchdog_timer: QTimer | None = None
        self._started = False
        self._freeze_heap = freeze_heap
        self._heap_timer: QTimer | None = None
        self.heap_frozen = False
        """True once the start-up objects are frozen (`kiosk.heap`; only with `freeze_heap`)."""

    def _render(self, view: View) -> None:
        self.window.show_view(view)
        if self.first_view_at is None:
            self.first_view_at = time.monotonic()
            notify.ready("idle")
            log.info("kiosk screen ready", extra={"fields": {"state": str(view.state)}})

    def start(self) -> None:
        if self.watchdog is not None:
            # Fed from the GUI thread's own loop: if the loop hangs, systemd sees it.
            self._watchdog_timer = QTimer(self.window)
            self._watchdog_timer.setInterval(max(100, int(self.watchdog.interval_s * 1000)))
            self._watchdog_timer.timeout.connect(self.watchdog.kick)
            self._watchdog_timer.start()
            self.watchdog.kick()
        self.bridge.attach(self.runtime)
        # The attract screen shows at once from the runtime's initial view; the runtime's own
        # first view (after its threads are up, the face models loading) replaces it.
        self._render(self.runtime.view)
        self.window.show()
        self.runtime.start()
        self._started = True
        if self._freeze_heap and not self.heap_frozen:
            self._heap_timer = QTimer(self.window)
            self._heap_timer.setInterval(250)
            self._heap_timer.timeout.connect(self._freeze_when_ready)
            self._heap_timer.start()

    def _freeze_when_ready(self) -> None:
        """Once the face models are loaded and nobody is in a session: collect and freeze the
        start-up objects (one pause on the attract screen instead of one in every session)."""
        view = self.window.view
        if not self.runtime.face_ready.is_set() or view is None or view.state != StateName.IDLE:
            return
        assert self._heap_timer is not None
        self._heap_timer.stop()
        heap.freeze_start_up()
        self.heap_frozen = True

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        notify.stopping()
        if self._watchdog_timer is not None:
            self._watchdog_timer.stop()
        if self._heap_timer is not None:
            self._heap_timer.stop()
        self.bridge.detach(self.runtime)
        self.runtime.stop()
        self.window.allow_close()
        self.window.close()

    def __enter__(self) -> KioskUi:
        self.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(config: Config, runtime: SessionRuntimeApi) -> int:
    """Run the kiosk until the window closes (development) or SIGTERM/SIGINT; the exit code."""
    kiosk = KioskUi(config, runtime, freeze_heap=True)
    app = kiosk.app

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("stopping on signal", extra={"fields": {"signal": signum}})
        # Through the event loop: a quit() before exec() has started would be lost. exit(), not
        # quit(): Qt 6's quit() first asks the windows to close, which production mode refuses.
        QTimer.singleShot(0, lambda: app.exit(0))

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    # Python runs signal handlers only between bytecodes: a light timer lets it in while Qt waits.
    pulse = QTimer()
    pulse.setInterval(250)
    pulse.timeout.connect(lambda: None)
    pulse.start()
    try:
        kiosk.start()
        return int(app.exec())
    finally:
        pulse.stop()
        kiosk.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
