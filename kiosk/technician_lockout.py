"""The technician PIN lockout, kept across prompt reopenings and restarts.

After `FREE_TRIES` (3) wrong PINs in a row the prompt is refused for `FIRST_LOCK_S` (30 s); every
further wrong PIN locks it again for twice as long as the lock before, up to `MAX_LOCK_S` (1 h).
A right PIN (or `kiosk technician unlock`, or a new PIN) ends the streak. While locked, no PIN is
checked at all. With the 8-digit PIN that install generates, guessing at one try per hour is
hopeless; even a 4-digit one needs about a year.

The state is `<state_dir>/technician-lockout.json` (mode 0600, replaced atomically), so neither
closing and reopening the prompt nor restarting the kiosk resets it; it also keeps the totals the
heartbeat reports (`heartbeat_state`). Time is the wall clock (a lock must survive a restart),
injected for tests; a clock set back never makes a lock longer than the lock itself. A file that
cannot be read counts as one wrong PIN short of a lock (logged), so deleting or garbling it buys
an attacker at most one try.

Errors: none; a state that cannot be written is logged and kept in memory (the lock still holds
in this process).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

from kiosk import logs
from sync import files

log = logs.get("technician")

FILE_NAME = "technician-lockout.json"
FREE_TRIES = 3
FIRST_LOCK_S = 30
MAX_LOCK_S = 3600


@dataclass(frozen=True)
class LockoutState:
    failures: int = 0
    """Wrong PINs in a row (a right PIN sets it back to 0)."""
    locked_until: float = 0.0
    """Wall-clock time (s) the current lock ends; 0 = none."""
    lock_s: int = 0
    """Length of the current (or last) lock, seconds."""
    failures_total: int = 0
    lockouts_total: int = 0


def lock_for(failures: int) -> int:
    """Seconds the prompt is locked after the `failures`-th wrong PIN in a row (0: not locked)."""
    if failures < FREE_TRIES:
        return 0
    return int(min(MAX_LOCK_S, FIRST_LOCK_S * 2 ** min(failures - FREE_TRIES, 16)))


class Lockout:
    def __init__(self, state_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(state_dir) / FILE_NAME
        self._clock = clock
        self._lock = threading.Lock()
        self._memory: LockoutState | None = None  # the state when the file could not be written

    def state(self) -> LockoutState:
        with self._lock:
            return self._read()

    def remaining_s(self, state: LockoutState | None = None) -> int:
        """Whole seconds (rounded up) until the prompt takes a PIN again; 0 when it does now."""
        st = self.state() if state is None else state
        left = st.locked_until - self._clock()
        return math.ceil(min(left, st.lock_s)) if left > 0 else 0

    def failure(self) -> tuple[LockoutState, int]:
        """Count a wrong PIN; returns the new state and the lock it started (seconds, 0 = none)."""
        with self._lock:
            st = self._read()
            failures = st.failures + 1
            lock_s = lock_for(failures)
            st = replace(st, failures=failures, failures_total=st.failures_total + 1)
            if lock_s:
                st = replace(st, locked_until=self._clock() + lock_s, lock_s=lock_s,
                             lockouts_total=st.lockouts_total + 1)
            self._write(st)
        log.warning("technician PIN wrong", extra={"fields": {"failures_in_a_row": failures,
                                                              "tries_before_lock": max(0, FREE_TRIES - failures)}})
        if lock_s:
            log.warning("technician PIN prompt locked", extra={"fields": {"lock_s": lock_s,
                                                                         "failures_in_a_row": failures}})
        return st, lock_s

    def success(self) -> None:
        """A right PIN: the streak and any lock end (the totals stay)."""
        with self._lock:
            st = self._read()
            if st.failures or st.locked_until:
                self._write(replace(st, failures=0, locked_until=0.0, lock_s=0))

    def clear(self) -> LockoutState:
        """`kiosk technician unlock`: end the streak and the lock; returns the state before."""
        with self._lock:
            before = self._read()
            self._write(replace(before, failures=0, locked_until=0.0, lock_s=0))
        return before

    def heartbeat_state(self) -> tuple[Literal["ok", "degraded"], str]:
        """The `technician` device of the heartbeat: degraded while locked; the totals as detail."""
        st = self.state()
        left = self.remaining_s(st)
        detail = f"pin_failures_total={st.failures_total} lockouts_total={st.lockouts_total}"
        return ("degraded", f"{detail} locked_s={left}") if left else ("ok", detail)

    # -- the file ---------------------------------------------------------------------------
    def _read(self) -> LockoutState:
        if self._memory is not None:
            return self._memory
        try:
            data = json.loads(files.read_private(self.path))
            return LockoutState(failures=int(data["failures"]), locked_until=float(data["locked_until"]),
                                lock_s=int(data["lock_s"]), failures_total=int(data["failures_total"]),
                                lockouts_total=int(data["lockouts_total"]))
        except FileNotFoundError:
            return LockoutState()
        except (OSError, ValueError, KeyError, TypeError) as e:
            log.error("technician lockout state unreadable: one more wrong PIN locks the prompt",
                      extra={"fields": {"path": str(self.path), "error": type(e).__name__}})
            return LockoutState(failures=FREE_TRIES - 1)

    def _write(self, st: LockoutState) -> None:
        try:
            files.replace_private(self.path, json.dumps(asdict(st)).encode())
            self._memory = None
        except OSError as e:
            log.error("technician lockout state not saved (kept in memory)",
                      extra={"fields": {"path": str(self.path), "error": e.strerror or type(e).__name__}})
            self._memory = st
