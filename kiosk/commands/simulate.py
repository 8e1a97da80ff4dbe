"""`kiosk simulate ...`: simulated devices a technician or a test can run on this machine.

Each device adds its sub-command from a module of its own, `kiosk/commands/simulate_<device>.py`,
exposing `add_simulation(group: Subcommands) -> None` (discovered here, so adding a simulated
device is adding a file; e.g. `simulate_printer.py` adds `kiosk simulate printer`).
"""

from __future__ import annotations

import importlib
import pkgutil

from kiosk.cli import Subcommands


def register(sub: Subcommands) -> None:
    group = sub.group("simulate", "run a simulated device (virtual printer, card, ...) for tests and demos")
    import kiosk.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("simulate_"):
            module = importlib.import_module(f"kiosk.commands.{info.name}")
            add = getattr(module, "add_simulation", None)
            if add is not None:
                add(group)
