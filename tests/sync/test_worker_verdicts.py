"""What each failure of an upload does, as a table: status -> back off / split / isolate /
dead-letter / re-check the key. Only the server's word on one record parks it. First the verdict
table itself, then the worker against the reference server's fault mode over real HTTP (time
injected): every row ends with each record on the server exactly once, or parked for its own
fault only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sync.client import Offline, RateLimited, Rejected, ServerError, SyncError, Timeout, Unauthorized
from sync.outbox import Outbox
from sync.server import ServerThread
from sync.verdicts import judge
from sync.worker import SyncWorker
from tests.sync.central import Clock, Kiosk, make_record
from tests.sync.test_worker import make_worker
from tests.sync.worker_support import fast_dir, open_outbox

pytestmark = pytest.mark.daemon

A, B = "00000000-0000-4000-8000-0000000000aa", "00000000-0000-4000-8000-0000000000bb"

VERDICTS: list[tuple[SyncError, list[str], set[str], str, str]] = [
    # error, batch, records that had a 400 before, action, link state
    (Offline("refused"), [A, B], set(), "probe", "down"),
    (Timeout("slow"), [A, B], set(), "back_off", "down"),
    (ServerError(500), [A, B], set(), "back_off", "down"),
    (ServerError(502), [A], set(), "back_off", "down"),
    (RateLimited(0.0), [A, B], set(), "retry_after", "busy"),
    (RateLimited(7.0, "unavailable"), [A], set(), "retry_after", "busy"),
    (Unauthorized("key_revoked"), [A, B], set(), "check_key", "unauthorized"),
    (Unauthorized("clock_skew"), [A], set(), "check_key", "unauthorized"),
    (Rejected("invalid", "records/0: bad", 400), [A, B], set(), "isolate", "refused"),
    (Rejected("invalid", f"record {A}: bad", 400), [A], set(), "suspect", "refused"),
    (Rejected("invalid", f"record {A}: bad", 400), [A], {A}, "dead_letter", "refused"),
    (Rejected("invalid", f"record {B}: bad", 400), [A], {A}, "back_off", "refused"),  # names another
    (Rejected("bad_json", "request body is not JSON", 400), [A], {A}, "back_off", "refused"),
    (Rejected("too_large", "over 1 MiB", 413), [A, B], set(), "split", "refused"),
    (Rejected("too_large", "over 1 MiB", 413), [A], set(), "back_off", "refused"),
    (Rejected("idempotency_key_reused", "x", 422), [A, B], set(), "isolate", "refused"),
    (Rejected("idempotency_key_reused", "x", 422), [A], set(), "back_off", "refused"),
    (Rejected("unprocessable", "x", 422), [A, B], set(), "back_off", "refused"),
    (Rejected("not_found", "x", 404), [A, B], {A}, "back_off", "refused"),
    (Rejected("method_not_allowed", "x", 405), [A], {A}, "back_off", "refused"),
    (Rejected("timeout", "x", 408), [A], set(), "back_off", "down"),
    (Rejected("conflict", f"record {A}", 409), [A], {A}, "back_off", "refused"),
    (Rejected("unsupported_media_type", "x", 415), [A], set(), "back_off", "refused"),
    (Rejected("forbidden", f"record {A}", 403), [A], {A}, "back_off", "refused"),
    (Rejected("gone", "x", 410), [A], set(), "back_off", "refused"),
]


@pytest.mark.parametrize(("error", "batch", "suspects", "action", "state"), VERDICTS,
                         ids=[f"{type(v[0]).__name__}-{getattr(v[0], 'status', '')}-{len(v[1])}-{i}"
                              for i, v in enumerate(VERDICTS)])
def test_verdict_table(error: SyncError, batch: list[str], suspects: set[str], action: str, state: str) -> None:
    v = judge(error, batch, suspects)
    assert (v.action, v.state) == (action, state)
    assert v.detail  # every state says why


# ---------------------------------------------------------------- the worker, over real HTTP
@dataclass
class Row:
    name: str
    faults: list[dict[str, Any]]
    records: int = 5
    posts: list[int] | None = None  # batch sizes posted, in order
    dead: int = 0
    state: str = ""  # the first link state entered
    waits: list[float] | None = None
    key_checks: int = 0
    bad: int | None = None  # index of the record the faults are about (`match`, named in the message)
    extra: dict[str, Any] = field(default_factory=dict)


ROWS = [
    Row("404 window on /v1/records: back off", [dict(status=404, code="not_found", times=3)],
        posts=[5, 5, 5, 5], state="refused", waits=[1.0, 1.0, 2.0]),
    Row("405", [dict(status=405, code="method_not_allowed", times=2)], posts=[5, 5, 5], state="refused"),
    Row("408", [dict(status=408, code="request_timeout", times=2)], posts=[5, 5, 5], state="down"),
    Row("409", [dict(status=409, code="conflict", times=2)], posts=[5, 5, 5], state="refused"),
    Row("415", [dict(status=415, code="unsupported_media_type", times=2)], posts=[5, 5, 5], state="refused"),
    Row("403", [dict(status=403, code="forbidden", times=2)], posts=[5, 5, 5], state="refused"),
    Row("422", [dict(status=422, code="unprocessable", times=2)], posts=[5, 5, 5], state="refused"),
    Row("422 idempotency_key_reused: one at a time", [dict(status=422, code="idempotency_key_reused")],
        posts=[5, 1, 1, 1, 1, 1], state="refused"),
    Row("413: split", [dict(status=413, code="too_large")], posts=[5, 2, 2, 1], state="refused"),
    Row("413 for one record: back off", [dict(status=413, code="too_large", times=2)], records=1,
        posts=[1, 1, 1], state="refused"),
    Row("400 naming no record: one at a time, nobody parked", [dict(status=400, code="invalid")],
        posts=[5, 1, 1, 1, 1, 1], state="refused"),
    Row("400 persisting for one record that it names: only that one parked",
        [dict(status=400, code="invalid", times=100)], bad=2, posts=[5, 1, 1, 1, 1, 1], dead=1, state="refused"),
    Row("400 naming a lone record once: not parked", [dict(status=400, code="invalid", times=1)], records=1,
        bad=0, posts=[1, 1], state="refused"),
    Row("400 naming a lone record twice: parked", [dict(status=400, code="invalid", times=2)], records=1,
        bad=0, posts=[1, 1], dead=1, state="refused"),
    Row("500: back off", [dict(status=500, times=2)], posts=[5, 5, 5], state="down", waits=[1.0, 1.0]),
    Row("429 Retry-After 0: the floor", [dict(status=429, retry_after_s=0, times=3)], posts=[5, 5, 5, 5],
        state="busy", waits=[1.0, 1.0, 1.0]),
    Row("503 Retry-After 7", [dict(status=503, retry_after_s=7)], posts=[5, 5], state="busy", waits=[7.0]),
    Row("401: re-check the key with backoff, then resume", [dict(status=401, code="key_revoked", times=3)],
        posts=[5, 5], state="unauthorized", key_checks=3, waits=[1.0, 1.0, 2.0]),
    Row("dropped after the commit: same body, same key", [dict(kind="drop")], posts=[5, 5], state="down"),
]


@pytest.fixture
def work() -> Iterator[Path]:
    with fast_dir() as d:
        yield d


@pytest.fixture
def server_dir(work: Path) -> Path:
    return work


def drain(worker: SyncWorker, outbox: Outbox, limit: int = 300) -> None:
    """Run the service loop until nothing is pending or in flight (at most `limit` passes)."""
    passes = [0]

    def check() -> None:
        passes[0] += 1
        st = outbox.stats()
        if (st.pending == 0 and st.in_flight == 0) or passes[0] > limit:
            worker.stop()

    worker._on_iteration = check
    assert worker.run() == 0
    assert passes[0] <= limit, "the worker did not drain the queue"


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_each_failure_status_does_what_the_table_says(row: Row, server: ServerThread, kiosk: Kiosk,
                                                      work: Path, clock: Clock) -> None:
    with open_outbox(work, clock) as outbox:
        records = [make_record(kiosk.kiosk_id) for _ in range(row.records)]
        for r in records:
            outbox.enqueue(r)
        ids = [r["record_id"] for r in records]
        for f in row.faults:
            spec = dict(f)
            kind = spec.pop("kind", "status")
            if row.bad is not None:
                spec.update(match=ids[row.bad], message=f"record {ids[row.bad]}: card/cid does not match")
            server.faults.add("/v1/records", kind, **spec)
        worker, sleeps = make_worker(kiosk, server.url, outbox, clock)
        worker.send_heartbeat()  # due at start: sent before the faults matter
        worker._next_heartbeat = clock() + 3600
        drain(worker, outbox)
        dead = outbox.dead_letters()
    held = [r["record_id"] for r in server.query("SELECT record_id FROM records ORDER BY seq")]
    parked = [d.record_id for d in dead]
    assert len(parked) == row.dead
    if row.dead:
        assert parked == [ids[row.bad or 0]] and dead[0].reason.startswith("invalid: record ")
    assert sorted(held) == sorted(i for i in ids if i not in parked)  # every other record, once
    posts = [n for n, _ in worker.client.posts]  # type: ignore[attr-defined]
    if row.posts is not None:
        assert posts == row.posts
    states = [line.split(" since ")[0] for line in worker.status.history]
    first = {"refused": "uploads refused", "down": "server unreachable", "busy": "server busy",
             "unauthorized": "uploads paused"}[row.state]
    assert states[0] == first and worker.status.state == "up"
    if row.waits is not None:
        assert sleeps.calls[:len(row.waits)] == pytest.approx(row.waits)
    assert all(s >= worker.settings.min_wait_s for s in sleeps.calls if s < worker.settings.idle_poll_s)
    assert worker.client.key_checks == row.key_checks  # type: ignore[attr-defined]


def test_values_a_server_quotes_reach_neither_the_outbox_nor_the_log(server: ServerThread, kiosk: Kiosk,
                                                                      work: Path, clock: Clock) -> None:
    """A server that quotes the citizen id and names in its errors (per-record rejections and a
    whole-request 400): the dead reason, the status file, the database file and the log lines
    keep only the code and a redacted message."""
    import io

    from kiosk import logs
    from sync.client import CentralClient

    name_en = {"prefix": "Mr.", "first": "Thodsobname", "middle": "", "last": "Rabobsurname"}
    values = ["1101700230708", "ทดสอบ", "ระบบ", "Thodsobname", "Rabobsurname", "1980-01-02", "812345678"]
    out = io.StringIO()
    logs.setup("DEBUG", stream=out)
    try:
        with open_outbox(work, clock) as outbox:
            clash = make_record(kiosk.kiosk_id)
            clash["card"]["name_en"] = name_en
            with CentralClient(server.url, key=kiosk.key, key_id=kiosk.key.key_id, clock=clock) as cl:
                cl.post_records([{**clash, "app_version": "0.0.1"}])  # the server holds another version
            outbox.enqueue(clash)
            other = make_record(kiosk.kiosk_id)
            outbox.enqueue(other)
            server.faults.quote_values = True
            server.faults.add("/v1/records", "status", status=400, code="invalid", match=other["record_id"],
                              message=f"record {other['record_id']}: cid '1101700230708' (นาย ทดสอบ ระบบ, "
                                      "Mr. Thodsobname Rabobsurname) born 1980-01-02, phone 0812345678")
            worker, _ = make_worker(kiosk, server.url, outbox, clock)
            drain(worker, outbox)
            (dead,) = outbox.dead_letters()
            status = (kiosk.state_dir / "sync-status.json").read_text()
            history = "\n".join(worker.status.history)
    finally:
        logs.setup("WARNING")
    raw = b"".join(p.read_bytes() for p in work.iterdir() if p.name.startswith("outbox.sqlite"))
    assert dead.record_id == clash["record_id"] and dead.reason.startswith("conflict: a different record")
    assert "[redacted]" in dead.reason and "HTTP 400 invalid" in history  # the 400 was seen, then passed
    assert server.query("SELECT record_id FROM records WHERE record_id = ?", (other["record_id"],))
    text = out.getvalue()
    for value in values:
        for where in (dead.reason, status, history, text):
            assert value not in where
        assert value.encode() not in raw
