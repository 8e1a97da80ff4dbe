"""Receipt benchmark: render time, bytes per receipt, print time (verified and failed receipts).

    .venv/bin/python benchmarks/receipt.py [--runs 50] [--width 576] [--baud 115200]

Print time is what the paper needs at 130 mm/s (203 dpi: 8 dots a mm) and what the bytes need
on a serial line (10 bits a byte); the receipt takes the longer of the two. Receipts carry no QR
code (see kiosk.receipt). Target: render <= 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, datetime

from drivers.printer import SimulatedPrinter, job
from kiosk import receipt, receipt_render
from kiosk.journey.endings import Ending

PAPER_MM_S = 130.0
DOTS_PER_MM = 8


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--width", type=int, default=576)
    ap.add_argument("--baud", type=int, default=115200)
    args = ap.parse_args()
    now = datetime.now(UTC)
    common = dict(profile="dga-smart-kiosk", site_name="สำนักงานเขตบางรัก กรุงเทพมหานคร", purpose="ial_upgrade",
                  time=now, cid="1101700230705", first_name="สมชาย", last_name="ใจดี", record_id=uuid.uuid4())
    receipts = {"verified": receipt.receipt_for(**common),  # type: ignore[arg-type]
                "failed": receipt.receipt_for(**common, ending=Ending.FACE_MISMATCH)}  # type: ignore[arg-type]
    for name, content in receipts.items():
        receipt_render.render(content, args.width)  # load fonts once, as a running kiosk has
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            image = receipt_render.render(content, args.width)
            times.append((time.perf_counter() - t) * 1000)
        median, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
        j = job.build(image, None, native_qr=False, width_dots=args.width)
        with SimulatedPrinter(width_dots=args.width) as p:
            p.print_receipt(image, None, False)
            paper_dots = p.engine.receipts[0].image.height
        paper_s = paper_dots / DOTS_PER_MM / PAPER_MM_S
        line_s = len(j) * 10 / args.baud
        print(f"{name:9s} render ({args.width} dots, {args.runs} runs): median {median:.1f} ms, p95 {p95:.1f} ms "
              f"(target <= 50 ms: {'met' if p95 <= 50 else 'NOT met'}); {len(j)} bytes, paper "
              f"{paper_dots / DOTS_PER_MM:.1f} mm -> {paper_s:.2f} s at {PAPER_MM_S:.0f} mm/s; line {line_s:.2f} s "
              f"at {args.baud} baud, {len(j) * 10 / 9600:.1f} s at 9600 baud")


if __name__ == "__main__":
    main()
