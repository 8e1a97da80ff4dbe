"""`kiosk sync [--once]`: the sync service (`kiosk-sync.service`): drains the outbox to the central
server, sends heartbeats, stops cleanly on SIGTERM. `--once` drains what is queued and exits
(for a technician, or a timer): it returns once nothing is pending and nothing is in flight
(records another live sync process holds are waited for), and its summary counts every state.
Exit 3 when the server refuses the kiosk's key (re-enroll)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from kiosk import __version__, logs, notify
from kiosk.cli import Subcommands, load_config, service_logging
from kiosk.config import Config

if TYPE_CHECKING:  # the sync stack (httpx, outbox, signing) loads in the handler, not at `kiosk --help`
    from sync.client import CentralClient

log = logs.get("sync")


def register(sub: Subcommands) -> None:
    p = sub.add("sync", "run the sync service: upload queued records, send heartbeats (SIGTERM stops it)", _sync)
    p.add_argument("--once", action="store_true", help="upload what is queued, then exit")


def make_client(cfg: Config, state_dir: Path) -> tuple[CentralClient, str]:
    """A signed client for the enrolled key; raises a clear error when the kiosk is not enrolled."""
    from kiosk import storage
    from sync.client import CentralClient
    from sync.enroll import load_enrollment

    enrollment = load_enrollment(state_dir)
    if enrollment is None:
        raise RuntimeError(f"this kiosk is not enrolled (no {state_dir}/enrollment.json): "
                           "run `kiosk enroll --server URL --token TOKEN --kiosk-id ID`")
    key = storage.device_key(cfg)
    if key.key_id != enrollment.key_id:
        key.close()
        raise RuntimeError("the device key differs from the enrolled one: run `kiosk enroll` again")
    client = CentralClient(cfg.sync.server_url, key=key, key_id=enrollment.key_id, timeout_s=cfg.sync.timeout_s,
                           ca_bundle=cfg.sync.ca_bundle or None)
    return client, enrollment.kiosk_id


def _sync(args: argparse.Namespace) -> int:
    from kiosk import storage
    from sync.audit import AuditLog
    from sync.enroll import load_enrollment
    from sync.keys import DeviceKey
    from sync.worker import EXIT_UNAUTHORIZED, SyncSettings, SyncWorker

    cfg = load_config(args)
    service_logging(args, cfg)
    state_dir = cfg.state_dir
    client, kiosk_id = make_client(cfg, state_dir)
    current_key = client.key_id

    def reload() -> CentralClient | None:
        enrollment = load_enrollment(state_dir)
        if enrollment is None or enrollment.key_id == current_key:
            return None
        return make_client(cfg, state_dir)[0]

    settings = SyncSettings(
        kiosk_id=kiosk_id, state_dir=state_dir, version=__version__, batch_size=cfg.sync.batch_size,
        lease_s=cfg.storage.lease_s, heartbeat_interval_s=cfg.sync.heartbeat_interval_s,
        backoff_base_s=cfg.sync.backoff_base_s, backoff_cap_s=cfg.sync.backoff_cap_s,
    )
    # systemd (Type=notify, WatchdogSec=): READY once running, WATCHDOG from the loop itself, so a
    # hung worker is restarted; the sleeps are sliced so the watchdog is fed while idle too
    watchdog = notify.Watchdog.from_env()
    stop = threading.Event()
    with storage.open_outbox(cfg) as outbox, client:
        worker = SyncWorker(
            outbox, client, settings, reload_client=reload,
            sleep=(lambda s: watchdog.wait(s, stop)) if watchdog else None,
            on_iteration=watchdog.kick_if_due if watchdog else None,
            audit_log=AuditLog(state_dir),  # technician events ride the heartbeats
        )

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()
            worker.stop()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        log.info("sync service started", extra={"fields": {"kiosk_id": kiosk_id, "server": cfg.sync.server_url}})
        notify.ready("syncing")
        code = worker.run(until_empty=args.once)
        notify.stopping()
        worker.client.close()
        if isinstance(worker.client.key, DeviceKey):
            worker.client.key.close()  # a TPM key's connection
        stats = outbox.stats()
    log.info("sync service stopped", extra={"fields": {"pending": stats.pending, "in_flight": stats.in_flight,
                                                        "sent": worker.status.sent}})
    if args.once:
        print(f"sent {worker.status.sent}, dead {worker.status.dead}, pending {stats.pending}, "
              f"in flight {stats.in_flight}, open {stats.open}, link {worker.status.state}")
        if stats.open:
            print(f"{stats.open} record(s) still open: a session is writing them; they are uploaded once it ends")
        if code == 0 and stats.pending + stats.in_flight:
            print(f"error: stopped before the queue was drained ({stats.pending} pending, {stats.in_flight} in flight);"
                  " they stay queued: run `kiosk sync --once` again or start kiosk-sync.service", file=sys.stderr)
            return 1
    if code == EXIT_UNAUTHORIZED:
        print(f"error: {worker.status.detail}", file=sys.stderr)
    return code
