"""Doctor: time sync, who owns the state dir, and the systemd services.

(The state dir's existence and free disk space are the storage area's checks.)
"""

from __future__ import annotations

import functools
import os
import pwd
import shutil
import stat
import subprocess
from collections.abc import Iterable
from pathlib import Path

from kiosk import clock
from kiosk.doctor import Check, DoctorContext, Status, guarded

SERVICE_USER = "kiosk"
UNITS = ("kiosk.service", "kiosk-sync.service")


def checks(ctx: DoctorContext) -> Iterable[Check]:
    yield guarded("system", "time-sync", _time_sync)
    if ctx.config is None:
        yield Check("storage", "state-dir-access", "skip", "config invalid")
        return
    state_dir = ctx.config.state_dir
    if state_dir.is_dir():
        yield guarded("storage", "state-dir-access", lambda: _state_dir(state_dir))
    for unit in UNITS:
        yield guarded("system", unit, functools.partial(_unit, unit))


def _time_sync() -> tuple[Status, str]:
    state = clock.sync_state()
    if state.synced:
        return "ok", state.source
    hint = "enable NTP (`timedatectl set-ntp true`) and check the network; QR tokens and records carry times"
    return "warn", f"{state.source}: {hint}"


def _state_dir(path: Path) -> tuple[Status, str]:
    st = path.stat()
    problems = []
    if stat.S_IMODE(st.st_mode) & 0o077:
        problems.append(f"mode {stat.S_IMODE(st.st_mode):04o}, should be 0700 (holds keys and records)")
    try:
        expected = pwd.getpwnam(SERVICE_USER).pw_uid
    except KeyError:
        expected = None  # a development machine without the service user
    if expected is not None and st.st_uid != expected:
        problems.append(f"owned by uid {st.st_uid}, should be {SERVICE_USER} (uid {expected})")
    if not os.access(path, os.W_OK):
        problems.append(f"not writable by uid {os.getuid()}")
    if problems:
        return "warn", f"{path}: " + "; ".join(problems)
    return "ok", f"{path} (mode 0700)"


def _unit(unit: str) -> tuple[Status, str]:
    if not Path("/run/systemd/system").is_dir():
        return "skip", "systemd is not running here (development machine or container)"
    exe = shutil.which("systemctl")
    if exe is None:
        return "skip", "systemctl not found"

    def ask(verb: str) -> str:
        out = subprocess.run([exe, verb, unit], capture_output=True, text=True, timeout=5, check=False)
        return out.stdout.strip() or out.stderr.strip() or "unknown"

    active, enabled = ask("is-active"), ask("is-enabled")
    detail = f"{active}, {enabled}"
    if active == "active" and enabled == "enabled":
        return "ok", detail
    if active == "failed":
        return "fail", f"{detail}: see `journalctl -u {unit} -b`"
    return "warn", f"{detail}: `systemctl enable --now {unit}` on a kiosk"
