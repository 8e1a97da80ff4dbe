"""How the kiosk reads a Thai ID card, whatever the back end: the `CardReader` protocol and the
`CardConnection` every back end returns.

Read plan (see `layout`): SELECT the personal applet (its `61 0A` answer is not fetched), then
three contiguous READs for every text field — 7 exchanges in all — then, as a separate step, the
photo in 255-byte chunks until the chunk holding the JPEG end marker (20 chunks for a ~5 KB photo,
47 exchanges for the full read). Each step runs inside one PC/SC transaction. A citizen id whose
check digit fails is read once more before the card is refused.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import replace
from types import TracebackType
from typing import Protocol

from drivers.card import decode
from drivers.card.apdu import CardChannel, Transport
from drivers.card.errors import (
    CardError,
    CardRemoved,
    InvalidCardData,
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

log = logging.getLogger("kiosk.card")


class CardConnection(ABC):
    """One connection to one card (a context manager). `apdu_count` counts the command APDUs
    sent since connecting; `bytes_sent`/`bytes_received` the bytes on the wire."""

    def __init__(self, reader: str, atr: bytes, transport: Transport) -> None:
        self.reader = reader
        self.atr = bytes(atr)
        self._channel = CardChannel(transport, self.atr)
        self._selected = False

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

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Exclusive access to the card for one read step."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> CardConnection:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def read_text(self, *, chip_ids: bool = False) -> CardText:
        """Every text field (7 exchanges). `chip_ids` adds the best-effort chip and laser ids."""
        with self.transaction():
            self._select_personal()
            image = bytearray(FILE_SIZE)
            for offset, length in TEXT_READS:
                image[offset : offset + length] = self._read(offset, length)
            try:
                text = decode.card_text(image, self.atr)
            except InvalidCardData as e:
                if e.field != "cid":
                    raise
                # a failed check digit may be a bad contact: read it once more, then refuse
                offset, length = FIELDS["cid"]
                image[offset : offset + length] = self._read(offset, length)
                text = decode.card_text(image, self.atr)
            if chip_ids:
                text = replace(text, laser_id=self._laser_id(), chip_id=self._chip_id())
        return text

    def read_photo(self) -> bytes:
        """The JPEG on the chip, byte-exact (cut after the first `FF D9`)."""
        with self.transaction():
            self._select_personal()
            photo = bytearray()
            for offset, length in photo_chunks():
                searched_from = max(0, len(photo) - 1)  # FF of the end marker may end the last chunk
                photo += self._read(offset, length)
                if photo.find(b"\xff\xd9", searched_from) >= 0:
                    break
            return decode.photo(bytes(photo))

    def _select_personal(self) -> None:
        if self._selected:
            return
        try:
            self._channel.exchange(select_command(PERSONAL_AID), fetch=False)
        except UnexpectedStatus as e:
            raise NotThaiIdCard(
                f"not a Thai national ID card (SELECT of the personal applet answered "
                f"{e.sw >> 8:02X} {e.sw & 0xFF:02X}, ATR {self.atr.hex(' ').upper()})"
            ) from None
        self._selected = True

    def _read(self, offset: int, length: int) -> bytes:
        return self._channel.exchange(read_command(offset, length), expect=length)

    def _laser_id(self) -> str | None:
        self._selected = False
        try:
            self._channel.exchange(select_command(LASER_AID), fetch=False)
            raw = self._channel.exchange(bytes([0x80, 0x00, 0x00, 0x00, 0x07]))
        except (CardRemoved, ReaderFault):
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
        except (CardRemoved, ReaderFault):
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

