"""The outbox: a durable, encrypted, crash-safe queue of verification records.

One SQLite file (default `<state_dir>/outbox.sqlite`) in WAL mode with `synchronous=FULL`, so a
record whose `enqueue()` returned survives a crash or a power cut. States:

    pending --claim_batch--> in_flight --ack--> acknowledged (a tombstone: no personal data)
       ^                        |  \\--dead--> dead (kept until a technician retries it)
       +--- lease expiry, release(), retry_later(at) ---+

Personal data never touches the file in the clear: each record's JSON is sealed with AES-256-GCM
under its own data key, wrapped by the key-encryption key in `<state_dir>/outbox.kek` (0600; see
`outbox_crypto`). Only the record id, purpose, outcome, failure reason and times are plain columns.
On acknowledgement the wrapped key and ciphertext are erased (`secure_delete=ON`, then a WAL
checkpoint that truncates the log), leaving the tombstone for reports.

Storage budget: `enqueue()` refuses a record that would take the pages in use past
`budget_bytes` (`OutboxFull("budget")`), and `would_exceed()` lets the kiosk go out of service
*before* a session starts, while there is still room for that session's record: a record is never
dropped. SQLite's `max_page_count` is set a margin above the budget (`maintenance_margin()`), so
the file can never grow without bound, while claims and acks of a full queue still have room to
drain it. A real full disk is `OutboxFull("disk")`.

`Outbox.open()` runs `PRAGMA integrity_check`; a corrupt file is moved aside (kept, with its WAL)
and `OutboxCorrupt(moved_to)` is raised so the kiosk reports a fault; opening again starts a new
file (`sync.outbox_file`).

Errors: `OutboxError` > `OutboxFull(reason)`, `OutboxCorrupt(moved_to)`, `OutboxKeyError`,
`RecordNotFound`, `RecordGone`, `DuplicateRecord`, `RecordUnreadable`. `enqueue()` also raises
`sync.records.RecordInvalid` for a record the server would reject.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sync.outbox_crypto import Kek, SealBroken, Sealed
from sync.outbox_file import DEFAULT_NAME, corrupt_files, maintenance_margin, open_file, sqlite_code
from sync.outbox_model import (
    Claimed,
    DeadLetter,
    DuplicateRecord,
    OutboxCorrupt,
    OutboxError,
    OutboxFull,
    OutboxKeyError,
    OutboxStats,
    RecordGone,
    RecordNotFound,
    RecordUnreadable,
    Tombstone,
)
from sync.records import validate_record

__all__ = [
    "DEFAULT_NAME", "KEK_NAME", "Claimed", "DeadLetter", "DuplicateRecord", "Outbox", "OutboxCorrupt",
    "OutboxError", "OutboxFull",
    "OutboxKeyError", "OutboxStats", "RecordGone", "RecordNotFound", "RecordUnreadable", "Tombstone",
    "corrupt_files", "maintenance_margin",
]

log = logging.getLogger("kiosk.outbox")

KEK_NAME = "outbox.kek"
# Room kept for one more session's record: a sealed record is ~1-3 KiB, index pages included.
SESSION_RESERVE_BYTES = 64 * 1024
# Index and bookkeeping bytes a stored record costs beyond its ciphertext (measured ~150-250).
ROW_OVERHEAD_BYTES = 256
SQLITE_FULL = 13


def _encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Outbox:
    def __init__(self, conn: sqlite3.Connection, path: Path, kek: Kek, budget_bytes: int,
                 clock: Callable[[], float]) -> None:
        self._conn = conn
        self.path = path
        self._kek = kek
        self.budget_bytes = budget_bytes
        self._clock = clock
        self._lock = threading.RLock()
        self._page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])

    # ---- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, kek_path: Path, budget_bytes: int,
             clock: Callable[[], float] = time.time, check: bool = True) -> Outbox:
        try:
            conn, kek = open_file(Path(path), Path(kek_path), budget_bytes, check)
        except OSError as e:  # folder or key file not writable, disk gone...
            raise OutboxError(f"cannot open outbox {path}: {e.strerror or e}") from None
        return cls(conn, Path(path), kek, budget_bytes, clock)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, t: type[BaseException] | None, v: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction; SQLite errors become the outbox's own."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise OutboxError(f"outbox is busy or unwritable: {e}") from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as e:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise self._translate(e) from None
                raise

    def _translate(self, e: sqlite3.Error) -> OutboxError:
        if sqlite_code(e) == SQLITE_FULL:
            page_count = int(self._conn.execute("PRAGMA page_count").fetchone()[0])
            max_pages = int(self._conn.execute("PRAGMA max_page_count").fetchone()[0])
            if page_count >= max_pages - 1:
                return OutboxFull("budget", f"outbox storage budget of {self.budget_bytes} bytes is reached")
            return OutboxFull("disk", f"disk is full under {self.path.parent}")
        return OutboxError(f"outbox database error: {e}")

    # ---- writing ---------------------------------------------------------------------------

    def enqueue(self, record: dict[str, Any]) -> None:
        """Validate, seal and store one record; returns only once it is committed to disk."""
        normalized = validate_record(record).to_json()
        rid = str(normalized["record_id"])
        body = _encode(normalized)
        sealed = self._kek.seal(rid, body)
        with self._write() as conn:
            row = conn.execute(
                "SELECT r.state, s.wrapped_key, s.nonce, s.ciphertext FROM records r"
                " LEFT JOIN sealed s ON s.record_seq = r.seq WHERE r.record_id = ?", [rid]
            ).fetchone()
            if row is not None:
                # an identical retry of an enqueue is harmless; a different body is a bug upstream
                if row[0] == "acknowledged" or self._open(rid, row[1], row[2], row[3]) == body:
                    return
                raise DuplicateRecord(f"a different record with id {rid} is already queued")
            if self._used_bytes(conn) + len(sealed.ciphertext) + ROW_OVERHEAD_BYTES > self.budget_bytes:
                raise OutboxFull("budget", f"outbox storage budget of {self.budget_bytes} bytes is reached")
            cur = conn.execute(
                "INSERT INTO records (record_id, state, purpose, outcome, failure_reason, created_at,"
                " enqueued_at) VALUES (?, 'pending', ?, ?, ?, ?, ?)",
                [rid, normalized["purpose"], normalized["outcome"], normalized.get("failure_reason"),
                 normalized["created_at"], self._clock()],
            )
            conn.execute("INSERT INTO sealed VALUES (?, ?, ?, ?)",
                         [cur.lastrowid, sealed.wrapped_key, sealed.nonce, sealed.ciphertext])

    def update(self, record: dict[str, Any]) -> bool:
        """Replace a still-pending record's body (e.g. the latest QR cti); False once it is in
        flight, acknowledged or dead (the server then keeps the version it was sent)."""
        normalized = validate_record(record).to_json()
        rid = str(normalized["record_id"])
        sealed = self._kek.seal(rid, _encode(normalized))
        with self._write() as conn:
            conn.execute(
                "UPDATE sealed SET wrapped_key = ?, nonce = ?, ciphertext = ? WHERE record_seq ="
                " (SELECT seq FROM records WHERE record_id = ? AND state = 'pending')",
                [sealed.wrapped_key, sealed.nonce, sealed.ciphertext, rid],
            )
            cur = conn.execute(
                "UPDATE records SET failure_reason = ? WHERE record_id = ? AND state = 'pending'",
                [normalized.get("failure_reason"), rid],
            )
            if cur.rowcount == 0 and conn.execute("SELECT 1 FROM records WHERE record_id = ?", [rid]).fetchone() is None:
                raise RecordNotFound(f"no record {rid} in the outbox")
            return cur.rowcount == 1

    def claim_batch(self, n: int, lease_s: float) -> list[Claimed]:
        """Up to `n` due records, oldest first, leased for `lease_s` seconds."""
        now = self._clock()
        with self._write() as conn:
            conn.execute(
                "UPDATE records SET state = 'pending' WHERE state = 'in_flight' AND lease_until <= ?", [now]
            )
            rows = conn.execute(
                "SELECT r.seq, r.record_id, r.attempts, s.wrapped_key, s.nonce, s.ciphertext FROM records r"
                " LEFT JOIN sealed s ON s.record_seq = r.seq"
                " WHERE r.state = 'pending' AND r.next_attempt_at <= ? ORDER BY r.seq LIMIT ?",
                [now, n],
            ).fetchall()
            conn.executemany(
                "UPDATE records SET state = 'in_flight', lease_until = ?, attempts = attempts + 1 WHERE seq = ?",
                [(now + lease_s, r[0]) for r in rows],
            )
        return [Claimed(r[1], json.loads(self._open(r[1], r[3], r[4], r[5])), r[2] + 1) for r in rows]

    def ack(self, record_ids: Iterable[str]) -> int:
        """The server holds these records: erase their data, keep tombstones. Returns how many."""
        ids = list(record_ids)
        with self._write() as conn:
            count = 0
            now = self._clock()
            for rid in ids:
                row = conn.execute(
                    "SELECT seq FROM records WHERE record_id = ? AND state != 'acknowledged'", [rid]
                ).fetchone()
                if row is None:
                    continue
                conn.execute("DELETE FROM sealed WHERE record_seq = ?", [row[0]])
                conn.execute(
                    "UPDATE records SET state = 'acknowledged', acknowledged_at = ?, lease_until = NULL"
                    " WHERE seq = ?", [now, row[0]],
                )
                count += 1
        self._checkpoint()
        return count

    def _checkpoint(self) -> None:
        # with secure_delete the erased pages are zeroed; the checkpoint writes them to the main
        # file and truncates the WAL, so no old frame keeps the erased bytes
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as e:
                log.warning("outbox checkpoint failed", extra={"fields": {"error": str(e)}})

    def retry_later(self, record_ids: Iterable[str], at: float) -> None:
        with self._write() as conn:
            conn.executemany(
                "UPDATE records SET state = 'pending', next_attempt_at = ?, lease_until = NULL"
                " WHERE record_id = ? AND state = 'in_flight'",
                [(at, rid) for rid in record_ids],
            )

    def release(self, record_ids: Iterable[str]) -> None:
        """Give claimed records back, due now, without counting the attempt."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE records SET state = 'pending', next_attempt_at = 0, lease_until = NULL,"
                " attempts = max(attempts - 1, 0) WHERE record_id = ? AND state = 'in_flight'",
                [(rid,) for rid in record_ids],
            )

    def dead(self, record_id: str, reason: str) -> None:
        """Park a record the server refuses; it stays (encrypted) until retried."""
        with self._write() as conn:
            conn.execute(
                "UPDATE records SET state = 'dead', dead_reason = ?, dead_at = ?, lease_until = NULL"
                " WHERE record_id = ? AND state IN ('pending', 'in_flight')",
                [reason, self._clock(), record_id],
            )

    def retry_dead(self, record_id: str | None = None) -> int:
        """Put one dead record (or all, with None) back to pending; returns how many."""
        with self._write() as conn:
            if record_id is None:
                cur = conn.execute(
                    "UPDATE records SET state = 'pending', next_attempt_at = 0, dead_reason = NULL,"
                    " dead_at = NULL WHERE state = 'dead'"
                )
            else:
                state = conn.execute("SELECT state FROM records WHERE record_id = ?", [record_id]).fetchone()
                if state is None:
                    raise RecordNotFound(f"no record {record_id} in the outbox")
                if state[0] != "dead":
                    raise OutboxError(f"record {record_id} is {state[0]}, not dead")
                cur = conn.execute(
                    "UPDATE records SET state = 'pending', next_attempt_at = 0, dead_reason = NULL,"
                    " dead_at = NULL WHERE record_id = ?",
                    [record_id],
                )
            return int(cur.rowcount)

    # ---- reading ---------------------------------------------------------------------------

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
        is leased, so a concurrent `update` of a pending record is never turned away."""
        return [str(r[0]) for r in self._read("SELECT record_id FROM records WHERE state = ? ORDER BY seq", [state])]

    def state_of(self, record_id: str) -> str | None:
        rows = self._read("SELECT state FROM records WHERE record_id = ?", [record_id])
        return str(rows[0][0]) if rows else None

    def stats(self) -> OutboxStats:
        counts = dict.fromkeys(("pending", "in_flight", "acknowledged", "dead"), 0)
        for state, n in self._read("SELECT state, count(*) FROM records GROUP BY state"):
            counts[str(state)] = int(n)
        oldest = self._read("SELECT enqueued_at FROM records WHERE state = 'pending' ORDER BY seq LIMIT 1")
        age = max(0.0, self._clock() - float(oldest[0][0])) if oldest else None
        return OutboxStats(counts["pending"], counts["in_flight"], counts["acknowledged"], counts["dead"],
                           age, self.disk_bytes(), self.used_bytes(), self.budget_bytes)

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
