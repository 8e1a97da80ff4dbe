"""Who holds an outbox lease, and whether that process still lives.

An owner is `<boot id>:<pid>:<start time>` (Linux: `/proc/sys/kernel/random/boot_id` and field 22
of `/proc/<pid>/stat`, the process start in clock ticks since boot), so neither a reboot nor a
reused pid makes a dead owner look alive. Where `/proc` cannot tell (another OS, a malformed
owner), the owner counts as alive and its lease simply runs out.

No errors: unreadable files mean "cannot tell".
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _boot_id(proc: Path) -> str:
    try:
        return (proc / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _start_ticks(proc: Path, pid: int) -> str | None:
    try:
        stat = (proc / str(pid) / "stat").read_text()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces: fields count from the last ")"
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else None


def current(proc: Path = PROC) -> str:
    """This process's owner name."""
    pid = os.getpid()
    return f"{_boot_id(proc)}:{pid}:{_start_ticks(proc, pid) or ''}"


def alive(owner: str, proc: Path = PROC) -> bool:
    """False only when the owner is certainly gone: another boot, or no such process now."""
    boot, _, rest = owner.partition(":")
    pid_text, _, start = rest.partition(":")
    this_boot = _boot_id(proc)
    if not boot or not this_boot or not pid_text.isdigit() or not start:
        return True
    if boot != this_boot:
        return False
    now = _start_ticks(proc, int(pid_text))
    return now is not None and now == start


def pid_of(owner: str) -> int | None:
    """The process id in an owner name (for messages), if any."""
    parts = owner.split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None
