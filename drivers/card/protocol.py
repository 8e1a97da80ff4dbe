"""How the kiosk reads a Thai ID card, whatever the back end: the `CardReader` protocol and the
`CardConnection` every back end returns.

Read plan (see `layout`): SELECT the personal applet (its `61 0A` answer is not fetched), then
three contiguous READs for every text field and a second READ of the citizen id's 13 bytes — 9
exchanges in all — then, as a separate step, the photo in 255-byte chunks until the chunk that
holds the end of the JPEG (found by walking its structure; 20 chunks for a ~5 KB photo, 49
exchanges for the full read). Each step runs inside one PC/SC transaction.

Why the citizen id is read twice: its 3rd digit has weight 11 ≡ 0 (mod 11), so the check digit
cannot see a corrupted 3rd digit; two reads that agree can (2 more exchanges, 29 bytes on the
wire). Text or a photo that does not decode (a bad contact) is read once more, then the card is
refused with `InvalidCardData(field)`. A SELECT answered "applet not found" (`6A 82`) means
another kind of card (`NotThaiIdCard`); any other status is a card or reader fault
(`UnexpectedStatus`). Every call that may block on the card has a deadline (`deadline`): a mute
card raises `MuteCard`, and is reset and disconnected.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import TracebackType
from typing import Protocol, TypeVar

from drivers.card import decode, jpeg
from drivers.card.apdu import CardChannel, Transport
from drivers.card.deadline import CallWorker
from drivers.card.errors import (
    CardError,
    CardRemoved,
    InvalidCardData,
    MuteCard,
    NoCard,
    NoReader,
    NotThaiIdCard,
    ReaderFault,
    UnexpectedStatus,
)
from drivers.card.layout import (
    FIELDS,
    FILE_SIZE,
    LASER_AID,
    PERSONAL_AID,
    TEXT_READS,
    photo_chunks,
    read_command,
    select_command,
)
from drivers.card.model import CardText
from drivers.card.watch import StateWatch

log = logging.getLogger("kiosk.card")
T = TypeVar("T")
EXCHANGE_TIMEOUT_S = 3.0  # a 255-byte answer at 9,600 bit/s takes 0.33 s: 3 s is a mute card
APPLET_NOT_FOUND = 0x6A82


class _Timed:
    """The connection's transport, each transmit on the connection's worker with its deadline."""

    def __init__(self, connection: CardConnection, transport: Transport) -> None:
        self._connection = connection
        self._transport = transport

    def transmit(self, command: bytes) -> bytes:
        what = f"INS {command[1]:02X}" if len(command) > 1 else "a command"
        return self._connection.blocking(lambda: self._transport.transmit(command), what)


class CardConnection(ABC):
    """One connection to one card (a context manager). `apdu_count` counts the command APDUs
    sent since connecting; `bytes_sent`/`bytes_received` the bytes on the wire.

    A back end gives the transport and four steps, each run on the connection's worker:
    `_begin()`/`_end()` a transaction, `_disconnect()`, and `_abandon()` (called once, from the
    caller, when a call missed its deadline: reset the card and let go of it)."""

    def __init__(
        self, reader: str, atr: bytes, transport: Transport, *, exchange_timeout_s: float = EXCHANGE_TIMEOUT_S
    ) -> None:
        self.reader = reader
        self.atr = bytes(atr)
        self._worker = CallWorker(f"card-{reader}", exchange_timeout_s)
        self._channel = CardChannel(_Timed(self, transport), self.atr)
        self._selected = False
        self._abandoned = False
        self._closed = False

    @property
    def channel(self) -> CardChannel:
        """The transmit helper of this connection (for diagnostics and benchmarks)."""
        return self._channel

    @property
    def apdu_count(self) -> int:
        return self._channel.apdu_count

    @property
    def bytes_sent(self) -> int:
        return self._channel.bytes_sent

    @property
    def bytes_received(self) -> int:
        return self._channel.bytes_received

    # --- what a back end provides ------------------------------------------------------------
    @abstractmethod
    def _begin(self) -> None: ...

    @abstractmethod
    def _end(self) -> None: ...

    @abstractmethod
    def _disconnect(self) -> None: ...

    @abstractmethod
    def _abandon(self) -> None: ...

    # --- lifecycle ---------------------------------------------------------------------------
    def blocking(self, fn: Callable[[], T], what: str) -> T:
        """`fn()` on the connection's worker, within the exchange deadline."""
        try:
            return self._worker.call(fn, what)
        except MuteCard:
            if not self._abandoned:
                self._abandoned = True
                self._abandon()
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Exclusive access to the card for one read step."""
        self.blocking(self._begin, "the start of a transaction")
        try:
            yield
        finally:
            if not self._abandoned:
                self.blocking(self._end, "the end of a transaction")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._abandoned:
            self._worker.close()  # the disconnect is queued behind the stuck call
            return
        try:
            self.blocking(self._disconnect, "the disconnect")
        except CardError:
            pass  # closing a connection whose card left or went mute
        self._worker.close()

    def __enter__(self) -> CardConnection:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # --- reads -------------------------------------------------------------------------------
    def read_text(self, *, chip_ids: bool = False) -> CardText:
        """Every text field (9 exchanges). `chip_ids` adds the best-effort chip and laser ids."""
        with self.transaction():
            self._select_personal()
            text = self._once_more_if_invalid(self._read_text_once)
            if chip_ids:
                text = replace(text, laser_id=self._laser_id(), chip_id=self._chip_id())
        return text

    def read_photo(self) -> bytes:
        """The JPEG on the chip, byte-exact, checked to decode as a card photo."""
        with self.transaction():
            self._select_personal()
            return self._once_more_if_invalid(self._read_photo_once)

    def _once_more_if_invalid(self, read: Callable[[], T]) -> T:
        try:
            return read()
        except InvalidCardData as e:  # a bad contact garbles one read: a second one decides
            log.info("card data invalid, reading it once more", extra={"fields": {"field": e.field}})
        return read()

    def _read_text_once(self) -> CardText:
        image = bytearray(FILE_SIZE)
        for offset, length in TEXT_READS:
            image[offset : offset + length] = self._read(offset, length)
        offset, length = FIELDS["cid"]
        if self._read(offset, length) != image[offset : offset + length]:
            raise InvalidCardData("cid", "two reads of the citizen id differ")
        return decode.card_text(image, self.atr)

    def _read_photo_once(self) -> bytes:
        photo = bytearray()
        for offset, length in photo_chunks():
            photo += self._read(offset, length)
            end = jpeg.end_of_jpeg(photo)
            if end is not None:
                jpeg.check_photo(bytes(photo[:end]))
                return bytes(photo[:end])
        raise InvalidCardData("photo", "the JPEG does not end within the photo area")

    def _select_personal(self) -> None:
        if self._selected:
            return
        try:
            self._channel.exchange(select_command(PERSONAL_AID), fetch=False)
        except UnexpectedStatus as e:
            answered = f"{e.sw >> 8:02X} {e.sw & 0xFF:02X}"
            if e.sw == APPLET_NOT_FOUND:
                raise NotThaiIdCard(
                    f"not a Thai national ID card (SELECT of the personal applet answered {answered}, "
                    f"ATR {self.atr.hex(' ').upper()})"
                ) from None
            raise UnexpectedStatus(0xA4, e.sw, "SELECT of the personal applet (a card or reader fault)") from None
        self._selected = True

    def _read(self, offset: int, length: int) -> bytes:
        return self._channel.exchange(read_command(offset, length), expect=length)

    def _laser_id(self) -> str | None:
        self._selected = False
        try:
            self._channel.exchange(select_command(LASER_AID), fetch=False)
            raw = self._channel.exchange(bytes([0x80, 0x00, 0x00, 0x00, 0x07]))
        except (CardRemoved, ReaderFault, MuteCard):
            raise
        except CardError:  # optional applet: old chips do not have it
            return None
        value = raw.replace(b"\x00", b"").decode("ascii", errors="replace").strip()
        return value or None

    def _chip_id(self) -> str | None:
        self._selected = False
        try:
            self._channel.exchange(bytes([0x00, 0xA4, 0x04, 0x00, 0x00]), fetch=False)
            cplc = self._channel.exchange(bytes([0x80, 0xCA, 0x9F, 0x7F, 0x2D]))
        except (CardRemoved, ReaderFault, MuteCard):
            raise
        except CardError:
            return None
        return cplc[13:21].hex().upper() if len(cplc) >= 21 else None


class CardReader(Protocol):
    """A back end: lists readers, reports their states, connects to a card."""

    backend: str

    def readers(self) -> list[str]: ...

    def states(self) -> dict[str, bytes | None]:
        """Reader name -> ATR of the card in it, or None when empty. Raises ReaderFault."""
        ...

    def watch(self) -> StateWatch:
        """Blocking waits for reader and card changes (for the card monitor's thread)."""
        ...

    def connect(self, reader: str | None = None) -> CardConnection: ...

    def close(self) -> None: ...

    def __enter__(self) -> CardReader: ...

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None: ...


def choose_reader(states: dict[str, bytes | None], wanted: str | None, configured: str) -> str:
    """The reader to use: `wanted` (exact name or substring), else the configured substring, else
    the first reader holding a card. Raises NoReader / NoCard naming what was looked for."""
    if not states:
        raise NoReader("no card reader found (is it plugged in? is pcscd running?)")
    pattern = wanted or configured
    if pattern:
        matches = [r for r in states if r == pattern] or [r for r in states if pattern in r]
        if not matches:
            raise NoReader(f"no card reader matching {pattern!r} (found: {', '.join(states)})")
        holding = [r for r in matches if states[r] is not None]
        if not holding:
            raise NoCard(f"no card in reader {matches[0]!r}")
        return holding[0]
    holding = [r for r in states if states[r] is not None]
    if not holding:
        raise NoCard(f"no card in any reader ({', '.join(states)})")
    return holding[0]

