"""What every route of the reference server shares: its state, the Error body, body limits, the
device-signature check.

Errors: `ApiError(status, code, message, retry_after_s)` — raised by route code, turned into the
contract's `Error` body (with `Retry-After` on 429/503) by the app's exception handler.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from sync import signing
from sync.keys import load_public_pem
from sync.server.registry import Registry
from sync.server.store import Store

MAX_RECORDS_BYTES = 1024 * 1024
MAX_OTHER_BYTES = 64 * 1024
NONCE_KEEP_S = 2 * signing.WINDOW_S + 60


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after_s = retry_after_s


def error_response(status: int, code: str, message: str, retry_after_s: float | None = None) -> JSONResponse:
    headers = {}
    if status in (429, 503) or retry_after_s is not None:
        headers["Retry-After"] = str(max(0, math.ceil(retry_after_s if retry_after_s is not None else 1)))
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class ServerState:
    store: Store
    clock: Callable[[], float]
    dev: bool
    admin_token: str | None
    audience: str
    link_base: str
    registry: Registry = field(default_factory=Registry)

    def now(self) -> float:
        return self.clock()


def state_of(request: Request) -> ServerState:
    st: ServerState = request.app.state.central
    return st


async def read_body(request: Request, limit: int = MAX_OTHER_BYTES) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too_large", f"request body over {limit} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, "too_large", f"request body over {limit} bytes")
    return body


def parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_json", "request body is not JSON") from None


@dataclass(frozen=True)
class Caller:
    kiosk_id: str
    key_id: str


def authenticate(request: Request, body: bytes) -> Caller:
    """Check the device signature of a request (401 with the reason's code otherwise)."""
    st = state_of(request)
    now = st.now()

    def key_for(key_id: str) -> signing.KeyRecord | None:
        rows = st.store.query("SELECT public_key_pem, revoked_at FROM keys WHERE key_id = ?", (key_id,))
        if not rows:
            return None
        return signing.KeyRecord(load_public_pem(rows[0]["public_key_pem"]), rows[0]["revoked_at"] is not None)

    def nonce_unseen(key_id: str, nonce: str) -> bool:
        with st.store.tx() as db:
            db.execute("DELETE FROM nonces WHERE seen_at < ?", (now - NONCE_KEEP_S,))
            cur = db.execute("INSERT OR IGNORE INTO nonces(key_id, nonce, seen_at) VALUES (?, ?, ?)",
                             (key_id, nonce[:200], now))
            return cur.rowcount == 1

    try:
        verified = signing.verify_request(request.method, str(request.url), request.headers, body,
                                          key_for=key_for, now=now, nonce_unseen=nonce_unseen)
    except signing.SignatureRejected as e:
        raise ApiError(401, e.code, e.message) from None
    rows = st.store.query("SELECT kiosk_id FROM keys WHERE key_id = ?", (verified.key_id,))
    return Caller(rows[0]["kiosk_id"], verified.key_id)


def check(validator_problem: str | None) -> None:
    if validator_problem is not None:
        raise ApiError(400, "invalid", validator_problem)
