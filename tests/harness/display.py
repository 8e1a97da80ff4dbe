"""A display for Qt: the offscreen platform by default, or a real Xvfb when a test asks for xcb."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path


class Xvfb:
    def __init__(self, display: int = 99, size: str = "1920x1920x24") -> None:
        self.display = display
        self.size = size
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        if shutil.which("Xvfb") is None:
            raise RuntimeError("Xvfb is not installed (Debian package xvfb; ./dev.sh test installs it)")
        for n in range(self.display, self.display + 50):
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
                self.display = n
                break
        self.proc = subprocess.Popen(
            ["Xvfb", f":{self.display}", "-screen", "0", self.size, "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{self.display}").exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Xvfb :{self.display} did not start")
            time.sleep(0.05)
        return f":{self.display}"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(5)
            self.proc = None


def use_offscreen() -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
