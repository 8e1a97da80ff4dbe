"""The PC/SC back end (pyscard's `smartcard.scard` over pcscd).

SHARED connections (EXCLUSIVE ones have caused "card was reset" on kiosk readers), one PC/SC
transaction per read step, a bounded retry of the connect while a freshly inserted card settles,
and a PC/SC context that is re-established when pcscd was restarted, so the kiosk never needs a
restart. Each card connection has a PC/SC context of its own and makes its calls on its own
thread, with a deadline (`CardConnection.blocking`): a transmit that never returns (a mute card)
holds only that context, the read fails with `MuteCard`, and the card is reset and
disconnected as soon as the driver lets go. Result codes are translated in `pcsc_codes`: pcscd
dying mid-read is a `ReaderFault`, never a "card removed".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from smartcard import scard

from drivers.card import pcsc_codes as pc
from drivers.card.errors import CardError, CardRemoved, MuteCard, NoCard, NoReader, ReaderFault
from drivers.card.pcsc_watch import PcscWatch
from drivers.card.protocol import EXCHANGE_TIMEOUT_S, CardConnection, choose_reader

log = logging.getLogger("kiosk.card")
T = TypeVar("T")


class _StaleContext(Exception):
    pass


def _establish() -> Any:
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult & 0xFFFFFFFF != pc.SUCCESS:
        raise ReaderFault(f"pcscd is not reachable: {pc.describe(hresult)}")
    return context


class PcscCardReader:
    """Readers and cards through pcscd. Thread-safe; one PC/SC context for the reader list, one
    per card connection, one per `watch()`."""

    backend = "pcsc"

    def __init__(
        self, *, reader: str = "", settle_timeout_s: float = 2.0, exchange_timeout_s: float = EXCHANGE_TIMEOUT_S
    ) -> None:
        self.configured = reader
        self.settle_timeout_s = settle_timeout_s
        self.exchange_timeout_s = exchange_timeout_s
        self._lock = threading.RLock()
        self._context: Any = None

    # --- context -----------------------------------------------------------------------------
    def _ctx(self) -> Any:
        if self._context is None:
            self._context = _establish()
        return self._context

    def _drop_context(self) -> None:
        if self._context is not None:
            scard.SCardReleaseContext(self._context)
            self._context = None

    def _with_context(self, call: Callable[[Any], T]) -> T:
        """Run `call(context)`; a context gone stale (pcscd restarted) is re-established once."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    return call(self._ctx())
                except _StaleContext:
                    self._drop_context()
                    if attempt == 2:
                        raise ReaderFault("pcscd is not reachable (service stopped)") from None
            raise AssertionError("unreachable")

    # --- readers -------------------------------------------------------------------------------
    def readers(self) -> list[str]:
        return self._with_context(self._list)

    def _list(self, ctx: Any) -> list[str]:
        hresult, readers = scard.SCardListReaders(ctx, [])
        value = hresult & 0xFFFFFFFF
        if value in pc.STALE_CONTEXT:
            raise _StaleContext
        if value in pc.NO_READERS:
            return []
        if value != pc.SUCCESS:
            raise ReaderFault(f"cannot list card readers: {pc.describe(hresult)}")
        return list(readers)

    def states(self) -> dict[str, bytes | None]:
        def probe(ctx: Any) -> dict[str, bytes | None]:
            names = self._list(ctx)
            if not names:
                return {}
            hresult, result = scard.SCardGetStatusChange(ctx, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names])
            value = hresult & 0xFFFFFFFF
            if value in pc.STALE_CONTEXT:
                raise _StaleContext
            if value in pc.UNKNOWN_READER:  # unplugged between the two calls: next look sees it
                return {n: None for n in names}
            if value != pc.SUCCESS:
                raise ReaderFault(f"cannot read the reader states: {pc.describe(hresult)}")
            out: dict[str, bytes | None] = {}
            for name, event, atr in result:
                present = event & pc.STATE_PRESENT and not event & pc.STATE_MUTE
                out[name] = bytes(atr) if present and atr else None
            return out

        return self._with_context(probe)

    def watch(self) -> PcscWatch:
        """Blocking waits for the card monitor, on a PC/SC context of their own."""
        return PcscWatch()

    # --- cards ---------------------------------------------------------------------------------
    def connect(self, reader: str | None = None) -> CardConnection:
        name = choose_reader(self.states(), reader, self.configured)
        context = _establish()
        try:
            hcard, protocol = self._connect_settling(context, name)
            hresult, _, _, _, atr = scard.SCardStatus(hcard)
            if hresult & 0xFFFFFFFF != pc.SUCCESS:
                scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
                if hresult & 0xFFFFFFFF in pc.CARD_GONE:
                    raise CardRemoved(f"card removed while connecting ({pc.describe(hresult)})")
                raise ReaderFault(f"cannot read the card's status in {name!r}: {pc.describe(hresult)}")
        except BaseException:
            scard.SCardReleaseContext(context)
            raise
        return PcscConnection(name, bytes(atr), context, hcard, protocol, self.exchange_timeout_s)

    def _connect_settling(self, context: Any, name: str) -> tuple[Any, int]:
        deadline = time.monotonic() + self.settle_timeout_s
        while True:
            hresult, hcard, protocol = scard.SCardConnect(
                context, name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
            )
            value = hresult & 0xFFFFFFFF
            if value == pc.SUCCESS:
                return hcard, int(protocol)
            if value in pc.UNKNOWN_READER:
                raise NoReader(f"card reader {name!r} disappeared: {pc.describe(hresult)}")
            if value in pc.SETTLING and time.monotonic() < deadline:
                time.sleep(0.1)  # readers report "removed" right after insertion: let it settle
                continue
            if value in pc.CARD_GONE:
                raise NoCard(f"no card in reader {name!r} ({pc.describe(hresult)})")
            if value == pc.UNRESPONSIVE:
                raise MuteCard(f"the card in {name!r} does not answer (inserted the wrong way?)")
            if value in pc.SERVICE_GONE:
                raise ReaderFault(f"pcscd is not reachable: {pc.describe(hresult)}")
            raise ReaderFault(f"cannot connect to the card in {name!r}: {pc.describe(hresult)}")

    def close(self) -> None:
        with self._lock:
            self._drop_context()

    def __enter__(self) -> PcscCardReader:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class _PcscTransport:
    def __init__(self, hcard: Any, protocol: int) -> None:
        self.hcard = hcard
        self.pci = scard.SCARD_PCI_T1 if protocol == scard.SCARD_PROTOCOL_T1 else scard.SCARD_PCI_T0

    def transmit(self, command: bytes) -> bytes:
        hresult, response = scard.SCardTransmit(self.hcard, self.pci, list(command))
        if hresult & 0xFFFFFFFF != pc.SUCCESS:
            raise self._why(hresult)
        if len(response) < 2:  # vpcd and some readers answer nothing when the card left
            if self._card_gone():
                raise CardRemoved("card removed during the read (no answer)")
            raise ReaderFault(f"the card answered {len(response)} bytes to INS {command[1]:02X} (no status word)")
        return bytes(response)

    def _card_gone(self, wait_s: float = 1.0) -> bool:
        """Whether the card left: only a reader that answers and says so counts. A failed status
        call (pcscd gone, handle lost) is the kiosk's fault, not the citizen's."""
        deadline = time.monotonic() + wait_s
        while True:  # the reader notices a removal at its next presence poll: give it that long
            status, _, state, _, _ = scard.SCardStatus(self.hcard)
            value = status & 0xFFFFFFFF
            if value in pc.CARD_GONE:
                return True
            if value != pc.SUCCESS:
                return False
            if not state & pc.SCARD_PRESENT:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def _why(self, hresult: int) -> CardError:
        error = pc.transmit_error(hresult, "transmit")
        # A virtual or flaky reader may answer a generic failure when the card leaves: ask it,
        # unless pcscd itself is gone (then nobody can say, and it is not the citizen's doing).
        if isinstance(error, ReaderFault) and hresult & 0xFFFFFFFF not in pc.SERVICE_GONE | {pc.INVALID_HANDLE}:
            if self._card_gone():
                return CardRemoved(f"card removed during the read ({pc.describe(hresult)})")
        return error


class PcscConnection(CardConnection):
    def __init__(self, reader: str, atr: bytes, context: Any, hcard: Any, protocol: int, timeout_s: float) -> None:
        self._pcsc = _PcscTransport(hcard, protocol)
        self._context = context
        super().__init__(reader, atr, self._pcsc, exchange_timeout_s=timeout_s)

    def _begin(self) -> None:
        hresult = scard.SCardBeginTransaction(self._pcsc.hcard)
        if hresult & 0xFFFFFFFF != pc.SUCCESS:
            raise pc.transmit_error(hresult, "begin transaction")

    def _end(self) -> None:
        scard.SCardEndTransaction(self._pcsc.hcard, scard.SCARD_LEAVE_CARD)

    def _disconnect(self, disposition: int = scard.SCARD_LEAVE_CARD) -> None:
        scard.SCardDisconnect(self._pcsc.hcard, disposition)
        scard.SCardReleaseContext(self._context)

    def _abandon(self) -> None:
        # runs once the stuck transmit returns: a reset wakes a mute card for the next reader
        self._worker.after(lambda: self._disconnect(scard.SCARD_RESET_CARD))
