"""`SessionRuntime.start()` is called on the GUI thread: it must return while the devices are still
being opened (a camera, a USB or network printer can take seconds), and the kiosk must stay up,
out of service, when they cannot be opened at all."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from kiosk.config import Config
from kiosk.journey.events import ChipPhotoRead
from kiosk.journey.view import View
from kiosk.runtime import devices as devices_open
from kiosk.runtime.session_runtime import SessionRuntime


def wait_for(predicate: Any, what: str, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_start_returns_while_the_devices_open_and_a_failure_means_out_of_service(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    opening = threading.Event()
    may_finish = threading.Event()
    finished_after_start: list[bool] = []

    def slow_open(cfg: Config, **_: Any) -> Any:
        opening.set()
        # set by the test only once start() has returned: a blocking start() would wait here
        finished_after_start.append(may_finish.wait(10))
        raise OSError("no PC/SC service")

    monkeypatch.setattr(devices_open, "open_devices", slow_open)
    views: list[View] = []
    runtime = SessionRuntime(Config())
    runtime.on_view = views.append
    with caplog.at_level(logging.ERROR, logger="kiosk"):
        runtime.start()
        may_finish.set()
        try:
            assert opening.wait(5)
            wait_for(lambda: views and views[-1].out_of_service, "the out-of-service view")
        finally:
            runtime.stop()
    assert finished_after_start == [True]
    assert not views[0].out_of_service  # the attract screen is shown at once, before the devices
    assert any("devices could not be opened" in r.getMessage() and "no PC/SC service" in getattr(r, "fields", {}).get("error", "")
               for r in caplog.records)


def test_devices_opened_after_stop_are_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    opening = threading.Event()
    may_finish = threading.Event()
    closed = threading.Event()

    class OpenedLate:
        def close(self) -> None:
            closed.set()

    def slow_open(cfg: Config, **_: Any) -> Any:
        opening.set()
        may_finish.wait(10)
        return OpenedLate()

    monkeypatch.setattr(devices_open, "open_devices", slow_open)
    runtime = SessionRuntime(Config())
    runtime.start()
    assert opening.wait(5)
    stopper = threading.Thread(target=runtime.stop)
    stopper.start()
    wait_for(lambda: not runtime._running, "stop() to begin")
    may_finish.set()
    stopper.join(10)
    assert closed.wait(5)
    with pytest.raises(RuntimeError, match="devices are not open"):
        _ = runtime.devices


def test_a_chip_photo_that_arrives_after_its_session_is_zeroed() -> None:
    runtime = SessionRuntime(Config())
    post = runtime._poster()  # what a card job of the current session posts through
    runtime._generation += 1  # the session ends (SessionEnded) while the photo is being read
    photo = bytearray(b"\xff\xd8chip photo")
    post(ChipPhotoRead(photo))
    assert photo == bytes(len(photo))


def test_a_chip_photo_left_in_the_queue_at_stop_is_zeroed(monkeypatch: pytest.MonkeyPatch) -> None:
    opening = threading.Event()
    may_finish = threading.Event()

    def slow_open(cfg: Config, **_: Any) -> Any:
        opening.set()
        may_finish.wait(10)
        raise OSError("no PC/SC service")

    monkeypatch.setattr(devices_open, "open_devices", slow_open)
    runtime = SessionRuntime(Config())
    runtime.start()
    assert opening.wait(5)
    photo = bytearray(b"\xff\xd8chip photo")
    runtime.send(ChipPhotoRead(photo))  # queued behind the opening devices: never handled
    stopper = threading.Thread(target=runtime.stop)
    stopper.start()
    wait_for(lambda: not runtime._running, "stop() to begin")
    may_finish.set()
    stopper.join(10)
    assert photo == bytes(len(photo))
