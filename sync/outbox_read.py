"""The outbox's read side: decrypting one record, states, statistics, dead letters, tombstones,
the storage budget. A base class of `sync.outbox.Outbox`, which owns the connection and writes.

Errors: those of `sync.outbox_model` (`RecordNotFound`, `RecordGone`, `RecordUnreadable`,
`OutboxFull`, `OutboxError`).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sync.outbox_crypto import Kek, SealBroken, Sealed
from sync.outbox_file import sqlite_code
from sync.outbox_model import (
    DeadLetter,
    OutboxError,
    OutboxFull,
    OutboxStats,
    RecordGone,
    RecordNotFound,
    RecordUnreadable,
    Tombstone,
)

# Room kept for one more session's record: a sealed record is ~1-3 KiB, index pages included.
SESSION_RESERVE_BYTES = 64 * 1024
SQLITE_FULL = 13


class OutboxReading:
    _conn: sqlite3.Connection
    _lock: threading.RLock
    _kek: Kek
    _clock: Callable[[], float]
    _page_size: int
    path: Path
    budget_bytes: int

    def _translate(self, e: sqlite3.Error) -> OutboxError:
        if sqlite_code(e) == SQLITE_FULL:
            page_count = int(self._conn.execute("PRAGMA page_count").fetchone()[0])
            max_pages = int(self._conn.execute("PRAGMA max_page_count").fetchone()[0])
            if page_count >= max_pages - 1:
                return OutboxFull("budget", f"outbox storage budget of {self.budget_bytes} bytes is reached")
            return OutboxFull("disk", f"disk is full under {self.path.parent}")
        return OutboxError(f"outbox database error: {e}")

    def _open(self, rid: str, wrapped: bytes | None, nonce: bytes | None, ct: bytes | None) -> bytes:
        if wrapped is None or nonce is None or ct is None:
            raise RecordGone(f"record {rid} was acknowledged; its data is erased")
        try:
            return self._kek.open(rid, Sealed(wrapped, nonce, ct))
        except SealBroken as e:
            raise RecordUnreadable(str(e)) from None

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        with self._lock:
            try:
                return self._conn.execute(sql, list(params)).fetchall()
            except sqlite3.Error as e:
                raise self._translate(e) from None

    def get(self, record_id: str) -> dict[str, Any]:
        """The decrypted record (for the sync process and tests; never print it)."""
        rows = self._read(
            "SELECT s.wrapped_key, s.nonce, s.ciphertext FROM records r LEFT JOIN sealed s ON s.record_seq = r.seq"
            " WHERE r.record_id = ?", [record_id],
        )
        if not rows:
            raise RecordNotFound(f"no record {record_id} in the outbox")
        result: dict[str, Any] = json.loads(self._open(record_id, *rows[0]))
        return result

    def ids(self, state: str = "pending") -> list[str]:
        """Ids of the records in `state`, oldest first; read only: unlike `claim_batch`, nothing
        is leased."""
        return [str(r[0]) for r in self._read("SELECT record_id FROM records WHERE state = ? ORDER BY seq", [state])]

    def state_of(self, record_id: str) -> str | None:
        rows = self._read("SELECT state FROM records WHERE record_id = ?", [record_id])
        return str(rows[0][0]) if rows else None

    def is_open(self, record_id: str) -> bool:
        """Whether the session may still change this record (it is not uploaded before it is final)."""
        rows = self._read("SELECT 1 FROM records WHERE record_id = ? AND state = 'pending' AND open_until > ?",
                          [record_id, self._clock()])
        return bool(rows)

    def stats(self) -> OutboxStats:
        now = self._clock()
        counts = dict.fromkeys(("pending", "in_flight", "acknowledged", "dead"), 0)
        for state, n in self._read("SELECT state, count(*) FROM records GROUP BY state"):
            counts[str(state)] = int(n)
        still_open = int(self._read("SELECT count(*) FROM records WHERE state = 'pending' AND open_until > ?",
                                    [now])[0][0])
        oldest = self._read("SELECT enqueued_at FROM records WHERE state = 'pending' ORDER BY seq LIMIT 1")
        age = max(0.0, now - float(oldest[0][0])) if oldest else None
        return OutboxStats(counts["pending"] - still_open, counts["in_flight"], counts["acknowledged"],
                           counts["dead"], age, self.disk_bytes(), self.used_bytes(), self.budget_bytes,
                           still_open)

    def lease_owners(self) -> dict[str, int]:
        """Who holds the in-flight records: lease owner -> how many (see `sync.lease`)."""
        rows = self._read("SELECT coalesce(lease_owner, ''), count(*) FROM records WHERE state = 'in_flight'"
                          " GROUP BY lease_owner")
        return {str(owner): int(n) for owner, n in rows}

    def disk_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal", "-shm"):
            try:
                total += os.stat(f"{self.path}{suffix}").st_size
            except FileNotFoundError:
                pass
        return total

    def used_bytes(self) -> int:
        """Bytes the budget counts: pages in use (free pages are reused before the file grows)."""
        with self._lock:
            return self._used_bytes(self._conn)

    def _used_bytes(self, conn: sqlite3.Connection) -> int:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
        return (pages - free) * self._page_size

    def would_exceed(self, extra_bytes: int = SESSION_RESERVE_BYTES) -> bool:
        """True when `extra_bytes` more would pass the budget: the kiosk then goes out of service
        instead of starting a session whose record might not fit."""
        return self.used_bytes() + extra_bytes > self.budget_bytes

    def dead_letters(self) -> list[DeadLetter]:
        rows = self._read(
            "SELECT record_id, created_at, dead_reason, attempts, dead_at FROM records WHERE state = 'dead' ORDER BY seq"
        )
        return [DeadLetter(r[0], r[1], r[2] or "", int(r[3]), r[4]) for r in rows]

    def tombstones(self, since: datetime | None = None) -> list[Tombstone]:
        floor = since.timestamp() if since is not None else 0.0
        rows = self._read(
            "SELECT record_id, purpose, outcome, failure_reason, created_at, acknowledged_at FROM records"
            " WHERE state = 'acknowledged' AND acknowledged_at >= ? ORDER BY acknowledged_at, seq",
            [floor],
        )
        return [Tombstone(r[0], r[1], r[2], r[3], r[4], datetime.fromtimestamp(r[5], UTC)) for r in rows]

    def integrity_ok(self) -> bool:
        return [r[0] for r in self._read("PRAGMA integrity_check")] == ["ok"]
