"""A `CardMonitor` listener for tests: records the events and waits for one from any thread."""

from __future__ import annotations

import threading

from drivers.card import CardEvent


class CardEvents:
    def __init__(self) -> None:
        self.items: list[CardEvent] = []
        self.cond = threading.Condition()

    def __call__(self, e: CardEvent) -> None:
        with self.cond:
            self.items.append(e)
            self.cond.notify_all()

    def kinds(self) -> list[str]:
        return [e.kind for e in self.items]

    def wait(self, kind: str, after: int = 0, timeout: float = 10.0) -> CardEvent:
        """The first event of `kind` at or after index `after`, waiting for it up to `timeout`."""

        def found() -> CardEvent | None:
            return next((e for e in self.items[after:] if e.kind == kind), None)

        with self.cond:
            assert self.cond.wait_for(lambda: found() is not None, timeout), f"no {kind} event: {self.items}"
            event = found()
            assert event is not None
            return event
