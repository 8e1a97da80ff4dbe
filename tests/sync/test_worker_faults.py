"""Issue 23's faults together, against the reference server's fault mode over real HTTP, while
sessions keep writing, changing and finishing records: a 20 s window of 404 on `/v1/records`, a
5 s window of 401 (uploads and heartbeats), 10 s of 429 with `Retry-After: 0`, 10 s in which every
upload is committed and then its connection dropped, and a 60 s outage. After the faults end every
record is accepted exactly once, with its final content, and the dead-letter table is empty.

Time is injected (the worker, the outbox, the signatures and the server share one clock), so the
run is deterministic; the figures it prints are that schedule's: requests in each window and how
soon after each window the first upload came. They are copied into the README's sync section."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sync.client import RecordResult, SyncError
from sync.records import validate_record
from sync.server import ServerThread
from tests.sync.central import Clock, enrolled_kiosk, free_port, make_record
from tests.sync.test_worker import Sleeps, make_worker
from tests.sync.worker_support import RecordingClient, fast_dir, open_outbox

pytestmark = [pytest.mark.daemon, pytest.mark.slow]

SESSIONS = 300
SESSION_EVERY_S = 0.5
RECEIPT_AFTER_S, QR_AFTER_S, DONE_AFTER_S, LATE_AFTER_S = 3.0, 6.0, 8.0, 20.0
WINDOWS = {  # name: (start, length) in seconds from the start
    "404": (10.0, 20.0),
    "401": (40.0, 5.0),
    "retry_after_0": (55.0, 10.0),
    "commit_then_drop": (75.0, 10.0),
    "outage": (95.0, 60.0),
}


@dataclass
class Request:
    t: float
    path: str
    ok: bool
    records: int = 0


@dataclass
class Log:
    requests: list[Request] = field(default_factory=list)
    accepted: set[str] = field(default_factory=set)
    duplicates: set[str] = field(default_factory=set)
    rejected: list[str] = field(default_factory=list)


class TimedClient(RecordingClient):
    """The real client, logging every request with the (injected) time and its outcome."""

    log: Log

    def call(self, method: str, path: str, **kw: Any) -> Any:
        t = self._clock()
        try:
            resp = super().call(method, path, **kw)
        except SyncError:
            self.log.requests.append(Request(t, path, False))
            raise
        self.log.requests.append(Request(t, path, True))
        return resp

    def post_records(self, records: Any, idempotency_key: uuid.UUID | None = None) -> list[RecordResult]:
        results = super().post_records(records, idempotency_key)
        self.log.requests[-1].records = len(records)
        for r in results:
            if r.status == "accepted":
                self.log.accepted.add(r.record_id)
            elif r.status == "duplicate":
                self.log.duplicates.add(r.record_id)
            else:
                self.log.rejected.append(r.record_id)
        return results


@pytest.fixture
def work() -> Iterator[Path]:
    with fast_dir() as d:
        yield d


def canonical(record: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(validate_record(record).to_json(), sort_keys=True))  # type: ignore[no-any-return]


def test_every_record_accepted_once_with_its_final_content_after_the_faults(
        work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clock = Clock()
    t0 = clock.t
    srv = ServerThread(work / "central.sqlite", port=free_port(), clock=clock)
    srv.start()
    kiosk = enrolled_kiosk(srv, work / "state")
    log = Log()
    finals: dict[str, dict[str, Any]] = {}
    late_refused = 0
    with open_outbox(work, clock) as outbox:
        worker, sleeps = make_worker(kiosk, srv.url, outbox, clock, heartbeat_interval_s=60,
                                     rng=random.Random(23).random)
        client = TimedClient(srv.url, key=kiosk.key, key_id=kiosk.key.key_id, clock=clock, timeout_s=5.0)
        client.log = log
        worker.client.close()
        worker.client = client
        records: list[dict[str, Any]] = []
        done = {"faults": set(), "steps": 0}

        def sessions() -> None:
            """Each session writes its record open, notes the receipt and a refreshed QR on it,
            finishes it, and much later (a slow job) tries one more change, which must be refused."""
            nonlocal late_refused
            now = clock.t - t0
            while len(records) < SESSIONS and len(records) * SESSION_EVERY_S <= now:
                rec = make_record(kiosk.kiosk_id)
                outbox.enqueue(rec, final=False)
                records.append(rec)
            for i, rec in enumerate(records):
                started, step = i * SESSION_EVERY_S, rec.setdefault("_step", 0)
                rid = rec["record_id"]
                clean = {k: v for k, v in rec.items() if k != "_step"}
                if step == 0 and now >= started + RECEIPT_AFTER_S:
                    assert outbox.update({**clean, "receipt": {"printed": True, "printer_state": "ok"}})
                    rec["_step"] = 1
                elif step == 1 and now >= started + QR_AFTER_S:
                    clean["receipt"] = {"printed": True, "printer_state": "ok"}
                    clean["continuation"] = {"method": "qr", "qr_cti": f"second{i:05d}".ljust(22, "A")}
                    assert outbox.update(clean)
                    rec.update(clean)
                    rec["_step"] = 2
                elif step == 2 and now >= started + DONE_AFTER_S:
                    assert outbox.finalize(rid) == 1
                    finals[rid] = clean
                    rec["_step"] = 3
                elif step == 3 and now >= started + LATE_AFTER_S:
                    late_refused += not outbox.update({**clean, "receipt": {"printed": False,
                                                                            "printer_state": "paper_out"}})
                    rec["_step"] = 4

        def faults() -> None:
            now = clock.t - t0
            for name, (start, length) in WINDOWS.items():
                if name in done["faults"] or now < start:
                    continue
                done["faults"].add(name)
                if name == "404":
                    srv.faults.add("/v1/records", "status", status=404, code="not_found", window_s=length)
                elif name == "401":
                    for path in ("/v1/records", "/v1/heartbeat"):
                        srv.faults.add(path, "status", status=401, code="key_revoked", window_s=length)
                elif name == "retry_after_0":
                    srv.faults.add("/v1/records", "status", status=429, retry_after_s=0, window_s=length)
                elif name == "commit_then_drop":
                    srv.faults.add("/v1/records", "drop", window_s=length)
            out_start, out_len = WINDOWS["outage"]
            if out_start <= now < out_start + out_len and srv._server is not None:
                srv.stop()
            elif now >= out_start + out_len and srv._server is None:
                srv.start()

        def every_pass() -> None:
            done["steps"] += 1
            faults()
            sessions()
            st = outbox.stats()
            if len(records) == SESSIONS and all(r["_step"] == 4 for r in records) \
                    and st.pending + st.in_flight + st.open == 0:
                worker.stop()
            assert done["steps"] < 20_000, "the worker did not drain the queue"

        def sleep(s: float) -> None:
            Sleeps.__call__(sleeps, s)
            every_pass()

        worker._sleep = sleep
        worker._on_iteration = every_pass
        assert worker.run() == 0
        stats = outbox.stats()
        dead = outbox.dead_letters()
    try:
        held = {r["record_id"]: json.loads(r["body"]) for r in srv.query("SELECT record_id, body FROM records")}
        rows = len(srv.query("SELECT record_id FROM records"))
    finally:
        srv.close()

    # ---- what the issue asks
    assert dead == [] and stats.dead == 0
    assert (stats.pending, stats.in_flight, stats.open, stats.acknowledged) == (0, 0, 0, SESSIONS)
    # exactly once: one row each on the server; each answered `accepted`, or `duplicate` when the
    # answer to the upload that committed it was lost
    assert rows == len(held) == SESSIONS and log.rejected == []
    assert log.accepted | log.duplicates == set(finals)
    assert held == {rid: canonical(f) for rid, f in finals.items()}  # each with its final content
    assert late_refused == SESSIONS  # no change ever reached a record after it could be sent

    # ---- the figures
    def window(name: str) -> tuple[float, float]:
        start, length = WINDOWS[name]
        return t0 + start, t0 + start + length

    def first_upload_after(name: str) -> float:
        end = window(name)[1]
        return min(r.t for r in log.requests if r.t >= end and r.ok and r.records) - end

    def attempts(name: str, path: str = "/v1/records") -> int:
        a, b = window(name)
        return sum(1 for r in log.requests if a <= r.t < b and r.path == path)

    figures = {
        "404 window 20 s": f"{attempts('404')} requests to /v1/records, 0 records parked; first upload "
                           f"{first_upload_after('404'):.1f} s after it ended",
        "401 window 5 s": f"{attempts('401')} requests to /v1/records (key checks included); first upload "
                          f"{first_upload_after('401'):.1f} s after it ended",
        "Retry-After: 0 for 10 s": f"{attempts('retry_after_0')} requests to /v1/records "
                                   f"(at most one per {worker.settings.min_wait_s:g} s floor)",
        "commit-then-drop for 10 s": f"{attempts('commit_then_drop')} uploads, each answer dropped after the "
                                     f"commit; {len(log.duplicates)} records answered `duplicate` later; first "
                                     f"answered upload {first_upload_after('commit_then_drop'):.1f} s after",
        "60 s outage": f"{attempts('outage', '/v1/health')} health probes while connections were refused (none "
                       f"reached a server); first upload {first_upload_after('outage'):.1f} s after it was back",
        "result": f"{SESSIONS} records, {rows} rows on the server, {len(dead)} dead letters, "
                  f"{late_refused} late changes refused; {len(log.requests)} requests in "
                  f"{clock.t - t0:.0f} s",
    }
    assert attempts("retry_after_0") <= WINDOWS["retry_after_0"][1] / worker.settings.min_wait_s + 1
    with capsys.disabled():
        print("\n[issue 23 faults, virtual time]")
        for name, line in figures.items():
            print(f"  {name}: {line}")

