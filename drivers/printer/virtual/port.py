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
import threading
import tty
from pathlib import Path
from types import TracebackType

from drivers.printer.virtual.engine import PrinterEngine

log = logging.getLogger("kiosk.printer.virtual")
CONTROL_FILE = "control.json"


class VirtualPrinterPort:
    def __init__(self, out_dir: Path, *, state: str = "ok", width_dots: int = 576, link: Path | None = None) -> None:
        self.engine = PrinterEngine(width_dots=width_dots, state=state, out_dir=out_dir)
        self.out_dir = out_dir
        self.link = link
        self.path = ""
        self._master: int | None = None
        self._slave: int | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._control_mtime = 0.0
        self.error: BaseException | None = None

    def __enter__(self) -> VirtualPrinterPort:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
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
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="virtual-printer", daemon=True)
        self._thread.start()
        log.info("virtual printer on %s (state %s)", self.path, self.engine.state)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
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

    def _run(self) -> None:
        master = self._master
        assert master is not None
        try:
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
        except BaseException as e:  # the thread reports its own death
            self.error = e
            log.error("virtual printer stopped: %s", e)
