"""Debian's software TPM 2.0 (`swtpm`, libtpms) for tests: a real TPM over the real TSS stack.

`Swtpm(state_dir).start()` runs `swtpm socket --tpm2` on two free loopback ports (commands and
control), with its state (seeds, NV) in `state_dir`, already powered on and started up
(`--flags not-need-init,startup-clear`), and waits until it answers. `tcti` is the TSS2 TCTI
string that reaches it (`swtpm:host=127.0.0.1,port=N`, the TSS's libtss2-tcti-swtpm). Two
instances have different seeds: a key made by one cannot be loaded by the other. `stop()` ends it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path


class HarnessError(RuntimeError):
    pass


def prerequisites() -> list[str]:
    missing = []
    if shutil.which("swtpm") is None:
        missing.append("swtpm is not installed (Debian package swtpm; ./dev.sh test installs it)")
    if not list(Path("/usr/lib").glob("*/libtss2-tcti-swtpm.so*")):
        missing.append("the TSS's swtpm TCTI is missing (Debian package libtss2-tcti-swtpm0)")
    return missing


def _free_ports() -> tuple[int, int]:
    """Two free loopback ports (swtpm takes the command port and the control port)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65535:
            with socket.socket() as a, socket.socket() as b:
                try:
                    a.bind(("127.0.0.1", port))
                    b.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return port, port + 1
    raise HarnessError("no two free consecutive loopback ports")


class Swtpm:
    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = state_dir / "swtpm.log"

    @property
    def tcti(self) -> str:
        return f"swtpm:host=127.0.0.1,port={self.port}"

    def start(self) -> Swtpm:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.port, ctrl = _free_ports()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={self.state_dir}",
             "--server", f"type=tcp,port={self.port},bindaddr=127.0.0.1",
             "--ctrl", f"type=tcp,port={ctrl},bindaddr=127.0.0.1",
             "--flags", "not-need-init,startup-clear"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"swtpm exited at start (code {self.proc.returncode}); see {self.log_path}")
            with socket.socket() as s:
                s.settimeout(0.2)
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        self.stop()
        raise HarnessError(f"swtpm did not listen in 10 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> Swtpm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
