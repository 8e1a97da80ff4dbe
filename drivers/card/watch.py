"""What a back end tells the card monitor: each reader's state, and blocking waits for a change.

`ReaderState.events` is the reader's event counter (pcsc-lite keeps one per reader and returns it
in the high word of `dwEventState`): one more at every insertion and at every removal. Comparing
counters, not just "present or not", is what makes a card swapped between two looks visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

COUNTER_MASK = 0xFFFF


@dataclass(frozen=True)
class ReaderState:
    atr: bytes | None
    """The ATR of the card in the reader; None when it is empty (or the card is mute)."""
    events: int = 0
    """Insertions + removals seen by the reader, modulo 2**16."""


def events_between(before: ReaderState, after: ReaderState) -> int:
    """How many insertions and removals happened between two states of one reader."""
    return (after.events - before.events) & COUNTER_MASK


class StateWatch(Protocol):
    """Blocking waits on the readers' states (one per monitor thread)."""

    def wait(self, timeout_s: float) -> dict[str, ReaderState]:
        """Every reader's state, as soon as one differs from what the previous call returned (at
        once on the first call), or after `timeout_s`, or when `cancel()` is called.
        Raises ReaderFault (pcscd unreachable or stopped)."""
        ...

    def cancel(self) -> None:
        """Make a `wait()` in another thread return now."""
        ...

    def close(self) -> None: ...
