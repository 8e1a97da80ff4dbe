"""The session's card-status check: is this card still valid in the national registry (not lost,
cancelled or replaced)? `POST /v1/card-status` of `central-api.yaml` 1.1.0, relayed by the central
server to the registry. Called on the kiosk's network thread.

`CardStatusClient(central).check(session_id, cid, request_number, laser_id, chip_id)
-> CardStatusAnswer(status, checked_at)`: `status` is `normal` or `abnormal`, `checked_at` the
registry's time from the server's answer (timezone-aware). The server answers a repeat of the same
session within 300 s with the same answer and charges a session once: ask again in a session
freely (after a timeout, say); a new card is a new session.

Errors: `CardStatusUnavailable(reason, code, retry_after_s)`, one exception for every way the check
can fail, its `reason` one of
- `offline` — no connection, no answer in time, 5xx, 503 (the registry link is down:
  `retry_after_s` from its `Retry-After`, 30 s when a proxy's 503 has none), or a 2xx that is
  not the contract's answer (`bad_answer`);
- `not_supported` — 404: a 1.0.0 server without the endpoint ("treats the check as unavailable");
- `rate_limited` — 429 (`retry_after_s` from its `Retry-After`);
- `rejected` — 400, 401 or another 4xx: the request or this kiosk's key was refused.
`code` is the server's error code (`registry_unavailable`, `invalid`, `bad_signature`, ...) or a
client-side one (`connection_failed`, `timeout`, `bad_answer`); the exception's text names the
reason and the code, never the card's numbers (the server's message is not kept: a server may quote
values in it).

The registry link's last outcome is `client.last`: `None` before the first check, then
(`ok` | `offline` | `not_supported` | `rate_limited` | `rejected`, when as an aware UTC datetime),
assigned whole, so any thread (the technician screen, the heartbeat) may read it. A change of
outcome is logged once (`kiosk.sync`: "card registry check unavailable since ..." / "card registry
check back ..."), with the reason and code only.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

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

log = logging.getLogger("kiosk.sync")

PATH = "/v1/card-status"
Reason = Literal["offline", "not_supported", "rate_limited", "rejected"]
Outcome = Literal["ok", "offline", "not_supported", "rate_limited", "rejected"]


@dataclass(frozen=True)
class CardStatusAnswer:
    status: Literal["normal", "abnormal"]
    checked_at: dt.datetime  # timezone-aware, from the server's answer


class CardStatusUnavailable(Exception):
    """The registry's answer could not be had; `reason` says why (see the module's docstring)."""

    def __init__(self, reason: Reason, code: str, retry_after_s: float | None = None) -> None:
        after = f", retry after {retry_after_s:g} s" if retry_after_s is not None else ""
        super().__init__(f"card status check unavailable: {reason} ({code}{after})")
        self.reason: Reason = reason
        self.code = code
        self.retry_after_s = retry_after_s


def _answer_of(data: dict[str, object]) -> CardStatusAnswer | None:
    status, checked = data.get("status"), data.get("checked_at")
    if status not in ("normal", "abnormal") or not isinstance(checked, str):
        return None
    try:
        when = dt.datetime.fromisoformat(checked)
    except ValueError:
        return None
    if when.tzinfo is None or when.utcoffset() is None:
        return None
    return CardStatusAnswer("normal" if status == "normal" else "abnormal", when)


class CardStatusClient:
    def __init__(self, central: CentralClient, *, clock: Callable[[], float] = time.time) -> None:
        self._central = central
        self._clock = clock
        self.last: tuple[Outcome, dt.datetime] | None = None

    def check(self, session_id: UUID, cid: str, request_number: str, laser_id: str | None,
              chip_id: str | None) -> CardStatusAnswer:
        body = {"session_id": str(session_id), "cid": cid, "request_number": request_number,
                "laser_id": laser_id, "chip_id": chip_id}
        outcome: CardStatusAnswer | CardStatusUnavailable
        try:
            resp = self._central.call("POST", PATH, json_body=body)
            outcome = _answer_of(self._central.json_of(resp)) or CardStatusUnavailable("offline", "bad_answer")
        except SyncError as e:
            outcome = _unavailable(e)
        if isinstance(outcome, CardStatusUnavailable):
            # raised outside the handler, so the central client's error (its message is the
            # server's text) is not kept as this one's context
            self._note(outcome.reason, outcome.code)
            raise outcome
        self._note("ok", "")
        return outcome

    def _note(self, outcome: Outcome, code: str) -> None:
        now = dt.datetime.fromtimestamp(self._clock(), tz=dt.UTC)
        before = self.last[0] if self.last is not None else None
        self.last = (outcome, now)
        if outcome == before:
            return
        when = now.isoformat(timespec="seconds").replace("+00:00", "Z")
        if outcome == "ok":
            if before is not None:
                log.warning(f"card registry check back at {when} (was {before})")
        else:
            log.warning(f"card registry check unavailable since {when}: {outcome} ({code})",
                        extra={"fields": {"reason": outcome, "error_code": code}})


def _unavailable(e: SyncError) -> CardStatusUnavailable:
    """The one table from the central client's errors to this check's reasons."""
    if isinstance(e, Timeout):
        return CardStatusUnavailable("offline", "timeout")
    if isinstance(e, Offline):
        return CardStatusUnavailable("offline", "connection_failed")
    if isinstance(e, RateLimited):
        if e.status == 503:
            return CardStatusUnavailable("offline", e.code, e.retry_after_s)
        return CardStatusUnavailable("rate_limited", e.code, e.retry_after_s)
    if isinstance(e, ServerError):
        return CardStatusUnavailable("offline", f"http_{e.status}" if e.status >= 500 else "bad_answer")
    if isinstance(e, Unauthorized):
        return CardStatusUnavailable("rejected", e.code)
    if isinstance(e, Rejected):
        if e.status == 404:
            return CardStatusUnavailable("not_supported", e.code)
        return CardStatusUnavailable("rejected", e.code)
    return CardStatusUnavailable("offline", "sync_error")
