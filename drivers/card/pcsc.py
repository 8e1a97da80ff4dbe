"""The PC/SC back end (pyscard's `smartcard.scard` over pcscd).

SHARED connections (EXCLUSIVE ones have caused "card was reset" on kiosk readers), one PC/SC
transaction per read step, a bounded retry of the connect while a freshly inserted card settles,
and a PC/SC context that is re-established when pcscd was restarted (`SCARD_E_NO_SERVICE`,
`SCARD_E_SERVICE_STOPPED`, `SCARD_E_INVALID_HANDLE` on the context), so the kiosk never needs a
restart. PC/SC result codes are translated here into `drivers.card.errors`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import TracebackType
from typing import Any, TypeVar

from smartcard import scard

from drivers.card.errors import CardError, CardRemoved, NoCard, NoReader, ReaderFault
from drivers.card.protocol import CardConnection, choose_reader

log = logging.getLogger("kiosk.card")
T = TypeVar("T")


def _code(name: str) -> int:
    return int(getattr(scard, name)) & 0xFFFFFFFF


SUCCESS = _code("SCARD_S_SUCCESS")
STALE_CONTEXT = {_code("SCARD_E_NO_SERVICE"), _code("SCARD_E_SERVICE_STOPPED"), _code("SCARD_E_INVALID_HANDLE")}
NO_READERS = {_code("SCARD_E_NO_READERS_AVAILABLE")}
UNKNOWN_READER = {_code("SCARD_E_UNKNOWN_READER"), _code("SCARD_E_READER_UNAVAILABLE")}
CARD_GONE = {_code("SCARD_W_REMOVED_CARD"), _code("SCARD_W_RESET_CARD"), _code("SCARD_E_NO_SMARTCARD"),
             _code("SCARD_W_UNPOWERED_CARD")}
# worth retrying for a while right after insertion
SETTLING = CARD_GONE | {_code("SCARD_W_UNRESPONSIVE_CARD"), _code("SCARD_E_SHARING_VIOLATION"),
                        _code("SCARD_E_NOT_READY")}
STATE_PRESENT = int(scard.SCARD_STATE_PRESENT)
STATE_MUTE = int(scard.SCARD_STATE_MUTE)
SCARD_PRESENT = 0x0004  # SCardStatus card state bit (pcsc-lite), not exported by pyscard


def describe(hresult: int) -> str:
    code = hresult & 0xFFFFFFFF
    try:
        text = str(scard.SCardGetErrorMessage(hresult)).strip().rstrip(".")
    except Exception:  # pyscard cannot name it: the code is enough
        text = "PC/SC error"
    return f"{text} (0x{code:08X})"


class _StaleContext(Exception):
    pass


class PcscCardReader:
    """Readers and cards through pcscd. Thread-safe; one PC/SC context per instance."""

    backend = "pcsc"

    def __init__(self, *, reader: str = "", settle_timeout_s: float = 2.0) -> None:
        self.configured = reader
        self.settle_timeout_s = settle_timeout_s
        self._lock = threading.RLock()
        self._context: Any = None

    # --- context -----------------------------------------------------------------------------
    def _ctx(self) -> Any:
        if self._context is None:
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult & 0xFFFFFFFF != SUCCESS:
                raise ReaderFault(f"pcscd is not reachable: {describe(hresult)}")
            self._context = context
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
        code = hresult & 0xFFFFFFFF
        if code in STALE_CONTEXT:
            raise _StaleContext
        if code in NO_READERS:
            return []
        if code != SUCCESS:
            raise ReaderFault(f"cannot list card readers: {describe(hresult)}")
        return list(readers)

    def states(self) -> dict[str, bytes | None]:
        def probe(ctx: Any) -> dict[str, bytes | None]:
            names = self._list(ctx)
            if not names:
                return {}
            hresult, result = scard.SCardGetStatusChange(ctx, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names])
            code = hresult & 0xFFFFFFFF
            if code in STALE_CONTEXT:
                raise _StaleContext
            if code in UNKNOWN_READER:  # unplugged between the two calls: next poll sees it
                return {n: None for n in names}
            if code != SUCCESS:
                raise ReaderFault(f"cannot read the reader states: {describe(hresult)}")
            out: dict[str, bytes | None] = {}
            for name, event, atr in result:
                present = event & STATE_PRESENT and not event & STATE_MUTE
                out[name] = bytes(atr) if present and atr else None
            return out

        return self._with_context(probe)

    # --- cards ---------------------------------------------------------------------------------
    def connect(self, reader: str | None = None) -> CardConnection:
        name = choose_reader(self.states(), reader, self.configured)
        deadline = time.monotonic() + self.settle_timeout_s
        while True:
            hresult, hcard, protocol = self._with_context(lambda ctx: self._connect_once(ctx, name))
            code = hresult & 0xFFFFFFFF
            if code == SUCCESS:
                break
            if code in UNKNOWN_READER:
                raise NoReader(f"card reader {name!r} disappeared: {describe(hresult)}")
            if code in SETTLING and time.monotonic() < deadline:
                time.sleep(0.1)  # readers report "removed" right after insertion: let it settle
                continue
            if code in CARD_GONE:
                raise NoCard(f"no card in reader {name!r} ({describe(hresult)})")
            if code == _code("SCARD_W_UNRESPONSIVE_CARD"):
                raise ReaderFault(f"the card in {name!r} does not answer (inserted the wrong way?)")
            raise ReaderFault(f"cannot connect to the card in {name!r}: {describe(hresult)}")
        hresult, _, _, _, atr = scard.SCardStatus(hcard)
        if hresult & 0xFFFFFFFF != SUCCESS:
            scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
            raise CardRemoved(f"card removed while connecting ({describe(hresult)})")
        return PcscConnection(name, bytes(atr), _PcscTransport(hcard, protocol))

    def _connect_once(self, ctx: Any, name: str) -> tuple[int, Any, int]:
        hresult, hcard, protocol = scard.SCardConnect(
            ctx, name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
        if hresult & 0xFFFFFFFF in STALE_CONTEXT:
            raise _StaleContext
        return int(hresult), hcard, int(protocol)

    def close(self) -> None:
        with self._lock:
            self._drop_context()

    def __enter__(self) -> PcscCardReader:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def _transmit_error(hresult: int, what: str) -> CardError:
    code = hresult & 0xFFFFFFFF
    if code in CARD_GONE or code == _code("SCARD_E_INVALID_HANDLE"):
        return CardRemoved(f"card removed during the read ({describe(hresult)})")
    if code in UNKNOWN_READER:
        return ReaderFault(f"card reader unplugged during the read ({describe(hresult)})")
    if code in STALE_CONTEXT:
        return ReaderFault(f"pcscd stopped during the read ({describe(hresult)})")
    return ReaderFault(f"{what} failed: {describe(hresult)}")


class _PcscTransport:
    def __init__(self, hcard: Any, protocol: int) -> None:
        self.hcard = hcard
        self.pci = scard.SCARD_PCI_T1 if protocol == scard.SCARD_PROTOCOL_T1 else scard.SCARD_PCI_T0

    def transmit(self, command: bytes) -> bytes:
        hresult, response = scard.SCardTransmit(self.hcard, self.pci, list(command))
        if hresult & 0xFFFFFFFF != SUCCESS:
            raise self._why(hresult)
        if len(response) < 2:  # vpcd and some readers answer nothing when the card left
            if self._card_gone():
                raise CardRemoved("card removed during the read (no answer)")
            raise ReaderFault(f"the card answered {len(response)} bytes to INS {command[1]:02X} (no status word)")
        return bytes(response)

    def _card_gone(self, wait_s: float = 1.0) -> bool:
        # The reader notices a removal at its next presence poll: give it that long.
        deadline = time.monotonic() + wait_s
        while True:
            status, _, state, _, _ = scard.SCardStatus(self.hcard)
            if status & 0xFFFFFFFF in CARD_GONE or not state & SCARD_PRESENT:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def _why(self, hresult: int) -> CardError:
        # A virtual or flaky reader may answer a generic failure when the card leaves: ask.
        error = _transmit_error(hresult, "transmit")
        if isinstance(error, ReaderFault):
            if self._card_gone():
                return CardRemoved(f"card removed during the read ({describe(hresult)})")
        return error


class PcscConnection(CardConnection):
    def __init__(self, reader: str, atr: bytes, transport: _PcscTransport) -> None:
        super().__init__(reader, atr, transport)
        self._pcsc = transport
        self._open = True

    def transaction(self) -> AbstractContextManager[None]:
        return self._transaction()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        hresult = scard.SCardBeginTransaction(self._pcsc.hcard)
        if hresult & 0xFFFFFFFF != SUCCESS:
            raise _transmit_error(hresult, "begin transaction")
        try:
            yield
        finally:
            scard.SCardEndTransaction(self._pcsc.hcard, scard.SCARD_LEAVE_CARD)

    def close(self) -> None:
        if self._open:
            self._open = False
            scard.SCardDisconnect(self._pcsc.hcard, scard.SCARD_LEAVE_CARD)
