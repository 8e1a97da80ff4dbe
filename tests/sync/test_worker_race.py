"""The update-after-unacknowledged-send race, reproduced step by step (no timing involved): the
server commits a batch and the connection drops before the answer; the records go back to the
queue; the session then changes one of them.

Under the old model (a pending record could be changed; the Idempotency-Key named the record ids)
the retry carried the same key with a different body: 422 `idempotency_key_reused`, then a dead
letter, for a record the server already held. The first test replays exactly that exchange with
the client to show the server's answer. The others run today's model: a record is uploaded only
once final, so the late change is refused and the retry is the very body the server committed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.client import Rejected
from sync.outbox import OPEN_LIMIT_S
from sync.records import validate_record
from sync.server import ServerThread
from sync.worker import batch_key
from tests.sync.central import Clock, Kiosk, make_record
from tests.sync.test_worker import make_worker
from tests.sync.test_worker_verdicts import drain
from tests.sync.worker_support import fast_dir, open_outbox

pytestmark = pytest.mark.daemon

RECEIPT = {"printed": True, "printer_state": "ok"}


@pytest.fixture
def work() -> Iterator[Path]:
    with fast_dir() as d:
        yield d


@pytest.fixture
def server_dir(work: Path) -> Path:
    return work


def held(server: ServerThread) -> dict[str, dict[str, object]]:
    return {r["record_id"]: json.loads(r["body"]) for r in server.query("SELECT record_id, body FROM records")}


def canonical(record: dict[str, object]) -> dict[str, object]:
    return json.loads(json.dumps(validate_record(record).to_json(), sort_keys=True))  # type: ignore[no-any-return]


def test_the_old_model_loses_the_race(server: ServerThread, kiosk: Kiosk) -> None:
    """What the issue saw: same ids, same id-derived key, a changed body after a dropped answer."""
    records = [make_record(kiosk.kiosk_id) for _ in range(3)]
    old_key = batch_key([r["record_id"] for r in records])
    server.faults.add("/v1/records", "drop")
    with kiosk.client(server.url) as cl:
        with pytest.raises(Exception):  # noqa: B017 - the dropped connection (Offline)
            cl.post_records(records, old_key)
        records[1] = {**records[1], "receipt": RECEIPT}  # the session's update while pending
        with pytest.raises(Rejected) as refused:
            cl.post_records(records, old_key)
    assert (refused.value.status, refused.value.code) == (422, "idempotency_key_reused")
    assert len(held(server)) == 3  # ... while the server held every record all along


def test_drop_after_commit_then_a_late_update(server: ServerThread, kiosk: Kiosk, work: Path,
                                              clock: Clock) -> None:
    with open_outbox(work, clock) as outbox:
        records = [make_record(kiosk.kiosk_id) for _ in range(3)]
        for r in records:
            outbox.enqueue(r, final=False)  # the sessions still write them
        worker, _ = make_worker(kiosk, server.url, outbox, clock)
        assert worker.sync_once() == "empty"  # open: not uploaded, so nothing can be changed after a send
        finals = [{**r, "receipt": RECEIPT} for r in records]
        for f in finals:
            assert outbox.update(f) is True
        assert outbox.finalize() == 3  # the citizens left
        server.faults.add("/v1/records", "drop")
        assert worker.sync_once() == "failed"  # the server committed; the answer was lost
        assert len(held(server)) == 3 and outbox.stats().pending == 3
        late = {**finals[1], "receipt": {"printed": False, "printer_state": "paper_out"}}
        assert outbox.update(late) is False  # the race: the late change is refused, nothing differs
        drain(worker, outbox)
        posts = worker.client.posts  # type: ignore[attr-defined]
        assert len(posts) == 2 and posts[0][1] == posts[1][1]  # the same body, so the same key
        st = outbox.stats()
        dead = outbox.dead_letters()
    assert dead == [] and (st.pending, st.in_flight, st.open, st.acknowledged) == (0, 0, 0, 3)
    assert held(server) == {f["record_id"]: canonical(f) for f in finals}  # once each, the final content
    assert len(server.query("SELECT * FROM idempotency")) == 1


def test_retry_all_dead_after_the_old_race_delivers_it(server: ServerThread, kiosk: Kiosk, work: Path,
                                                       clock: Clock) -> None:
    """A record the old model parked (422 after the race) is delivered by `retry --all-dead`: its
    key now names its body, which the server already holds (it answers with its first results)."""
    with open_outbox(work, clock) as outbox:
        record = make_record(kiosk.kiosk_id, receipt=RECEIPT)
        outbox.enqueue(record)
        with kiosk.client(server.url, clock=clock) as cl:
            cl.post_records([json.loads(json.dumps(outbox.get(record["record_id"])))])
        outbox.claim_batch(1, 60)
        outbox.dead(record["record_id"], "idempotency_key_reused: this Idempotency-Key named a different batch")
        assert outbox.retry_dead() == 1
        worker, _ = make_worker(kiosk, server.url, outbox, clock)
        drain(worker, outbox)
        assert outbox.dead_letters() == [] and outbox.stats().acknowledged == 1
    assert list(held(server)) == [record["record_id"]]


def test_a_session_that_died_leaves_its_record_to_be_sent_as_it_was(server: ServerThread, kiosk: Kiosk,
                                                                    work: Path, clock: Clock) -> None:
    with open_outbox(work, clock) as outbox:
        record = make_record(kiosk.kiosk_id)
        outbox.enqueue(record, final=False)  # ... and the kiosk process was killed
        worker, _ = make_worker(kiosk, server.url, outbox, clock)
        assert worker.sync_once() == "empty"
        clock.t += OPEN_LIMIT_S
        assert worker.sync_once() == "sent"
        assert outbox.update({**record, "receipt": RECEIPT}) is False
    assert held(server) == {record["record_id"]: canonical(record)}

