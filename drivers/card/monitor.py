"""Card and reader events, from polling the back end's `states()` on a thread of its own.

Reader plug/unplug is reported at once; a card's presence must hold for `debounce_s` before
`inserted`/`removed` is reported (contacts bounce). When the back end fails (pcscd stopped,
restarting) one `fault` is reported and logged, then one `recovered` when it answers again —
the back end re-establishes its PC/SC context by itself. If the thread itself dies it reports a
`fault` naming the cause before ending: it never dies silently.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from drivers.card.errors import CardError
from drivers.card.protocol import CardReader
from drivers.owned_thread import OwnedThread

log = logging.getLogger("kiosk.card")
EventKind = Literal["inserted", "removed", "reader_added", "reader_removed", "fault", "recovered"]


@dataclass(frozen=True)
class CardEvent:
    kind: EventKind
    reader: str
    atr: bytes | None = None
    detail: str = ""


class CardMonitor(OwnedThread):
    def __init__(
        self,
        reader: CardReader,
        on_event: Callable[[CardEvent], None],
        *,
        debounce_s: float = 0.3,
        poll_s: float = 0.2,
    ) -> None:
        super().__init__("card-monitor", log)
        self._reader = reader
        self._on_event = on_event
        self.debounce_s = debounce_s
        self.poll_s = poll_s
        self._known: dict[str, bytes | None] = {}
        self._pending: dict[str, tuple[bytes | None, float]] = {}
        self._faulted = False

    def _emit(self, kind: EventKind, reader: str, atr: bytes | None = None, detail: str = "") -> None:
        self._on_event(CardEvent(kind, reader, atr, detail))

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.poll_once(time.monotonic())
            self._stop.wait(self.poll_s)

    def _died(self, e: BaseException) -> None:
        log.error("card monitor stopped", exc_info=e)
        self._emit("fault", "", None, f"card monitor stopped: {type(e).__name__}: {e}")

    def poll_once(self, now: float) -> None:
        """One poll of the back end (public so that tests can drive time)."""
        try:
            states = self._reader.states()
        except CardError as e:
            if not self._faulted:
                self._faulted = True
                log.warning("card reader unavailable", extra={"fields": {"cause": str(e)}})
                self._emit("fault", "", None, str(e))
            return
        if self._faulted:
            self._faulted = False
            log.info("card reader back")
            self._emit("recovered", "")
        for name in [n for n in self._known if n not in states]:
            if self._known.pop(name) is not None:
                self._emit("removed", name)
            self._pending.pop(name, None)
            self._emit("reader_removed", name)
        for name, atr in states.items():
            if name not in self._known:
                self._known[name] = None
                self._emit("reader_added", name)
            if atr == self._known[name]:
                self._pending.pop(name, None)
                continue
            candidate = self._pending.get(name)
            if candidate is None or candidate[0] != atr:
                self._pending[name] = (atr, now)
                candidate = self._pending[name]
            if now - candidate[1] < self.debounce_s:
                continue
            del self._pending[name]
            previous = self._known[name]
            self._known[name] = atr
            if previous is not None:
                self._emit("removed", name)
            if atr is not None:
                self._emit("inserted", name, atr)
