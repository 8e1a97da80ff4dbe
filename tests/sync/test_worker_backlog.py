"""A kiosk offline for three (simulated) days accumulates 10,000 records; when the server comes
back the backlog drains completely, oldest first, every record exactly once on the server.
The clock is injected (shared by outbox, worker, client signatures and server); HTTP is real."""

from __future__ import annotations

import json

import pytest

from sync.client import body_key, records_body
from sync.records import validate_record
from sync.server import ServerThread
from tests.sync.central import Clock, enrolled_kiosk, free_port, make_record
from tests.sync.test_worker import Sleeps, make_worker
from tests.sync.worker_support import fast_dir, open_outbox

pytestmark = [pytest.mark.daemon, pytest.mark.slow]

RECORDS = 10_000
OFFLINE_S = 3 * 24 * 3600





def test_three_days_offline_then_drain() -> None:
    import datetime as dt

    with fast_dir() as work:
        clock = Clock()
        start = clock.t
        srv = ServerThread(work / "central.sqlite", port=free_port(), clock=clock)
        srv.start()
        kiosk = enrolled_kiosk(srv, work / "state")
        srv.stop()  # the link goes down for three days
        enqueued: list[str] = []
        bodies: list[dict[str, object]] = []
        with open_outbox(work, clock) as outbox:
            worker, sleeps = make_worker(kiosk, srv.url, outbox, clock, heartbeat_interval_s=3600,
                                         rng=__import__("random").Random(7).random)
            spacing = OFFLINE_S / RECORDS

            def arrive() -> None:
                # sessions keep happening while the server is unreachable
                while len(enqueued) < RECORDS and start + len(enqueued) * spacing <= clock.t:
                    rec = make_record(kiosk.kiosk_id, created_at=dt.datetime.fromtimestamp(
                        start + len(enqueued) * spacing, tz=dt.UTC))
                    outbox.enqueue(rec)
                    enqueued.append(rec["record_id"])
                    # as the outbox hands it back: normalized, keys sorted
                    bodies.append(json.loads(json.dumps(validate_record(rec).to_json(), sort_keys=True)))

            def sleep(s: float) -> None:
                Sleeps.__call__(sleeps, s)
                arrive()
                if clock.t - start >= OFFLINE_S and srv._server is None:
                    assert len(enqueued) == RECORDS
                    srv.start()  # back

            worker._sleep = sleep
            arrive()
            assert worker.run(until_empty=True) == 0
            stats = outbox.stats()
        try:
            rows = srv.query("SELECT record_id FROM records ORDER BY seq")
            batches = srv.query("SELECT key FROM idempotency")
        finally:
            srv.close()
    assert [r["record_id"] for r in rows] == enqueued  # all, once each, oldest first
    assert (stats.pending, stats.in_flight, stats.dead, stats.acknowledged) == (0, 0, 0, RECORDS)
    assert len(batches) == RECORDS // 100
    # each batch's Idempotency-Key names its exact body
    assert {b["key"] for b in batches} == {str(body_key(records_body(bodies[i:i + 100])))
                                           for i in range(0, RECORDS, 100)}
    offline_sleeps = [s for s in sleeps.calls if s > 0]
    # nothing answers while it is down: health probes at most every probe_cap_s; a wait under the
    # floor only ever ends at a heartbeat (one an hour here)
    assert max(offline_sleeps) <= worker.settings.probe_cap_s
    assert sum(s < worker.settings.min_wait_s for s in offline_sleeps) <= OFFLINE_S / 3600 + 1
    assert worker.status.history[0].startswith("server unreachable since")
    assert sum(h.startswith("server unreachable") for h in worker.status.history) == 1
