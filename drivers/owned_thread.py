"""One loop on a thread of its own, with an explicit lifecycle and no silent death.

`OwnedThread` is the base of the driver objects that run a loop in the background (the card
monitor, the virtual card for vpcd, the virtual printer's pty): `start()`, `stop()` (sets
`_stop` and joins the thread), or `with obj:`. Subclasses implement `_loop()`, which returns
once `_stop` is set. If the loop raises, the exception is kept in `.error` and `_died(e)` is
called (by default one error line on the subclass's logger; the card monitor also reports a
`fault` event), then the thread ends. A thread that does not end within `join_timeout_s` of
`stop()` is logged as a warning instead of being forgotten.

Errors: `RuntimeError` from `start()` when the loop is already running.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Self


class OwnedThread:
    join_timeout_s = 5.0

    def __init__(self, thread_name: str, log: logging.Logger) -> None:
        self._thread_name = thread_name
        self._log = log
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    @property
    def running(self) -> bool:
        """Started and not yet stopped (the loop itself may have died: see `error`)."""
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self._thread_name} is already running")
        self._stop.clear()
        self.error = None
        self._thread = threading.Thread(target=self._guarded_loop, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        thread.join(timeout=self.join_timeout_s)
        if thread.is_alive():
            self._log.warning("thread did not stop in time",
                              extra={"fields": {"thread": thread.name, "waited_s": self.join_timeout_s}})

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _guarded_loop(self) -> None:
        try:
            self._loop()
        except BaseException as e:  # report our own death, then end
            self.error = e
            self._died(e)

    def _loop(self) -> None:
        raise NotImplementedError

    def _died(self, e: BaseException) -> None:
        self._log.error(f"{self._thread_name} stopped", exc_info=e)
