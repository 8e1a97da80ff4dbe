"""What the server receives is never changed afterwards: a record is uploaded only once final,
`update` lands only while it is open, a record left open by a dead session becomes final by
itself. In-flight leases name their owner and a dead owner's are released at once. Dead reasons
are kept redacted whoever writes them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sync import lease
from sync.outbox import OPEN_LIMIT_S
from tests.sync.outbox_helpers import CID, NAME_TH_FIRST, FakeClock, open_outbox, record


def test_an_open_record_is_not_uploaded_until_final(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_outbox(tmp_path, clock=clock) as ob:
        r = record()
        ob.enqueue(r, final=False)
        assert ob.is_open(r["record_id"])
        st = ob.stats()
        assert (st.pending, st.open, st.in_flight) == (0, 1, 0)
        assert ob.claim_batch(10, 60) == []
        changed = {**r, "receipt": {"printed": True, "printer_state": "ok"}}
        assert ob.update(changed) is True
        assert ob.finalize() == 1 and not ob.is_open(r["record_id"])
        assert ob.update({**r, "receipt": {"printed": False, "printer_state": "paper_out"}}) is False
        (claimed,) = ob.claim_batch(10, 60)
        assert claimed.record["receipt"] == {"printed": True, "printer_state": "ok"}  # the last open version
        assert ob.finalize() == 0


def test_finalize_one_record_leaves_the_others_open(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        a, b = record(), record()
        ob.enqueue(a, final=False)
        ob.enqueue(b, final=False)
        assert ob.finalize(a["record_id"]) == 1
        assert [c.record_id for c in ob.claim_batch(10, 60)] == [a["record_id"]]
        assert ob.is_open(b["record_id"])


def test_a_record_left_open_becomes_final_after_the_limit(tmp_path: Path) -> None:
    """The kiosk process died mid-session: nobody finalizes its record, yet it is uploaded."""
    clock = FakeClock()
    with open_outbox(tmp_path, clock=clock) as ob:
        r = record()
        ob.enqueue(r, final=False)
        clock.t += OPEN_LIMIT_S - 1
        assert ob.claim_batch(10, 60) == [] and ob.update(r) is True
        clock.t += 1
        assert ob.update({**r, "app_version": "9.9.9"}) is False  # final now: never changed again
        (claimed,) = ob.claim_batch(10, 60)
        assert claimed.record["app_version"] == "0.1.0"
        clock.t += 61  # the lease ran out: pending again, and still final
        assert ob.update(r) is False and not ob.is_open(r["record_id"])


def test_dead_owners_leases_are_released_and_live_ones_kept(tmp_path: Path) -> None:
    clock = FakeClock()
    gone = subprocess.run([sys.executable, "-c", "from sync import lease; print(lease.current())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    me = lease.current()
    assert lease.alive(me) and not lease.alive(gone)  # that process has exited
    with open_outbox(tmp_path, clock=clock) as ob:
        records = [record() for _ in range(4)]
        for r in records:
            ob.enqueue(r)
        ob.claim_batch(2, 120, owner=gone)
        ob.claim_batch(1, 120, owner=me)
        ob.claim_batch(1, 120)  # an older version's lease: no owner recorded
        assert ob.lease_owners() == {gone: 2, me: 1, "": 1}
        assert ob.release_dead_leases(lease.alive) == 2
        assert ob.lease_owners() == {me: 1, "": 1}
        again = ob.claim_batch(10, 120, owner=me)
        assert [c.record_id for c in again] == [r["record_id"] for r in records[:2]]  # at once, not in 120 s


def test_owner_names_survive_neither_a_reboot_nor_a_reused_pid(tmp_path: Path) -> None:
    me = lease.current()
    boot, pid, start = me.split(":")
    assert pid == str(os.getpid()) and lease.pid_of(me) == os.getpid()
    assert not lease.alive(f"another-boot:{pid}:{start}")
    assert not lease.alive(f"{boot}:{pid}:{int(start) + 1}")  # the same pid, a later process
    assert lease.alive("no-proc-info") and lease.alive(f"{boot}:{pid}:")  # cannot tell: the lease runs out
    fake = tmp_path / "proc"
    (fake / "sys/kernel/random").mkdir(parents=True)
    (fake / "sys/kernel/random/boot_id").write_text("b\n")
    (fake / "42").mkdir()
    (fake / "42" / "stat").write_text("42 (a (weird) name) S " + " ".join(str(i) for i in range(4, 30)))
    assert lease.alive("b:42:22", proc=fake) and not lease.alive("b:42:23", proc=fake)


def test_dead_reasons_are_kept_redacted_whoever_writes_them(tmp_path: Path) -> None:
    with open_outbox(tmp_path) as ob:
        r = record()
        ob.enqueue(r)
        ob.claim_batch(1, 60)
        ob.dead(r["record_id"], f"invalid: card/cid '{CID}' of {NAME_TH_FIRST} (Mrs. Somsritestname)")
        (letter,) = ob.dead_letters()
    assert letter.reason.startswith("invalid: card/cid [redacted] of [redacted]")
    for value in (CID, NAME_TH_FIRST, "Somsritestname"):
        assert value not in letter.reason
        assert value.encode() not in b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("outbox"))
