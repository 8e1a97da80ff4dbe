"""The PIN lockout: three wrong PINs lock the prompt 30 s, each further one doubles it up to the cap;
the state is a 0600 file, so a new `Lockout` (a restarted kiosk) still sees it; time is injected."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kiosk.technician_lockout import FILE_NAME, FIRST_LOCK_S, MAX_LOCK_S, Lockout, lock_for


class Clock:
    def __init__(self) -> None:
        self.t = 1_790_000_000.0

    def __call__(self) -> float:
        return self.t


def test_backoff_starts_at_the_third_wrong_pin_doubles_and_is_capped() -> None:
    assert [lock_for(n) for n in range(1, 10)] == [0, 0, 30, 60, 120, 240, 480, 960, 1920]
    assert lock_for(10) == lock_for(50) == MAX_LOCK_S == 3600


def test_a_lock_survives_a_restart_and_a_right_pin_ends_the_streak(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    lock = Lockout(tmp_path, clock=clock)
    assert lock.failure()[1] == 0 and lock.failure()[1] == 0
    state, lock_s = lock.failure()
    assert lock_s == FIRST_LOCK_S and state.failures == 3 and state.lockouts_total == 1
    restarted = Lockout(tmp_path, clock=clock)  # another process, the same file
    assert restarted.remaining_s() == 30
    clock.t += 29.5
    assert restarted.remaining_s() == 1
    clock.t += 0.5
    assert restarted.remaining_s() == 0
    assert restarted.failure()[1] == 60  # the fourth in a row: twice as long
    assert restarted.heartbeat_state() == ("degraded", "pin_failures_total=4 lockouts_total=2 locked_s=60")
    restarted.success()
    assert restarted.remaining_s() == 0 and restarted.state().failures == 0
    assert restarted.heartbeat_state() == ("ok", "pin_failures_total=4 lockouts_total=2")  # totals stay
    path = tmp_path / FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("technician PIN wrong") == 4 and messages.count("technician PIN prompt locked") == 2


def test_a_clock_set_back_never_lengthens_a_lock(tmp_path: Path) -> None:
    clock = Clock()
    lock = Lockout(tmp_path, clock=clock)
    for _ in range(3):
        lock.failure()
    clock.t -= 86400  # a board that lost its time
    assert lock.remaining_s() == FIRST_LOCK_S


def test_unlock_clears_the_lock_and_a_garbled_file_leaves_one_try(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    lock = Lockout(tmp_path, clock=clock)
    for _ in range(3):
        lock.failure()
    before = lock.clear()
    assert before.failures == 3 and lock.remaining_s() == 0 and lock.state().lockouts_total == 1
    (tmp_path / FILE_NAME).write_text("{not json")
    assert lock.state().failures == 2
    assert "technician lockout state unreadable" in caplog.text
    assert lock.failure()[1] == FIRST_LOCK_S  # the next wrong PIN locks
    assert json.loads((tmp_path / FILE_NAME).read_text())["failures"] == 3
