"""Tell systemd how a service is doing (sd_notify) and feed its watchdog.

`kiosk.service` and `kiosk-sync.service` are `Type=notify` units with `WatchdogSec=`: systemd
waits for READY=1 before it considers them started, and kills and restarts them when WATCHDOG=1
stops arriving for longer than WatchdogSec. The messages go as datagrams to the AF_UNIX socket
named by `$NOTIFY_SOCKET` (a path, or an abstract name written with a leading `@`). Outside
systemd (no `$NOTIFY_SOCKET`) every call is a no-op that returns False.

Nothing here raises: a service must not die because its supervisor went away. A failed send is
logged once (logger `kiosk.notify`) and reported by the return value.

Use:

    from kiosk import notify

    notify.ready("idle")                 # READY=1 + STATUS=idle, once the service does its job
    notify.status("3 records pending")   # STATUS=..., shown by `systemctl status`
    notify.stopping()                    # STOPPING=1, when shutting down on purpose
    watchdog = notify.Watchdog.from_env()  # None when the unit has no WatchdogSec=

The watchdog must be fed from the loop that does the work, never from a thread of its own: a
blocked loop must starve it, so that systemd restarts the hung process.

- The UI (Qt): a QTimer on the GUI thread,
  `timer.setInterval(int(watchdog.interval_s * 1000)); timer.timeout.connect(watchdog.kick)`.
- The sync worker (a plain loop): call `watchdog.kick_if_due()` on every iteration (it sends at
  most one WATCHDOG=1 per `interval_s`), or hand it to the worker as a callback; wait between
  iterations with `watchdog.wait(seconds, stop_event)`, which sleeps in slices and kicks between
  them, so a 5-minute backoff does not look like a hang.

Under cage, `kiosk run` is the compositor's child while systemd's `WATCHDOG_PID` names cage (the
main process): the unit sets `NotifyAccess=all`, and `Watchdog.from_env()` accepts a
`WATCHDOG_PID` that is the process itself or its parent.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Mapping

from kiosk import logs

log = logs.get("notify")

_warned: set[str] = set()


def _warn_once(key: str, message: str, **fields: object) -> None:
    if key not in _warned:
        _warned.add(key)
        log.warning(message, extra={"fields": fields})


def socket_address(value: str) -> str | None:
    """The `socket.sendto` address for a `$NOTIFY_SOCKET` value, or None when unusable."""
    if value.startswith("/"):
        return value
    if value.startswith("@") and len(value) > 1:
        return "\0" + value[1:]  # Linux abstract namespace
    return None


def notify(*fields: str, env: Mapping[str, str] | None = None) -> bool:
    """Send `KEY=value` fields in one datagram to `$NOTIFY_SOCKET`; True when it was sent."""
    environ = os.environ if env is None else env
    target = environ.get("NOTIFY_SOCKET", "")
    if not target or not fields:
        return False
    address = socket_address(target)
    if address is None:
        _warn_once("address", "unsupported NOTIFY_SOCKET address (only paths and @abstract names)",
                   notify_socket=target)
        return False
    payload = "\n".join(fields).encode("utf-8")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(payload, address)
    except OSError as e:
        _warn_once("send", "cannot notify systemd", notify_socket=target, error=e.strerror or str(e))
        return False
    return True


def ready(status: str | None = None) -> bool:
    """READY=1: startup finished (systemd starts units ordered after this one now)."""
    return notify("READY=1", *([f"STATUS={_one_line(status)}"] if status else []))


def status(text: str) -> bool:
    """STATUS=...: one line shown by `systemctl status` (no personal data)."""
    return notify(f"STATUS={_one_line(text)}")


def stopping() -> bool:
    """STOPPING=1: the service is shutting down on purpose."""
    return notify("STOPPING=1")


def _one_line(text: str) -> str:
    return " ".join(text.split())


class Watchdog:
    """Feeds systemd's watchdog (WATCHDOG=1) from the caller's own loop.

    `timeout_s` is the unit's WatchdogSec; `interval_s` (half of it, as sd_watchdog_enabled(3)
    advises) is how often to kick.
    """

    def __init__(self, timeout_s: float, *, env: Mapping[str, str] | None = None) -> None:
        if timeout_s <= 0:
            raise ValueError("watchdog timeout must be positive")
        self.timeout_s = timeout_s
        self.interval_s = timeout_s / 2
        self._env = dict(os.environ if env is None else env)
        self._last_kick = float("-inf")
        self._lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Watchdog | None:
        """The watchdog systemd asked for (`$WATCHDOG_USEC`), or None when there is none."""
        environ = os.environ if env is None else env
        if not environ.get("NOTIFY_SOCKET"):
            return None
        try:
            usec = int(environ.get("WATCHDOG_USEC", ""))
        except ValueError:
            return None
        if usec <= 0:
            return None
        pid = environ.get("WATCHDOG_PID", "")
        if pid and pid.isdigit() and int(pid) not in (os.getpid(), os.getppid()):
            return None  # meant for another process of the unit
        return cls(usec / 1_000_000, env=environ)

    def kick(self) -> bool:
        """Send WATCHDOG=1 now; True when it was sent."""
        with self._lock:
            self._last_kick = time.monotonic()
        return notify("WATCHDOG=1", env=self._env)

    def kick_if_due(self) -> bool:
        """Kick when `interval_s` has passed since the last kick; True when it kicked."""
        with self._lock:
            due = time.monotonic() - self._last_kick >= self.interval_s
        return self.kick() if due else False

    def wait(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """Sleep `seconds` in slices, kicking between them; True as soon as `stop` is set.

        A loop that waits on purpose is not hung; this keeps the watchdog fed during the wait
        while the waiting itself still happens in the loop's own thread.
        """
        deadline = time.monotonic() + max(0.0, seconds)
        while True:
            self.kick_if_due()
            left = deadline - time.monotonic()
            if left <= 0:
                return stop is not None and stop.is_set()
            step = min(left, self.interval_s)
            if stop is not None:
                if stop.wait(step):
                    return True
            else:
                time.sleep(step)
