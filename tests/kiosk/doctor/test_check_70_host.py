"""Doctor host checks: time sync, state dir access, systemd units."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk import clock, config
from kiosk.doctor import DoctorContext, check_70_host


def ctx(state_dir: Path) -> DoctorContext:
    cfg = config.from_dict({"storage": {"state_dir": str(state_dir)}})
    return DoctorContext(cfg, Path("config.toml"), [])


def by_name(state_dir: Path) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.detail) for c in check_70_host.checks(ctx(state_dir))}


@pytest.mark.parametrize(("synced", "status"), [(True, "ok"), (False, "warn"), (None, "warn")])
def test_time_sync_status(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, synced: bool | None, status: str) -> None:
    monkeypatch.setattr(clock, "sync_state", lambda: clock.ClockSync(synced, "because"))
    got = by_name(tmp_path)["time-sync"]
    assert got[0] == status and got[1].startswith("because")
    if status == "warn":
        assert "timedatectl set-ntp true" in got[1]


def test_private_state_dir_is_ok(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    status, detail = by_name(state)["state-dir-access"]
    # On a development machine there is no `kiosk` user: then only mode and access are checked.
    try:
        import pwd

        pwd.getpwnam("kiosk")
        has_user = True
    except KeyError:
        has_user = False
    assert status == ("warn" if has_user else "ok"), detail


def test_open_state_dir_is_a_warning(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    os.chmod(state, 0o755)
    status, detail = by_name(state)["state-dir-access"]
    assert status == "warn" and "mode 0755, should be 0700" in detail


def test_missing_state_dir_is_left_to_the_storage_checks(tmp_path: Path) -> None:
    assert "state-dir-access" not in by_name(tmp_path / "absent")


def test_units_are_skipped_without_systemd(tmp_path: Path) -> None:
    results = by_name(tmp_path)
    if Path("/run/systemd/system").is_dir():
        assert results["kiosk.service"][0] in {"ok", "warn", "fail"}
    else:
        assert results["kiosk.service"] == ("skip", "systemd is not running here (development machine or container)")
        assert results["kiosk-sync.service"][0] == "skip"
