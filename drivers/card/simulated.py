"""The in-process simulated reader: one reader holding (or not) a simulated chip with the same
APDU semantics as the real card, for unit tests and demos. Marked SIMULATION in its name.

It behaves like a reader behind pcscd: an event counter per reader (one more at every insertion
and removal; a card swapped for another counts two), blocking waits for a change (`watch()`),
and the same deadline on every exchange as the PC/SC back end.

Fault injection: `remove()` at any time, `fail_at_apdu(n)` (the card is pulled out when the n-th
command APDU after the call reaches it: that APDU gets no answer), `insert()` of another profile,
`swap_unseen()` (a swap the reader does not notice), `plugged = False` (reader unplugged), `service_up = False` or `stop_service_at_apdu(n)` (pcscd
gone, at once or as the n-th APDU reaches the card), and the chip's own `Misbehaviour` (a mute
chip blocks the exchange until it is reset or removed, as a real one does).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from types import TracebackType

from drivers.card.chip import Chip, Misbehaviour
from drivers.card.errors import CardRemoved, NoCard, ReaderFault
from drivers.card.profiles import CardProfile, load_profile
from drivers.card.protocol import EXCHANGE_TIMEOUT_S, CardConnection, choose_reader
from drivers.card.watch import COUNTER_MASK, ReaderState

log = logging.getLogger("kiosk.card")
READER_NAME = "Simulated Thai ID Reader (SIMULATION) 00"
SERVICE_DOWN = "pcscd is not reachable (simulated service stopped)"


class _Slot:
    """The card in the reader; `generation` is the reader's event counter."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.chip: Chip | None = None
        self.generation = 0
        self.pull_in: int | None = None  # APDUs left before the card is pulled out
        self.kill_in: int | None = None  # APDUs left before the service stops


class SimulatedCardReader:
    backend = "simulated"

    def __init__(
        self,
        profile: str | Path | CardProfile | None = None,
        *,
        reader_name: str = READER_NAME,
        exchange_timeout_s: float = EXCHANGE_TIMEOUT_S,
    ) -> None:
        self.reader_name = reader_name
        self.exchange_timeout_s = exchange_timeout_s
        self._plugged = True
        self._service_up = True
        self._slot = _Slot()
        if profile is not None:
            self.insert(profile)

    @property
    def chip(self) -> Chip | None:
        """The chip in the reader (tests look at `chip.commands` and `chip.pin_tries_left`)."""
        return self._slot.chip

    @property
    def plugged(self) -> bool:
        return self._plugged

    @plugged.setter
    def plugged(self, value: bool) -> None:
        with self._slot.changed:
            self._plugged = value
            self._slot.changed.notify_all()

    @property
    def service_up(self) -> bool:
        return self._service_up

    @service_up.setter
    def service_up(self, value: bool) -> None:
        with self._slot.changed:
            self._service_up = value
            self._slot.changed.notify_all()

    def insert(self, profile: str | Path | CardProfile, misbehaviour: Misbehaviour | None = None) -> CardProfile:
        """Insert a card (one already in the reader is taken out first: two events)."""
        card = profile if isinstance(profile, CardProfile) else load_profile(profile)
        with self._slot.changed:
            if self._slot.chip is not None:
                self._count()
            self._slot.chip = Chip(card.chip, misbehaviour=misbehaviour or Misbehaviour())
            self._slot.pull_in = None
            self._count()
        log.info("simulated card inserted", extra={"fields": {"profile": card.name}})
        return card

    def swap_unseen(self, profile: str | Path | CardProfile) -> CardProfile:
        """Put another card in without the reader noticing (no event, counter unchanged): what a
        reader does when the swap falls inside one of its blind spots (vpcd during pcscd's
        power-down of an idle card). Only the kiosk's own re-check of the card can catch it."""
        card = profile if isinstance(profile, CardProfile) else load_profile(profile)
        with self._slot.changed:
            self._slot.chip = Chip(card.chip)
        return card

    def remove(self) -> None:
        with self._slot.changed:
            if self._slot.chip is not None:
                self._slot.chip = None
                self._count()
            self._slot.pull_in = None

    def _count(self) -> None:
        self._slot.generation = (self._slot.generation + 1) & COUNTER_MASK
        self._slot.changed.notify_all()

    def fail_at_apdu(self, n: int) -> None:
        if n < 1:
            raise ValueError("APDU numbers start at 1")
        with self._slot.changed:
            self._slot.pull_in = n

    def stop_service_at_apdu(self, n: int) -> None:
        if n < 1:
            raise ValueError("APDU numbers start at 1")
        with self._slot.changed:
            self._slot.kill_in = n

    def readers(self) -> list[str]:
        if not self._service_up:
            raise ReaderFault(SERVICE_DOWN)
        return [self.reader_name] if self._plugged else []

    def _snapshot(self) -> dict[str, ReaderState]:
        if not self._service_up:
            raise ReaderFault(SERVICE_DOWN)
        if not self._plugged:
            return {}
        chip = self._slot.chip
        return {self.reader_name: ReaderState(chip.data.atr if chip else None, self._slot.generation)}

    def states(self) -> dict[str, bytes | None]:
        with self._slot.changed:
            return {name: state.atr for name, state in self._snapshot().items()}

    def watch(self) -> _SimulatedWatch:
        return _SimulatedWatch(self)

    def connect(self, reader: str | None = None) -> CardConnection:
        name = choose_reader(self.states(), reader, "")
        with self._slot.changed:
            chip = self._slot.chip
            if chip is None:
                raise NoCard(f"no card in reader {name!r}")
            chip.reset()
            transport = _SimulatedTransport(self, self._slot.generation)
            return _SimulatedConnection(name, chip.data.atr, transport, exchange_timeout_s=self.exchange_timeout_s)

    def close(self) -> None:
        pass

    def __enter__(self) -> SimulatedCardReader:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class _SimulatedWatch:
    def __init__(self, reader: SimulatedCardReader) -> None:
        self._reader = reader
        self._seen: dict[str, ReaderState] | None = None
        self._cancelled = False

    def _changed(self) -> bool:
        try:
            return self._cancelled or self._reader._snapshot() != self._seen
        except ReaderFault:
            return True

    def wait(self, timeout_s: float) -> dict[str, ReaderState]:
        slot = self._reader._slot
        with slot.changed:
            if self._seen is not None:
                slot.changed.wait_for(self._changed, timeout_s)
            self._cancelled = False
            self._seen = self._reader._snapshot()
            return dict(self._seen)

    def cancel(self) -> None:
        with self._reader._slot.changed:
            self._cancelled = True
            self._reader._slot.changed.notify_all()

    def close(self) -> None:
        pass


class _SimulatedTransport:
    def __init__(self, reader: SimulatedCardReader, generation: int) -> None:
        self._reader = reader
        self._generation = generation

    def _gone(self) -> bool:
        slot = self._reader._slot
        return slot.chip is None or slot.generation != self._generation

    def transmit(self, command: bytes) -> bytes:
        reader, slot = self._reader, self._reader._slot
        with slot.changed:
            if not reader.service_up:
                raise ReaderFault("pcscd stopped during the read (simulated)")
            if not reader.plugged:
                raise ReaderFault("card reader unplugged during the read")
            if self._gone():
                raise CardRemoved("card removed during the read")
            if slot.kill_in is not None:
                slot.kill_in -= 1
                if slot.kill_in == 0:
                    slot.kill_in = None
                    reader._service_up = False
                    slot.changed.notify_all()
                    raise ReaderFault("pcscd stopped during the read (simulated)")
            if slot.pull_in is not None:
                slot.pull_in -= 1
                if slot.pull_in == 0:
                    slot.chip, slot.pull_in = None, None
                    reader._count()
                    raise CardRemoved("card removed during the read")
            chip = slot.chip
            assert chip is not None
            answer = chip.process(command)
            if answer is None:  # a mute chip: silent until it is reset or taken out
                slot.changed.wait_for(lambda: self._gone() or not chip.mute or not reader.service_up)
                raise CardRemoved("card removed while it did not answer")
            return answer

    def reset(self) -> None:
        slot = self._reader._slot
        with slot.changed:
            if not self._gone() and slot.chip is not None:
                slot.chip.reset()
                slot.changed.notify_all()


class _SimulatedConnection(CardConnection):
    def __init__(self, reader: str, atr: bytes, transport: _SimulatedTransport, *, exchange_timeout_s: float) -> None:
        super().__init__(reader, atr, transport, exchange_timeout_s=exchange_timeout_s)
        self._transport = transport

    def _begin(self) -> None:
        pass

    def _end(self) -> None:
        pass

    def _disconnect(self) -> None:
        pass

    def _abandon(self) -> None:
        self._transport.reset()  # a reset wakes a mute chip; the stuck exchange then ends
