"""`kiosk card readers` and `kiosk card read [--reader NAME] [--json] [--reveal] [--photo FILE]`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from kiosk.card_report import card_document, card_lines
from kiosk.cli import Subcommands, load_config
from kiosk.hardware import open_card_reader


def register(sub: Subcommands) -> None:
    group = sub.group("card", "the Thai national ID card reader")
    group.add("readers", "list the card readers and the card (ATR) in each", _readers)
    read = group.add(
        "read",
        "read the card in a reader (masked unless --reveal); exit 0 when read, 1 with one error line",
        _read,
    )
    read.add_argument("--reader", metavar="NAME", default=None, help="reader name or part of it (default: devices.card.reader, else the first reader holding a card)")
    read.add_argument("--json", action="store_true", help="print the card as JSON (fixed keys, see README)")
    read.add_argument("--reveal", action="store_true", help="show every field unmasked (personal data: use with care)")
    read.add_argument("--photo", metavar="FILE", type=Path, default=None, help="also write the chip photo (JPEG, byte-exact) to FILE")


def _readers(args: argparse.Namespace) -> int:
    section = load_config(args).devices.card
    with open_card_reader(section) as reader:
        states = reader.states()
    if not states:
        print("no card reader found", file=sys.stderr, flush=True)
        return 1
    for name, atr in states.items():
        print(f"{name}\t{'card ' + atr.hex(' ').upper() if atr else 'empty'}")
    return 0


def _read(args: argparse.Namespace) -> int:
    section = load_config(args).devices.card
    with open_card_reader(section) as reader, reader.connect(args.reader) as card:
        text = card.read_text()
        photo = card.read_photo()
        count = card.apdu_count
    doc = card_document(text, photo, count, date.today(), reveal=args.reveal)
    if args.photo is not None:
        # the photo is personal data: readable by the owner only
        fd = os.open(args.photo, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(photo)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print("\n".join(card_lines(doc)))
    return 0
