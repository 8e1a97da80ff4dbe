"""A schema-v1 outbox (kept as an SQL dump fixture) is migrated to the current schema, losing nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sync import outbox_schema
from sync.outbox import Outbox, OutboxError
from tests.sync.outbox_helpers import FakeClock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "outbox"


def v1_database(tmp: Path) -> tuple[Path, Path]:
    db, kek = tmp / "outbox.sqlite", tmp / "outbox.kek"
    conn = sqlite3.connect(db)
    conn.executescript((FIXTURES / "outbox-v1.sql").read_text())
    conn.close()
    kek.write_bytes(bytes.fromhex((FIXTURES / "outbox-v1.kek.hex").read_text().strip()))
    kek.chmod(0o600)
    return db, kek


def rid(i: int) -> str:
    return f"00000000-0000-4000-8000-00000000000{i}"


def test_v1_fixture_is_version_1(tmp_path: Path) -> None:
    db, _ = v1_database(tmp_path)
    conn = sqlite3.connect(db)
    assert outbox_schema.version_of(conn) == 1
    assert {r[1] for r in conn.execute("PRAGMA table_info(records)")} >= {"ciphertext", "wrapped_key"}
    conn.close()


def test_v1_migrates_to_current_and_keeps_every_record(tmp_path: Path) -> None:
    db, kek = v1_database(tmp_path)
    clock = FakeClock(1767258000.0 + 10_000)  # after the fixture's in-flight lease ran out
    with Outbox.open(db, kek_path=kek, budget_bytes=64 << 20, clock=clock) as ob:
        conn = sqlite3.connect(db)
        assert outbox_schema.version_of(conn) == outbox_schema.CURRENT_VERSION
        assert "ciphertext" not in {r[1] for r in conn.execute("PRAGMA table_info(records)")}
        conn.close()
        st = ob.stats()
        assert (st.pending, st.in_flight, st.acknowledged, st.dead) == (2, 1, 1, 1)
        # the failure reason was recovered from the sealed body of the queued records
        assert ob.get(rid(2))["failure_reason"] == "face_mismatch"
        (tomb,) = ob.tombstones()
        assert tomb.record_id == rid(1) and tomb.outcome == "verified"
        (dead,) = ob.dead_letters()
        assert (dead.record_id, dead.reason) == (rid(4), "rejected: schema") and dead.dead_at is not None
        assert ob.get(rid(4))["failure_reason"] == "timeout"
        claimed = ob.claim_batch(10, 60)
        assert [c.record_id for c in claimed] == [rid(2), rid(3), rid(5)]  # oldest first, lease expired
        assert claimed[1].attempts == 2
        ob.ack([c.record_id for c in claimed])
        assert ob.stats().acknowledged == 4
        ob.retry_dead(rid(4))
        assert [c.record_id for c in ob.claim_batch(10, 60)] == [rid(4)]
        assert ob.integrity_ok()


def test_migration_failure_leaves_v1_untouched(tmp_path: Path) -> None:
    db, kek = v1_database(tmp_path)
    kek.write_bytes(b"\x00" * 32)  # the wrong key: the backfill cannot read the records
    before = db.read_bytes()
    with pytest.raises(OutboxError):
        Outbox.open(db, kek_path=kek, budget_bytes=64 << 20)
    conn = sqlite3.connect(db)
    assert outbox_schema.version_of(conn) == 1
    assert conn.execute("SELECT count(*) FROM records WHERE ciphertext IS NOT NULL").fetchone()[0] == 4
    conn.close()
    assert len(before) > 0


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    db, kek = v1_database(tmp_path)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(OutboxError, match="newer"):
        Outbox.open(db, kek_path=kek, budget_bytes=64 << 20)


def v2_database(tmp: Path) -> tuple[Path, Path]:
    db, kek = tmp / "outbox.sqlite", tmp / "outbox.kek"
    conn = sqlite3.connect(db)
    conn.executescript((FIXTURES / "outbox-v2.sql").read_text())
    conn.close()
    kek.write_bytes(bytes.fromhex((FIXTURES / "outbox-v1.kek.hex").read_text().strip()))
    kek.chmod(0o600)
    return db, kek


def test_v2_migrates_to_v3_final_owned_by_nobody_and_redacted(tmp_path: Path) -> None:
    db, kek = v2_database(tmp_path)
    assert "ทดสอบ".encode() in db.read_bytes()  # v2 kept the server's message as it came
    clock = FakeClock(1769936400.0 + 10_000)  # after the fixture's in-flight lease ran out
    with Outbox.open(db, kek_path=kek, budget_bytes=64 << 20, clock=clock) as ob:
        conn = sqlite3.connect(db)
        assert outbox_schema.version_of(conn) == outbox_schema.CURRENT_VERSION == 3
        columns = {r[1] for r in conn.execute("PRAGMA table_info(records)")}
        assert {"open_until", "lease_owner"} <= columns
        conn.close()
        st = ob.stats()
        assert (st.pending, st.open, st.in_flight, st.acknowledged, st.dead) == (2, 0, 1, 1, 1)
        (dead,) = ob.dead_letters()
        assert dead.reason.startswith("conflict: a different record is held (record values: [redacted]")
        assert "1101700203451" not in dead.reason and "ทดสอบ" not in dead.reason
        ids = [f"00000000-0000-4000-8000-00000000010{i}" for i in (2, 3, 5)]
        claimed = ob.claim_batch(10, 60, owner="x")  # queued rows were final: all of them go
        assert [c.record_id for c in claimed] == ids
        assert ob.lease_owners() == {"x": 3}
        ob.ack(ids)
        assert ob.integrity_ok()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("outbox.sqlite"))
    assert "ทดสอบ".encode() not in raw  # the old reason is gone from the file, not only hidden
