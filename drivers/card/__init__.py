"""The Thai national ID card reader: PC/SC through pyscard, or simulated.

    reader = open_reader("pcsc", reader="", settle_timeout_s=2.0)
    with reader, reader.connect() as card:      # CardConnection
        text = card.read_text()                 # CardText, 7 exchanges
        photo = card.read_photo()               # JPEG bytes, byte-exact
    card.apdu_count

Errors (drivers.card.errors): CardError > NoReader, NoCard, CardRemoved, NotThaiIdCard,
InvalidCardData(field), ReaderFault, MuteCard, UnexpectedStatus(sw), RefusedCommand.
Events: CardMonitor(reader, on_event, poll_s=...) -> CardEvent, from blocking waits (`reader.watch()`).
Simulation: SimulatedCardReader (in-process), drivers.card.vpcd.VirtualCard (for pcscd's vpcd),
profiles list_profiles() / load_profile(name_or_path).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from drivers.card.errors import (
    CardError,
    CardRemoved,
    InvalidCardData,
    MuteCard,
    NoCard,
    NoReader,
    NotThaiIdCard,
    ReaderFault,
    RefusedCommand,
    UnexpectedStatus,
)
from drivers.card.model import Address, CardText, Name, PartialDate
from drivers.card.monitor import CardEvent, CardMonitor
from drivers.card.profiles import CardProfile, ProfileError, list_profiles, load_profile
from drivers.card.protocol import EXCHANGE_TIMEOUT_S, CardConnection, CardReader
from drivers.card.simulated import SimulatedCardReader

__all__ = [
    "Address", "CardConnection", "CardError", "CardEvent", "CardMonitor", "CardProfile", "CardReader",
    "CardRemoved", "CardText", "InvalidCardData", "MuteCard", "Name", "NoCard", "NoReader", "NotThaiIdCard",
    "PartialDate", "ProfileError", "ReaderFault", "RefusedCommand", "SimulatedCardReader",
    "UnexpectedStatus", "list_profiles", "load_profile", "open_reader",
]

log = logging.getLogger("kiosk.card")


def open_reader(
    backend: Literal["pcsc", "simulated"],
    *,
    reader: str = "",
    settle_timeout_s: float = 2.0,
    simulated_profile: str | Path | None = "normal",
    exchange_timeout_s: float = EXCHANGE_TIMEOUT_S,
) -> CardReader:
    """The card back end named in the config. `simulated` starts with `simulated_profile`
    inserted (None: empty reader) and is loud about being a simulation."""
    if backend == "pcsc":
        from drivers.card.pcsc import PcscCardReader

        return PcscCardReader(reader=reader, settle_timeout_s=settle_timeout_s, exchange_timeout_s=exchange_timeout_s)
    if backend == "simulated":
        log.warning("SIMULATION: the card reader is simulated", extra={"fields": {"profile": str(simulated_profile)}})
        return SimulatedCardReader(simulated_profile, exchange_timeout_s=exchange_timeout_s)
    raise ValueError(f"unknown card back end {backend!r} (pcsc or simulated)")
