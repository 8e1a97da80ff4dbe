"""sd_notify messages reach a notify socket, and the watchdog starves when the loop blocks."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import notify
from tests.harness.notify import FakeNotifySocket

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def path_socket(tmp_path: Path) -> Iterator[FakeNotifySocket]:
    s = FakeNotifySocket(str(tmp_path / "notify"))
    yield s
    s.close()


@pytest.fixture
def abstract_socket() -> Iterator[FakeNotifySocket]:
    s = FakeNotifySocket(f"@kiosk-test-{uuid.uuid4().hex}")
    yield s
    s.close()


@pytest.fixture(params=["path", "abstract"])
def notify_socket(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FakeNotifySocket:
    s: FakeNotifySocket = request.getfixturevalue(f"{request.param}_socket")
    monkeypatch.setenv("NOTIFY_SOCKET", s.env_value)
    return s


def test_ready_status_stopping_reach_the_socket(notify_socket: FakeNotifySocket) -> None:
    assert notify.ready("idle  and\nwaiting")
    assert notify.status("3 records pending")
    assert notify.stopping()
    notify_socket.wait_for("STOPPING=1")
    assert [fs for _, fs in notify_socket.messages] == [
        ["READY=1", "STATUS=idle and waiting"],
        ["STATUS=3 records pending"],
        ["STOPPING=1"],
    ]


def test_outside_systemd_every_call_is_a_quiet_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify.ready() is False
    assert notify.Watchdog.from_env() is None


def test_a_dead_notify_socket_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    assert notify.ready() is False
    monkeypatch.setenv("NOTIFY_SOCKET", "vsock:2:1234")
    assert notify.status("x") is False


def test_watchdog_from_env() -> None:
    base = {"NOTIFY_SOCKET": "/run/systemd/notify"}
    assert notify.Watchdog.from_env(base) is None
    assert notify.Watchdog.from_env({**base, "WATCHDOG_USEC": "0"}) is None
    assert notify.Watchdog.from_env({**base, "WATCHDOG_USEC": "junk"}) is None
    wd = notify.Watchdog.from_env({**base, "WATCHDOG_USEC": "30000000"})
    assert wd is not None and wd.timeout_s == 30 and wd.interval_s == 15
    # WATCHDOG_PID names the unit's main process: ours, or our parent (cage runs `kiosk run`)
    assert notify.Watchdog.from_env({**base, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": str(os.getpid())})
    assert notify.Watchdog.from_env({**base, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": str(os.getppid())})
    assert notify.Watchdog.from_env({**base, "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"}) is None


def test_kick_if_due_sends_at_most_once_per_interval(path_socket: FakeNotifySocket) -> None:
    wd = notify.Watchdog(0.2, env={"NOTIFY_SOCKET": path_socket.env_value})
    assert wd.kick_if_due()
    assert not wd.kick_if_due()  # just kicked
    time.sleep(0.11)
    assert wd.kick_if_due()
    path_socket.wait_for("WATCHDOG=1")
    time.sleep(0.05)
    assert path_socket.fields().count("WATCHDOG=1") == 2


def test_wait_keeps_kicking_and_returns_early_on_stop(path_socket: FakeNotifySocket) -> None:
    wd = notify.Watchdog(0.2, env={"NOTIFY_SOCKET": path_socket.env_value})
    t0 = time.monotonic()
    assert wd.wait(0.55) is False
    assert time.monotonic() - t0 >= 0.55
    time.sleep(0.05)
    kicks = [t for t, fs in path_socket.messages if "WATCHDOG=1" in fs]
    assert len(kicks) >= 4  # every 0.1 s over 0.55 s
    assert max(b - a for a, b in zip(kicks, kicks[1:], strict=False)) < wd.timeout_s

    stop = threading.Event()
    threading.Timer(0.1, stop.set).start()
    t0 = time.monotonic()
    assert wd.wait(10, stop) is True
    assert time.monotonic() - t0 < 2


@pytest.mark.display
@pytest.mark.slow
def test_qt_loop_feeds_the_watchdog_and_starves_it_when_blocked(path_socket: FakeNotifySocket) -> None:
    timeout_s = 0.8  # WatchdogSec=0.8 -> kicks every 0.4 s
    block_s = 2.0
    env = {
        **os.environ,
        "NOTIFY_SOCKET": path_socket.env_value,
        "WATCHDOG_USEC": str(int(timeout_s * 1_000_000)),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests/kiosk/qt_watchdog_app.py"), "1.6", str(block_s), "5.3"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    time.sleep(0.1)
    events = [(t - started, f) for t, fs in path_socket.messages for f in fs]
    names = [f for _, f in events]
    assert names[0] == "READY=1" and "STOPPING=1" in names, names

    block_start = next(t for t, f in events if f == "STATUS=blocking")
    block_end = next(t for t, f in events if f == "STATUS=unblocked")
    assert block_end - block_start >= block_s - 0.05
    kicks = [t for t, f in events if f == "WATCHDOG=1"]
    before = [t for t in kicks if t < block_start]
    after = [t for t in kicks if t > block_end]
    assert len(before) >= 3, events  # fed while the loop ran
    assert len(after) >= 3, events   # and again once it runs again
    # Not one kick while the loop was blocked: systemd would have restarted the process.
    assert not [t for t in kicks if block_start < t < block_end], events
    gap = min(after) - max(before)
    assert gap > timeout_s
    # While the loop ran, consecutive kicks came well within the timeout.
    assert max(b - a for a, b in zip(before, before[1:], strict=False)) < timeout_s


@pytest.mark.display
@pytest.mark.slow
def test_the_real_kiosk_ui_sends_ready_then_keeps_kicking(path_socket: FakeNotifySocket, tmp_path: Path) -> None:
    """`kiosk run` itself (production mode, declared simulation, offscreen): READY=1, then WATCHDOG=1."""
    config = tmp_path / "config.toml"
    config.write_text(
        "[kiosk]\nsimulation = true\n"
        f"[storage]\nstate_dir = \"{tmp_path / 'state'}\"\n"
        "[devices.card]\nbackend = \"simulated\"\n[devices.camera]\nbackend = \"simulated\"\n"
        "[devices.printer]\nbackend = \"simulated\"\n"
    )
    env = {**os.environ, "NOTIFY_SOCKET": path_socket.env_value, "WATCHDOG_USEC": "1000000",
           "QT_QPA_PLATFORM": "offscreen"}
    log = tmp_path / "kiosk.log"  # a file, not a pipe: a full pipe would block the UI's loggers
    with log.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "kiosk", "run", "--config", str(config)], env=env,
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        path_socket.wait_for("READY=1", timeout_s=90)
        ready_at = next(t for t, fs in path_socket.messages if "READY=1" in fs)
        deadline = time.monotonic() + 10
        while len([t for t, fs in path_socket.messages if "WATCHDOG=1" in fs and t > ready_at]) < 3:
            assert proc.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, path_socket.fields()
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.wait(10)
    kicks = [t for t, fs in path_socket.messages if "WATCHDOG=1" in fs and t > ready_at]
    # Kicks asked every 0.5 s; the real UI may hold its loop a moment (first renders), but never
    # near the WatchdogSec of kiosk.service, after which systemd would restart it.
    unit = (ROOT / "systemd/kiosk.service").read_text()
    watchdog_sec = float(next(line.split("=", 1)[1] for line in unit.splitlines() if line.startswith("WatchdogSec=")))
    assert max(b - a for a, b in zip(kicks, kicks[1:], strict=False)) < watchdog_sec / 2
