"""Opening the outbox's SQLite file: pragmas (WAL, synchronous=FULL, secure_delete), the integrity
check, the key-encryption key, the schema migrations and the storage ceiling. A corrupt file is
moved aside (kept, with its WAL) and `OutboxCorrupt(moved_to)` raised; opening again starts a new
file. See `sync.outbox` for the queue itself.

Errors: `OutboxError`, `OutboxCorrupt`, `OutboxKeyError` (from `sync.outbox_model`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sync import outbox_schema
from sync.outbox_crypto import Kek, KekError, KekMissing, SealBroken, Sealed
from sync.outbox_model import OutboxCorrupt, OutboxError, OutboxKeyError

log = logging.getLogger("kiosk.outbox")

DEFAULT_NAME = "outbox.sqlite"
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def maintenance_margin(budget_bytes: int) -> int:
    """Room above the budget that only claims, acks and state changes may use: a full queue must
    still be able to drain (an UPDATE can split index pages)."""
    return max(budget_bytes // 20, 256 * 1024)


def sqlite_code(e: sqlite3.Error) -> int:
    return int(getattr(e, "sqlite_errorcode", 0)) & 0xFF


def open_file(path: Path, kek_path: Path, budget_bytes: int, check: bool) -> tuple[sqlite3.Connection, Kek]:
    """The connection to a ready outbox file (migrated, checked) and its key-encryption key."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh:
        # create the file 0600 ourselves: SQLite gives the -wal and -shm files the same mode
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
    except sqlite3.Error as e:
        raise OutboxError(f"cannot open outbox {path}: {e}") from None
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise OutboxError(f"outbox {path}: WAL mode refused (got {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA secure_delete = ON")
        if check:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            if rows != ["ok"]:
                raise _Corrupt("; ".join(str(r) for r in rows[:3]))
        try:
            kek = Kek.load(kek_path)
        except KekError as e:
            if not isinstance(e, KekMissing) or (not fresh and _holds_sealed_rows(conn)):
                raise OutboxKeyError(f"{e}; the queued records cannot be read without it") from None
            kek = Kek.create(kek_path)

        def unseal(rid: str, wrapped: bytes, nonce: bytes, ct: bytes) -> bytes:
            return kek.open(rid, Sealed(wrapped, nonce, ct))

        start, end = outbox_schema.migrate(conn, unseal)
        if start != end and start != 0:
            log.info("outbox schema migrated", extra={"fields": {"from_version": start, "to_version": end}})
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        ceiling = budget_bytes + maintenance_margin(budget_bytes)
        conn.execute(f"PRAGMA max_page_count = {max(1, ceiling // page_size)}")
    except _Corrupt as e:
        conn.close()
        raise _move_aside(path, str(e)) from None
    except sqlite3.DatabaseError as e:
        conn.close()
        if sqlite_code(e) in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise _move_aside(path, str(e)) from None
        raise OutboxError(f"cannot open outbox {path}: {e}") from None
    except outbox_schema.SchemaTooNew as e:
        conn.close()
        raise OutboxError(str(e)) from None
    except SealBroken as e:
        conn.close()
        raise OutboxKeyError(f"migration cannot read old records: {e}") from None
    except BaseException:
        conn.close()
        raise
    return conn, kek


class _Corrupt(Exception):
    pass


def _holds_sealed_rows(conn: sqlite3.Connection) -> bool:
    """Whether an existing file has encrypted records (then a missing KEK must not be replaced)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "sealed" in tables:
        return conn.execute("SELECT 1 FROM sealed LIMIT 1").fetchone() is not None
    if "records" in tables:  # schema v1
        return conn.execute("SELECT 1 FROM records WHERE ciphertext IS NOT NULL LIMIT 1").fetchone() is not None
    return False


def _move_aside(path: Path, detail: str) -> OutboxCorrupt:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("-wal", "-shm", ""):
        src = Path(f"{path}{suffix}")
        if src.exists():
            os.replace(src, Path(f"{target}{suffix}"))
    log.error("outbox database corrupt; moved aside", extra={"fields": {"moved_to": str(target), "detail": detail}})
    return OutboxCorrupt(target, detail)


def corrupt_files(state_dir: Path, name: str = DEFAULT_NAME) -> list[Path]:
    """Files moved aside after a failed integrity check (a fault until a technician clears them)."""
    return sorted(p for p in Path(state_dir).glob(f"{name}.corrupt-*") if not p.name.endswith(("-wal", "-shm")))
