"""Every call that may block on the card runs with a deadline.

A PC/SC transmit to a mute card (or through a driver that waits for it) may never return, and
pcsc-lite offers no way to cancel it. So each connection has one owner thread (`CallWorker`)
that makes its blocking calls; the caller waits for each at most `timeout_s` and then raises
`MuteCard`. The worker is then stuck: further calls fail at once, and the clean-up queued with
`after()` (reset and disconnect the card) runs as soon as the stuck call returns. The thread is
a daemon, so a process that gives up on a mute card still exits.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from drivers.card.errors import MuteCard

log = logging.getLogger("kiosk.card")
T = TypeVar("T")


class _Call(Generic[T]):
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn: Callable[[], T]) -> None:
        self.fn = fn
        self.done = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as e:  # handed to the caller, which raises it
            self.error = e
        self.done.set()


class CallWorker:
    """The owner thread of one card connection."""

    def __init__(self, name: str, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.stuck: str | None = None  # what it is stuck on
        self._queue: queue.SimpleQueue[_Call[object] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (call := self._queue.get()) is not None:
            call.run()

    def call(self, fn: Callable[[], T], what: str, timeout_s: float | None = None) -> T:
        """`fn()` on the worker; MuteCard when it has not returned within the deadline."""
        if self.stuck is not None:
            raise MuteCard(f"the card connection is abandoned (no answer to {self.stuck})")
        call: _Call[T] = _Call(fn)
        self._queue.put(call)  # type: ignore[arg-type]
        limit = self.timeout_s if timeout_s is None else timeout_s
        if not call.done.wait(limit):
            self.stuck = what
            log.warning("card did not answer in time", extra={"fields": {"what": what, "timeout_s": limit}})
            raise MuteCard(f"the card did not answer {what} within {limit:g} s (a mute card): it was reset")
        if call.error is not None:
            raise call.error
        return call.result  # type: ignore[return-value]

    def after(self, fn: Callable[[], object]) -> None:
        """Run `fn()` on the worker once it is free (at once when it is), without waiting."""

        def quietly() -> None:
            try:
                fn()
            except Exception as e:  # clean-up of an abandoned connection: nobody waits for it
                log.debug("card clean-up failed", exc_info=e)

        self._queue.put(_Call(quietly))  # type: ignore[arg-type]

    def close(self) -> None:
        """End the thread after the calls queued so far (never waits for a stuck one)."""
        self._queue.put(None)
