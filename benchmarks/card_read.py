"""Card read benchmark: the kiosk's read plan against the usual field-by-field + 20-chunk one.

Both sequences run through the real path (pyscard → pcscd → vpcd → the virtual card) with the
card's timing modelled explicitly: `--latency-ms` per exchange plus 12 bits per byte at `--baud`.
Prints, for a full read (text + photo): command APDUs, bytes on the wire, exchanges until every
text field is available, and wall time for both, with their ratios, then checks the targets:
text after <= 7 exchanges, full read <= 47 exchanges, full-read time <= 0.8 x field-by-field.

    .venv/bin/python benchmarks/card_read.py [--latency-ms 25] [--baud 223200] [--repeat 3]

Starts its own pcscd with the vpcd driver (as the tests do); stop a system pcscd first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drivers.card import load_profile  # noqa: E402
from drivers.card.layout import (  # noqa: E402
    FIELD_BY_FIELD,
    FIELDS,
    PERSONAL_AID,
    PHOTO_OFFSET,
    read_command,
    select_command,
)
from drivers.card.pcsc import PcscCardReader  # noqa: E402
from drivers.card.vpcd import VirtualCard  # noqa: E402
from tests.harness.pcscd import READER, Pcscd  # noqa: E402


@dataclass
class Run:
    apdus: int
    bytes: int
    text_apdus: int
    seconds: float
    photo: bytes


def kiosk_plan(reader: PcscCardReader) -> Run:
    with reader.connect(READER) as card:
        started = time.perf_counter()
        card.read_text()
        text_apdus = card.apdu_count
        photo = card.read_photo()
        took = time.perf_counter() - started
        return Run(card.apdu_count, card.bytes_sent + card.bytes_received, text_apdus, took, photo)


def field_by_field(reader: PcscCardReader) -> Run:
    """SELECT, one READ per field, then the photo as 20 chunks of 255 bytes (P1 = i+1, P2 = 0x7B-i)."""
    with reader.connect(READER) as card, card.transaction():
        channel = card.channel
        started = time.perf_counter()
        channel.exchange(select_command(PERSONAL_AID), fetch=False)
        for name in FIELD_BY_FIELD:
            offset, length = FIELDS[name]
            channel.exchange(read_command(offset, length), expect=length)
        text_apdus = channel.apdu_count
        raw = b"".join(
            channel.exchange(read_command(PHOTO_OFFSET + 255 * i, 255), expect=255) for i in range(20)
        )
        took = time.perf_counter() - started
        photo = raw[: raw.find(b"\xff\xd9") + 2]
        return Run(channel.apdu_count, channel.bytes_sent + channel.bytes_received, text_apdus, took, photo)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=25.0, help="card latency per exchange (default 25)")
    parser.add_argument("--baud", type=int, default=223_200, help="card link speed, bit/s (default 223200: TA1 = 0x96)")
    parser.add_argument("--repeat", type=int, default=3, help="reads of each kind; the median time is shown")
    parser.add_argument("--profile", default="normal", help="card profile (default normal)")
    args = parser.parse_args()

    profile = load_profile(args.profile)
    daemon = Pcscd(Path(tempfile.mkdtemp(prefix="card-bench-")))
    daemon.start()
    try:
        with PcscCardReader() as reader, VirtualCard(profile, latency_ms=args.latency_ms, baud=args.baud):
            deadline = time.monotonic() + 10
            while reader.states().get(READER) is None:
                if time.monotonic() > deadline:
                    raise SystemExit("the virtual card did not appear in pcscd")
                time.sleep(0.05)
            ours = [kiosk_plan(reader) for _ in range(args.repeat)]
            usual = [field_by_field(reader) for _ in range(args.repeat)]
    finally:
        daemon.release()

    a, b = ours[0], usual[0]
    assert a.photo == b.photo == profile.photo, "both plans must return the chip photo byte-exact"
    ta = statistics.median(r.seconds for r in ours)
    tb = statistics.median(r.seconds for r in usual)
    print(f"card read, profile {args.profile!r}, latency {args.latency_ms:g} ms/exchange + 12 bits/byte at "
          f"{args.baud} bit/s, median of {args.repeat}")
    print(f"{'':28}{'kiosk plan':>12}{'field-by-field':>16}{'ratio':>8}")
    print(f"{'command APDUs':28}{a.apdus:>12}{b.apdus:>16}{a.apdus / b.apdus:>8.2f}")
    print(f"{'bytes on the wire':28}{a.bytes:>12}{b.bytes:>16}{a.bytes / b.bytes:>8.2f}")
    print(f"{'APDUs until all text':28}{a.text_apdus:>12}{b.text_apdus:>16}{a.text_apdus / b.text_apdus:>8.2f}")
    print(f"{'full read, seconds':28}{ta:>12.3f}{tb:>16.3f}{ta / tb:>8.2f}")
    # where the 0.8 target holds: 47 L + B <= 0.8 (63 L + B'), B = bytes time
    bytes_a, bytes_b = a.bytes * 12 / args.baud, b.bytes * 12 / args.baud
    break_even_ms = 1000 * (bytes_a - 0.8 * bytes_b) / (0.8 * b.apdus - a.apdus)
    print(f"(time model: the 0.8 target holds from {break_even_ms:.1f} ms per exchange at this baud rate)")
    targets = [
        ("all text fields after <= 7 exchanges", a.text_apdus <= 7),
        ("full read with photo in <= 47 exchanges", a.apdus <= 47),
        ("full-read time <= 0.8 x field-by-field", ta <= 0.8 * tb),
    ]
    for name, ok in targets:
        print(f"{'PASS' if ok else 'MISS'}  {name}")
    return 0 if all(ok for _, ok in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
