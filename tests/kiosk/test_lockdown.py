"""Production mode refuses simulated devices unless the config explicitly allows a simulation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk import cli, config, lockdown


def cfg(mode: str = "production", simulation: bool = False, **backends: str) -> config.Config:
    data: dict[str, Any] = {"kiosk": {"mode": mode, "simulation": simulation}, "devices": {}}
    for kind, backend in backends.items():
        data["devices"][kind] = {"backend": backend}
    return config.from_dict(data)


def test_production_with_real_devices_starts_without_banner() -> None:
    state = lockdown.enforce(cfg())
    assert state.production and state.simulated_devices == ()
    assert not state.show_simulation_banner


@pytest.mark.parametrize("kind", ["card", "camera", "printer"])
def test_production_refuses_any_simulated_device(kind: str) -> None:
    with pytest.raises(lockdown.LockdownError) as err:
        lockdown.enforce(cfg(**{kind: "simulated"}))
    message = str(err.value)
    assert "\n" not in message
    assert f"devices.{kind}.backend" in message and "kiosk.simulation = true" in message


def test_the_error_names_every_simulated_device() -> None:
    with pytest.raises(lockdown.LockdownError, match=r"devices\.card\.backend, devices\.printer\.backend"):
        lockdown.enforce(cfg(card="simulated", printer="simulated"))


def test_explicit_simulation_is_allowed_and_shown() -> None:
    state = lockdown.enforce(cfg(simulation=True, card="simulated", camera="simulated", printer="simulated"))
    assert state.simulated_devices == ("card", "camera", "printer")
    assert state.show_simulation_banner


def test_development_mode_allows_simulation_but_still_shows_it() -> None:
    state = lockdown.enforce(cfg(mode="development", camera="simulated"))
    assert not state.production
    assert state.show_simulation_banner


def test_simulation_flag_alone_shows_no_banner_with_real_devices() -> None:
    assert not lockdown.enforce(cfg(simulation=True)).show_simulation_banner


def test_kiosk_run_refuses_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_file = tmp_path / "config.toml"
    config_file.write_text('[devices.card]\nbackend = "simulated"\n')
    assert cli.main(["run", "--config", str(config_file)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: production mode refuses simulated devices (devices.card.backend")
    assert "Traceback" not in "\n".join(err)
