"""What a failed upload means, as one table: only the server's word about one record may park it.

`judge(error, batch_ids, suspects)` turns a failure of `POST /v1/records` into an `Action`:

| failure                                   | batch of several          | one record alone                      |
|-------------------------------------------|---------------------------|---------------------------------------|
| connection refused/reset, DNS, TLS        | probe health (short cap)  | same                                  |
| timeout, 408, 5xx other than 503          | back off                  | back off                              |
| 429, 503                                  | wait Retry-After          | wait Retry-After                      |
| 401                                       | check the key, backing off| same                                  |
| 400                                       | isolate (one at a time)   | dead-letter if it names the record and|
|                                           |                           | the record had a 400 before; else back|
|                                           |                           | off (naming it: marked as suspect)    |
| 413                                       | split (halve the batch)   | back off                              |
| 422 idempotency_key_reused                | isolate (one at a time)   | back off                              |
| 403, 404, 405, 409, 415, 422, other 4xx   | back off                  | back off                              |

A per-record `rejected` result is the server's verdict on that record and is dead-lettered by the
worker without coming here. Every other failure leaves the records in the queue: the worker waits
(full jitter, capped, never under the floor), shows why, and resumes by itself.

No errors: a pure function of the failure.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from sync.client import Offline, RateLimited, Rejected, ServerError, SyncError, Timeout, Unauthorized

Action = Literal["probe", "back_off", "retry_after", "check_key", "isolate", "split", "dead_letter", "suspect"]
LinkState = Literal["starting", "up", "down", "busy", "refused", "unauthorized"]

HINTS = {
    404: "check sync.server_url and any proxy in between",
    405: "check sync.server_url and any proxy in between",
    403: "the server refuses this kiosk; ask the central team",
    413: "a proxy limits the body size",
    415: "a proxy rewrites the request",
}


@dataclass(frozen=True)
class Verdict:
    action: Action
    state: LinkState
    detail: str


def names(error: Rejected, record_id: str) -> bool:
    """Whether a whole-request refusal is about this record: its message names the record's id."""
    return record_id.lower() in error.message.lower()


def judge(error: SyncError, batch_ids: Sequence[str], suspects: Collection[str] = ()) -> Verdict:
    """The action for a failed upload of `batch_ids`; `suspects`: records that already had a 400."""
    if isinstance(error, Unauthorized):
        return Verdict("check_key", "unauthorized", str(error))
    if isinstance(error, RateLimited):
        return Verdict("retry_after", "busy", f"server asks to retry after {error.retry_after_s:g} s ({error.code})")
    if isinstance(error, Offline):
        return Verdict("probe", "down", str(error))
    if isinstance(error, Timeout | ServerError):
        return Verdict("back_off", "down", str(error))
    if not isinstance(error, Rejected):
        return Verdict("back_off", "down", str(error))
    status, single = error.status, len(batch_ids) == 1
    refused = f"server refuses uploads: HTTP {status} {error.code}"
    hint = HINTS.get(status)
    detail = f"{refused} ({hint}); retrying" if hint else f"{refused}; retrying"
    if status == 408:
        return Verdict("back_off", "down", f"server timed out reading the request (HTTP 408 {error.code})")
    if status == 400:
        if not single:
            return Verdict("isolate", "refused", f"{refused}; sending records one at a time to find the cause")
        rid = batch_ids[0]
        if names(error, rid):
            return Verdict("dead_letter" if rid in suspects else "suspect", "refused", detail)
        return Verdict("back_off", "refused", detail)
    if status == 413:
        return Verdict("back_off" if single else "split", "refused", detail)
    if status == 422 and error.code == "idempotency_key_reused" and not single:
        return Verdict("isolate", "refused", detail)
    return Verdict("back_off", "refused", detail)
