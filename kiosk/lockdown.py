"""Production lockdown: a kiosk in production mode never runs on simulated devices by accident.

`kiosk run` calls `enforce(cfg)` before it opens any device or window. In production mode
(`kiosk.mode = "production"`, the default) a simulated card reader, camera or printer is refused
unless the config says `kiosk.simulation = true` (a demonstration or training kiosk); then, and
in development mode whenever a device is simulated, the UI shows SIMULATION on every screen
(`Lockdown.show_simulation_banner`).

Errors: `LockdownError` (one line naming the simulated devices and the key that allows them).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.config import Config


class LockdownError(Exception):
    """The configuration is not allowed in production mode; the message says what to change."""


@dataclass(frozen=True)
class Lockdown:
    production: bool
    simulated_devices: tuple[str, ...]
    """Device kinds on a simulated back end: a subset of ("card", "camera", "printer")."""

    @property
    def show_simulation_banner(self) -> bool:
        """True when the UI must show SIMULATION on every screen."""
        return bool(self.simulated_devices)


def simulated_devices(cfg: Config) -> tuple[str, ...]:
    devices = cfg.devices
    backends = {"card": devices.card.backend, "camera": devices.camera.backend, "printer": devices.printer.backend}
    return tuple(kind for kind, backend in backends.items() if backend == "simulated")


def enforce(cfg: Config) -> Lockdown:
    """The lockdown state for `cfg`; raises LockdownError when the UI must not start."""
    simulated = simulated_devices(cfg)
    production = cfg.kiosk.mode == "production"
    if production and simulated and not cfg.kiosk.simulation:
        names = ", ".join(f"devices.{kind}.backend" for kind in simulated)
        raise LockdownError(
            f"production mode refuses simulated devices ({names} = \"simulated\"): configure the real "
            "devices, or set kiosk.simulation = true for a demonstration kiosk"
        )
    return Lockdown(production=production, simulated_devices=simulated)
