"""The sync link's state, as the worker sees it: each change logged once ("server unreachable
since ...", "server back at ... after N s"), written to `<state_dir>/sync-status.json`, and
summed up in one line (with what to do) for the heartbeat, the doctor, `kiosk queue status` and
the technician screen.

States: `starting`, `up`, `down` (unreachable, timeouts, 5xx), `busy` (429/503: Retry-After),
`refused` (a whole-request 4xx: backing off, no record parked), `unauthorized` (401: the key is
re-checked with backoff; `persistent` once it lasted `PERSISTENT_401_S`, and the line then says
to re-enroll).

Errors: none; a status file that cannot be written is logged and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync.verdicts import LinkState

log = logging.getLogger("kiosk.sync")

STATUS_FILE = "sync-status.json"
PERSISTENT_401_S = 300.0
"""A 401 lasting this long is not a key rotation or a clock being set: the kiosk must be re-enrolled."""
REENROLL = "re-enroll: sudo -u kiosk kiosk enroll --server URL --token - --kiosk-id ID (token from the central team)"
CLOCK_FIX = "fix the clock: timedatectl set-ntp true, then check the network"


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def unauthorized_detail(code: str, since: float, now: float) -> tuple[str, bool]:
    """What a 401 means and what to do; True once it is persistent."""
    minutes = int((now - since) // 60)
    if code == "clock_skew":
        return f"server refuses this kiosk's signatures: clock off by more than 300 s ({code}): {CLOCK_FIX}", \
            now - since >= PERSISTENT_401_S
    if now - since >= PERSISTENT_401_S:
        return f"server has refused this kiosk's key for {minutes} min ({code}): {REENROLL}", True
    return f"server refuses this kiosk's key ({code}); re-checking with backoff; if it persists, {REENROLL}", False


@dataclass
class LinkStatus:
    state: LinkState = "starting"
    since: float = 0.0
    detail: str = ""
    last_success: float | None = None
    retry_at: float | None = None
    persistent: bool = False
    sent: int = 0
    dead: int = 0
    history: list[str] = field(default_factory=list)


class Link:
    def __init__(self, state_dir: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = Path(state_dir) / STATUS_FILE
        self._clock = clock
        self.status = LinkStatus(since=clock())

    def set(self, state: LinkState, detail: str, *, retry_at: float | None = None, persistent: bool = False) -> None:
        """Enter `state` (logged once per change; a 401 turning persistent is logged once more)."""
        st = self.status
        st.retry_at = retry_at
        if st.state == state:
            if persistent and not st.persistent:
                st.detail, st.persistent = detail, True
                self._log(logging.ERROR, f"sync link: {detail}")
            elif detail != st.detail:
                st.detail = detail
            self._write()
            return
        now = self._clock()
        previous, was_since = st.state, st.since
        st.state, st.since, st.detail, st.persistent = state, now, detail, persistent
        if state == "down":
            self._log(logging.WARNING, f"server unreachable since {iso(now)}: {detail}")
        elif state == "busy":
            self._log(logging.WARNING, f"server busy since {iso(now)}: {detail}")
        elif state == "refused":
            self._log(logging.WARNING, f"uploads refused since {iso(now)}: {detail}")
        elif state == "unauthorized":
            self._log(logging.ERROR, f"uploads paused since {iso(now)}: {detail}")
        elif previous in ("down", "busy", "refused", "unauthorized"):
            self._log(logging.WARNING, f"server back at {iso(now)} after {int(now - was_since)} s")
        else:
            self._log(logging.INFO, f"server reachable at {iso(now)}")
        self._write()

    def _log(self, level: int, line: str) -> None:
        log.log(level, line)
        self.status.history.append(line)

    def _write(self) -> None:
        st = self.status
        data = {"state": st.state, "since": iso(st.since), "detail": st.detail,
                "last_success": iso(st.last_success) if st.last_success else None,
                "retry_at": iso(st.retry_at) if st.retry_at else None, "persistent": st.persistent}
        try:
            tmp = self._path.with_name(STATUS_FILE + ".tmp")
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, self._path)
        except OSError as e:
            log.warning("cannot write sync status", extra={"fields": {"error": e.strerror}})


def read_status(state_dir: Path) -> dict[str, Any] | None:
    """The last link state the worker wrote (for the doctor and the technician screen)."""
    try:
        data = json.loads((Path(state_dir) / STATUS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def summary(status: dict[str, Any] | None) -> tuple[str, str]:
    """(ok | degraded | fault | unknown, one line) for the heartbeat and the technician screen."""
    if status is None:
        return "unknown", "the sync service has not run yet"
    state, detail = str(status.get("state")), str(status.get("detail") or "")
    if state == "up":
        last = status.get("last_success")
        return "ok", f"uploading; last upload {last}" if last else "connected"
    if state == "starting":
        return "unknown", "starting"
    line = f"{state} since {status.get('since')}" + (f": {detail}" if detail else "")
    if status.get("retry_at"):
        line += f"; next try {status['retry_at']}"
    return ("fault" if status.get("persistent") else "degraded"), line
