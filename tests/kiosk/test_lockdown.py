"""Production mode refuses simulated devices unless the config explicitly allows a simulation."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk import config, lockdown


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
