"""Device states shared between the kiosk process (which owns the devices) and the sync process
(which reports them in heartbeats): one small JSON file, `<state_dir>/device-states.json`,
replaced atomically (write + fsync + rename), so a reader never sees half a file.

`publish(state_dir, devices)` writes the states with the publication time; `read(state_dir)`
returns them, each turned to `unknown` when the file is older than `STALE_S` (the kiosk process
stopped publishing) or unreadable.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sync import files

FILE_NAME = "device-states.json"
STALE_S = 180.0
States = Literal["ok", "degraded", "fault", "absent", "unknown"]
_VALID = ("ok", "degraded", "fault", "absent", "unknown")


@dataclass(frozen=True)
class DeviceState:
    state: States
    detail: str = ""


def publish(state_dir: Path, devices: dict[str, DeviceState], *, now: float | None = None) -> None:
    """Write the states atomically (the kiosk process calls this on every device change)."""
    path = Path(state_dir) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"published_at": time.time() if now is None else now,
            "devices": {name: {"state": d.state, "detail": d.detail} for name, d in devices.items()}}
    files.replace(path, json.dumps(data))


def read(state_dir: Path, *, now: float | None = None, stale_s: float = STALE_S) -> dict[str, DeviceState]:
    """The published states; stale or unreadable -> every known device `unknown`, none known -> {}."""
    path = Path(state_dir) / FILE_NAME
    try:
        data = json.loads(path.read_text("utf-8"))
        devices = data["devices"]
        published = float(data["published_at"])
        if not isinstance(devices, dict):
            return {}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    current = time.time() if now is None else now
    stale = current - published > stale_s
    out: dict[str, DeviceState] = {}
    for name, entry in devices.items():
        state = entry.get("state") if isinstance(entry, dict) else None
        detail = str(entry.get("detail", "")) if isinstance(entry, dict) else ""
        if stale or state not in _VALID:
            out[str(name)] = DeviceState("unknown", "stale" if stale else "invalid")
        else:
            out[str(name)] = DeviceState(state, detail)
    return out
