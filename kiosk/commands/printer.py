"""`kiosk printer status|test` and `kiosk receipt render`."""

from __future__ import annotations

import argparse
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli import Subcommands, load_config
from kiosk.config import Config
from kiosk.hardware import describe_printer, open_printer
from kiosk.journey.endings import Ending

if TYPE_CHECKING:  # python-escpos costs ~0.5 s at import: only the handlers that print load it
    from kiosk import receipt

# Sample data only (not a real person): a valid-format citizen id.
SAMPLE_CID = "1101700230705"


# The endings that print a receipt (kiosk.journey.endings), by their codes.
FAILURE_RECEIPTS = [e.code for e in Ending if e.receipt]


def register(sub: Subcommands) -> None:
    grp = sub.group("printer", "check the receipt printer")
    grp.add("status", "print the printer state (ok, near_end, paper_out, cover_open, offline, unknown); exit 0 when ok", _status)
    grp.add("test", "print a test receipt with Thai text, a QR and the printer's state", _test)
    rc = sub.group("receipt", "receipts without a printer")
    r = rc.add("render", "render a sample receipt to a PNG (no printer needed)", _render)
    r.add_argument("--out", type=Path, required=True, metavar="FILE.png", help="where to write the image")
    r.add_argument("--failed", metavar="ENDING", default=None, choices=FAILURE_RECEIPTS,
                   help="render a failed session's receipt: " + ", ".join(FAILURE_RECEIPTS))
    r.add_argument("--width", type=int, choices=(384, 512, 576), default=None, help="paper width in dots (default from config)")


def _status(args: argparse.Namespace) -> int:
    cfg = load_config(args).devices.printer
    with open_printer(cfg) as p:
        s = p.status()
    print(f"{s.state}  ({describe_printer(cfg)}; online={s.online}, paper={s.paper}, cover_open={s.cover_open})")
    return 0 if s.state in ("ok", "near_end") else 1


def sample(cfg: Config, *, failure: str | None = None, now: datetime | None = None) -> receipt.ReceiptContent:
    from kiosk import receipt

    now = now or datetime.now(UTC)
    return receipt.receipt_for(
        profile=cfg.kiosk.profile, site_name=cfg.kiosk.site_name, purpose="ial_upgrade", time=now,
        cid=SAMPLE_CID, first_name="ทดสอบ", last_name="พิมพ์ใบรับ", record_id=uuid.uuid4(),
        ending=Ending[failure.upper()] if failure else None,
    )


def _test(args: argparse.Namespace) -> int:
    from kiosk import receipt

    cfg = load_config(args)
    pcfg = cfg.devices.printer
    with open_printer(pcfg) as p:
        before = p.status()
        site = f"{cfg.kiosk.site_name} · ทดสอบเครื่องพิมพ์ ({before.state})"
        content = sample(cfg.model_copy(update={"kiosk": cfg.kiosk.model_copy(update={"site_name": site})}))
        outcome = receipt.print_receipt(p, content)
    if outcome.printed:
        print(f"test receipt printed ({describe_printer(pcfg)}; state {outcome.printer_state})")
        return 0
    print(f"test receipt failed: printer {outcome.printer_state}: {outcome.error}", file=sys.stderr)
    return 1


def _render(args: argparse.Namespace) -> int:
    from kiosk import receipt_render

    try:
        cfg = load_config(args)
    except Exception:  # rendering needs no kiosk: fall back to the defaults when no config exists
        if getattr(args, "config", None):
            raise
        cfg = Config()
    width = args.width or cfg.devices.printer.width_dots
    image = receipt_render.render(sample(cfg, failure=args.failed), width)
    image.save(args.out)
    print(f"{args.out}: {image.width}x{image.height} dots")
    return 0
