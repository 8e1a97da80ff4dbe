"""`Worker`: one owner thread with a job queue (a device's, or the storage's). Jobs run one at a
time, in submission order; a job that raises is logged and the thread goes on. `drain()` waits for
the jobs submitted so far (FIFO: a later job never overtakes an earlier one)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from kiosk import logs

log = logs.get("flow")


class Worker:
    """One owner thread with a job queue: jobs run one at a time, in order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name=f"kiosk-{name}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)

    def drain(self, timeout_s: float) -> bool:
        """Wait for every job submitted before this call; False on timeout or when stopped."""
        if not self._thread.is_alive():
            return False
        done = threading.Event()
        self._jobs.put(done.set)
        return done.wait(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._jobs.put(None)
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                job()
            except Exception as e:  # a job's failure must not kill the device's owner thread
                log.error("device job failed", extra={"fields": {"worker": self.name, "error": type(e).__name__}},
                          exc_info=e)
