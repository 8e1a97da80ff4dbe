"""Card and reader events, from blocking waits on the back end (`CardReader.watch()`).

No polling and no debounce: the monitor's thread sleeps in the back end's wait (PC/SC's
`SCardGetStatusChange`) and is woken by the change itself. Each reader's event counter says how
many insertions and removals happened since the last look, so a card pulled out and put back (or
swapped for another) between two looks is reported as `removed` then `inserted`, and a card that
came and went unseen as `inserted` (ATR unknown) then `removed`. Reader plug/unplug is reported
at once. When the back end fails (pcscd stopped, restarting) one `fault` is reported and logged,
then one `recovered` when it answers again, retried every `poll_s`. If the thread itself dies it
reports a `fault` naming the cause before ending: it never dies silently.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from drivers.card.errors import CardError
from drivers.card.protocol import CardReader
from drivers.card.watch import ReaderState, StateWatch, events_between
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
    """`poll_s`: seconds between attempts while the back end is unreachable. `refresh_s`: the
    longest single wait (the reader list is looked at again after it). `debounce_s` is accepted
    for existing configurations and not used: pcsc-lite reports each change once, counted."""

    def __init__(
        self,
        reader: CardReader,
        on_event: Callable[[CardEvent], None],
        *,
        poll_s: float = 0.2,
        refresh_s: float = 5.0,
        debounce_s: float | None = None,
    ) -> None:
        super().__init__("card-monitor", log)
        self._reader = reader
        self._on_event = on_event
        self.poll_s = poll_s
        self.refresh_s = refresh_s
        self._known: dict[str, ReaderState] = {}
        self._faulted = False
        self._watch: StateWatch | None = None
        self._watch_lock = threading.Lock()

    def _emit(self, kind: EventKind, reader: str, atr: bytes | None = None, detail: str = "") -> None:
        self._on_event(CardEvent(kind, reader, atr, detail))

    def stop(self) -> None:
        self._stop.set()
        with self._watch_lock:
            if self._watch is not None:
                self._watch.cancel()
        super().stop()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    with self._watch_lock:
                        if self._watch is None:
                            self._watch = self._reader.watch()
                        watch = self._watch
                    states = watch.wait(self.refresh_s)
                except CardError as e:
                    self.fault(e)
                    self._drop_watch()
                    self._stop.wait(self.poll_s)
                    continue
                if not self._stop.is_set():
                    self.update(states)
        finally:
            self._drop_watch()

    def _drop_watch(self) -> None:
        with self._watch_lock:
            watch, self._watch = self._watch, None
        if watch is not None:
            watch.close()

    def _died(self, e: BaseException) -> None:
        log.error("card monitor stopped", exc_info=e)
        self._emit("fault", "", None, f"card monitor stopped: {type(e).__name__}: {e}")

    def fault(self, e: CardError) -> None:
        """The back end failed: reported once, until it answers again."""
        if not self._faulted:
            self._faulted = True
            log.warning("card reader unavailable", extra={"fields": {"cause": str(e)}})
            self._emit("fault", "", None, str(e))

    def update(self, states: dict[str, ReaderState]) -> None:
        """Report what changed since the previous states (public so that tests can drive it)."""
        if self._faulted:
            self._faulted = False
            log.info("card reader back")
            self._emit("recovered", "")
        for name in [n for n in self._known if n not in states]:
            if self._known.pop(name).atr is not None:
                self._emit("removed", name)
            self._emit("reader_removed", name)
        for name, now in states.items():
            before = self._known.get(name)
            self._known[name] = now
            if before is None:
                self._emit("reader_added", name)
                if now.atr is not None:
                    self._emit("inserted", name, now.atr)
                continue
            changes = events_between(before, now)
            left = before.atr is not None and (changes > 0 or now.atr is None)
            arrived = now.atr is not None and (changes > 0 or before.atr is None)
            if left:
                self._emit("removed", name)
            if arrived:
                self._emit("inserted", name, now.atr)
            if not left and not arrived and changes >= 2:  # came and went between two looks
                self._emit("inserted", name, None, "a card came and went before it could be seen")
                self._emit("removed", name)
