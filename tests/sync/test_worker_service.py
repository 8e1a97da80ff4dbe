"""`kiosk sync` as the service runs it: a real process, a real server, a real outbox. SIGTERM ends
it promptly with exit 0 and nothing left in flight; `--once` drains and reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server import ServerThread
from tests.sync.central import Clock, Kiosk, enrolled_kiosk, make_record
from tests.sync.worker_support import fast_dir, open_outbox

pytestmark = [pytest.mark.daemon, pytest.mark.slow]


@pytest.fixture
def work() -> Iterator[Path]:
    with fast_dir() as d:
        yield d


@pytest.fixture
def server(work: Path) -> Iterator[ServerThread]:
    with ServerThread(work / "central.sqlite") as srv:
        yield srv


def setup_kiosk(server: ServerThread, work: Path, n: int) -> tuple[Kiosk, Path, list[str]]:
    state = work / "state"
    kiosk = enrolled_kiosk(server, state)
    ids = []
    with open_outbox(state, Clock()) as outbox:
        for _ in range(n):
            rec = make_record(kiosk.kiosk_id)
            outbox.enqueue(rec)
            ids.append(rec["record_id"])
    cfg = work / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{state}"\n[sync]\nserver_url = "{server.url}"\n'
                   'timeout_s = 5.0\nbackoff_base_s = 30.0\n')
    return kiosk, cfg, ids


def kiosk_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "kiosk", *args]


def test_sigterm_stops_cleanly_with_nothing_in_flight(server: ServerThread, work: Path) -> None:
    kiosk, cfg, _ = setup_kiosk(server, work, 5)
    server.faults.add("/v1/records", "status", status=500, times=1000)
    proc = subprocess.Popen(kiosk_cmd("--log-level", "INFO", "sync", "--config", str(cfg)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        status = kiosk.state_dir / "sync-status.json"
        # the worker has tried, failed, and is waiting in its backoff
        while not (status.exists() and json.loads(status.read_text())["state"] == "down"):
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the sync service never reported the failing server"
            time.sleep(0.1)
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
        stopped_in = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
    _, err = proc.communicate()
    assert code == 0, err
    assert stopped_in < 5  # did not sit out its 30 s backoff
    assert "Traceback" not in err
    with open_outbox(kiosk.state_dir, Clock()) as outbox:
        stats = outbox.stats()
    assert (stats.pending, stats.in_flight) == (5, 0)
    assert sum("server unreachable since" in line for line in err.splitlines()) == 1


def test_once_drains_and_reports(server: ServerThread, work: Path) -> None:
    _, cfg, ids = setup_kiosk(server, work, 7)
    done = subprocess.run(kiosk_cmd("sync", "--once", "--config", str(cfg)), capture_output=True, text=True,
                          timeout=120, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sent 7, dead 0, pending 0")
    assert [r["record_id"] for r in server.query("SELECT record_id FROM records ORDER BY seq")] == ids


def test_not_enrolled_is_a_clear_error(work: Path) -> None:
    cfg = work / "config.toml"
    cfg.write_text(f'[storage]\nstate_dir = "{work / "state"}"\n')
    done = subprocess.run(kiosk_cmd("sync", "--once", "--config", str(cfg)), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("error: this kiosk is not enrolled")


def test_the_service_tells_systemd_ready_watchdog_and_stopping(server: ServerThread, work: Path) -> None:
    """kiosk-sync.service is Type=notify with WatchdogSec=: without READY it would never start,
    without WATCHDOG from its loop (also while it drains a backlog or sits in a backoff) systemd
    would kill it."""
    from tests.harness.notify import FakeNotifySocket

    kiosk, cfg, _ = setup_kiosk(server, work, 300)
    sock = FakeNotifySocket(str(work / "notify.sock"))
    env = {**os.environ, "NOTIFY_SOCKET": sock.env_value, "WATCHDOG_USEC": "2000000"}
    proc = subprocess.Popen(kiosk_cmd("sync", "--config", str(cfg)), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        sock.wait_for("READY=1", timeout_s=60)
        ready_at = time.monotonic()
        time.sleep(5.0)  # drains the backlog, then idles
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()
    _, err = proc.communicate()
    assert code == 0, err
    kicks = [t for t, fields in sock.messages if "WATCHDOG=1" in fields and t >= ready_at]
    assert len(kicks) >= 3, sock.messages
    gaps = [b - a for a, b in zip([ready_at, *kicks], kicks, strict=False)]
    assert max(gaps) < 2.0  # never longer than WatchdogSec without a kick
    assert "STOPPING=1" in sock.fields()


@pytest.mark.parametrize(("level", "expect_info"), [("INFO", True), ("ERROR", False)])
def test_the_service_logs_at_the_configured_level(server: ServerThread, work: Path, level: str,
                                                  expect_info: bool) -> None:
    kiosk, cfg, _ = setup_kiosk(server, work, 1)
    cfg.write_text(cfg.read_text() + f'[logging]\nlevel = "{level}"\n')
    r = subprocess.run(kiosk_cmd("sync", "--once", "--config", str(cfg)), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    started = [json.loads(line) for line in r.stderr.splitlines() if "sync service started" in line]
    assert bool(started) is expect_info
    if started:
        assert started[0]["logger"] == "kiosk.sync" and started[0]["level"] == "info"


def test_once_releases_the_batch_of_a_killed_sync_process_at_once(server: ServerThread, work: Path) -> None:
    """A killed `kiosk sync` leaves its batch in flight: the next start sends it now, not after the
    lease, and `--once` never reports `pending 0` while records are in flight."""
    from sync import lease

    kiosk, cfg, ids = setup_kiosk(server, work, 6)
    killed = subprocess.run([sys.executable, "-c", "from sync import lease; print(lease.current())"],
                            capture_output=True, text=True, check=True).stdout.strip()
    with open_outbox(kiosk.state_dir, Clock()) as outbox:
        outbox.claim_batch(4, lease_s=3600, owner=killed)  # its lease would last an hour
        assert not lease.alive(killed) and outbox.stats().in_flight == 4
    done = subprocess.run(kiosk_cmd("sync", "--once", "--config", str(cfg)), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sent 6, dead 0, pending 0, in flight 0, open 0")
    assert sorted(r["record_id"] for r in server.query("SELECT record_id FROM records")) == sorted(ids)


def test_once_waits_for_records_a_live_process_holds(server: ServerThread, work: Path) -> None:
    """Records leased by a sync process still running are not "pending 0": `--once` waits for
    them (here their 3 s lease ends and it sends them itself)."""
    from sync import lease

    kiosk, cfg, ids = setup_kiosk(server, work, 3)
    cfg.write_text(cfg.read_text().replace("[storage]\n", "[storage]\nlease_s = 3\n"))
    with open_outbox(kiosk.state_dir, Clock()) as outbox:
        outbox.claim_batch(2, lease_s=3, owner=lease.current())  # this test process: alive
    done = subprocess.run(kiosk_cmd("sync", "--once", "--config", str(cfg)), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("sent 3, dead 0, pending 0, in flight 0")
    assert len(server.query("SELECT record_id FROM records")) == 3
