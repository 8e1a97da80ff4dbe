"""The sync worker (`kiosk sync`, run by `kiosk-sync.service`): drains the outbox to the central
server and reports the kiosk's health.

- Claims batches of up to 100 records (oldest first) and posts them with an `Idempotency-Key`
  derived from the batch's record ids (UUIDv5), so a retried batch carries the same key, even
  after a restart.
- Per-record results: `accepted`/`duplicate` -> acknowledged; `rejected` -> dead letter with the
  server's code. A whole batch refused as a request (4xx) is retried one record at a time, so one
  bad record cannot block the queue and is dead-lettered alone.
- Failures (offline, timeout, 5xx) back off with full jitter: sleep = random(0, min(cap,
  base * 2^attempt)); 429/503 wait exactly the server's `Retry-After` (at most the cap). While
  the server is unreachable, each retry first probes `GET /v1/health` (unsigned) and claims a
  batch only when it answers.
- 401 (bad signature, revoked or unknown key) is a fault: the worker stops posting, says so once,
  and waits for a new enrollment (or exits with `EXIT_UNAUTHORIZED` when `exit_on_fault`).
- A heartbeat every `heartbeat_interval_s` with the device states the kiosk process publishes
  (`sync.device_states`) and the queue statistics.
- Every state change of the link is logged once ("server unreachable since ...", "back") and
  written to `<state_dir>/sync-status.json` for the doctor and the technician screen.
- `stop()` (SIGTERM) ends the loop between steps; records in hand go back to pending
  (`release`), and a killed process leaves them to their lease.

Errors: none of its own; outbox errors (`sync.outbox.OutboxError`) end `run()` and propagate.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from sync import device_states
from sync.client import (
    CentralClient,
    Offline,
    RateLimited,
    Rejected,
    ServerError,
    SyncError,
    Timeout,
    Unauthorized,
)
from sync.outbox import Claimed, OutboxStats

log = logging.getLogger("kiosk.sync")

BATCH_NAMESPACE = uuid.UUID("6b1f5f0e-2d7a-4c3e-9a51-0c9f3e1d7a20")
STATUS_FILE = "sync-status.json"
EXIT_UNAUTHORIZED = 3
LinkState = Literal["starting", "up", "down", "busy", "fault"]
Outcome = Literal["empty", "sent", "failed", "fault"]


class OutboxLike(Protocol):
    def claim_batch(self, n: int, lease_s: float) -> list[Claimed]: ...
    def ack(self, record_ids: list[str]) -> int: ...
    def release(self, record_ids: list[str]) -> None: ...
    def dead(self, record_id: str, reason: str) -> None: ...
    def stats(self) -> OutboxStats: ...


def batch_key(record_ids: list[str]) -> uuid.UUID:
    """The batch's Idempotency-Key: the same records in the same order -> the same key."""
    return uuid.uuid5(BATCH_NAMESPACE, "\n".join(record_ids))


def full_jitter(attempt: int, base_s: float, cap_s: float, rng: Callable[[], float] = random.random) -> float:
    return float(rng() * min(cap_s, base_s * 2 ** min(attempt, 32)))


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class SyncSettings:
    kiosk_id: str
    state_dir: Path
    version: str
    batch_size: int = 100
    lease_s: float = 120.0
    heartbeat_interval_s: float = 60.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 300.0
    idle_poll_s: float = 2.0
    exit_on_fault: bool = False


@dataclass
class LinkStatus:
    state: LinkState = "starting"
    since: float = 0.0
    detail: str = ""
    last_success: float | None = None
    sent: int = 0
    dead: int = 0
    history: list[str] = field(default_factory=list)


class SyncWorker:
    def __init__(
        self,
        outbox: OutboxLike,
        client: CentralClient,
        settings: SyncSettings,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], object] | None = None,
        rng: Callable[[], float] = random.random,
        reload_client: Callable[[], CentralClient | None] | None = None,
        on_iteration: Callable[[], object] | None = None,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.settings = settings
        self._clock = clock
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait
        self._rng = rng
        self._reload = reload_client
        # called once per loop pass, also while draining a backlog without sleeping (the
        # service feeds systemd's watchdog from it)
        self._on_iteration = on_iteration or (lambda: None)
        self.started_at = clock()
        self.status = LinkStatus(since=self.started_at)
        self.attempt = 0
        self._isolate = 0
        self._retry_at = 0.0
        self._next_heartbeat = self.started_at

    # ---- lifecycle -----------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the loop to end (signal-safe: only sets an event)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, until_empty: bool = False) -> int:
        """Loop until `stop()`; with `until_empty`, return once the queue is drained (or on a fault).
        Returns 0, or `EXIT_UNAUTHORIZED` after a 401 when `exit_on_fault` / `until_empty`."""
        while not self.stopping:
            self._on_iteration()
            now = self._clock()
            if now >= self._next_heartbeat:
                self.send_heartbeat()
                self._next_heartbeat = now + self.settings.heartbeat_interval_s
            if self.status.state == "fault":
                if self.settings.exit_on_fault or until_empty:
                    return EXIT_UNAUTHORIZED
                self._wait(self.settings.heartbeat_interval_s)
                self._try_reload()
                continue
            if now < self._retry_at:
                self._wait(self._retry_at - now)
                continue
            if self.status.state == "down" and not self._probe():
                continue
            outcome = self.sync_once()
            if outcome == "empty":
                if until_empty:
                    return 0
                self._wait(self.settings.idle_poll_s)
        return 0

    def _wait(self, seconds: float) -> None:
        until_heartbeat = self._next_heartbeat - self._clock()
        self._sleep(max(0.0, min(seconds, until_heartbeat if until_heartbeat > 0 else seconds)))

    def _probe(self) -> bool:
        """While the server is unreachable, a cheap unsigned health check comes before claiming a
        batch: records are not decrypted and signed only to fail again."""
        try:
            self.client.health()
        except SyncError as e:
            self._backoff(e)
            return False
        return True

    def _try_reload(self) -> None:
        if self._reload is None:
            return
        fresh = self._reload()
        if fresh is not None:
            self.client.close()
            self.client = fresh
            self.attempt = 0
            self._set_state("up", "new enrollment loaded")

    # ---- one batch -----------------------------------------------------------------------

    def sync_once(self) -> Outcome:
        size = 1 if self._isolate > 0 else self.settings.batch_size
        batch = self.outbox.claim_batch(size, self.settings.lease_s)
        if not batch:
            return "empty"
        ids = [c.record_id for c in batch]
        try:
            results = self.client.post_records([c.record for c in batch], batch_key(ids))
        except Unauthorized as e:
            self.outbox.release(ids)
            self._set_state("fault", f"server refuses this kiosk's key ({e.code}); run `kiosk enroll` again")
            return "fault"
        except RateLimited as e:
            self.outbox.release(ids)
            self._retry_at = self._clock() + min(self.settings.backoff_cap_s, e.retry_after_s)
            self._set_state("busy", f"server asks to retry after {e.retry_after_s:g} s ({e.code})")
            return "failed"
        except Rejected as e:
            self.outbox.release(ids)
            return self._batch_refused(batch, e)
        except (Offline, Timeout, ServerError) as e:
            self.outbox.release(ids)
            self._backoff(e)
            return "failed"
        self.attempt = 0
        if self._isolate > 0:
            self._isolate -= 1
        self._set_state("up", "")
        self.status.last_success = self._clock()
        done = [r.record_id for r in results if r.status in ("accepted", "duplicate")]
        if done:
            self.outbox.ack(done)
            self.status.sent += len(done)
        for r in results:
            if r.status == "rejected":
                self.outbox.dead(r.record_id, f"{r.code or 'rejected'}: {r.message or ''}".strip())
                self.status.dead += 1
                log.warning("record rejected by the server", extra={"fields": {"record_id": r.record_id,
                                                                              "error_code": r.code}})
        unanswered = [i for i in ids if i not in {r.record_id for r in results}]
        if unanswered:
            self.outbox.release(unanswered)
        return "sent"

    def _batch_refused(self, batch: list[Claimed], e: Rejected) -> Outcome:
        if len(batch) > 1:
            # find the record that makes the request unacceptable by sending one at a time
            self._isolate = len(batch)
            log.warning("batch refused as a whole; retrying record by record",
                        extra={"fields": {"error_code": e.code, "status_code": e.status}})
            return "failed"
        self.outbox.dead(batch[0].record_id, f"{e.code}: {e.message}")
        self.status.dead += 1
        self._isolate = max(0, self._isolate - 1)
        return "sent"

    def _backoff(self, e: SyncError) -> None:
        delay = full_jitter(self.attempt, self.settings.backoff_base_s, self.settings.backoff_cap_s, self._rng)
        self.attempt += 1
        self._retry_at = self._clock() + delay
        self._set_state("down", str(e))

    # ---- heartbeat -----------------------------------------------------------------------

    def heartbeat_payload(self) -> dict[str, Any]:
        now = self._clock()
        stats = self.outbox.stats()
        devices = {
            name: ({"state": d.state, "detail": d.detail} if d.detail else {"state": d.state})
            for name, d in device_states.read(self.settings.state_dir).items()
        }
        queue: dict[str, int] = {"pending": stats.pending + stats.in_flight, "dead": stats.dead}
        if stats.oldest_pending_age_s is not None:
            queue["oldest_pending_age_s"] = int(stats.oldest_pending_age_s)
        payload: dict[str, Any] = {
            "kiosk_id": self.settings.kiosk_id,
            "time": _iso(now),
            "version": self.settings.version,
            "uptime_s": int(max(0.0, now - self.started_at)),
            "devices": devices,
            "queue": queue,
        }
        try:
            payload["disk_free_bytes"] = shutil.disk_usage(self.settings.state_dir).free
        except OSError:
            pass  # optional field: leave it out rather than report a wrong number
        return payload

    def send_heartbeat(self) -> bool:
        try:
            self.client.heartbeat(self.heartbeat_payload())
        except Unauthorized as e:
            self._set_state("fault", f"server refuses this kiosk's key ({e.code}); run `kiosk enroll` again")
            return False
        except RateLimited as e:
            self._set_state("busy", f"heartbeat: retry after {e.retry_after_s:g} s")
            return False
        except Rejected as e:
            log.error("heartbeat refused", extra={"fields": {"error_code": e.code}})
            return False
        except SyncError as e:
            self._set_state("down", str(e))
            return False
        if self.status.state != "fault":
            self._set_state("up", "")
        return True

    # ---- state changes, logged once --------------------------------------------------------

    def _set_state(self, state: LinkState, detail: str) -> None:
        st = self.status
        if st.state == state:
            return
        now = self._clock()
        previous, was_since = st.state, st.since
        st.state, st.since, st.detail = state, now, detail
        if state == "down":
            line = f"server unreachable since {_iso(now)}: {detail}"
            log.warning(line)
        elif state == "fault":
            line = f"sync stopped at {_iso(now)}: {detail}"
            log.error(line)
        elif state == "busy":
            line = f"server busy since {_iso(now)}: {detail}"
            log.warning(line)
        elif previous in ("down", "busy", "fault"):
            line = f"server back at {_iso(now)} after {int(now - was_since)} s"
            log.warning(line)
        else:
            line = f"server reachable at {_iso(now)}"
            log.info(line)
        st.history.append(line)
        self._write_status()

    def _write_status(self) -> None:
        st = self.status
        path = Path(self.settings.state_dir) / STATUS_FILE
        data = {"state": st.state, "since": _iso(st.since), "detail": st.detail,
                "last_success": _iso(st.last_success) if st.last_success else None}
        try:
            tmp = path.with_name(STATUS_FILE + ".tmp")
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, path)
        except OSError as e:
            log.warning("cannot write sync status", extra={"fields": {"error": e.strerror}})


def read_status(state_dir: Path) -> dict[str, Any] | None:
    """The last link state the worker wrote (for the doctor and the technician screen)."""
    try:
        data = json.loads((Path(state_dir) / STATUS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
