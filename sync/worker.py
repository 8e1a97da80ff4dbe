"""The sync worker (`kiosk sync`, run by `kiosk-sync.service`): drains the outbox to the central
server and reports the kiosk's health. It never parks a record for a fault that is not the record's.

- At start-up, records left in flight by a sync process that is gone (killed, power cut) go back
  to the queue at once (`Outbox.release_dead_leases`), not after their lease.
- Claims batches of up to `batch_size` final records (oldest first; a record the session still
  writes is not uploaded) and posts them; the Idempotency-Key names the exact body sent
  (`sync.client.body_key`), so a retry after an unacknowledged send gets the server's first answer.
- Per-record results: `accepted`/`duplicate` -> acknowledged; `rejected` -> dead letter with the
  server's code and a redacted message (`sync.redact`).
- A failed request is judged by `sync.verdicts.judge`: whole-request 4xx are not verdicts on a
  record (back off; a 400 isolates the batch one record at a time, and only a 400 that names the
  record sent alone, twice, parks it; a 413 halves the batch); 5xx, timeouts back off; 429/503
  wait `Retry-After`; a refused connection switches to health probes every `probe_cap_s` at most
  (they reach no server while it is down), so the first upload follows soon after it is back.
- 401: uploads pause; the key is re-checked with a signed call that stores nothing
  (`CentralClient.check_key`), backing off up to the heartbeat interval, and uploads resume when it
  passes. A new enrollment is picked up (`reload_client`). Lasting `PERSISTENT_401_S`, the state
  says to re-enroll. `--once` (`until_empty`) and `exit_on_fault` exit with `EXIT_UNAUTHORIZED`.
- Every wait is full jitter, capped, and never under `min_wait_s` (`Retry-After: 0` included).
- A heartbeat every `heartbeat_interval_s` with the device states the kiosk process publishes
  (`sync.device_states`), the sync link's own state, the queue statistics, and the technician audit
  events not sent yet (`sync.audit`: `audit.<seq>` entries, marked sent once the server answered).
- Every state change of the link is logged once and written to `<state_dir>/sync-status.json`
  (`sync.link`) for `kiosk queue status`, the doctor and the technician screen.
- `stop()` (SIGTERM) ends the loop between steps; records in hand go back to pending.

Errors: none of its own; outbox errors (`sync.outbox.OutboxError`) end `run()` and propagate.
"""

from __future__ import annotations

import logging
import random
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from sync import audit, device_states, lease
from sync.client import CentralClient, Offline, Rejected, SyncError, Unauthorized
from sync.link import (
    PERSISTENT_401_S,
    STATUS_FILE,
    Link,
    LinkStatus,
    iso,
    read_status,
    summary,
    unauthorized_detail,
)
from sync.outbox import Claimed, OutboxStats
from sync.redact import reason
from sync.verdicts import Verdict, judge

__all__ = ["EXIT_UNAUTHORIZED", "PERSISTENT_401_S", "STATUS_FILE", "SyncSettings", "SyncWorker", "batch_key",
           "full_jitter", "read_status"]

log = logging.getLogger("kiosk.sync")

BATCH_NAMESPACE = uuid.UUID("6b1f5f0e-2d7a-4c3e-9a51-0c9f3e1d7a20")
EXIT_UNAUTHORIZED = 3
Outcome = Literal["empty", "sent", "failed", "fault"]


class OutboxLike(Protocol):
    def claim_batch(self, n: int, lease_s: float, owner: str = "") -> list[Claimed]: ...
    def ack(self, record_ids: list[str]) -> int: ...
    def release(self, record_ids: list[str]) -> None: ...
    def dead(self, record_id: str, reason: str) -> None: ...
    def stats(self) -> OutboxStats: ...
    def release_dead_leases(self, alive: Callable[[str], bool]) -> int: ...


def batch_key(record_ids: list[str]) -> uuid.UUID:
    """The Idempotency-Key of versions before the body-named one (kept for tests of old data)."""
    return uuid.uuid5(BATCH_NAMESPACE, "\n".join(record_ids))


def full_jitter(attempt: int, base_s: float, cap_s: float, rng: Callable[[], float] = random.random) -> float:
    return float(rng() * min(cap_s, base_s * 2 ** min(attempt, 32)))


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
    min_wait_s: float = 1.0
    """Floor of every wait: no answer of a server (`Retry-After: 0`) makes a tight loop."""
    probe_cap_s: float = 5.0
    """Longest wait between health probes while the server refuses connections."""


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
        owner: str | None = None,
        audit_log: audit.AuditLog | None = None,
    ) -> None:
        self.outbox = outbox
        self.audit_log = audit_log
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
        self.owner = owner or lease.current()
        self.started_at = clock()
        self.link = Link(settings.state_dir, clock)
        self.attempt = 0
        self._retry_at = 0.0
        self._next_heartbeat = self.started_at
        self._probe_health = False
        self._check_key = False
        self._auth_since: float | None = None
        self._auth_attempt = 0
        self._isolate = 0
        self._batch_limit = settings.batch_size
        self._suspects: set[str] = set()

    @property
    def status(self) -> LinkStatus:
        return self.link.status

    # ---- lifecycle -----------------------------------------------------------------------

    def stop(self) -> None:
        """Ask the loop to end (signal-safe: only sets an event)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, *, until_empty: bool = False) -> int:
        """Loop until `stop()`; with `until_empty`, return once nothing is queued or in flight (or
        on a 401). Returns 0, or `EXIT_UNAUTHORIZED` after a 401 when `exit_on_fault` / `until_empty`."""
        released = self.outbox.release_dead_leases(lease.alive)
        if released:
            log.warning(f"{released} records left in flight by a sync process that is gone are queued again")
        exit_on_401 = self.settings.exit_on_fault or until_empty
        while not self.stopping:
            self._on_iteration()
            now = self._clock()
            if now >= self._next_heartbeat:
                self.send_heartbeat()
                self._next_heartbeat = now + self.settings.heartbeat_interval_s
            if self._check_key and exit_on_401:
                return EXIT_UNAUTHORIZED
            if now < self._retry_at:
                self._wait(self._retry_at - now)
                continue
            if self._check_key and not self._key_accepted():
                continue
            if self._probe_health and not self._health_answers():
                continue
            outcome = self.sync_once()
            if outcome == "empty":
                if until_empty and self._drained():
                    return 0
                self._wait(self.settings.idle_poll_s)
        return 0

    def _drained(self) -> bool:
        """Nothing queued and nothing in flight: records leased by another live sync process are
        waited for (they are acknowledged, or come back when their lease ends)."""
        st = self.outbox.stats()
        return st.pending == 0 and st.in_flight == 0

    def _wait(self, seconds: float) -> None:
        until_heartbeat = self._next_heartbeat - self._clock()
        self._sleep(max(0.0, min(seconds, until_heartbeat if until_heartbeat > 0 else seconds)))

    def _floor(self, seconds: float) -> float:
        return max(self.settings.min_wait_s, seconds)

    # ---- probes --------------------------------------------------------------------------

    def _health_answers(self) -> bool:
        """While nothing answers, an unsigned health check comes before claiming a batch: records
        are not decrypted and signed only to fail again."""
        try:
            self.client.health()
        except SyncError as e:
            self._after_failure(e, [])
            return False
        self._probe_health = False
        return True

    def _key_accepted(self) -> bool:
        """After a 401: a signed call that stores nothing; uploads resume once it passes."""
        try:
            self.client.check_key()
        except SyncError as e:
            self._after_failure(e, [])
            return False
        self._check_key, self._auth_since, self._auth_attempt = False, None, 0
        self.attempt = 0
        self.link.set("up", "the server accepts this kiosk's key again")
        return True

    def _try_reload(self) -> None:
        if self._reload is None:
            return
        fresh = self._reload()
        if fresh is not None:
            self.client.close()
            self.client = fresh
            self._retry_at = self._clock()  # check the new key now
            log.warning("new enrollment loaded: checking the new key")

    # ---- one batch -----------------------------------------------------------------------

    def sync_once(self) -> Outcome:
        size = 1 if self._isolate > 0 else self._batch_limit
        batch = self.outbox.claim_batch(size, self.settings.lease_s, owner=self.owner)
        if not batch:
            return "empty"
        ids = [c.record_id for c in batch]
        try:
            results = self.client.post_records([c.record for c in batch])
        except SyncError as e:
            self.outbox.release(ids)
            return self._after_failure(e, ids)
        self.attempt = 0
        self._probe_health = False
        if self._isolate > 0:
            self._isolate -= 1
        self.status.last_success = self._clock()
        self.link.set("up", "")
        done = [r.record_id for r in results if r.status in ("accepted", "duplicate")]
        if done:
            self.outbox.ack(done)
            self.status.sent += len(done)
            self._suspects.difference_update(done)
        for r in results:
            if r.status == "rejected":
                self._dead_letter(r.record_id, r.code or "rejected", r.message)
        answered = {r.record_id for r in results}
        unanswered = [i for i in ids if i not in answered]
        if unanswered:
            self.outbox.release(unanswered)
        return "sent"

    def _dead_letter(self, record_id: str, code: str, message: str | None) -> None:
        self.outbox.dead(record_id, reason(code, message))
        self.status.dead += 1
        self._suspects.discard(record_id)
        log.warning("record refused by the server: dead letter",
                    extra={"fields": {"record_id": record_id, "error_code": code}})

    def _after_failure(self, e: SyncError, ids: list[str]) -> Outcome:
        """Act on the verdict for a failed request (an upload of `ids`, or a probe: no ids)."""
        v = judge(e, ids, self._suspects) if ids else judge(e, ["-", "-"])
        if not ids and v.action in ("isolate", "split", "suspect", "dead_letter"):
            v = Verdict("back_off", v.state, v.detail)  # a probe is about no record
        now = self._clock()
        if v.action == "check_key":
            assert isinstance(e, Unauthorized)
            self._unauthorized(e.code)
            return "fault"
        if v.action == "retry_after":
            wait = self._floor(min(self.settings.backoff_cap_s, getattr(e, "retry_after_s", 0.0)))
            self._retry_at = now + wait
            self.link.set("busy", v.detail, retry_at=self._retry_at)
            return "failed"
        if v.action == "dead_letter":
            assert isinstance(e, Rejected)
            self._dead_letter(ids[0], e.code, e.message)
            self._isolate = max(0, self._isolate - 1)
            self.attempt = 0
            self.link.set("up", "")  # the server answered about that record; the link works
            return "sent"
        if v.action == "isolate":
            self._isolate = len(ids)
            if isinstance(e, Rejected) and e.status == 400:
                self._suspects.update(ids)
            log.warning("batch refused as a whole; sending its records one at a time",
                        extra={"fields": {"error_code": getattr(e, "code", ""), "status_code": getattr(e, "status", 0)}})
            self._wait_floor(v)
            return "failed"
        if v.action == "split":
            self._batch_limit = max(1, len(ids) // 2)
            log.warning(f"server refuses batches of {len(ids)} records (HTTP 413): sending at most {self._batch_limit}")
            self._wait_floor(v)
            return "failed"
        if v.action == "suspect":
            self._suspects.add(ids[0])
        self._probe_health = self._probe_health or v.state == "down"
        self._back_off(v, self.settings.probe_cap_s if isinstance(e, Offline) else self.settings.backoff_cap_s)
        return "failed"

    def _wait_floor(self, v: Verdict) -> None:
        self._retry_at = self._clock() + self.settings.min_wait_s
        self.link.set(v.state, v.detail, retry_at=self._retry_at)

    def _back_off(self, v: Verdict, cap_s: float) -> None:
        delay = self._floor(full_jitter(self.attempt, self.settings.backoff_base_s, cap_s, self._rng))
        self.attempt += 1
        self._retry_at = self._clock() + delay
        self.link.set(v.state, v.detail, retry_at=self._retry_at)

    def _unauthorized(self, code: str) -> None:
        now = self._clock()
        if self._auth_since is None:
            self._auth_since, self._auth_attempt = now, 0
        detail, persistent = unauthorized_detail(code, self._auth_since, now)
        cap = min(self.settings.backoff_cap_s, self.settings.heartbeat_interval_s)
        delay = self._floor(full_jitter(self._auth_attempt, self.settings.backoff_base_s, cap, self._rng))
        self._auth_attempt += 1
        self._check_key = True
        self._retry_at = max(self._retry_at, now + delay)
        self.link.set("unauthorized", detail, retry_at=self._retry_at, persistent=persistent)
        self._try_reload()

    # ---- heartbeat -----------------------------------------------------------------------

    def heartbeat_payload(self) -> dict[str, Any]:
        now = self._clock()
        stats = self.outbox.stats()
        devices = {
            name: ({"state": d.state, "detail": d.detail} if d.detail else {"state": d.state})
            for name, d in device_states.read(self.settings.state_dir).items()
        }
        state, line = summary(self._status_dict())
        devices["sync"] = {"state": state, "detail": line}
        if self.audit_log is not None:
            try:
                devices.update(audit.heartbeat_entries(self.audit_log.unsent(self.client.key)))
            except audit.AuditError as e:  # the heartbeat still goes; the events wait for the next one
                log.error("audit events not read", extra={"fields": {"error": str(e)}})
        queue: dict[str, int] = {"pending": stats.pending + stats.in_flight + stats.open, "dead": stats.dead}
        if stats.oldest_pending_age_s is not None:
            queue["oldest_pending_age_s"] = int(stats.oldest_pending_age_s)
        payload: dict[str, Any] = {
            "kiosk_id": self.settings.kiosk_id,
            "time": iso(now),
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

    def _status_dict(self) -> dict[str, Any]:
        st = self.status
        return {"state": st.state, "since": iso(st.since), "detail": st.detail, "persistent": st.persistent,
                "last_success": iso(st.last_success) if st.last_success else None,
                "retry_at": iso(st.retry_at) if st.retry_at else None}

    def send_heartbeat(self) -> bool:
        payload = self.heartbeat_payload()
        try:
            self.client.heartbeat(payload)
        except Unauthorized as e:
            self._unauthorized(e.code)
            return False
        except Rejected as e:  # the heartbeat's own problem, not the uploads'
            log.error("heartbeat refused", extra={"fields": {"error_code": e.code, "status_code": e.status}})
            return False
        except SyncError as e:
            log.info("heartbeat not delivered", extra={"fields": {"error": type(e).__name__}})
            return False
        if self.audit_log is not None:
            try:
                self.audit_log.mark_sent(audit.sent_seqs(payload["devices"]))
            except audit.AuditError as e:  # sent again with the next heartbeat: central dedupes by seq
                log.error("audit events not marked sent", extra={"fields": {"error": str(e)}})
        return True
