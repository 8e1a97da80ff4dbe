"""The technician back end on the development stack (simulated devices, the reference server, a
real state folder): the kiosk's own PIN (hashed), the lockout across prompt reopening and a
restart (the prompt is refused during backoff, even the right PIN), failures and lockouts logged
without digits and counted in the heartbeat, and an audit event for each action, signed with the
device key, reaching the server in the heartbeat."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import storage, technician_pin
from kiosk.devkit.stack import DevStack
from kiosk.runtime.technician import Technician
from sync.audit import AuditLog, verify
from sync.client import CentralClient
from sync.worker import SyncSettings, SyncWorker

from .runtime_stack import running_stack

pytestmark = [pytest.mark.daemon, pytest.mark.slow]

PIN = "73915048"
WRONG = "46820135"


class Clock:
    """The wall clock when the test began, standing still, plus an offset the test moves (a lock
    is kept in wall-clock time; a loaded machine must not make a second pass between two reads)."""

    def __init__(self) -> None:
        self.start = time.time()
        self.offset = 0.0

    def __call__(self) -> float:
        return self.start + self.offset


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    state = tmp_path_factory.mktemp("kiosk")
    technician_pin.store(state, PIN)  # as `kiosk technician set-pin` does
    with running_stack(state) as s:
        yield s


def heartbeat(stack: DevStack) -> dict[str, dict[str, str]]:
    """Send one heartbeat as `kiosk sync` does; the devices the server received."""
    d = stack.devices
    assert d is not None and d.key is not None and stack.server is not None
    with storage.open_outbox(stack.cfg, check=False) as outbox, \
            CentralClient(stack.server.url, key=d.key, key_id=d.key.key_id) as client:
        worker = SyncWorker(outbox, client, SyncSettings(kiosk_id=d.kiosk_id, state_dir=stack.cfg.state_dir,
                                                         version="test"), audit_log=AuditLog(stack.cfg.state_dir))
        assert worker.send_heartbeat()
    rows = stack.server.query("SELECT body FROM heartbeats ORDER BY id DESC LIMIT 1")
    devices: dict[str, dict[str, str]] = json.loads(rows[0]["body"])["devices"]
    return devices


def status_in_a_new_process(stack: DevStack, tmp_path: Path) -> str:
    config = tmp_path / "config.toml"
    config.write_text(f'[kiosk]\nmode = "development"\n[storage]\nstate_dir = "{stack.cfg.state_dir}"\n')
    r = subprocess.run([sys.executable, "-m", "kiosk", "technician", "status", "--config", str(config)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_lockout_holds_across_reopening_and_restart_and_the_heartbeat_counts_it(
        stack: DevStack, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assert stack.runtime is not None and stack.devices is not None and stack.devices.key is not None
    clock = Clock()
    tech = Technician(stack.runtime, clock=clock)
    caplog.set_level(logging.INFO)
    assert tech.check_pin(technician_pin.DEV_PIN).result == "wrong"  # the kiosk's own PIN, not the documented one
    assert tech.check_pin(WRONG).tries_left == 1  # the prompt is closed and reopened in between: still counted
    verdict = tech.check_pin(WRONG)
    assert (verdict.result, verdict.locked_s) == ("locked", 30)
    assert tech.lockout_remaining_s() == 30  # the prompt opens locked
    refused = tech.check_pin(PIN)  # refused unchecked during the backoff, even the right PIN
    assert refused.result == "locked" and 0 < refused.locked_s <= 30
    assert tech.lockout.state().failures == 3  # and not counted

    restarted = Technician(stack.runtime, clock=clock)  # the kiosk restarted: the lock is in the state folder
    assert restarted.check_pin(PIN).result == "locked"
    assert "locked for " in status_in_a_new_process(stack, tmp_path)
    restarted.publish_device_states()
    assert heartbeat(stack)["technician"] == {"state": "degraded",
                                              "detail": "pin_failures_total=3 lockouts_total=1 locked_s=30"}
    clock.offset += 31  # the lock is over; the next wrong PIN, the 4th in a row, locks twice as long
    assert restarted.lockout_remaining_s() == 0
    verdict = restarted.check_pin(WRONG)
    assert (verdict.result, verdict.locked_s) == ("locked", 60)
    clock.offset += 61
    assert restarted.check_pin(PIN).result == "ok"
    assert restarted.lockout.state().failures == 0
    restarted.publish_device_states()
    assert heartbeat(stack)["technician"]["state"] == "ok"

    messages = [r.getMessage() for r in caplog.records if r.name == "kiosk.technician"]
    assert messages.count("technician PIN prompt locked") >= 2 and "technician PIN wrong" in messages
    for record in caplog.records:  # no PIN digits anywhere: message, fields, arguments
        text = record.getMessage() + json.dumps(getattr(record, "fields", {}), default=str)
        assert PIN not in text and WRONG not in text and technician_pin.DEV_PIN not in text


def test_every_screen_action_is_a_signed_audit_event_that_reaches_the_server(stack: DevStack) -> None:
    assert stack.runtime is not None and stack.devices is not None and stack.devices.key is not None
    heartbeat(stack)  # what earlier tests left is sent first
    tech = stack.runtime.technician
    tech.lockout.clear()
    assert tech.check_pin(PIN).result == "ok"
    assert tech.print_test() == "ok"
    tech.enter_maintenance()
    tech.leave_maintenance()
    tech.leave("idle")
    tech.leave("closed")  # not in any more: nothing to record
    devices = heartbeat(stack)
    public = stack.devices.key.public_key
    events = [verify(devices[n]["detail"], public) for n in sorted(devices) if n.startswith("audit.")]
    assert [(e.action, e.via) for e in events] == [
        ("technician_entered", "screen"), ("printer_test", "screen"), ("maintenance_on", "screen"),
        ("maintenance_off", "screen"), ("technician_left", "screen")]
    assert events[0].detail == "pin=hash" and events[-1].detail == "reason=idle"
    assert "printer_state=ok" in events[1].detail
    assert all(e.iss == stack.devices.kiosk_id for e in events)
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + 5))  # numbered without gaps
    assert not [n for n in heartbeat(stack) if n.startswith("audit.")]  # sent once
