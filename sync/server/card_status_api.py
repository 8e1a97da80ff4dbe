"""`POST /v1/card-status`: the registry check of a card, relayed to the simulated registry
(`sync.server.registry`), with the contract's rules.

Signed like every kiosk call (401 otherwise); a body that is not the contract's answers 400
`invalid`. Per kiosk and session id: the first answer is remembered with its `checked_at`, and a
repeat within 300 s of it gets that very answer without asking the registry (an outage or a change
of the registry since does not show); a repeat after 300 s asks the registry again (a fresh answer,
not charged again). Only the first answered call of a session is charged; a call the registry
could not answer (503) is not. Decisions where the contract is silent:
- a session id already checked with another card (citizen id or request number) answers 400
  `session_card_mismatch` — a new card is a new session; answering the first card's status for it
  would let a swapped card through;
- 429 `card_status_rate_limited` when one kiosk starts more than `Registry.max_checks_per_minute`
  charged checks in 60 s (a kiosk serves a citizen a minute at most; it protects the registry
  from a runaway kiosk), with `Retry-After` until the oldest of them leaves the window; repeats
  are never limited;
- 503 `registry_unavailable` with `Retry-After` while the registry is down.

Only a SHA-256 of the card's citizen id and request number is kept, never the numbers.
"""

from __future__ import annotations

import math
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sync.server import spec
from sync.server.context import (
    ApiError,
    ServerState,
    authenticate,
    check,
    iso,
    parse_json,
    read_body,
    state_of,
)
from sync.server.registry import RegistryDown
from sync.server.store import sha256_hex

SAME_ANSWER_S = 300
RATE_WINDOW_S = 60


def _answer(status: str, checked_at: float) -> JSONResponse:
    return JSONResponse({"status": status, "checked_at": iso(checked_at)})


def _mismatch() -> ApiError:
    return ApiError(400, "session_card_mismatch",
                    "this session id was checked with another card; a new card is a new session")


def _limit(st: ServerState, kiosk_id: str, now: float) -> None:
    allowed = st.registry.max_checks_per_minute
    rows = st.store.query("SELECT charged_at FROM card_checks WHERE kiosk_id = ? AND charged_at > ? "
                          "ORDER BY charged_at", (kiosk_id, now - RATE_WINDOW_S))
    if len(rows) >= allowed:
        wait = rows[len(rows) - allowed]["charged_at"] + RATE_WINDOW_S - now
        raise ApiError(429, "card_status_rate_limited",
                       f"at most {allowed} card checks a minute per kiosk", retry_after_s=max(1, math.ceil(wait)))


async def check_card(request: Request) -> JSONResponse:
    st = state_of(request)
    body = await read_body(request)
    caller = authenticate(request, body)
    data: Any = parse_json(body)
    check(spec.first_problem(spec.request_validator("/v1/card-status"), data))
    session_id = str(uuid.UUID(str(data["session_id"])))
    card = sha256_hex(f"{data['cid']}/{data['request_number']}")
    key = (caller.kiosk_id, session_id)
    now = st.now()
    held = st.store.query("SELECT * FROM card_checks WHERE kiosk_id = ? AND session_id = ?", key)
    if held:
        if held[0]["card_sha256"] != card:
            raise _mismatch()
        if now - held[0]["checked_at"] < SAME_ANSWER_S:
            return _answer(held[0]["status"], held[0]["checked_at"])
    else:
        _limit(st, caller.kiosk_id, now)
    try:
        status = await st.registry.ask(data["cid"], data["request_number"])
    except RegistryDown as e:
        raise ApiError(503, "registry_unavailable", "the card registry cannot be reached; retry later",
                       retry_after_s=e.retry_after_s) from None
    checked_at = st.now()
    with st.store.tx() as db:
        # another call of the same session may have been answered while this one waited
        row = db.execute("SELECT * FROM card_checks WHERE kiosk_id = ? AND session_id = ?", key).fetchone()
        if row is None:
            db.execute("INSERT INTO card_checks(kiosk_id, session_id, card_sha256, status, checked_at, charged_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (*key, card, status, checked_at, checked_at))
        elif row["card_sha256"] != card:
            raise _mismatch()
        elif checked_at - row["checked_at"] < SAME_ANSWER_S:
            return _answer(row["status"], row["checked_at"])
        else:
            db.execute("UPDATE card_checks SET status = ?, checked_at = ? WHERE kiosk_id = ? AND session_id = ?",
                       (status, checked_at, *key))
    return _answer(status, checked_at)
