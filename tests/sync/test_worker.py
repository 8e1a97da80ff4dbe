"""The sync worker against the reference server over real HTTP: batches, per-record results,
the same Idempotency-Key on retry, backoff and Retry-After, the 401 pause, heartbeats, and state
changes logged once. Time is injected; the network is real. (What each failure status does:
`test_worker_verdicts.py`; the faults of issue 23 together: `test_worker_faults.py`.)"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync import device_states
from sync.outbox import Outbox
from sync.server import ServerThread, revoke_key
from sync.worker import EXIT_UNAUTHORIZED, SyncSettings, SyncWorker, batch_key, full_jitter, read_status
from tests.sync.central import Clock, Kiosk, enrolled_kiosk, free_port, make_record
from tests.sync.worker_support import RecordingClient, fast_dir, open_outbox

pytestmark = pytest.mark.daemon


@pytest.fixture
def work() -> Iterator[Path]:
    with fast_dir() as d:
        yield d


@pytest.fixture
def server_dir(work: Path) -> Path:
    return work


@pytest.fixture
def outbox(work: Path, clock: Clock) -> Iterator[Outbox]:
    with open_outbox(work, clock) as ob:
        yield ob


class Sleeps:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    def __call__(self, s: float) -> None:
        self.calls.append(s)
        self.clock.t += s


def make_worker(kiosk: Kiosk, url: str, outbox: Outbox, clock: Clock, **kw: object) -> tuple[SyncWorker, Sleeps]:
    sleeps = Sleeps(clock)
    client = RecordingClient(url, key=kiosk.key, key_id=kiosk.key.key_id, clock=clock,
                             timeout_s=float(kw.pop("timeout_s", 5.0)))  # type: ignore[arg-type]
    settings = SyncSettings(kiosk_id=kiosk.kiosk_id, state_dir=kiosk.state_dir, version="0.1.0",
                            heartbeat_interval_s=float(kw.pop("heartbeat_interval_s", 3600)))  # type: ignore[arg-type]
    rng = kw.pop("rng", lambda: 0.5)
    return SyncWorker(outbox, client, settings, clock=clock, sleep=sleeps, rng=rng, **kw), sleeps  # type: ignore[arg-type]


def fill(outbox: Outbox, kiosk_id: str, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        rec = make_record(kiosk_id)
        outbox.enqueue(rec)
        ids.append(rec["record_id"])
    return ids


def server_ids(server: ServerThread) -> list[str]:
    return [r["record_id"] for r in server.query("SELECT record_id FROM records ORDER BY seq")]


def test_drains_in_batches_with_per_record_results(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                                    clock: Clock) -> None:
    ids = fill(outbox, kiosk.kiosk_id, 120)
    stranger = make_record("OTHER-KIOSK")
    outbox.enqueue(stranger)
    clash = make_record(kiosk.kiosk_id)
    with kiosk.client(server.url, clock=clock) as cl:  # the server already holds another version
        cl.post_records([{**clash, "app_version": "0.0.9"}], batch_key(["x"]))
    outbox.enqueue(clash)
    fill(outbox, kiosk.kiosk_id, 79)
    worker, _ = make_worker(kiosk, server.url, outbox, clock)
    assert worker.run(until_empty=True) == 0
    assert [n for n, _ in worker.client.posts] == [100, 100, 1]  # type: ignore[attr-defined]
    assert server_ids(server)[1:121] == ids
    stats = outbox.stats()
    assert (stats.pending, stats.in_flight, stats.acknowledged, stats.dead) == (0, 0, 199, 2)
    reasons = {d.record_id: d.reason for d in outbox.dead_letters()}
    assert reasons[stranger["record_id"]].startswith("kiosk_mismatch")
    assert reasons[clash["record_id"]].startswith("conflict")


def test_dropped_connection_is_retried_with_the_same_key(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                                          clock: Clock) -> None:
    ids = fill(outbox, kiosk.kiosk_id, 30)
    server.faults.add("/v1/records", "drop")
    worker, sleeps = make_worker(kiosk, server.url, outbox, clock)
    assert worker.run(until_empty=True) == 0
    posts = worker.client.posts  # type: ignore[attr-defined]
    (stored,) = server.query("SELECT key FROM idempotency")  # the key named the body both times
    assert len(posts) == 2 and str(posts[0][1]) == str(posts[1][1]) == stored["key"]
    assert server_ids(server) == ids
    assert outbox.stats().acknowledged == 30
    assert sleeps.calls[0] == pytest.approx(1.0)  # full jitter 0.5 * min(cap, 1 s), raised to the 1 s floor


def test_slow_server_past_the_timeout_creates_no_duplicates(server: ServerThread, kiosk: Kiosk,
                                                           outbox: Outbox, clock: Clock) -> None:
    ids = fill(outbox, kiosk.kiosk_id, 10)
    server.faults.add("/v1/records", "delay", delay_s=1.0)
    worker, _ = make_worker(kiosk, server.url, outbox, clock, timeout_s=0.3)
    assert worker.run(until_empty=True) == 0
    assert server_ids(server) == ids
    assert outbox.stats().acknowledged == 10


def test_server_errors_back_off_with_full_jitter(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                                 clock: Clock) -> None:
    fill(outbox, kiosk.kiosk_id, 5)
    server.faults.add("/v1/records", "status", status=500, times=4)
    worker, sleeps = make_worker(kiosk, server.url, outbox, clock)
    assert worker.run(until_empty=True) == 0
    assert sleeps.calls == pytest.approx([1.0, 1.0, 2.0, 4.0])  # the first raised to the 1 s floor
    assert outbox.stats().acknowledged == 5


def test_backoff_is_capped() -> None:
    assert full_jitter(30, 1.0, 300.0, lambda: 0.999) == pytest.approx(299.7)
    assert full_jitter(3, 1.0, 300.0, lambda: 0.0) == 0.0


def test_rate_limited_waits_for_retry_after(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                            clock: Clock) -> None:
    fill(outbox, kiosk.kiosk_id, 5)
    server.faults.add("/v1/records", "status", status=429, retry_after_s=7)
    server.faults.add("/v1/records", "status", status=503, retry_after_s=11)
    worker, sleeps = make_worker(kiosk, server.url, outbox, clock)
    assert worker.run(until_empty=True) == 0
    assert sleeps.calls == [7, 11]
    assert outbox.stats().acknowledged == 5


def test_revoked_key_ends_once_with_exit_3_not_a_loop(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                                     clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    fill(outbox, kiosk.kiosk_id, 5)
    worker, _ = make_worker(kiosk, server.url, outbox, clock)
    assert worker.send_heartbeat()  # accepted; the next one is an hour away
    worker._next_heartbeat = clock() + 3600
    revoke_key(server.db_path, kiosk.key.key_id)
    with caplog.at_level(logging.INFO, logger="kiosk.sync"):
        assert worker.run(until_empty=True) == EXIT_UNAUTHORIZED
    assert len(worker.client.posts) == 1  # type: ignore[attr-defined]
    assert outbox.stats().pending == 5 and server_ids(server) == []
    assert read_status(kiosk.state_dir)["state"] == "unauthorized"  # type: ignore[index]
    assert "key_revoked" in read_status(kiosk.state_dir)["detail"]  # type: ignore[index]
    assert "re-enroll" in read_status(kiosk.state_dir)["detail"]  # type: ignore[index]
    assert sum("uploads paused since" in r.getMessage() for r in caplog.records) == 1


def test_revoked_key_found_by_the_first_heartbeat(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                                 clock: Clock) -> None:
    fill(outbox, kiosk.kiosk_id, 2)
    revoke_key(server.db_path, kiosk.key.key_id)
    worker, _ = make_worker(kiosk, server.url, outbox, clock)
    assert worker.run(until_empty=True) == EXIT_UNAUTHORIZED
    assert worker.client.posts == []  # type: ignore[attr-defined]
    assert outbox.stats().pending == 2


def test_fault_waits_for_a_new_enrollment(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                          clock: Clock) -> None:
    ids = fill(outbox, kiosk.kiosk_id, 3)
    revoke_key(server.db_path, kiosk.key.key_id)
    fresh = enrolled_kiosk(server, kiosk.state_dir.parent / "re", kiosk_id=kiosk.kiosk_id)
    reloads: list[int] = []

    def reload() -> RecordingClient | None:
        reloads.append(1)
        return RecordingClient(server.url, key=fresh.key, key_id=fresh.key.key_id, clock=clock)

    worker, sleeps = make_worker(kiosk, server.url, outbox, clock, reload_client=reload)
    original_sync = worker.sync_once

    def once_then_stop() -> str:
        outcome = original_sync()
        if outcome == "empty":
            worker.stop()
        return outcome

    worker.sync_once = once_then_stop  # type: ignore[method-assign]
    assert worker.run() == 0
    assert reloads == [1] and server_ids(server) == ids
    assert worker.client.key_checks == 1  # type: ignore[attr-defined]  # the new key, checked at once
    assert sleeps.calls == [worker.settings.idle_poll_s]  # no wait but the idle poll once drained


def test_state_changes_are_logged_once(work: Path, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    srv = ServerThread(work / "central.sqlite", port=free_port(), clock=clock)
    srv.start()
    kiosk = enrolled_kiosk(srv, work / "state")
    srv.stop()  # the server goes down
    with open_outbox(work, clock) as outbox:
        ids = fill(outbox, kiosk.kiosk_id, 3)
        worker, sleeps = make_worker(kiosk, srv.url, outbox, clock)

        def sleep(s: float) -> None:
            sleeps(s)
            if len(sleeps.calls) == 6:
                srv.start()  # ... and comes back

        worker._sleep = sleep
        with caplog.at_level(logging.INFO, logger="kiosk.sync"):
            assert worker.run(until_empty=True) == 0
    try:
        assert server_ids(srv) == ids
    finally:
        srv.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.sync"]
    assert sum(line.startswith("server unreachable since") for line in lines) == 1
    assert sum(line.startswith("server back") for line in lines) == 1


def test_heartbeat_reports_devices_and_queue(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                             clock: Clock) -> None:
    fill(outbox, kiosk.kiosk_id, 4)
    device_states.publish(kiosk.state_dir, {"printer": device_states.DeviceState("degraded", "paper_near_end"),
                                            "card": device_states.DeviceState("ok")}, now=clock())
    worker, _ = make_worker(kiosk, server.url, outbox, clock)
    assert worker.send_heartbeat()
    (row,) = server.query("SELECT * FROM heartbeats")
    body = json.loads(row["body"])
    assert body["devices"] == {"printer": {"state": "degraded", "detail": "paper_near_end"},
                               "card": {"state": "ok"}, "sync": {"state": "unknown", "detail": "starting"}}
    assert body["queue"]["pending"] == 4 and body["queue"]["dead"] == 0
    assert body["kiosk_id"] == kiosk.kiosk_id and body["disk_free_bytes"] > 0


def test_audit_events_ride_the_heartbeat_until_the_server_has_it(server: ServerThread, kiosk: Kiosk,
                                                                  outbox: Outbox, clock: Clock) -> None:
    """Technician audit events go as `audit.<seq>` device entries (the contract has no record kind
    for them), signed with the device key; an unsigned one is signed on the way; they are marked
    sent only once the server answered, so a lost heartbeat carries them again."""
    from sync.audit import AuditLog, verify

    log = AuditLog(kiosk.state_dir, clock=clock)
    log.record("maintenance_on", kiosk_id=kiosk.kiosk_id, via="screen", key=kiosk.key)
    log.record("pin_set", kiosk_id=kiosk.kiosk_id, via="cli", detail="generated")  # before a key existed
    worker, _ = make_worker(kiosk, server.url, outbox, clock, audit_log=log)
    server.faults.add("/v1/heartbeat", "status", status=503, retry_after_s=1)
    assert not worker.send_heartbeat()
    assert log.counts() == (2, 2)  # not answered: still to send
    assert worker.send_heartbeat()
    assert log.counts() == (0, 2)
    (row,) = server.query("SELECT * FROM heartbeats")
    devices = json.loads(row["body"])["devices"]
    events = [verify(devices[name]["detail"], kiosk.key.public_key) for name in ("audit.00000001", "audit.00000002")]
    assert [(e.seq, e.action, e.via, e.iss) for e in events] == [
        (1, "maintenance_on", "screen", kiosk.kiosk_id), (2, "pin_set", "cli", kiosk.kiosk_id)]
    assert worker.send_heartbeat()
    (_, later) = server.query("SELECT * FROM heartbeats")
    assert not [n for n in json.loads(later["body"])["devices"] if n.startswith("audit.")]


def test_heartbeat_every_interval_while_running(server: ServerThread, kiosk: Kiosk, outbox: Outbox,
                                                clock: Clock) -> None:
    worker, sleeps = make_worker(kiosk, server.url, outbox, clock, heartbeat_interval_s=60)

    def sleep(s: float) -> None:
        sleeps(s)
        if clock.t - worker.started_at >= 300:
            worker.stop()

    worker._sleep = sleep
    assert worker.run() == 0
    assert len(server.query("SELECT * FROM heartbeats")) == 5


def test_stale_device_states_read_as_unknown(tmp_path: Path) -> None:
    device_states.publish(tmp_path, {"camera": device_states.DeviceState("ok")}, now=1000.0)
    assert device_states.read(tmp_path, now=1010.0)["camera"].state == "ok"
    assert device_states.read(tmp_path, now=1000.0 + 181)["camera"].state == "unknown"
    (tmp_path / device_states.FILE_NAME).write_text("{broken")
    assert device_states.read(tmp_path) == {}


def test_a_401_that_persists_says_re_enroll_and_a_cleared_one_resumes(
        server: ServerThread, kiosk: Kiosk, outbox: Outbox, clock: Clock) -> None:
    """A 401 for 10 minutes (uploads and heartbeats): the key is re-checked with backoff (never
    more often than a heartbeat once it has grown), the state turns persistent after
    PERSISTENT_401_S and says to re-enroll (heartbeat payload, status file); when the server
    accepts the key again, uploads resume by themselves."""
    from sync.link import PERSISTENT_401_S, summary
    from sync.worker import SyncWorker

    ids = fill(outbox, kiosk.kiosk_id, 4)
    for path in ("/v1/records", "/v1/heartbeat"):
        server.faults.add(path, "status", status=401, code="key_revoked", window_s=600)
    worker, sleeps = make_worker(kiosk, server.url, outbox, clock, heartbeat_interval_s=60)
    seen: list[tuple[float, str, bool]] = []

    def watch() -> None:
        st = worker.status
        seen.append((clock.t - worker.started_at, st.state, st.persistent))
        if outbox.stats().acknowledged == 4:
            worker.stop()

    worker._on_iteration = watch
    assert worker.run() == 0
    assert server_ids(server) == ids and outbox.dead_letters() == []
    persistent_at = min(t for t, _, p in seen if p)
    assert PERSISTENT_401_S <= persistent_at < PERSISTENT_401_S + 61
    assert all(state == "unauthorized" for t, state, _ in seen if 0 < t < 600)
    status = read_status(kiosk.state_dir)
    assert status is not None and status["state"] == "up"
    checks = worker.client.key_checks  # type: ignore[attr-defined]
    assert 600 / 60 <= checks <= 600 / 60 + 8  # backoff up to one a minute, not a loop
    assert max(sleeps.calls) <= 60

    # what the heartbeat and the technician see while it persists
    fresh, _ = make_worker(kiosk, server.url, outbox, clock)
    assert isinstance(fresh, SyncWorker)
    fresh._auth_since = clock() - PERSISTENT_401_S
    fresh._unauthorized("key_revoked")
    device = fresh.heartbeat_payload()["devices"]["sync"]
    assert device["state"] == "fault" and "re-enroll: sudo -u kiosk kiosk enroll" in device["detail"]
    assert summary(read_status(kiosk.state_dir))[0] == "fault"
