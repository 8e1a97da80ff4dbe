"""Crash safety: a writer process killed with SIGKILL at random moments never loses a committed
record, and the database always passes its integrity check.

The writer is a forked child (the same code path as a separate program, without paying Python's
start-up 30 times): it opens the outbox and enqueues in a loop, writing each record id to a pipe
only after `enqueue` returned. The parent kills it at a random moment (sometimes while it is still
opening the database), then reopens the outbox and checks every reported id.
"""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from pathlib import Path

import pytest

from sync.outbox import Outbox
from tests.sync.outbox_helpers import CID, open_outbox, record

KILLS = 30


def _writer(state: Path, out_fd: int) -> None:
    try:
        with Outbox.open(state / "outbox.sqlite", kek_path=state / "outbox.kek", budget_bytes=256 << 20) as ob:
            os.write(out_fd, b"ready\n")
            while True:
                rid = str(uuid.uuid4())
                ob.enqueue(record(rid))
                os.write(out_fd, rid.encode() + b"\n")  # one write per line (< PIPE_BUF: atomic)
    finally:
        os._exit(3)  # never return into the test runner's code in the child


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_committed_record(tmp_path: Path) -> None:
    rng = random.Random(20261121)
    committed: list[str] = []
    for round_no in range(KILLS):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _writer(tmp_path, write_fd)
        os.close(write_fd)
        if round_no % 5 == 4:
            time.sleep(rng.uniform(0.0, 0.05))  # anywhere in opening: integrity check, migration
        else:
            first = os.read(read_fd, 6)
            assert first == b"ready\n"
            time.sleep(rng.uniform(0.0, 0.15))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        lines = _read_all(read_fd).decode().splitlines()
        os.close(read_fd)
        committed.extend(x for x in lines if len(x) == 36)

        with open_outbox(tmp_path) as ob:  # runs PRAGMA integrity_check (OutboxCorrupt if it fails)
            assert ob.integrity_ok()
            assert ob.stats().pending >= len(committed)
    assert len(committed) > 100, len(committed)  # the kills really did land amid writes
    with open_outbox(tmp_path) as ob:
        for rid in committed:
            assert ob.get(rid)["card"]["cid"] == CID
