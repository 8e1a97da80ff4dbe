"""Shared pieces of the worker tests: an outbox on tmpfs, a recording client."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sync.client import CentralClient, RecordResult, body_key, records_body
from sync.outbox import Outbox
from tests.sync.central import Clock

SHM = Path("/dev/shm")


@contextmanager
def fast_dir() -> Iterator[Path]:
    """A scratch folder on tmpfs when there is one: the outbox fsyncs every enqueue (synchronous=FULL),
    which costs milliseconds on disk; durability is the outbox's own tests' subject, not these."""
    d = Path(tempfile.mkdtemp(dir=SHM if SHM.is_dir() else None, prefix="sync-test-"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def open_outbox(d: Path, clock: Clock) -> Outbox:
    return Outbox.open(d / "outbox.sqlite", kek_path=d / "outbox.kek", budget_bytes=512 << 20, clock=clock)


class RecordingClient(CentralClient):
    """The real client, remembering each batch it posted (size and Idempotency-Key) and each key
    check."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.posts: list[tuple[int, uuid.UUID]] = []
        self.key_checks = 0
        self.health_probes = 0

    def post_records(self, records: Any, idempotency_key: uuid.UUID | None = None) -> list[RecordResult]:
        self.posts.append((len(records), idempotency_key or body_key(records_body(records))))
        return super().post_records(records, idempotency_key)

    def check_key(self) -> None:
        self.key_checks += 1
        super().check_key()

    def health(self) -> dict[str, Any]:
        self.health_probes += 1
        return super().health()
