"""The outbox: a durable, encrypted, crash-safe queue of verification records.

One SQLite file (default `<state_dir>/outbox.sqlite`) in WAL mode with `synchronous=FULL`, so a
record whose `enqueue()` returned survives a crash or a power cut. States:

    open (pending, the session may still `update` it) --finalize / OPEN_LIMIT_S--> final
    pending (final) --claim_batch--> in_flight --ack--> acknowledged (a tombstone: no personal data)
       ^                               |  \\--dead--> dead (kept until a technician retries it)
       +---- lease expiry, release(), retry_later(at), release_dead_leases() ----+

A record is uploaded only once it is final: what the server receives is never changed afterwards,
so a retry after an unacknowledged send always carries the very body the server may already hold.
A session that writes its record before it is finished with it (the receipt's outcome, a refreshed
QR cti come later) enqueues it with `final=False` and calls `finalize()` when the citizen leaves;
a record left open longer than `OPEN_LIMIT_S` (the kiosk process died mid-session) is final from
then on, and the kiosk finalizes every open record when it starts.

Personal data never touches the file in the clear: each record's JSON is sealed with AES-256-GCM
under its own data key, wrapped by the key-encryption key in `<state_dir>/outbox.kek` (0600; see
`outbox_crypto`). Only the record id, purpose, outcome, failure reason and times are plain columns;
a dead record's reason is kept as a code and a redacted message (`sync.redact`). On
acknowledgement the wrapped key and ciphertext are erased (`secure_delete=ON`, then a WAL
checkpoint that truncates the log), leaving the tombstone for reports.

In-flight leases name their owner (`sync.lease`): `release_dead_leases()` returns the records of a
process that died (killed, power cut) to the queue at once instead of after `lease_s`.

Storage budget: `enqueue()` refuses a record that would take the pages in use past
`budget_bytes` (`OutboxFull("budget")`), and `would_exceed()` lets the kiosk go out of service
*before* a session starts, while there is still room for that session's record: a record is never
dropped. SQLite's `max_page_count` is set a margin above the budget (`maintenance_margin()`), so
the file can never grow without bound, while claims and acks of a full queue still have room to
drain it. A real full disk is `OutboxFull("disk")`.

`Outbox.open()` runs `PRAGMA integrity_check`; a corrupt file is moved aside (kept, with its WAL)
and `OutboxCorrupt(moved_to)` is raised so the kiosk reports a fault; opening again starts a new
file (`sync.outbox_file`). Reading and statistics: `sync.outbox_read`.

Errors: `OutboxError` > `OutboxFull(reason)`, `OutboxCorrupt(moved_to)`, `OutboxKeyError`,
`RecordNotFound`, `RecordGone`, `DuplicateRecord`, `RecordUnreadable`. `enqueue()` also raises
`sync.records.RecordInvalid` for a record the server would reject.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sync.outbox_crypto import Kek
from sync.outbox_file import DEFAULT_NAME, corrupt_files, maintenance_margin, open_file
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
from sync.outbox_read import SESSION_RESERVE_BYTES, OutboxReading
from sync.records import validate_record
from sync.redact import stored_reason

__all__ = [
    "DEFAULT_NAME", "KEK_NAME", "OPEN_LIMIT_S", "SESSION_RESERVE_BYTES", "Claimed", "DeadLetter",
    "DuplicateRecord", "Outbox", "OutboxCorrupt", "OutboxError", "OutboxFull", "OutboxKeyError",
    "OutboxStats", "RecordGone", "RecordNotFound", "RecordUnreadable", "Tombstone", "corrupt_files",
    "maintenance_margin",
]

log = logging.getLogger("kiosk.outbox")

KEK_NAME = "outbox.kek"
OPEN_LIMIT_S = 900.0
"""Seconds a session may keep its record open (the result screen, printing, taking the card:
minutes at most); after that the record is final, so a kiosk that died mid-session still gets it
uploaded."""
# Index and bookkeeping bytes a stored record costs beyond its ciphertext (measured ~150-250).
ROW_OVERHEAD_BYTES = 256

def _encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Outbox(OutboxReading):
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

    # ---- writing ---------------------------------------------------------------------------

    def enqueue(self, record: dict[str, Any], *, final: bool = True) -> None:
        """Validate, seal and store one record; returns only once it is committed to disk.
        `final=False`: the session will still `update` it and `finalize()` it when it is done."""
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
            now = self._clock()
            cur = conn.execute(
                "INSERT INTO records (record_id, state, purpose, outcome, failure_reason, created_at,"
                " enqueued_at, open_until) VALUES (?, 'pending', ?, ?, ?, ?, ?, ?)",
                [rid, normalized["purpose"], normalized["outcome"], normalized.get("failure_reason"),
                 normalized["created_at"], now, None if final else now + OPEN_LIMIT_S],
            )
            conn.execute("INSERT INTO sealed VALUES (?, ?, ?, ?)",
                         [cur.lastrowid, sealed.wrapped_key, sealed.nonce, sealed.ciphertext])

    def update(self, record: dict[str, Any]) -> bool:
        """Replace an open record's body (e.g. the latest QR cti, the receipt's outcome); False,
        changing nothing, once it is final (it may be on its way: the server keeps that version)."""
        normalized = validate_record(record).to_json()
        rid = str(normalized["record_id"])
        sealed = self._kek.seal(rid, _encode(normalized))
        with self._write() as conn:
            now = self._clock()
            conn.execute(
                "UPDATE sealed SET wrapped_key = ?, nonce = ?, ciphertext = ? WHERE record_seq ="
                " (SELECT seq FROM records WHERE record_id = ? AND state = 'pending' AND open_until > ?)",
                [sealed.wrapped_key, sealed.nonce, sealed.ciphertext, rid, now],
            )
            cur = conn.execute(
                "UPDATE records SET failure_reason = ? WHERE record_id = ? AND state = 'pending' AND open_until > ?",
                [normalized.get("failure_reason"), rid, now],
            )
            if cur.rowcount == 0 and conn.execute("SELECT 1 FROM records WHERE record_id = ?", [rid]).fetchone() is None:
                raise RecordNotFound(f"no record {rid} in the outbox")
            return cur.rowcount == 1

    def finalize(self, record_id: str | None = None) -> int:
        """The session is done changing this record (None: every open record): from now on it is
        uploaded as it is and `update` refuses it. Returns how many became final."""
        with self._write() as conn:
            if record_id is None:
                cur = conn.execute("UPDATE records SET open_until = NULL WHERE open_until IS NOT NULL")
            else:
                cur = conn.execute("UPDATE records SET open_until = NULL WHERE record_id = ? AND open_until IS NOT NULL",
                                   [record_id])
            return int(cur.rowcount)

    def claim_batch(self, n: int, lease_s: float, owner: str = "") -> list[Claimed]:
        """Up to `n` due final records, oldest first, leased to `owner` for `lease_s` seconds."""
        now = self._clock()
        with self._write() as conn:
            conn.execute(
                "UPDATE records SET state = 'pending', lease_owner = NULL WHERE state = 'in_flight'"
                " AND lease_until <= ?", [now]
            )
            rows = conn.execute(
                "SELECT r.seq, r.record_id, r.attempts, s.wrapped_key, s.nonce, s.ciphertext FROM records r"
                " LEFT JOIN sealed s ON s.record_seq = r.seq"
                " WHERE r.state = 'pending' AND r.next_attempt_at <= ?"
                " AND (r.open_until IS NULL OR r.open_until <= ?) ORDER BY r.seq LIMIT ?",
                [now, now, n],
            ).fetchall()
            conn.executemany(
                "UPDATE records SET state = 'in_flight', lease_until = ?, lease_owner = ?, open_until = NULL,"
                " attempts = attempts + 1 WHERE seq = ?",
                [(now + lease_s, owner or None, r[0]) for r in rows],
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
                    "UPDATE records SET state = 'acknowledged', acknowledged_at = ?, lease_until = NULL,"
                    " lease_owner = NULL, open_until = NULL WHERE seq = ?", [now, row[0]],
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
                "UPDATE records SET state = 'pending', next_attempt_at = ?, lease_until = NULL,"
                " lease_owner = NULL WHERE record_id = ? AND state = 'in_flight'",
                [(at, rid) for rid in record_ids],
            )

    def release(self, record_ids: Iterable[str]) -> None:
        """Give claimed records back, due now, without counting the attempt."""
        with self._write() as conn:
            conn.executemany(
                "UPDATE records SET state = 'pending', next_attempt_at = 0, lease_until = NULL,"
                " lease_owner = NULL, attempts = max(attempts - 1, 0) WHERE record_id = ? AND state = 'in_flight'",
                [(rid,) for rid in record_ids],
            )

    def release_dead_leases(self, alive: Callable[[str], bool]) -> int:
        """Return to the queue, due now, the in-flight records whose lease owner is not `alive`
        (a sync process killed or a power cut); leases of a live owner, or of none recorded,
        are left to run out. Returns how many."""
        with self._write() as conn:
            owners = [str(r[0]) for r in conn.execute(
                "SELECT DISTINCT lease_owner FROM records WHERE state = 'in_flight' AND lease_owner IS NOT NULL")]
            dead = [o for o in owners if not alive(o)]
            count = 0
            for owner in dead:
                cur = conn.execute(
                    "UPDATE records SET state = 'pending', next_attempt_at = 0, lease_until = NULL, lease_owner = NULL"
                    " WHERE state = 'in_flight' AND lease_owner = ?", [owner])
                count += int(cur.rowcount)
            return count

    def dead(self, record_id: str, reason: str) -> None:
        """Park a record the server refuses; it stays (encrypted) until retried. The reason is
        kept as `code: redacted message` whoever wrote it (`sync.redact.stored_reason`)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE records SET state = 'dead', dead_reason = ?, dead_at = ?, lease_until = NULL,"
                " lease_owner = NULL, open_until = NULL WHERE record_id = ? AND state IN ('pending', 'in_flight')",
                [stored_reason(reason), self._clock(), record_id],
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
