"""Clock synchronisation from the kernel, timesyncd's flag file, or timedatectl."""

from __future__ import annotations

from pathlib import Path

from kiosk import clock


def test_kernel_reading_is_a_real_number() -> None:
    # adjtimex(2) read-only works unprivileged; maxerror is in microseconds, capped at 16 s
    value = clock.kernel_max_error_us()
    assert value is not None and 0 <= value <= 16_000_000


def test_kernel_small_error_means_synchronised(tmp_path: Path) -> None:
    state = clock.sync_state(kernel=lambda: 12_000, flag=tmp_path / "none", timedatectl=lambda: None)
    assert state.synced is True and "12 ms" in state.source


def test_kernel_16s_error_means_not_synchronised(tmp_path: Path) -> None:
    state = clock.sync_state(kernel=lambda: 16_000_000, flag=tmp_path / "none", timedatectl=lambda: True)
    assert state.synced is False and "not synchronised" in state.source


def test_timesyncd_flag_counts_when_the_kernel_disagrees(tmp_path: Path) -> None:
    flag = tmp_path / "synchronized"
    flag.touch()
    assert clock.sync_state(kernel=lambda: 16_000_000, flag=flag, timedatectl=lambda: None).synced is True


def test_timedatectl_is_the_last_resort(tmp_path: Path) -> None:
    none = tmp_path / "none"
    assert clock.sync_state(kernel=lambda: None, flag=none, timedatectl=lambda: True).synced is True
    assert clock.sync_state(kernel=lambda: None, flag=none, timedatectl=lambda: False).synced is False
    unknown = clock.sync_state(kernel=lambda: None, flag=none, timedatectl=lambda: None)
    assert unknown.synced is None and "no source" in unknown.source


def test_live_answer_matches_the_kernel() -> None:
    error = clock.kernel_max_error_us()
    assert error is not None
    state = clock.sync_state()
    if error < clock.MAX_ERROR_US:
        assert state.synced is True
    else:
        assert state.synced is (clock.TIMESYNC_FLAG.exists() or False)
