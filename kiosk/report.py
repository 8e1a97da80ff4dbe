"""Session counts for the central team: per day, purpose, outcome and failure reason.

Read from the outbox's tombstones (records the server acknowledged; a tombstone holds the record
id, purpose, outcome, failure reason and times, no personal data). The record id is not printed
either: a report is counts only. Days are calendar days in the kiosk's time zone (Thailand by
default) of the session's `created_at`.

Errors: `ReportError` (bad dates or time zone, no outbox), with a one-line message.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Bangkok"
CSV_HEADER = ("date", "purpose", "outcome", "failure_reason", "count")


class ReportError(Exception):
    """The report cannot be made; the message names the cause."""


class TombstoneLike(Protocol):
    """What the report needs of `sync.outbox.Tombstone`."""

    @property
    def purpose(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def failure_reason(self) -> str | None: ...
    @property
    def created_at(self) -> str: ...


@dataclass(frozen=True, order=True)
class ReportRow:
    day: date
    purpose: str
    outcome: str
    failure_reason: str
    count: int


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportError(f"unknown time zone {name!r} (e.g. Asia/Bangkok, UTC)") from None


def parse_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{option} {text!r}: expected a date as YYYY-MM-DD") from None


def start_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def _session_day(created_at: str, tz: ZoneInfo) -> date | None:
    try:
        when = datetime.fromisoformat(created_at)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # the Record schema requires an offset; be lenient, read it as UTC
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    return when.astimezone(tz).date()


def summarise(tombstones: Iterable[TombstoneLike], *, tz: ZoneInfo, since: date | None = None,
              until: date | None = None) -> tuple[list[ReportRow], int]:
    """Count tombstones per (day, purpose, outcome, failure reason), `since`..`until` inclusive.

    Returns the rows, sorted, and the number of tombstones skipped for an unreadable date.
    """
    counts: Counter[tuple[date, str, str, str]] = Counter()
    unreadable = 0
    for t in tombstones:
        day = _session_day(t.created_at, tz)
        if day is None:
            unreadable += 1
            continue
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        counts[(day, t.purpose, t.outcome, t.failure_reason or "")] += 1
    rows = [ReportRow(d, p, o, r, n) for (d, p, o, r), n in counts.items()]
    return sorted(rows), unreadable


def to_csv(rows: Iterable[ReportRow]) -> str:
    """CSV for Excel and scripts: a header line, then one line per row (CRLF, as RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow((r.day.isoformat(), r.purpose, r.outcome, r.failure_reason, r.count))
    return out.getvalue()


def to_table(rows: list[ReportRow]) -> str:
    """A table for a terminal, with a total per day and overall."""
    lines: list[tuple[str, ...]] = [("DATE", "PURPOSE", "OUTCOME", "FAILURE REASON", "COUNT")]
    per_day: Counter[date] = Counter()
    for r in rows:
        lines.append((r.day.isoformat(), r.purpose, r.outcome, r.failure_reason or "-", str(r.count)))
        per_day[r.day] += r.count
    for day in sorted(per_day):
        lines.append((day.isoformat(), "(all)", "(all)", "", str(per_day[day])))
    lines.append(("total", "", "", "", str(sum(per_day.values()))))
    widths = [max(len(line[i]) for line in lines) for i in range(5)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) if i < 4 else cell.rjust(widths[i]) for i, cell in enumerate(line)).rstrip()
        for line in lines
    )


def window(since: date | None, tz: ZoneInfo) -> datetime | None:
    """The earliest acknowledgement time that can hold sessions from `since` on.

    A session is acknowledged after it was created, so tombstones acknowledged before the start
    of `since` cannot count; a day's margin covers a clock that was behind.
    """
    return None if since is None else start_of(since, tz) - timedelta(days=1)
