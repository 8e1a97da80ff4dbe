"""The in-process simulated reader: one reader holding (or not) a simulated chip with the same
APDU semantics as the real card, for unit tests and demos. Marked SIMULATION in its name.

Fault injection: `remove()` at any time, `fail_at_apdu(n)` (the card is pulled out when the n-th
command APDU after the call reaches it: that APDU gets no answer), `insert()` of another profile.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import TracebackType

from drivers.card.chip import Chip
from drivers.card.errors import CardRemoved, NoCard, ReaderFault
from drivers.card.profiles import CardProfile, load_profile
from drivers.card.protocol import CardConnection, choose_reader

log = logging.getLogger("kiosk.card")
READER_NAME = "Simulated Thai ID Reader (SIMULATION) 00"


class _Slot:
    """The card in the reader; `generation` changes at every insertion/removal."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.chip: Chip | None = None
        self.generation = 0
        self.pull_in: int | None = None  # APDUs left before the card is pulled out


class SimulatedCardReader:
    backend = "simulated"

    def __init__(self, profile: str | Path | CardProfile | None = None, *, reader_name: str = READER_NAME) -> None:
        self.reader_name = reader_name
        self.plugged = True
        self._slot = _Slot()
        if profile is not None:
            self.insert(profile)

    @property
    def chip(self) -> Chip | None:
        """The chip in the reader (tests look at `chip.commands` and `chip.pin_tries_left`)."""
        return self._slot.chip

    def insert(self, profile: str | Path | CardProfile) -> CardProfile:
        card = profile if isinstance(profile, CardProfile) else load_profile(profile)
        with self._slot.lock:
            self._slot.chip = Chip(card.chip)
            self._slot.generation += 1
            self._slot.pull_in = None
        log.info("simulated card inserted", extra={"fields": {"profile": card.name}})
        return card

    def remove(self) -> None:
        with self._slot.lock:
            self._slot.chip = None
            self._slot.generation += 1
            self._slot.pull_in = None

    def fail_at_apdu(self, n: int) -> None:
        if n < 1:
            raise ValueError("APDU numbers start at 1")
        with self._slot.lock:
            self._slot.pull_in = n

    def readers(self) -> list[str]:
        return [self.reader_name] if self.plugged else []

    def states(self) -> dict[str, bytes | None]:
        if not self.plugged:
            return {}
        with self._slot.lock:
            chip = self._slot.chip
        return {self.reader_name: chip.data.atr if chip else None}

    def connect(self, reader: str | None = None) -> CardConnection:
        name = choose_reader(self.states(), reader, "")
        with self._slot.lock:
            chip = self._slot.chip
            if chip is None:
                raise NoCard(f"no card in reader {name!r}")
            chip.reset()
            return _SimulatedConnection(name, chip.data.atr, _SimulatedTransport(self, self._slot.generation))

    def close(self) -> None:
        pass

    def __enter__(self) -> SimulatedCardReader:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class _SimulatedTransport:
    def __init__(self, reader: SimulatedCardReader, generation: int) -> None:
        self._reader = reader
        self._generation = generation

    def transmit(self, command: bytes) -> bytes:
        slot = self._reader._slot
        with slot.lock:
            if not self._reader.plugged:
                raise ReaderFault("card reader unplugged during the read")
            if slot.chip is None or slot.generation != self._generation:
                raise CardRemoved("card removed during the read")
            if slot.pull_in is not None:
                slot.pull_in -= 1
                if slot.pull_in == 0:
                    slot.chip, slot.pull_in = None, None
                    slot.generation += 1
                    raise CardRemoved("card removed during the read")
            return slot.chip.process(command)


class _SimulatedConnection(CardConnection):
    def transaction(self) -> AbstractContextManager[None]:
        return _nothing()

    def close(self) -> None:
        pass


@contextmanager
def _nothing() -> Iterator[None]:
    yield
