"""A real pcscd in the foreground with the vpcd driver, for tests.

pyscard then sees the reader `Virtual PCD 00 00`, whose virtual card connects to TCP 35963
(and `Virtual PCD 00 01` on 35964). pcscd's client socket is fixed (`/run/pcscd/pcscd.comm`), so
only one can run on a machine: a file lock serialises test runs that need it, and a pcscd that
some other program left running is named in the failure instead of being killed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

VPCD_PORT = 35963
READER = "Virtual PCD 00 00"
LIB = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
PID_FILE = Path("/run/pcscd/pcscd.pid")
LOCK_FILE = Path("/tmp/kiosk-tests-pcscd.lock")


class HarnessError(RuntimeError):
    pass


def prerequisites() -> list[str]:
    """What is missing for a real pcscd + vpcd, one line each (empty when all is there)."""
    missing = []
    if shutil.which("pcscd") is None and not Path("/usr/sbin/pcscd").exists():
        missing.append("pcscd is not installed (Debian package pcscd; ./dev.sh test installs it)")
    if not LIB.exists():
        missing.append(f"the vpcd driver {LIB} is missing (Debian package vsmartcard-vpcd)")
    return missing


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _other_pcscd() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


class Pcscd:
    """Start with `start()`, stop with `stop()`; `restart()` for the recovery tests."""

    def __init__(self, workdir: Path, extra_args: tuple[str, ...] = ()) -> None:
        self.workdir = workdir
        self.extra_args = extra_args
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None
        self.log_path = workdir / "pcscd.log"

    def _lock(self, timeout: float = 900.0) -> None:
        fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._lock_fd = fd
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise HarnessError(f"another test run held {LOCK_FILE} for {timeout:.0f} s") from None
                time.sleep(0.2)

    def start(self) -> None:
        if self._lock_fd is None:
            self._lock()
        other = _other_pcscd()
        if other is not None and (self.proc is None or other != self.proc.pid):
            raise HarnessError(
                f"another pcscd (pid {other}) is running: stop it first "
                "(systemctl stop pcscd.socket pcscd) so the tests can run their own"
            )
        conf = self.workdir / "reader.conf.d"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "vpcd").write_text(
            'FRIENDLYNAME "Virtual PCD"\n'
            "DEVICENAME   /dev/null:0x8C7B\n"
            f"LIBPATH      {LIB}\n"
            "CHANNELID    0x8C7B\n"
        )
        PID_FILE.unlink(missing_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["pcscd", "--foreground", "--config", str(conf), "--info", *self.extra_args],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"pcscd exited at start (code {self.proc.returncode}); see {self.log_path}")
            if Path("/run/pcscd/pcscd.comm").exists() and _port_open(VPCD_PORT):
                return
            time.sleep(0.05)
        raise HarnessError(f"pcscd did not become ready in 10 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        # the port is released with the process; wait so that a restart can bind it again
        deadline = time.monotonic() + 5
        while _port_open(VPCD_PORT) and time.monotonic() < deadline:
            time.sleep(0.05)

    def hold_absent(self) -> None:
        """Take the lock and make sure no pcscd runs (for tests of "pcscd unreachable")."""
        if self._lock_fd is None:
            self._lock()
        other = _other_pcscd()
        if other is not None:
            raise HarnessError(f"another pcscd (pid {other}) is running: stop it first")

    def restart(self) -> None:
        self.stop()
        self.start()

    def release(self) -> None:
        self.stop()
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None
