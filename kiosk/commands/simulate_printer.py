"""`kiosk simulate printer`: a virtual ESC/POS printer on a pty (a real serial device path).

Change its state while it runs by writing `OUT/control.json`, e.g.
`echo '{"state": "cover-open"}' > OUT/control.json`, or
`{"state": "ok", "fail_after_mm": 30, "fail_state": "out"}` (paper runs out 30 mm into the next
receipt). Each receipt lands in OUT as `receipt-NNNN.png` + `receipt-NNNN.json`.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from drivers.printer.virtual.engine import STATES
from drivers.printer.virtual.port import CONTROL_FILE, VirtualPrinterPort
from kiosk.cli import Subcommands


def add_simulation(group: Subcommands) -> None:
    p = group.add("printer", "run a virtual ESC/POS receipt printer on a pty until interrupted", _run)
    p.add_argument("--state", choices=STATES, default="ok", help="initial state (default ok; mute = never answers status)")
    p.add_argument("--out", type=Path, default=Path("virtual-printer"), help="folder for receipts and control.json (default ./virtual-printer)")
    p.add_argument("--link", type=Path, default=None, help="also make this symlink to the pty (e.g. /tmp/kiosk-printer)")
    p.add_argument("--width", type=int, choices=(384, 512, 576), default=576, help="paper width in dots")


def _run(args: argparse.Namespace) -> int:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    (out / CONTROL_FILE).write_text(json.dumps({"state": args.state}) + "\n")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with VirtualPrinterPort(out, state=args.state, width_dots=args.width, link=args.link) as port:
        device = str(args.link or port.path)
        print(f"virtual printer on {device} (state {args.state}); receipts in {out}/", flush=True)
        print(f"set its state: echo '{{\"state\": \"cover-open\"}}' > {out / CONTROL_FILE}", flush=True)
        try:
            while not stop.wait(0.2):
                if port.error is not None:
                    print(f"error: virtual printer stopped: {port.error}", file=sys.stderr)
                    return 1
        except KeyboardInterrupt:
            pass
    if args.link is not None:
        args.link.unlink(missing_ok=True)
    return 0
