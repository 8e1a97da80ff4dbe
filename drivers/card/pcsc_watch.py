"""Blocking waits on pcscd's reader states, for the card monitor (`PcscCardReader.watch()`).

`SCardGetStatusChange` on a PC/SC context of the watch's own (a blocking call holds its context,
which must not stall connects), given back each reader's previous `dwEventState`: pcsc-lite
returns at the first change, including a change of the reader's event counter (the high word),
so an insertion is never lost even when the card is already gone again, or swapped, by the time
the monitor looks. `\\?PnP?\\Notification` wakes it when a reader is plugged in or out.
`cancel()` wakes it from another thread (`SCardCancel`).
"""

from __future__ import annotations

import threading
from typing import Any

from smartcard import scard

from drivers.card import pcsc_codes as pc
from drivers.card.errors import ReaderFault
from drivers.card.watch import ReaderState

PNP = "\\\\?PnP?\\Notification"
_CANCEL_TRIES = 40  # SCardCancel is ignored until the wait has started: retry for up to ~2 s


class PcscWatch:
    def __init__(self) -> None:
        self._context: Any = None
        self._last: dict[str, int] = {}  # reader -> its dwEventState, given back as dwCurrentState
        self._cancelled = threading.Event()
        self._idle = threading.Event()
        self._idle.set()

    def _ctx(self) -> Any:
        if self._context is None:
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult & 0xFFFFFFFF != pc.SUCCESS:
                raise ReaderFault(f"pcscd is not reachable: {pc.describe(hresult)}")
            self._context = context
        return self._context

    def _fail(self, hresult: int, what: str) -> ReaderFault:
        if hresult & 0xFFFFFFFF in pc.STALE_CONTEXT:
            self.close()  # pcscd restarted or died: the next wait establishes a new context
            return ReaderFault(f"pcscd is not reachable ({what}: {pc.describe(hresult)})")
        return ReaderFault(f"{what} failed: {pc.describe(hresult)}")

    def _names(self, ctx: Any) -> list[str]:
        hresult, readers = scard.SCardListReaders(ctx, [])
        value = hresult & 0xFFFFFFFF
        if value in pc.NO_READERS:
            return []
        if value != pc.SUCCESS:
            raise self._fail(hresult, "listing the card readers")
        return list(readers)

    def wait(self, timeout_s: float) -> dict[str, ReaderState]:
        ctx = self._ctx()
        names = self._names(ctx)
        first = any(name not in self._last for name in names) or set(self._last) != set(names)
        request = [(name, self._last.get(name, int(scard.SCARD_STATE_UNAWARE))) for name in names]
        request.append((PNP, 0))
        self._idle.clear()
        wait_ms = 0 if first or self._cancelled.is_set() else max(1, int(timeout_s * 1000))
        try:
            hresult, result = scard.SCardGetStatusChange(ctx, wait_ms, request)
        finally:
            self._idle.set()
            self._cancelled.clear()
        value = hresult & 0xFFFFFFFF
        if value in pc.UNKNOWN_READER:  # a reader left between the list and the wait
            self._last.clear()
            return self.wait(0)
        if value not in (pc.SUCCESS, pc.TIMEOUT, pc.CANCELLED):
            raise self._fail(hresult, "waiting for card events")
        states: dict[str, ReaderState] = {}
        self._last = {}
        for name, event, atr in result:
            if name == PNP or event & pc.STATE_UNKNOWN:  # a reader that left during the wait
                continue
            self._last[name] = event & ~pc.STATE_CHANGED
            present = event & pc.STATE_PRESENT and not event & pc.STATE_MUTE
            states[name] = ReaderState(bytes(atr) if present and atr else None, (event >> 16) & 0xFFFF)
        return states

    def cancel(self) -> None:
        self._cancelled.set()
        context = self._context
        if context is None:
            return
        for _ in range(_CANCEL_TRIES):
            scard.SCardCancel(context)
            if self._idle.wait(0.05):
                return

    def close(self) -> None:
        context, self._context = self._context, None
        self._last = {}
        if context is not None:
            scard.SCardReleaseContext(context)
