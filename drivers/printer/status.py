"""Real-time printer status (`DLE EOT n`): the queries, the replies, and what they mean.

ESC/POS answers `DLE EOT n` with one byte whose bits 1 and 4 are always 1 and bits 0 and 7
always 0 (`byte & 0x93 == 0x12`); anything else is not a status reply. No reply at all means
*unknown*, never "ok" (python-escpos reports paper present when nothing answers).

- n=1 printer status: bit 3 = offline.
- n=2 offline cause: bit 2 = cover open, bit 5 = stopped by paper end, bit 6 = error.
- n=4 roll paper sensor: bits 2+3 = near end, bits 5+6 = paper end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = DLE_EOT + b"\x01"
QUERY_OFFLINE_CAUSE = DLE_EOT + b"\x02"
QUERY_PAPER = DLE_EOT + b"\x04"

PaperLevel = Literal["ok", "near_end", "out", "unknown"]
StateWord = Literal["ok", "near_end", "paper_out", "cover_open", "offline", "unknown"]

_FIXED = 0x12
_FIXED_MASK = 0x93
OFFLINE_BIT = 0x08
COVER_OPEN_BIT = 0x04
PAPER_STOP_BIT = 0x20
ERROR_BIT = 0x40
NEAR_END_BITS = 0x0C
PAPER_END_BITS = 0x60


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said; `None`/"unknown" where it said nothing."""

    online: bool | None
    paper: PaperLevel
    cover_open: bool | None

    @property
    def state(self) -> StateWord:
        """One word for screens, logs and the doctor; "ok" only when every answer was good."""
        if self.cover_open:
            return "cover_open"
        if self.paper == "out":
            return "paper_out"
        if self.online is False:
            return "offline"
        if self.online is None or self.paper == "unknown" or self.cover_open is None:
            return "unknown"
        return "near_end" if self.paper == "near_end" else "ok"


UNKNOWN = PrinterStatus(online=None, paper="unknown", cover_open=None)
OFFLINE = PrinterStatus(online=False, paper="unknown", cover_open=None)


def is_status_byte(reply: bytes) -> bool:
    return len(reply) == 1 and (reply[0] & _FIXED_MASK) == _FIXED


def parse(printer: bytes, offline_cause: bytes, paper: bytes) -> PrinterStatus:
    """The status from the replies to n=1, n=2 and n=4 (each b"" when nothing answered)."""
    online: bool | None = None
    if is_status_byte(printer):
        online = not printer[0] & OFFLINE_BIT
    cover: bool | None = None
    stopped_by_paper = False
    if is_status_byte(offline_cause):
        cover = bool(offline_cause[0] & COVER_OPEN_BIT)
        stopped_by_paper = bool(offline_cause[0] & PAPER_STOP_BIT)
    level: PaperLevel = "unknown"
    if is_status_byte(paper):
        if paper[0] & PAPER_END_BITS == PAPER_END_BITS:
            level = "out"
        elif paper[0] & NEAR_END_BITS == NEAR_END_BITS:
            level = "near_end"
        else:
            level = "ok"
    if stopped_by_paper:
        level = "out"
    return PrinterStatus(online=online, paper=level, cover_open=cover)


def replies_for(state: str) -> dict[int, int] | None:
    """The status bytes a healthy ESC/POS printer sends in `state` (None: it does not answer).

    `state` is a virtual-printer state: ok, near-end, out, cover-open, offline, mute.
    """
    if state == "mute":
        return None
    n1, n2, n4 = _FIXED, _FIXED, _FIXED
    if state == "near-end":
        n4 |= NEAR_END_BITS
    elif state == "out":
        n1 |= OFFLINE_BIT
        n2 |= PAPER_STOP_BIT
        n4 |= NEAR_END_BITS | PAPER_END_BITS
    elif state == "cover-open":
        n1 |= OFFLINE_BIT
        n2 |= COVER_OPEN_BIT
    elif state == "offline":
        n1 |= OFFLINE_BIT
        n2 |= ERROR_BIT
    elif state != "ok":
        raise ValueError(f"unknown printer state {state!r}")
    return {1: n1, 2: n2, 3: _FIXED, 4: n4}
