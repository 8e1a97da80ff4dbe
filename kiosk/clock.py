"""Is the system clock synchronised? (for `kiosk doctor` and the record's `clock_synced`).

Kiosk boards without a battery-backed clock boot with a wrong date until NTP sets it. The answer
comes, in order, from:
1. the kernel (`adjtimex(2)`): the clock counts as synchronised when its maximum error is below
   16 s, the rule systemd itself uses; every NTP client (systemd-timesyncd, chrony, ntpd) keeps
   it up to date;
2. systemd-timesyncd's flag file `/run/systemd/timesync/synchronized`;
3. `timedatectl show -p NTPSynchronized` (needs a running systemd).

Nothing here raises: an unknown answer is `ClockSync(None, ...)`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
MAX_ERROR_US = 16_000_000  # systemd's ntp_synced(): maxerror below 16 s
_TIMEX_SIZE = 256  # sizeof(struct timex) is 208 on x86-64; room to spare
_MAXERROR_OFFSET = 3 * ctypes.sizeof(ctypes.c_long)  # after `int modes` (padded to a long), offset, freq


@dataclass(frozen=True)
class ClockSync:
    synced: bool | None
    """True synchronised, False not, None unknown."""
    source: str
    """How it was found out, and the figure, for a technician."""


def kernel_max_error_us() -> int | None:
    """The kernel clock's maximum error in microseconds (`adjtimex` read-only), or None."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        buf = ctypes.create_string_buffer(_TIMEX_SIZE)  # zeroed: modes = 0 reads only
        if libc.adjtimex(buf) < 0:
            return None
        return int(ctypes.c_long.from_buffer(buf, _MAXERROR_OFFSET).value)
    except (OSError, AttributeError):
        return None


def timedatectl_synced(timeout_s: float = 2.0) -> bool | None:
    exe = shutil.which("timedatectl")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "show", "-p", "NTPSynchronized", "--value"], capture_output=True,
                             text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return {"yes": True, "no": False}.get(value) if out.returncode == 0 else None


def sync_state(*, kernel: Callable[[], int | None] = kernel_max_error_us, flag: Path = TIMESYNC_FLAG,
               timedatectl: Callable[[], bool | None] = timedatectl_synced) -> ClockSync:
    """Whether the clock is synchronised (the keyword arguments replace the sources in tests)."""
    error = kernel()
    if error is not None:
        if error < MAX_ERROR_US:
            return ClockSync(True, f"kernel clock synchronised (max error {error / 1000:.0f} ms)")
    try:
        if flag.exists():
            return ClockSync(True, f"systemd-timesyncd synchronised ({flag} exists)")
    except OSError:
        pass
    if error is not None:
        return ClockSync(False, f"kernel clock not synchronised (max error {error / 1_000_000:.0f} s >= 16 s)")
    answer = timedatectl()
    if answer is not None:
        return ClockSync(answer, f"timedatectl: NTPSynchronized={'yes' if answer else 'no'}")
    return ClockSync(None, "no source could tell (adjtimex, timesyncd flag, timedatectl)")
