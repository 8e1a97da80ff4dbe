"""The outbox state machine, encryption at rest, erasure on acknowledgement, budget, corruption."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from sync.outbox import (
    DuplicateRecord,
    OutboxCorrupt,
    OutboxFull,
    OutboxKeyError,
    RecordGone,
    RecordNotFound,
    RecordUnreadable,
    corrupt_files,
    maintenance_margin,
)
from sync.outbox_crypto import Kek, Sealed
from sync.records import RecordInvalid, validate_record
from tests.sync.outbox_helpers import SECRETS, FakeClock, open_outbox, record


def raw_bytes(tmp: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp.iterdir() if p.name.startswith("outbox.sqlite"))


def test_enqueue_then_claim_oldest_first_with_a_lease(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_outbox(tmp_path, clock=clock) as ob:
        records = [record() for _ in range(5)]
        for r in records:
            ob.enqueue(r)
            clock.t += 1
        assert ob.stats().pending == 5
        batch = ob.claim_batch(3, lease_s=60)
        assert [c.record_id for c in batch] == [r["record_id"] for r in records[:3]]
        assert batch[0].record == validate_record(records[0]).to_json() and batch[0].attempts == 1
        st = ob.stats()
        assert (st.pending, st.in_flight) == (2, 3)
        assert [c.record_id for c in ob.claim_batch(10, lease_s=60)] == [r["record_id"] for r in records[3:]]
        assert ob.claim_batch(10, lease_s=60) == []
        clock.t += 61  # leases expire: the records come back, oldest first, attempt counted
        again = ob.claim_batch(2, lease_s=60)
        assert [c.record_id for c in again] == [r["record_id"] for r in records[:2]]
        assert again[0].attempts == 2


def test_ids_lists_records_by_state_without_leasing_them(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_outbox(tmp_path, clock=clock) as ob:
        records = [record() for _ in range(3)]
        for i, r in enumerate(records):
            ob.enqueue(r, final=i == 0)  # the last two: their sessions are still writing them
            clock.t += 1
        [first] = ob.claim_batch(10, lease_s=60)  # open records are not uploaded
        ids = [r["record_id"] for r in records]
        assert ob.ids() == ids[1:] and ob.ids("in_flight") == [first.record_id] and ob.ids("dead") == []
        assert ob.ids() == ids[1:]  # reading leased nothing
        assert ob.update(records[1]) is True  # so an update of an open record still lands
        assert ob.update(records[0]) is False  # while the claimed one is turned away


def test_retry_later_release_dead_and_retry_dead(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_outbox(tmp_path, clock=clock) as ob:
        a, b, c = record(), record(), record(outcome="failed", reason="liveness_failed")
        for r in (a, b, c):
            ob.enqueue(r)
        ob.claim_batch(3, lease_s=60)
        ob.retry_later([a["record_id"]], at=clock.t + 100)
        ob.release([b["record_id"]])
        ob.dead(c["record_id"], "rejected: conflict")
        got = ob.claim_batch(10, lease_s=1000)
        assert [x.record_id for x in got] == [b["record_id"]] and got[0].attempts == 1  # release: no attempt lost
        clock.t += 100
        assert [x.record_id for x in ob.claim_batch(10, lease_s=60)] == [a["record_id"]]
        letters = ob.dead_letters()
        assert [(d.record_id, d.reason) for d in letters] == [(c["record_id"], "rejected: conflict")]
        assert ob.get(c["record_id"])["failure_reason"] == "liveness_failed"  # dead keeps its data
        ob.ack([a["record_id"], b["record_id"]])
        assert ob.stats().dead == 1  # never removed automatically
        with pytest.raises(RecordNotFound):
            ob.retry_dead("00000000-0000-4000-8000-000000000000")
        assert ob.retry_dead(c["record_id"]) == 1
        assert ob.stats().dead == 0
        assert [x.record_id for x in ob.claim_batch(10, lease_s=60)] == [c["record_id"]]


def test_ack_leaves_a_tombstone_without_personal_data(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        r = record(outcome="failed", reason="card_expired")
        ob.enqueue(r)
        ob.claim_batch(1, 60)
        assert ob.ack([r["record_id"]]) == 1
        assert ob.ack([r["record_id"]]) == 0
        with pytest.raises(RecordGone):
            ob.get(r["record_id"])
        (t,) = ob.tombstones()
        assert (t.record_id, t.purpose, t.outcome, t.failure_reason) == (r["record_id"], "ial_upgrade", "failed", "card_expired")
        assert t.created_at == "2026-11-21T08:15:00Z" and t.acknowledged_at.tzinfo is not None
        assert ob.stats().acknowledged == 1


def test_personal_data_never_reaches_the_files_in_clear(tmp_path: Path) -> None:
    ob = open_outbox(tmp_path)
    for _ in range(20):
        ob.enqueue(record())
    # checked while the records sit in the WAL, and again after a checkpoint into the main file
    data = raw_bytes(tmp_path)
    assert len(data) > 0 and os.path.getsize(tmp_path / "outbox.sqlite-wal") > 0
    for secret in SECRETS:
        assert secret.encode("utf-8") not in data, secret
    ob.close()
    data = raw_bytes(tmp_path)
    for secret in SECRETS:
        assert secret.encode("utf-8") not in data, secret
    with open_outbox(tmp_path) as ob:
        assert ob.stats().pending == 20


def test_after_ack_the_record_cannot_be_decrypted(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        keep, gone = record(), record()
        ob.enqueue(keep)
        ob.enqueue(gone)
        conn = sqlite3.connect(tmp_path / "outbox.sqlite")
        wrapped, nonce, ct = conn.execute(
            "SELECT wrapped_key, nonce, ciphertext FROM sealed JOIN records ON seq = record_seq WHERE record_id = ?",
            [gone["record_id"]]).fetchone()
        conn.close()
        kek = Kek.load(tmp_path / "outbox.kek")
        assert CID_IN(kek.open(gone["record_id"], Sealed(wrapped, nonce, ct)))  # readable before
        ob.claim_batch(2, 60)
        ob.ack([gone["record_id"]])
        data = raw_bytes(tmp_path)
        # neither the wrapped data key nor any piece of the ciphertext is left anywhere on disk
        assert wrapped not in data and ct[:24] not in data and ct[-24:] not in data
        assert os.path.getsize(tmp_path / "outbox.sqlite-wal") == 0
        assert ob.get(keep["record_id"])["card"]["cid"] == keep["card"]["cid"]


def CID_IN(plaintext: bytes) -> bool:
    return SECRETS[0].encode() in plaintext


def test_files_are_private(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        ob.enqueue(record())
        for name in ("outbox.sqlite", "outbox.sqlite-wal", "outbox.kek"):
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name
        conn = ob._conn  # the connection's durability settings are the point of this test
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_budget_goes_out_of_service_before_full_and_never_drops(tmp_path: Path) -> None:
    budget = 256 * 1024
    stored: list[str] = []
    with open_outbox(tmp_path, budget=budget) as ob:
        while not ob.would_exceed():
            r = record()
            ob.enqueue(r)
            stored.append(r["record_id"])
        # out of service now, but the reserve still holds the record of a session already running
        r = record()
        ob.enqueue(r)
        stored.append(r["record_id"])
        with pytest.raises(OutboxFull) as e:
            for _ in range(10_000):
                r = record()
                ob.enqueue(r)
                stored.append(r["record_id"])
        assert e.value.reason == "budget"
        assert ob.integrity_ok()
        assert ob.stats().pending == len(stored)
        for rid in stored:
            assert ob.get(rid)["record_id"] == rid
        # a full queue still drains, and acknowledging gives the space back: the queue works again
        used = ob.used_bytes()
        while batch := ob.claim_batch(100, 60):
            ob.ack([c.record_id for c in batch])
        assert ob.used_bytes() < used / 2
        assert not ob.would_exceed()
        for _ in range(20):
            ob.enqueue(record())
    assert os.path.getsize(tmp_path / "outbox.sqlite") <= budget + maintenance_margin(budget)


def test_disk_full_is_a_typed_error_and_loses_nothing(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        first = [record() for _ in range(30)]
        for r in first:
            ob.enqueue(r)
        # the file may not grow by one more page: as a full disk looks to SQLite
        pages = ob._conn.execute("PRAGMA page_count").fetchone()[0]
        ob._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(OutboxFull):
            for _ in range(200):
                ob.enqueue(record())
        assert ob.integrity_ok()
    with open_outbox(tmp_path) as ob:
        for r in first:
            assert ob.get(r["record_id"])["card"]["cid"] == r["card"]["cid"]


def test_duplicates_and_invalid_records(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        r = record()
        ob.enqueue(r)
        ob.enqueue(dict(r))  # an identical retry is harmless
        assert ob.stats().pending == 1
        other = record(r["record_id"], outcome="failed")
        with pytest.raises(DuplicateRecord):
            ob.enqueue(other)
        bad = record()
        bad["card"]["cid"] = "123"
        with pytest.raises(RecordInvalid):
            ob.enqueue(bad)
        assert ob.stats().pending == 1


def test_update_replaces_an_open_body_only(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        r = record()
        ob.enqueue(r, final=False)
        r2 = {**r, "continuation": {"method": "qr", "qr_cti": "ABEiM0RVZneImaq7zN3u_w"}}
        assert ob.update(r2) is True
        assert ob.get(r["record_id"])["continuation"]["qr_cti"] == "ABEiM0RVZneImaq7zN3u_w"
        ob.finalize(r["record_id"])
        assert ob.update(r) is False  # final, even before any claim
        ob.claim_batch(1, 60)
        assert ob.update(r) is False
        with pytest.raises(RecordNotFound):
            ob.update(record())


def test_stats_report_oldest_pending_age_and_disk(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_outbox(tmp_path, clock=clock) as ob:
        assert ob.stats().oldest_pending_age_s is None
        ob.enqueue(record())
        clock.t += 42
        ob.enqueue(record())
        st = ob.stats()
        assert st.oldest_pending_age_s == pytest.approx(42)
        assert st.disk_bytes >= os.path.getsize(tmp_path / "outbox.sqlite") > 0


def test_garbage_file_is_moved_aside_and_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "outbox.sqlite").write_bytes(b"this is not a database" * 500)
    with caplog.at_level(logging.ERROR, logger="kiosk.outbox"), pytest.raises(OutboxCorrupt) as e:
        open_outbox(tmp_path)
    (logged,) = [r for r in caplog.records if "corrupt" in r.getMessage()]
    assert logged.fields["moved_to"] == str(e.value.moved_to)  # structured, so the JSON line shows it
    assert e.value.moved_to.exists() and not (tmp_path / "outbox.sqlite").exists()
    assert e.value.moved_to.read_bytes().startswith(b"this is not")  # kept as it was
    assert corrupt_files(tmp_path) == [e.value.moved_to]
    with open_outbox(tmp_path) as ob:  # the next start begins a new file
        ob.enqueue(record())


def test_damaged_pages_fail_the_integrity_check(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        for _ in range(200):
            ob.enqueue(record())
    path = tmp_path / "outbox.sqlite"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page + 100, len(data) - page, 3 * page):  # scribble over B-tree pages
        data[offset:offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(OutboxCorrupt) as e:
        open_outbox(tmp_path)
    assert e.value.moved_to.read_bytes() == bytes(data)


def test_missing_kek_with_queued_records_is_refused_not_replaced(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        ob.enqueue(record())
    (tmp_path / "outbox.kek").unlink()
    with pytest.raises(OutboxKeyError):
        open_outbox(tmp_path)
    assert not (tmp_path / "outbox.kek").exists()


def test_wrong_kek_makes_records_unreadable(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        r = record()
        ob.enqueue(r)
    (tmp_path / "outbox.kek").write_bytes(os.urandom(32))
    with open_outbox(tmp_path) as ob:
        with pytest.raises(RecordUnreadable):
            ob.get(r["record_id"])


def test_unusable_folder_is_an_outbox_error(tmp_path: Path) -> None:
    from sync.outbox import Outbox, OutboxError

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(OutboxError, match="cannot open outbox"):
        Outbox.open(blocker / "outbox.sqlite", kek_path=blocker / "outbox.kek", budget_bytes=1 << 20)
