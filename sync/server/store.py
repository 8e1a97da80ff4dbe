"""The reference server's storage: one SQLite file (WAL, synchronous=FULL), one connection guarded
by a lock (the server is a development and test double: correctness over concurrency).

Tables: enrollment tokens (only their SHA-256 is kept), kiosks and their keys, records,
idempotency answers, nonces, OTPs (only a salted hash of the code), the SMS outbox, heartbeats,
QR token ids seen, bindings, card-status checks (per kiosk and session: a hash of the card, the
answer, when it was checked and charged), app binding requests (only the SHA-256 of their QR).
Tables are created when missing, so a database of an earlier version gains the new ones.

Errors: `sqlite3.Error` is translated by the callers (the app answers 500/503 with the Error body).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS enrollment_tokens (
  token_sha256 TEXT PRIMARY KEY, site_id TEXT NOT NULL, created_at REAL NOT NULL,
  expires_at REAL NOT NULL, used_at REAL, used_by TEXT, superseded_at REAL);
CREATE INDEX IF NOT EXISTS enrollment_tokens_site ON enrollment_tokens(site_id);
CREATE TABLE IF NOT EXISTS kiosks (
  kiosk_id TEXT PRIMARY KEY, site_id TEXT NOT NULL, model TEXT, site_name TEXT, site_province TEXT,
  enrolled_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
  key_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, public_key_pem TEXT NOT NULL,
  enrolled_at REAL NOT NULL, revoked_at REAL);
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE, kiosk_id TEXT NOT NULL,
  content_sha256 TEXT NOT NULL, body TEXT NOT NULL, received_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
  kiosk_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL, response TEXT NOT NULL,
  created_at REAL NOT NULL, PRIMARY KEY (kiosk_id, key));
CREATE TABLE IF NOT EXISTS nonces (
  key_id TEXT NOT NULL, nonce TEXT NOT NULL, seen_at REAL NOT NULL, PRIMARY KEY (key_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_seen ON nonces(seen_at);
CREATE TABLE IF NOT EXISTS otps (
  otp_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, session_id TEXT NOT NULL, code_hash TEXT NOT NULL,
  salt TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL,
  wrong_tries INTEGER NOT NULL DEFAULT 0, used_at REAL);
CREATE INDEX IF NOT EXISTS otps_session ON otps(session_id);
CREATE TABLE IF NOT EXISTS sms_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, phone TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
  created_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, received_at REAL NOT NULL,
  body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS qr_seen (
  cti TEXT PRIMARY KEY, keep_until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS bindings (
  record_id TEXT NOT NULL, cti TEXT NOT NULL PRIMARY KEY, account_cid TEXT NOT NULL,
  kiosk_id TEXT NOT NULL, display_code INTEGER NOT NULL, status TEXT NOT NULL,
  created_at REAL NOT NULL, completed_at REAL);
CREATE INDEX IF NOT EXISTS bindings_record ON bindings(record_id);
CREATE TABLE IF NOT EXISTS card_checks (
  kiosk_id TEXT NOT NULL, session_id TEXT NOT NULL, card_sha256 TEXT NOT NULL, status TEXT NOT NULL,
  checked_at REAL NOT NULL, charged_at REAL NOT NULL, PRIMARY KEY (kiosk_id, session_id));
CREATE INDEX IF NOT EXISTS card_checks_charged ON card_checks(kiosk_id, charged_at);
CREATE TABLE IF NOT EXISTS binding_requests (
  request_id TEXT PRIMARY KEY, qr_sha256 TEXT NOT NULL UNIQUE, account_cid TEXT NOT NULL,
  created_at REAL NOT NULL, expires_at REAL NOT NULL, status TEXT NOT NULL DEFAULT 'waiting',
  reason TEXT, record_id TEXT, kiosk_id TEXT, settled_at REAL);
"""


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


class Store:
    """The open database; use as a context manager or call `close()`."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One serialised write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._conn.execute(sql, params))
