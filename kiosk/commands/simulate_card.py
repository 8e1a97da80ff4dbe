"""`kiosk simulate card`: a virtual Thai ID card in pcscd's vpcd reader, read through the real
pyscard → pcscd path. It stays inserted (reconnecting when pcscd restarts) until interrupted,
or until `--remove-after N` pulls it out at the N-th command APDU. It can misbehave like broken
cards met in the field: `--mute-at N` (silent from the N-th command after power-up),
`--select-sw XXXX` (SELECT of the personal applet answers that status word)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from drivers.card.chip import Misbehaviour
from drivers.card.profiles import list_profiles, load_profile
from drivers.card.vpcd import VPCD_PORT, VirtualCard
from kiosk.cli import Subcommands


def add_simulation(group: Subcommands) -> None:
    p = group.add("card", "insert a virtual Thai ID card into pcscd's vpcd reader until interrupted", _run)
    p.add_argument("--profile", default="normal", metavar="NAME|FILE", help=f"card profile: built-in ({', '.join(list_profiles())}) or a profile JSON file")
    p.add_argument("--host", default="127.0.0.1", help="where vpcd listens (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=VPCD_PORT, help=f"vpcd port (default {VPCD_PORT} = reader `Virtual PCD 00 00`)")
    p.add_argument("--remove-after", type=int, default=None, metavar="N", help="pull the card out when the N-th command APDU arrives")
    p.add_argument("--latency-ms", type=float, default=0.0, metavar="MS", help="card latency per exchange in ms; with it, bytes also take 12 bits each at --baud")
    p.add_argument("--baud", type=int, default=223_200, metavar="BPS", help="card link speed for the latency model (default 223200, what TA1=0x96 allows)")
    p.add_argument("--mute-at", type=int, default=None, metavar="N", help="a mute card: no answer from the N-th command after power-up")
    p.add_argument("--select-sw", type=lambda v: int(v, 16), default=None, metavar="XXXX", help="SELECT of the personal applet answers this status word (hex, e.g. 6F00, 6C83)")


def _run(args: argparse.Namespace) -> int:
    if args.remove_after is not None and args.remove_after < 1:
        raise ValueError("--remove-after counts command APDUs from 1")
    if args.latency_ms < 0 or args.baud <= 0:
        raise ValueError("--latency-ms must be >= 0 and --baud > 0")
    if args.mute_at is not None and args.mute_at < 1:
        raise ValueError("--mute-at counts command APDUs from 1")
    if args.select_sw is not None and not 0x6000 <= args.select_sw <= 0x9FFF:
        raise ValueError("--select-sw is a status word such as 6F00")
    profile = load_profile(args.profile)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    card = VirtualCard(
        profile,
        host=args.host,
        port=args.port,
        remove_after=args.remove_after,
        latency_ms=args.latency_ms,
        baud=args.baud,
        misbehaviour=Misbehaviour(select_sw=args.select_sw, mute_at=args.mute_at),
    )
    print(f"SIMULATION: virtual card {profile.name!r} for vpcd at {args.host}:{args.port}; Ctrl-C removes it", flush=True)
    with card:
        try:
            while not stop.wait(0.1) and not card.pulled.is_set():
                if card.error is not None:
                    print(f"error: virtual card stopped: {card.error}", file=sys.stderr)
                    return 1
        except KeyboardInterrupt:
            pass
    if card.pulled.is_set():
        print(f"card pulled out at APDU {card.apdu_count}", file=sys.stderr)
    return 0
