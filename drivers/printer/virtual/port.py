"""The virtual printer on a pseudo-terminal: a real serial device path for pyserial.

`VirtualPrinterPort(out_dir, state=..., link=Path|None)` is a context manager running one
thread that reads the pty master, feeds a `PrinterEngine` and writes its status replies back.
`path` is the slave device (e.g. /dev/pts/3); `link`, when given, is a stable symlink to it
(point `devices.printer.serial_port` there). `unplug()` closes the pty (the device vanishes,
as a pulled USB-serial adapter does); `replug()` makes a new one behind the same link.

While running, the state follows `out_dir/control.json` when that file changes:
`{"state": "cover-open"}` or `{"state": "ok", "fail_after_mm": 30, "fail_state": "out"}`.
"""

from __future__ import annotations

import json
import logging
import os
import select
import tty
from pathlib import Path

from drivers.owned_thread import OwnedThread
from drivers.printer.virtual.engine import PrinterEngine

log = logging.getLogger("kiosk.printer.virtual")
CONTROL_FILE = "control.json"


class VirtualPrinterPort(OwnedThread):
    def __init__(self, out_dir: Path, *, state: str = "ok", width_dots: int = 576, link: Path | None = None) -> None:
        super().__init__("virtual-printer", log)
        self.engine = PrinterEngine(width_dots=width_dots, state=state, out_dir=out_dir)
        self.out_dir = out_dir
        self.link = link
        self.path = ""
        self._master: int | None = None
        self._slave: int | None = None
        self._control_mtime = 0.0

    def start(self) -> None:
        if self.running:
            raise RuntimeError("virtual printer is already running")  # before a second pty is opened
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no CR/LF translation: bytes pass through untouched
        # The port keeps the slave open itself so the master never sees a hang-up between clients.
        self._master, self._slave = master, slave
        self.path = os.ttyname(slave)
        if self.link is not None:
            tmp = self.link.with_name(self.link.name + ".tmp")
            tmp.unlink(missing_ok=True)
            tmp.symlink_to(self.path)
            tmp.replace(self.link)
        super().start()
        log.info("virtual printer on %s (state %s)", self.path, self.engine.state)

    def stop(self) -> None:
        super().stop()
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def unplug(self) -> None:
        """The device disappears: the pty is closed and the link points nowhere."""
        self.stop()

    def replug(self) -> None:
        self.start()

    def _poll_control(self) -> None:
        path = self.out_dir / CONTROL_FILE
        try:
            mtime = path.stat().st_mtime
        except FileNotFoundError:
            return
        if mtime == self._control_mtime:
            return
        self._control_mtime = mtime
        try:
            doc = json.loads(path.read_text())
            if "state" in doc:
                self.engine.set_state(str(doc["state"]))
            if "fail_after_mm" in doc:
                after = doc["fail_after_mm"]
                self.engine.set_fault(None if after is None else float(after), str(doc.get("fail_state", "out")))
        except (ValueError, TypeError, OSError) as e:
            log.warning("ignoring %s: %s", path, e)

    def _loop(self) -> None:
        master = self._master
        assert master is not None
        while not self._stop.is_set():
            self._poll_control()
            if not select.select([master], [], [], 0.05)[0]:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:
                continue  # no slave open right now (EIO): wait for the next client
            reply = self.engine.feed(data)
            if reply:
                os.write(master, reply)

    def _died(self, e: BaseException) -> None:
        log.error("virtual printer stopped: %s", e)
