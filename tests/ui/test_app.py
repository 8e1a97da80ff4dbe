"""The application wiring: the one bridge delivers views from worker threads on the GUI thread;
READY=1 and the watchdog reach systemd's socket from the GUI loop; SIGTERM ends `main()` cleanly."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from kiosk.config import Config, with_overrides
from kiosk.journey.states import StateName as S
from kiosk.journey.view import View
from tests.ui.fakes import FakeTechnician
from ui.app import KioskUi
from ui.bridge import ViewBridge

pytestmark = pytest.mark.display
ROOT = Path(__file__).resolve().parents[2]


class FakeRuntime:
    """The shape of `SessionRuntimeApi`, posting views from a thread of its own like the real one."""

    def __init__(self) -> None:
        self.on_view = None
        self.sent: list[object] = []
        self.started = self.stopped = False
        self.view = View(S.IDLE, "th", "idle.title", "idle.body")
        self.simulation = None
        self.technician = FakeTechnician()
        self.face_ready = threading.Event()
        self.first_view: View | None = View(S.CHOOSE_SERVICE, "th", "choose.title", "choose.body", step=1, steps=6,
                                            can_cancel=True)

    def post(self, view: View) -> None:
        """A view from the flow's thread, as the real runtime sends it."""
        threading.Thread(target=lambda: self.on_view and self.on_view(view), name="fake-flow").start()

    def start(self) -> None:
        self.started = True
        if self.first_view is None:
            return
        threading.Thread(target=lambda: self.on_view and self.on_view(self.first_view),  # type: ignore[arg-type]
                         name="fake-flow").start()

    def stop(self) -> None:
        self.stopped = True

    def send(self, event: object) -> None:
        self.sent.append(event)

    def latest_frame(self) -> None:
        return None


def _config() -> Config:
    return with_overrides(Config(), kiosk={"mode": "development"})


def test_bridge_delivers_views_from_worker_threads_on_the_gui_thread(qtbot) -> None:
    bridge = ViewBridge()
    got: list[tuple[View, bool]] = []
    bridge.view_changed.connect(lambda v: got.append((v, QThread.currentThread() is QApplication.instance().thread())))
    views = [View(S.IDLE, "th", "idle.title"), View(S.CONSENT, "en", "consent.title")]
    workers = [threading.Thread(target=bridge.emit_view, args=(v,)) for v in views]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert got == []  # nothing rendered inside the worker's call
    qtbot.waitUntil(lambda: len(got) == 2)
    assert all(on_gui for _, on_gui in got)
    assert {v.state for v, _ in got} == {S.IDLE, S.CONSENT}


def test_start_up_objects_are_frozen_once_the_face_models_are_ready_and_nobody_is_in_a_session(qtbot) -> None:
    runtime = FakeRuntime()
    runtime.first_view = None  # the attract screen stays
    try:
        with KioskUi(_config(), runtime, freeze_heap=True) as kiosk:
            qtbot.wait(700)  # the models are still loading: a collection now would be for nothing
            assert not kiosk.heap_frozen and gc.get_freeze_count() == 0
            runtime.post(View(S.CONSENT, "th", "consent.title", can_cancel=True))  # a citizen starts
            qtbot.waitUntil(lambda: kiosk.window.view is not None and kiosk.window.view.state == S.CONSENT)
            runtime.face_ready.set()
            qtbot.wait(700)
            assert not kiosk.heap_frozen  # never in the middle of a session
            runtime.post(View(S.IDLE, "th", "idle.title", "idle.body"))
            qtbot.waitUntil(lambda: kiosk.heap_frozen, timeout=3000)
            assert gc.get_freeze_count() > 1000
        with KioskUi(_config(), FakeRuntime()) as plain:  # tests and tools: nothing is frozen
            qtbot.wait(600)
            assert not plain.heap_frozen
    finally:
        gc.unfreeze()


def test_ready_and_watchdog_reach_systemd_from_the_gui_loop(qtbot, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.setblocking(False)  # read between turns of the GUI loop: blocking here would starve it
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", "400000")  # kick every 0.2 s
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    runtime = FakeRuntime()
    try:
        with KioskUi(_config(), runtime) as kiosk:
            assert kiosk.watchdog is not None
            messages: list[bytes] = []
            qtbot.waitUntil(lambda: kiosk.window.view is not None and kiosk.window.view.state == S.CHOOSE_SERVICE)
            for _ in range(100):  # up to 5 s
                qtbot.wait(50)
                try:
                    while True:
                        messages.append(sock.recv(4096))
                except BlockingIOError:
                    pass
                if len([m for m in messages if b"WATCHDOG=1" in m]) >= 3:
                    break
            assert any(b"READY=1" in m for m in messages)
            assert len([m for m in messages if b"WATCHDOG=1" in m]) >= 3
            kiosk.window.footer.language.click()
        assert runtime.started and runtime.stopped
        assert type(runtime.sent[-1]).__name__ == "ToggleLanguage"
    finally:
        sock.close()


@pytest.mark.parametrize("mode", ["development", "production"])
def test_sigterm_ends_main_and_stops_the_runtime(tmp_path: Path, mode: str) -> None:
    # production: the locked-down window refuses to close, yet systemd's SIGTERM must end it
    # In a process of its own: once QApplication.exec() has returned, Qt considers the
    # application closing, which would disturb the tests that follow in this process.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("NOTIFY_SOCKET", None)
    child = subprocess.Popen([sys.executable, "-m", "tests.ui.main_app", mode], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err[-2000:]
    assert out.split() == ["stopped", "exit", "0"]
