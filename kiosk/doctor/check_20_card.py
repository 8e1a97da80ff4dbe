"""Doctor: card readers found, card present, and a test read when a card is in a reader.

The test read shows no personal data: only the number of APDUs, the time taken, the ATR family
and whether the card is valid today.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date

from drivers.card import CardError, CardReader
from kiosk.doctor import Check, DoctorContext, Status, guarded


def checks(ctx: DoctorContext) -> Iterable[Check]:
    if ctx.config is None:
        yield Check("card", "readers", "skip", "no valid config")
        return
    section = ctx.config.devices.card
    simulated = section.backend == "simulated"
    from kiosk.hardware import open_card_reader

    try:
        reader: CardReader = open_card_reader(section)
    except Exception as e:  # a bad simulated profile, a missing libpcsclite
        yield Check("card", "readers", "fail", str(e).splitlines()[0])
        return
    with reader:
        states: dict[str, bytes | None] = {}

        def readers() -> tuple[Status, str]:
            states.update(reader.states())
            if not states:
                return "fail", "no card reader found: plug in the reader (and check `kiosk card readers`)"
            matching = [n for n in states if not section.reader or section.reader in n]
            if not matching:
                return "fail", f"no reader matches devices.card.reader={section.reader!r} (found: {', '.join(states)})"
            detail = ", ".join(matching) + (" (SIMULATION)" if simulated else "")
            return ("warn" if simulated else "ok"), detail

        yield guarded("card", "readers", readers)
        chosen = {n: a for n, a in states.items() if not section.reader or section.reader in n}
        holding = [n for n, atr in chosen.items() if atr is not None]

        def present() -> tuple[Status, str]:
            if not chosen:
                return "skip", "no reader"
            if not holding:
                return "ok", "no card inserted (insert one for a test read)"
            return "ok", f"card in {holding[0]}"

        yield guarded("card", "card-present", present)

        def test_read() -> tuple[Status, str]:
            if not holding:
                return "skip", "no card inserted"
            started = time.monotonic()
            try:
                with reader.connect(holding[0]) as card:
                    text = card.read_text()
                    photo = card.read_photo()
                    count = card.apdu_count
            except CardError as e:
                return "fail", f"{type(e).__name__}: {e}"
            took = time.monotonic() - started
            validity = "lifelong" if text.lifelong else (
                "EXPIRED" if text.expired(date.today()) else "valid"
            )
            return "ok", f"read in {count} APDUs, {took:.2f} s; photo {len(photo)} bytes; card {validity}"

        yield guarded("card", "test-read", test_read)
