"""The background-loop base: started once, stopped and joined, its death kept and reported, and a
loop that ignores `stop()` logged rather than forgotten."""

from __future__ import annotations

import logging
import threading

import pytest

from drivers.owned_thread import OwnedThread

log = logging.getLogger("kiosk.test")


class Ticker(OwnedThread):
    def __init__(self, fail_at: int | None = None) -> None:
        super().__init__("ticker", log)
        self.ticks = 0
        self.fail_at = fail_at
        self.deaths: list[BaseException] = []
        self.dead = threading.Event()
        self.ticked = threading.Event()

    def _loop(self) -> None:
        while not self._stop.wait(0.001):
            self.ticks += 1
            self.ticked.set()
            if self.ticks == self.fail_at:
                raise ValueError("broken at tick 3")

    def _died(self, e: BaseException) -> None:
        super()._died(e)
        self.deaths.append(e)
        self.dead.set()


def test_runs_until_stopped_and_can_run_again() -> None:
    t = Ticker()
    with t:
        assert t.running and t.ticked.wait(5)
        with pytest.raises(RuntimeError, match="already running"):
            t.start()
    assert not t.running and t.error is None
    ticks = t.ticks
    t.ticked.clear()
    with t:
        assert t.ticked.wait(5)
    assert t.ticks > ticks and not any(th.name == "ticker" for th in threading.enumerate())


def test_a_loop_that_raises_reports_its_own_death(caplog: pytest.LogCaptureFixture) -> None:
    t = Ticker(fail_at=3)
    with caplog.at_level(logging.ERROR, logger="kiosk.test"), t:
        assert t.dead.wait(5)
    assert isinstance(t.error, ValueError) and t.deaths == [t.error]
    assert [r.getMessage() for r in caplog.records] == ["ticker stopped"]


class Stubborn(OwnedThread):
    join_timeout_s = 0.05

    def __init__(self) -> None:
        super().__init__("stubborn", log)
        self.release = threading.Event()

    def _loop(self) -> None:
        self.release.wait(5)  # ignores _stop, as a loop blocked in a device call would


def test_a_loop_that_does_not_stop_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    t = Stubborn()
    t.start()
    with caplog.at_level(logging.WARNING, logger="kiosk.test"):
        t.stop()
    t.release.set()
    (record,) = caplog.records
    assert record.getMessage() == "thread did not stop in time" and record.fields["thread"] == "stubborn"
