"""The outbox's errors and the values it returns (see `sync.outbox`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal


class OutboxError(Exception):
    """The outbox cannot do what was asked; the message names the cause."""


class OutboxFull(OutboxError):
    """No room for the record: the storage budget (`reason="budget"`) or the disk (`"disk"`)."""

    def __init__(self, reason: Literal["budget", "disk"], message: str) -> None:
        super().__init__(message)
        self.reason = reason


class OutboxCorrupt(OutboxError):
    """The database failed its integrity check; the file was moved aside to `moved_to`."""

    def __init__(self, moved_to: Path, detail: str) -> None:
        super().__init__(f"outbox database is corrupt ({detail}); kept as {moved_to}")
        self.moved_to = moved_to


class OutboxKeyError(OutboxError):
    """The key-encryption key is missing or unusable."""


class RecordNotFound(OutboxError):
    """No record with that id is in the outbox."""


class RecordGone(OutboxError):
    """The record was acknowledged: only its tombstone remains, its data is erased."""


class DuplicateRecord(OutboxError):
    """A different record with the same id is already queued."""


class RecordUnreadable(OutboxError):
    """A stored record does not decrypt (wrong key file or damaged bytes)."""


@dataclass(frozen=True)
class Claimed:
    record_id: str
    record: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class OutboxStats:
    pending: int
    in_flight: int
    acknowledged: int
    dead: int
    oldest_pending_age_s: float | None
    disk_bytes: int
    used_bytes: int = 0
    budget_bytes: int = 0
    open: int = 0
    """Records a session is still writing (not counted in `pending`; uploaded once final)."""


@dataclass(frozen=True)
class DeadLetter:
    record_id: str
    created_at: str
    reason: str
    attempts: int = 0
    dead_at: float | None = None


@dataclass(frozen=True)
class Tombstone:
    record_id: str
    purpose: str
    outcome: str
    failure_reason: str | None
    created_at: str
    acknowledged_at: datetime
