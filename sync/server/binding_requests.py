"""App-initiated bindings (`/v1/binding-requests`): the citizen's app shows a QR, the kiosk reads
it, and the kiosk's record completes the binding.

A request is made for an account's citizen id: `request_id` (a UUID), `qr` = `TRA1:` + base64url
(no padding) of 16 bytes from the CSPRNG (22 characters), valid 600 s. Only the SHA-256 of the QR
is kept. States: `waiting`, then once, for good, one of
- `bound` — a `verified` record whose `continuation.method` is `app_scan` and whose
  `continuation.app_request` is this QR arrived before expiry with the account's citizen id
  (`record_id` and `kiosk_id` are then given);
- `rejected`, reason `cid_mismatch` — such a record (whatever its outcome: the QR was used with
  somebody else's card) carried another citizen id;
- `expired` — 600 s passed without either (also when such a record arrives after expiry).

Decisions where the contract is silent: expiry is judged by the server's clock when the record
arrives (a kiosk's clock may be wrong; a kiosk that was offline delivers late); a `failed` or
`aborted` record with the account's citizen id leaves the request `waiting` (the citizen may try
again within the 600 s); a record naming an unknown or already settled request is accepted and
changes nothing; `record_id` and `kiosk_id` are given for `bound` only.

In process (tests, the development stack): `BindingRequests(store, clock)` — `.create(account_cid)
-> BindingRequest(request_id, qr, expires_at)`, `.get(request_id) -> BindingRequestState | None`
(`ServerThread.binding_requests`); `create_binding_request(db_path, account_cid)` writes one
straight into a server's database (`kiosk central binding-request --db`).

Errors: `ValueError` for an account citizen id that is not 13 digits.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sync.server.store import Store, sha256_hex

LIFETIME_S = 600
QR_PREFIX = "TRA1:"
QR_PATTERN = re.compile(r"TRA1:[A-Za-z0-9_-]{22}")
_CID = re.compile(r"[0-9]{13}")

Status = Literal["waiting", "bound", "rejected", "expired"]


class BindingRequest(NamedTuple):
    """A new request: what the app backend gets (and shows as a QR)."""

    request_id: str
    qr: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class BindingRequestState:
    status: Status
    reason: str | None = None
    record_id: str | None = None
    kiosk_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "reason": self.reason, "record_id": self.record_id,
                "kiosk_id": self.kiosk_id}


def _utc(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def new_qr() -> str:
    return QR_PREFIX + base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


def create(db: sqlite3.Connection, account_cid: str, now: float) -> tuple[str, str, float]:
    """Store a new request; returns (request_id, qr, expires_at)."""
    if not isinstance(account_cid, str) or not _CID.fullmatch(account_cid):
        raise ValueError("account_cid: an account's citizen id is 13 digits")
    request_id, qr = str(uuid.uuid4()), new_qr()
    db.execute("INSERT INTO binding_requests(request_id, qr_sha256, account_cid, created_at, expires_at) "
               "VALUES (?, ?, ?, ?, ?)", (request_id, sha256_hex(qr), account_cid, now, now + LIFETIME_S))
    return request_id, qr, now + LIFETIME_S


def state(rows: list[sqlite3.Row], now: float) -> BindingRequestState | None:
    """The state of the request in `rows` (none: unknown); a waiting request past its expiry is expired."""
    if not rows:
        return None
    row = rows[0]
    if row["status"] == "waiting":
        return BindingRequestState("expired" if now >= row["expires_at"] else "waiting")
    if row["status"] == "bound":
        return BindingRequestState("bound", None, row["record_id"], row["kiosk_id"])
    return BindingRequestState(row["status"], row["reason"])


def lookup(query: Callable[[str, tuple[object, ...]], list[sqlite3.Row]], request_id: str,
           now: float) -> BindingRequestState | None:
    return state(query("SELECT * FROM binding_requests WHERE request_id = ?", (request_id,)), now)


def settle(db: sqlite3.Connection, record: dict[str, Any], now: float) -> None:
    """Decide the request a newly accepted record names, if it names a waiting one."""
    continuation = record.get("continuation")
    if not isinstance(continuation, dict) or continuation.get("method") != "app_scan":
        return
    qr = continuation.get("app_request")
    if not isinstance(qr, str) or not QR_PATTERN.fullmatch(qr):
        return
    row = db.execute("SELECT request_id, account_cid, expires_at FROM binding_requests "
                     "WHERE qr_sha256 = ? AND status = 'waiting'", (sha256_hex(qr),)).fetchone()
    if row is None:
        return
    cid = (record.get("card") or {}).get("cid")
    if now >= row["expires_at"]:
        status, reason = "expired", None
    elif cid != row["account_cid"]:
        status, reason = "rejected", "cid_mismatch"
    elif record.get("outcome") == "verified":
        status, reason = "bound", None
    else:
        return
    db.execute("UPDATE binding_requests SET status = ?, reason = ?, record_id = ?, kiosk_id = ?, settled_at = ? "
               "WHERE request_id = ?",
               (status, reason, record["record_id"], record["kiosk_id"], now, row["request_id"]))


class BindingRequests:
    """The server's binding requests, in process."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    def create(self, account_cid: str) -> BindingRequest:
        with self._store.tx() as db:
            request_id, qr, expires_at = create(db, account_cid, self._clock())
        return BindingRequest(request_id, qr, _utc(expires_at))

    def get(self, request_id: str) -> BindingRequestState | None:
        return lookup(self._store.query, request_id, self._clock())


def create_binding_request(db_path: Path, account_cid: str) -> BindingRequest:
    """A new request written straight into the server's database (`kiosk central binding-request --db`)."""
    with Store(db_path) as store:
        return BindingRequests(store).create(account_cid)
