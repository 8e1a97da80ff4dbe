"""Card read benchmark: the kiosk's read plan against the usual field-by-field + 20-chunk one, at
three card timings, with the physical floor, and the whole `kiosk card read` process against a
field-by-field reader process in the style of the public Python readers (`peer_reader.py`).

Everything runs through the real path (pyscard → pcscd → vpcd → the virtual card). The card's
timing is modelled explicitly: a latency per exchange plus 12 bits per byte at a baud rate; the
models are 0 ms (no card timing: the software alone), 15 ms + 115,200 bit/s and 25 ms +
223,200 bit/s. The physical floor of a read is the time the modelled card link alone needs for
the kiosk plan's exchanges and bytes (exchanges × latency + bytes × 12 / baud; 0 at 0 ms): the
read time over the floor is what pyscard, pcscd and the kiosk add. Per model it prints exchanges,
bytes, read time (median of --repeat), the floor, and ratios to the field-by-field reader, then
checks: text after 9 exchanges and a full read in 49 (the plan), read time below the
field-by-field reader's and, where there is a floor, within 10 % of it. The whole-process times
are reported, not checked: `peer_reader.py` is a minimal stand-in (pyscard and nothing else), so
at 0 ms the comparison measures the kiosk's start-up (config schema, logging, Pillow), ~0.3 s.

    .venv/bin/python benchmarks/card_read.py [--repeat 3] [--runs 3] [--profile normal]

Starts its own pcscd with the vpcd driver (as the tests do); stop a system pcscd first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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

MODELS: tuple[tuple[float, int], ...] = ((0.0, 223_200), (15.0, 115_200), (25.0, 223_200))
TEXT_EXCHANGES, FULL_EXCHANGES = 9, 49


@dataclass
class Run:
    apdus: int
    wire_bytes: int
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


def process_time(argv: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        times.append(time.perf_counter() - started)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {r.stderr.strip()}")
    return statistics.median(times)


def wait_present(reader: PcscCardReader) -> None:
    deadline = time.monotonic() + 10
    while reader.states().get(READER) is None:
        if time.monotonic() > deadline:
            raise SystemExit("the virtual card did not appear in pcscd")
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="reads of each plan per model; the median is shown")
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs of each reader per model")
    parser.add_argument("--profile", default="normal", help="card profile (default normal)")
    args = parser.parse_args()

    profile = load_profile(args.profile)
    work = Path(tempfile.mkdtemp(prefix="card-bench-"))
    config = work / "config.toml"
    config.write_text(f'[devices.card]\nbackend = "pcsc"\nreader = "{READER}"\n')
    env = {**os.environ, "KIOSK_CONFIG": str(config)}
    kiosk_cmd = [str(Path(sys.executable).parent / "kiosk"), "card", "read"]
    peer_cmd = [sys.executable, str(ROOT / "benchmarks" / "peer_reader.py"), READER]
    results = []
    daemon = Pcscd(work)
    daemon.start()
    try:
        with PcscCardReader() as reader:
            for latency_ms, baud in MODELS:
                with VirtualCard(profile, latency_ms=latency_ms, baud=baud):
                    wait_present(reader)
                    ours = [kiosk_plan(reader) for _ in range(args.repeat)]
                    usual = [field_by_field(reader) for _ in range(args.repeat)]
                    kiosk_s = process_time(kiosk_cmd, env, args.runs)
                    peer_s = process_time(peer_cmd, env, args.runs)
                while reader.states().get(READER) is not None:
                    time.sleep(0.05)
                results.append((latency_ms, baud, ours, usual, kiosk_s, peer_s))
    finally:
        daemon.release()

    failed = False
    print(f"card read, profile {args.profile!r}, through pcscd + vpcd; read times: median of {args.repeat}, "
          f"processes: median of {args.runs}")
    for latency_ms, baud, ours, usual, kiosk_s, peer_s in results:
        a, b = ours[0], usual[0]
        assert a.photo == b.photo == profile.photo, "both plans must return the chip photo byte-exact"
        ta = statistics.median(r.seconds for r in ours)
        tb = statistics.median(r.seconds for r in usual)
        floor = (a.apdus * latency_ms / 1000 + a.wire_bytes * 12 / baud) if latency_ms > 0 else 0.0
        floor_b = (b.apdus * latency_ms / 1000 + b.wire_bytes * 12 / baud) if latency_ms > 0 else 0.0
        title = "0 ms (no card timing)" if latency_ms == 0 else f"{latency_ms:g} ms/exchange + 12 bits/byte at {baud} bit/s"
        print(f"\n== {title}")
        print(f"{'':32}{'kiosk plan':>12}{'field-by-field':>16}{'ratio':>8}")
        print(f"{'exchanges, full read':32}{a.apdus:>12}{b.apdus:>16}{a.apdus / b.apdus:>8.2f}")
        print(f"{'exchanges until all text':32}{a.text_apdus:>12}{b.text_apdus:>16}{a.text_apdus / b.text_apdus:>8.2f}")
        print(f"{'bytes on the wire':32}{a.wire_bytes:>12}{b.wire_bytes:>16}{a.wire_bytes / b.wire_bytes:>8.2f}")
        print(f"{'read time, s':32}{ta:>12.3f}{tb:>16.3f}{ta / tb:>8.2f}")
        print(f"{'physical floor, s':32}{floor:>12.3f}{floor_b:>16.3f}")
        print(f"{'read time / floor':32}{(ta / floor if floor else float('nan')):>12.3f}"
              f"{(tb / floor_b if floor_b else float('nan')):>16.3f}")
        print(f"{'whole process, s':32}{kiosk_s:>12.3f}{peer_s:>16.3f}{kiosk_s / peer_s:>8.2f}"
              "   (kiosk card read vs peer_reader.py)")
        targets = [
            (f"all text after {TEXT_EXCHANGES} exchanges, full read in {FULL_EXCHANGES}",
             args.profile != "normal" or (a.text_apdus, a.apdus) == (TEXT_EXCHANGES, FULL_EXCHANGES)),
            ("read time below the field-by-field reader's", ta < tb),
        ]
        if floor:
            targets.append(("read time within 10 % of the physical floor", ta <= 1.10 * floor))
        for name, ok in targets:
            print(f"{'PASS' if ok else 'MISS'}  {name}")
            failed |= not ok
    print("\n(the citizen id is read twice: +2 exchanges and 29 bytes per read, in the kiosk plan's figures)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
