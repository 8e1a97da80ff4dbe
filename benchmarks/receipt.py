"""Receipt benchmark: render time, bytes per receipt (native vs raster QR), print time.

    .venv/bin/python benchmarks/receipt.py [--runs 50] [--width 576] [--baud 115200]

Print time is what the paper needs at 130 mm/s (203 dpi: 8 dots a mm) and what the bytes need
on a serial line (10 bits a byte); the receipt takes the longer of the two. Target: render <= 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from drivers.printer import SimulatedPrinter, job
from kiosk import receipt, receipt_render

TOKEN = "TRK1:" + "6BFWA7KZ0QF3M2P9XR4T8V1N5C0D2E7H" * 5  # about the length of a signed IAL QR
PAPER_MM_S = 130.0
DOTS_PER_MM = 8


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--width", type=int, default=576)
    ap.add_argument("--baud", type=int, default=115200)
    args = ap.parse_args()
    now = datetime.now(UTC)
    content = receipt.receipt_for(
        profile="dga-smart-kiosk", site_name="สำนักงานเขตบางรัก กรุงเทพมหานคร", purpose="ial_upgrade", time=now,
        cid="1101700230705", first_name="สมชาย", last_name="ใจดี", record_id=uuid.uuid4(),
        qr_text=TOKEN, qr_expires_at=now + timedelta(minutes=15),
    )
    receipt_render.render_parts(content, args.width)  # load fonts once, as a running kiosk has
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        body, footer = receipt_render.render_parts(content, args.width)
        times.append((time.perf_counter() - t) * 1000)
    median, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
    print(f"render ({args.width} dots, {args.runs} runs): median {median:.1f} ms, p95 {p95:.1f} ms, "
          f"target <= 50 ms: {'met' if p95 <= 50 else 'NOT met'}")
    rows = {}
    for native in (True, False):
        j = job.build(body, TOKEN, native_qr=native, width_dots=args.width, footer=footer)
        with SimulatedPrinter(width_dots=args.width) as p:
            p.print_receipt(body, TOKEN, native, footer=footer)
            paper_dots = p.engine.receipts[0].image.height
        paper_s = paper_dots / DOTS_PER_MM / PAPER_MM_S
        line_s = len(j) * 10 / args.baud
        rows[native] = len(j)
        print(f"{'native QR (GS ( k)' if native else 'raster QR (GS v 0)':20s} {len(j):7d} bytes, "
              f"paper {paper_dots / DOTS_PER_MM:5.1f} mm -> {paper_s:.2f} s at {PAPER_MM_S:.0f} mm/s; "
              f"line {line_s:.2f} s at {args.baud} baud, {len(j) * 10 / 9600:.1f} s at 9600 baud; "
              f"USB full speed ~{len(j) / 1_000_000:.3f} s")
    qr_native = len(job.build(body.crop((0, 0, args.width, 1)), TOKEN, native_qr=True, width_dots=args.width).blocks[-2])
    qr_raster = len(job.qr_image(TOKEN, args.width).tobytes()) + 8 * -(-job.qr_image(TOKEN, args.width).height // job.BAND_ROWS)
    print(f"QR alone: native {qr_native} bytes vs raster {qr_raster} bytes ({qr_raster / qr_native:.0f}x); "
          f"whole receipt raster/native: {rows[False] / rows[True]:.2f}x")

if __name__ == "__main__":
    main()
