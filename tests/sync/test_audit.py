"""The audit trail's store and tokens: events numbered and signed with the device key (COSE_Sign1,
ES256), verified with its public key only; unsigned ones wait for a key; each unsent event goes in
the heartbeat as `audit.<seq>`, the server accepts that heartbeat (the contract's schema), and the
events are marked sent only once it answered."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from sync import audit
from sync.audit import AuditLog, InvalidAuditEvent, verify
from sync.keys import DeviceKey


class Clock:
    def __init__(self) -> None:
        self.t = 1_790_000_000.0

    def __call__(self) -> float:
        return self.t


def test_events_are_numbered_signed_and_verify_only_with_their_key(tmp_path: Path) -> None:
    key, other = DeviceKey.generate(), DeviceKey.generate()
    log = AuditLog(tmp_path, clock=Clock())
    first = log.record("maintenance_on", kiosk_id="KIOSK-1", via="screen", key=key)
    second = log.record("queue_retry", kiosk_id="KIOSK-1", via="cli", detail="records=2", key=key)
    assert (first.seq, second.seq) == (1, 2)
    assert stat.S_IMODE((tmp_path / audit.FILE_NAME).stat().st_mode) == 0o600
    tokens = log.unsent(None)
    assert [seq for seq, _ in tokens] == [1, 2] and all(t.startswith("TKA1:") for _, t in tokens)
    event = verify(tokens[1][1], key.public_key)
    assert event == audit.AuditEvent(2, "KIOSK-1", 1_790_000_000, "queue_retry", "cli", "records=2")
    with pytest.raises(InvalidAuditEvent, match="another key"):
        verify(tokens[1][1], other.public_key)
    token = tokens[0][1]
    body = token[len("TKA1:"):]
    flipped = token[:len("TKA1:")] + body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    with pytest.raises(InvalidAuditEvent):
        verify(flipped, key.public_key)
    for junk in ("", "TKA1:", "TRK1:abc", "TKA1:!!!!"):
        with pytest.raises(InvalidAuditEvent):
            verify(junk, key.public_key)
    with pytest.raises(ValueError):
        log.record("made_up", kiosk_id="KIOSK-1", via="cli")


def test_an_event_written_without_a_key_is_signed_when_first_sent(tmp_path: Path) -> None:
    clock = Clock()
    log = AuditLog(tmp_path, clock=clock)
    log.record("pin_set", kiosk_id="KIOSK-1", via="cli", detail="generated")
    assert log.unsent(None) == [] and log.counts() == (1, 1)
    clock.t += 3600
    key = DeviceKey.generate()
    [(seq, token)] = log.unsent(key)
    event = verify(token, key.public_key)
    assert seq == 1 and event.iat == 1_790_000_000 and event.action == "pin_set"  # the time of the action
    assert log.unsent(None) == [(1, token)]  # stored signed: the same token every time


def test_heartbeat_entries_and_marking_sent(tmp_path: Path) -> None:
    key = DeviceKey.generate()
    log = AuditLog(tmp_path)
    for _ in range(audit.PER_HEARTBEAT + 3):
        log.record("printer_test", kiosk_id="K", via="screen", key=key)
    batch = log.unsent(key)
    assert len(batch) == audit.PER_HEARTBEAT
    entries = audit.heartbeat_entries(batch)
    assert list(entries)[:2] == ["audit.00000001", "audit.00000002"]
    assert entries["audit.00000001"] == {"state": "ok", "detail": batch[0][1]}
    devices = {"printer": {"state": "ok"}, **entries}
    assert audit.sent_seqs(devices) == list(range(1, audit.PER_HEARTBEAT + 1))
    log.mark_sent(audit.sent_seqs(devices))
    assert [s for s, _ in log.unsent(key)] == [21, 22, 23]
    assert log.counts() == (3, 23)
