"""The virtual ESC/POS printer: state, status replies, printing and receipt files.

Shared by the pty-attached virtual printer (`VirtualPrinterPort`) and the in-process
`SimulatedPrinter`, so both behave alike: in `out`, `cover-open` and `offline` print data is
lost (a real printer stops); `mute` prints but never answers a status query (a printer whose
status line is broken); `fail_after_mm` switches to `fail_state` once that much paper of the
current receipt has been printed (paper running out, cover opened mid-receipt).

Each receipt (from `ESC @` to the cut, or to the fault that stopped it) becomes
`receipt-NNNN.png` (the paper) and `receipt-NNNN.json` (`{"result": "cut"|<state>,
"commands": [...]}`) in `out_dir` when one is given; `receipts` keeps them in memory too.
Without `out_dir` the paper image is drawn only when `VirtualReceipt.image` is first read, so
the simulation does not add its own drawing to the host's printing time.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from drivers.printer import status as st
from drivers.printer.virtual.decoder import Command, Decoder
from drivers.printer.virtual.paper import DOTS_PER_MM, LINE_DOTS, Paper

STATES = ("ok", "near-end", "out", "cover-open", "offline", "mute")
PRINTING_STATES = ("ok", "near-end", "mute")
log = logging.getLogger("kiosk.printer.virtual")


@dataclass
class VirtualReceipt:
    number: int
    result: str
    commands: list[Command]
    paper: Paper
    png: Path | None = None

    @functools.cached_property
    def image(self) -> Image.Image:
        """The paper as printed, drawn on first use (not while the host is printing)."""
        return self.paper.image()

    @property
    def qr_data(self) -> list[str]:
        return [c["data"] for c in self.commands if c["cmd"] == "qr_store"]


@dataclass
class _Current:
    paper: Paper
    commands: list[Command] = field(default_factory=list)
    qr: dict[str, Any] = field(default_factory=lambda: {"size": 3, "ec": "L", "data": ""})


def normalise_state(state: str) -> str:
    """Accept the virtual printer's words and the driver's state words (`paper_out`...)."""
    word = {"paper_out": "out", "cover_open": "cover-open", "near_end": "near-end"}.get(state, state)
    if word not in STATES:
        raise ValueError(f"unknown printer state {state!r} (one of {', '.join(STATES)})")
    return word


class PrinterEngine:
    def __init__(self, *, width_dots: int = 576, state: str = "ok", out_dir: Path | None = None) -> None:
        self.width_dots = width_dots
        self.out_dir = out_dir
        self._lock = threading.Lock()
        self._state = normalise_state(state)
        self.fail_after_mm: float | None = None
        self.fail_state = "out"
        self._decoder = Decoder()
        self._current: _Current | None = None
        self._discarding = False
        self.receipts: list[VirtualReceipt] = []
        self.bytes_received = 0
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    def set_state(self, state: str) -> None:
        word = normalise_state(state)
        with self._lock:
            if word != self._state:
                log.info("virtual printer state %s -> %s", self._state, word)
            self._state = word

    def set_fault(self, after_mm: float | None, state: str = "out") -> None:
        """Switch to `state` once `after_mm` of the current receipt has been printed."""
        with self._lock:
            self.fail_after_mm = after_mm
            self.fail_state = normalise_state(state)

    def feed(self, data: bytes) -> bytes:
        """Bytes from the host in; status replies out."""
        with self._lock:
            self.bytes_received += len(data)
            replies = bytearray()
            for cmd in self._decoder.feed(data):
                replies += self._execute(cmd)
            return bytes(replies)

    def _execute(self, cmd: Command) -> bytes:
        name = cmd["cmd"]
        if name == "status":
            table = st.replies_for(self._state)
            reply = b"" if table is None or cmd["n"] not in table else bytes([table[cmd["n"]]])
            if self._current is not None:
                self._current.commands.append({"cmd": "status", "n": cmd["n"], "reply": reply.hex() or None})
            return reply
        if name == "init":
            self._discarding = False
            if self._current is not None and self._current.paper.bands:
                self._finish("incomplete")
            self._current = _Current(Paper(self.width_dots))
            self._current.commands.append({"cmd": "init"})
            return b""
        if self._state not in PRINTING_STATES or self._discarding:
            return b""  # a stopped printer prints nothing; the data is lost
        if self._current is None:
            self._current = _Current(Paper(self.width_dots))
        cur = self._current
        record = {k: v for k, v in cmd.items() if k != "bits"}
        cur.commands.append(record)
        paper = cur.paper
        if name == "raster":
            paper.raster(cmd["width"], cmd["height"], cmd["bits"])
        elif name == "text":
            paper.text_line(cmd["text"])
        elif name == "newline":
            if not cur.commands[-2:-1] or cur.commands[-2]["cmd"] != "text":
                paper.feed(LINE_DOTS)
        elif name == "feed":
            paper.feed(cmd["lines"] * LINE_DOTS)
        elif name == "feed_dots":
            paper.feed(cmd["dots"])
        elif name == "align":
            paper.align = cmd["align"]
        elif name == "qr_size":
            cur.qr["size"] = cmd["size"]
        elif name == "qr_ec":
            cur.qr["ec"] = cmd["ec"]
        elif name == "qr_store":
            cur.qr["data"] = cmd["data"]
        elif name == "qr_print" and cur.qr["data"]:
            paper.qr(cur.qr["data"], cur.qr["size"], cur.qr["ec"])
        elif name == "cut":
            self._finish("cut")
            return b""
        if self.fail_after_mm is not None and paper.length_dots >= self.fail_after_mm * DOTS_PER_MM:
            self._state = self.fail_state
            self.fail_after_mm = None
            log.info("virtual printer fault injected: %s mid-receipt", self._state)
            self._finish(self._state)
            self._discarding = True
        return b""

    def _finish(self, result: str) -> None:
        cur = self._current
        self._current = None
        if cur is None:
            return
        number = len(self.receipts) + 1
        receipt = VirtualReceipt(number, result, cur.commands, cur.paper)
        if self.out_dir is not None:
            receipt.png = self.out_dir / f"receipt-{number:04d}.png"
            receipt.image.save(receipt.png)
            doc = {"result": result, "paper_mm": round(cur.paper.length_dots / DOTS_PER_MM, 1),
                   "commands": cur.commands}
            (self.out_dir / f"receipt-{number:04d}.json").write_text(json.dumps(doc, indent=1))
        self.receipts.append(receipt)
