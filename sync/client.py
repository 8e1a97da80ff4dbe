"""The HTTP client of the central identity server (`central-api.yaml`).

httpx underneath, a timeout on every call, TLS verified against the system store or a configured
CA bundle, every device call signed (`sync.signing`). Foreign errors (httpx, JSON) never leave this
module: each failure kind has its own exception.

Errors: `SyncError` >
- `Offline` — no connection (refused, DNS, TLS, connection dropped before an answer);
- `Timeout` — the server did not answer within `timeout_s`;
- `RateLimited(retry_after_s, code, message, status)` — 429 or 503 (`status` says which) with its
  `Retry-After`;
- `Unauthorized(code)` — 401: bad signature, unknown or revoked key, clock skew;
- `Rejected(code, message, status)` — any other 4xx, with the server's `error.code`;
- `ServerError(status)` — 5xx other than 503, or an answer that is not the spec's JSON.

A server's error text never leaves this module as it came: codes that are not the contract's
snake_case become `http_<status>`, and messages are redacted (`sync.redact`), because a server may
quote the offending value (a citizen id, a name) in them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from sync.redact import redact_server_message, safe_code
from sync.signing import SigningKey, sign_request

log = logging.getLogger("kiosk.sync")

DEFAULT_RETRY_AFTER_S = 30.0
BODY_NAMESPACE = uuid.UUID("6b1f5f0e-2d7a-4c3e-9a51-0c9f3e1d7a21")


def encode_json(value: Any) -> bytes:
    """The exact bytes the client sends for a JSON body."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def records_body(records: Sequence[dict[str, Any]]) -> bytes:
    """The body of `POST /v1/records` for these records, byte for byte."""
    return encode_json({"records": list(records)})


def body_key(content: bytes) -> uuid.UUID:
    """The Idempotency-Key that names exactly this body: a retry of the same bytes carries the same
    key (the server answers it with its first results), and any other body a different one, so a
    key can never name two different batches."""
    return uuid.uuid5(BODY_NAMESPACE, hashlib.sha256(content).hexdigest())


class SyncError(Exception):
    """A call to the central server failed."""


class Offline(SyncError):
    """The server cannot be reached."""


class Timeout(SyncError):
    """The server did not answer in time."""


class RateLimited(SyncError):
    """The server asks to come back later (429/503)."""

    def __init__(self, retry_after_s: float, code: str = "rate_limited", message: str = "",
                 status: int = 429) -> None:
        super().__init__(f"{code}: retry after {retry_after_s:g} s" + (f" ({message})" if message else ""))
        self.retry_after_s = retry_after_s
        self.code = code
        self.status = status


class Unauthorized(SyncError):
    """401: the server does not accept this kiosk's signature (`code` says why)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(f"unauthorized ({code})" + (f": {message}" if message else ""))
        self.code = code
        self.message = message


class Rejected(SyncError):
    """The server refused the request (4xx) with `code` and `message`."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message} (HTTP {status})")
        self.code = code
        self.message = message
        self.status = status


class ServerError(SyncError):
    """The server failed (5xx) or answered something that is not the contract's JSON."""

    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(f"server error (HTTP {status})" + (f": {detail}" if detail else ""))
        self.status = status


@dataclass(frozen=True)
class RecordResult:
    record_id: str
    status: str  # accepted | duplicate | rejected
    code: str | None = None
    message: str | None = None


def _retry_after(value: str | None) -> float:
    if value is None:
        return DEFAULT_RETRY_AFTER_S
    try:
        return max(0.0, float(value))
    except ValueError:
        return DEFAULT_RETRY_AFTER_S  # HTTP-date form: not used by the contract


def _error_of(resp: httpx.Response) -> tuple[str, str]:
    """The answer's error code and redacted message (a proxy's HTML page counts as no body)."""
    try:
        body = resp.json()
        err = body["error"]
        return safe_code(err["code"], resp.status_code), redact_server_message(str(err["message"]))
    except (ValueError, KeyError, TypeError):
        return f"http_{resp.status_code}", redact_server_message(resp.reason_phrase or "no error body")


def _result(r: dict[str, Any], status: int) -> RecordResult:
    error = r.get("error") or {}
    code, message = error.get("code"), error.get("message")
    return RecordResult(str(r["record_id"]), str(r["status"]),
                        None if code is None else safe_code(code, status),
                        None if message is None else redact_server_message(str(message)))


class CentralClient:
    """A connection to the central server; a context manager (closes its connection pool)."""

    def __init__(
        self,
        base_url: str,
        *,
        key: SigningKey | None,
        key_id: str | None,
        timeout_s: float = 10.0,
        ca_bundle: str | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        verify: ssl.SSLContext | bool = True
        if ca_bundle:
            try:
                verify = ssl.create_default_context(cafile=ca_bundle)
            except (OSError, ssl.SSLError) as e:
                raise Offline(f"CA bundle {ca_bundle} cannot be used ({e})") from None
        self.base_url = base_url.rstrip("/")
        self._key = key
        self._key_id = key_id
        self._clock = clock
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_s, verify=verify,
                                  transport=transport, headers={"User-Agent": "thai-id-kiosk"})

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def key_id(self) -> str | None:
        return self._key_id

    @property
    def key(self) -> SigningKey | None:
        """The device key that signs the requests (also the heartbeat's audit events)."""
        return self._key

    @property
    def signed(self) -> bool:
        return self._key is not None and self._key_id is not None

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        sign: bool = True,
        headers: dict[str, str] | None = None,
        accept: Iterable[int] = (),
    ) -> httpx.Response:
        """One request; 2xx and the statuses in `accept` are returned, the rest raise a SyncError.
        The body is `json_body` encoded, or `content` (JSON bytes already encoded) as given."""
        hdrs = dict(headers or {})
        if json_body is not None:
            content = encode_json(json_body)
        if content is not None:
            hdrs["Content-Type"] = "application/json"
        request = self._http.build_request(method, path, content=content, headers=hdrs)
        if sign:
            if self._key is None or self._key_id is None:
                raise Unauthorized("not_enrolled", "this kiosk has no enrolled key; run `kiosk enroll`")
            sign_request(request, self._key, self._key_id, now=self._clock())
        try:
            resp = self._http.send(request)
        except httpx.TimeoutException:
            raise Timeout(f"{method} {path}: no answer within the timeout") from None
        except (httpx.TransportError, ssl.SSLError) as e:
            raise Offline(f"{method} {path}: {type(e).__name__}: {str(e)[:200] or 'connection failed'}") from None
        status = resp.status_code
        if 200 <= status < 300 or status in accept:
            return resp
        code, message = _error_of(resp)
        if status in (429, 503):
            raise RateLimited(_retry_after(resp.headers.get("Retry-After")), code, message, status)
        if status == 401:
            raise Unauthorized(code, message)
        if 400 <= status < 500:
            raise Rejected(code, message, status)
        raise ServerError(status, f"{code}: {message}")

    @staticmethod
    def json_of(resp: httpx.Response) -> dict[str, Any]:
        try:
            data = resp.json()
        except ValueError:
            raise ServerError(resp.status_code, "answer is not JSON") from None
        if not isinstance(data, dict):
            raise ServerError(resp.status_code, "answer is not a JSON object")
        return data

    # --- the endpoints -------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self.json_of(self.call("GET", "/v1/health", sign=False))

    def post_records(self, records: Sequence[dict[str, Any]],
                     idempotency_key: uuid.UUID | None = None) -> list[RecordResult]:
        """Submit a batch; the results are in request order (raises ServerError if they are not).
        The Idempotency-Key is `body_key` of the exact bytes sent unless one is given (tests)."""
        content = records_body(records)
        key = idempotency_key or body_key(content)
        resp = self.call("POST", "/v1/records", content=content, headers={"Idempotency-Key": str(key)})
        data = self.json_of(resp)
        try:
            results = [_result(r, resp.status_code) for r in data["results"]]
        except (KeyError, TypeError, AttributeError):
            raise ServerError(resp.status_code, "records answer does not match the contract") from None
        sent = [str(r.get("record_id")) for r in records]
        if [r.record_id for r in results] != sent:
            raise ServerError(resp.status_code, "records answer does not list the batch in order")
        return results

    def check_key(self) -> None:
        """A signed call with no side effect that tells whether the server accepts this kiosk's
        signature: an empty batch to `/v1/records` (the path uploads use), which the contract
        refuses as invalid (400) only after the signature passed. Returns when accepted; raises
        `Unauthorized` when not, and the other SyncErrors when the server cannot say."""
        try:
            self.call("POST", "/v1/records", content=records_body([]),
                      headers={"Idempotency-Key": str(body_key(records_body([])))})
        except Rejected as e:
            if e.status != 400:
                raise

    def heartbeat(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.json_of(self.call("POST", "/v1/heartbeat", json_body=payload))
