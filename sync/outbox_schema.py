"""Versioned schema of the outbox database, with its migrations.

The version is SQLite's `PRAGMA user_version`. `MIGRATIONS[n]` takes a database at version n-1 to
version n inside the caller's transaction; a fresh file runs them all from 0, so the oldest layout
is still created by real code and each old version is kept as a test fixture
(`tests/fixtures/outbox-v1.sql`) migrated in a test.

- v1: one `records` table: state machine, envelope-encrypted body, tombstone columns.
- v2: sealed bodies in their own table `sealed` (deleted on acknowledgement, so the space is
  reused); `failure_reason` in the clear for tombstones and reports (backfilled by decrypting the
  queued rows); `dead_at`; an index so expired leases are found without a scan.
- v3: `open_until` (a record the session may still change is not uploaded before it is final:
  NULL = final; rows already queued are final); `lease_owner` (which process holds an in-flight
  lease, so the leases of a dead one are released at start-up); dead reasons already stored are
  redacted (older versions kept a server's message as it came, values it quoted included).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import sqlite_utils

from sync.redact import stored_reason

CURRENT_VERSION = 3

# Opens a row's sealed body; given to migrations that need to read old records.
Unseal = Callable[[str, bytes, bytes, bytes], bytes]


def _v1(db: sqlite_utils.Database, unseal: Unseal) -> None:
    db.execute(
        """
        CREATE TABLE records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            record_id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'acknowledged', 'dead')),
            purpose TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at TEXT NOT NULL,
            enqueued_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            lease_until REAL,
            dead_reason TEXT,
            acknowledged_at REAL,
            wrapped_key BLOB,
            nonce BLOB,
            ciphertext BLOB
        )
        """
    )
    # raw SQL: sqlite-utils' create_index commits, which would split the migration's transaction
    db.execute("CREATE INDEX records_state_seq ON records (state, seq)")


def _v2(db: sqlite_utils.Database, unseal: Unseal) -> None:
    # Sealed bodies move to their own table, deleted (not nulled) on acknowledgement: emptied
    # pages then go to the free list and are reused, where nulled columns left holes that the
    # append-only rowid order never filled, so an acknowledged queue never gave its space back.
    db.execute(
        """
        CREATE TABLE sealed (
            record_seq INTEGER PRIMARY KEY REFERENCES records (seq),
            wrapped_key BLOB NOT NULL,
            nonce BLOB NOT NULL,
            ciphertext BLOB NOT NULL
        )
        """
    )
    table = db["records"]
    assert isinstance(table, sqlite_utils.db.Table)
    table.add_column("failure_reason", str)
    table.add_column("dead_at", float)
    rows = db.execute(
        "SELECT seq, record_id, wrapped_key, nonce, ciphertext FROM records WHERE ciphertext IS NOT NULL"
    ).fetchall()
    for seq, record_id, wrapped, nonce, ciphertext in rows:
        body = json.loads(unseal(record_id, wrapped, nonce, ciphertext))
        reason = body.get("failure_reason")
        if isinstance(reason, str):
            db.execute("UPDATE records SET failure_reason = ? WHERE seq = ?", [reason, seq])
        db.execute("INSERT INTO sealed VALUES (?, ?, ?, ?)", [seq, wrapped, nonce, ciphertext])
    for column in ("wrapped_key", "nonce", "ciphertext"):
        db.execute(f"ALTER TABLE records DROP COLUMN {column}")
    db.execute("UPDATE records SET dead_at = enqueued_at WHERE state = 'dead' AND dead_at IS NULL")
    db.execute("CREATE INDEX records_state_lease ON records (state, lease_until)")


def _v3(db: sqlite_utils.Database, unseal: Unseal) -> None:
    table = db["records"]
    assert isinstance(table, sqlite_utils.db.Table)
    table.add_column("open_until", float)
    table.add_column("lease_owner", str)
    for seq, reason in db.execute("SELECT seq, dead_reason FROM records WHERE dead_reason IS NOT NULL").fetchall():
        redacted = stored_reason(str(reason))
        if redacted != reason:
            db.execute("UPDATE records SET dead_reason = ? WHERE seq = ?", [redacted, seq])


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database, Unseal], None]] = {1: _v1, 2: _v2, 3: _v3}


class SchemaTooNew(Exception):
    """The file was written by a newer kiosk version than this one."""


def version_of(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, unseal: Unseal) -> tuple[int, int]:
    """Bring the database to CURRENT_VERSION in one transaction; returns (from, to)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = version_of(conn)
        if start > CURRENT_VERSION:
            raise SchemaTooNew(f"outbox schema v{start} is newer than this software (v{CURRENT_VERSION})")
        db = sqlite_utils.Database(conn)
        for target in range(start + 1, CURRENT_VERSION + 1):
            MIGRATIONS[target](db, unseal)
            conn.execute(f"PRAGMA user_version = {target}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start, CURRENT_VERSION
