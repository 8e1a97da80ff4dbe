"""The reference central server as a Starlette app: every path of `central-api.yaml`.

`create_app(db_path, *, dev, admin_token, clock, audience, link_base, faults, registry)`; the
simulated card registry is `app.state.central.registry` (`sync.server.registry`); `dev=True` adds `GET /v1/dev/sms`
(the SMS outbox, for demos and tests) which also refuses any client that is not on loopback.
Unknown paths, wrong methods and unexpected failures all answer with the contract's Error body.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync.server import (
    binding_requests_api,
    bindings_api,
    card_status_api,
    enrollment,
    otp_api,
    records_api,
    spec,
)
from sync.server.context import (
    ApiError,
    ServerState,
    authenticate,
    check,
    error_response,
    iso,
    parse_json,
    read_body,
    state_of,
)
from sync.server.faults import FaultMiddleware, Faults
from sync.server.registry import Registry
from sync.server.store import Store

log = logging.getLogger("kiosk.server")

DEFAULT_AUDIENCE = "th.go.dga.tangrat"
DEFAULT_LINK_BASE = "https://app.example.invalid/k"


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "server_time": iso(state_of(request).now())})


async def mint_enrollment_token(request: Request) -> JSONResponse:
    st = state_of(request)
    auth = request.headers.get("authorization", "")
    given = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    if not st.admin_token or not given or not hmac.compare_digest(given.encode(), st.admin_token.encode()):
        raise ApiError(401, "admin_unauthorized", "a valid admin bearer token is required")
    data = parse_json(await read_body(request))
    check(spec.first_problem(spec.request_validator("/v1/admin/enrollment-tokens"), data))
    try:
        token, expires_at = enrollment.mint(st.store, data["site_id"], int(data.get("ttl_s", 86400)), st.now())
    except ValueError as e:
        raise ApiError(400, "invalid", str(e)) from None
    return JSONResponse({"token": token, "expires_at": iso(expires_at)}, status_code=201)


async def enroll(request: Request) -> JSONResponse:
    st = state_of(request)
    data = parse_json(await read_body(request))
    check(spec.first_problem(spec.request_validator("/v1/kiosks/enroll"), data))
    site = data.get("site") or {}
    key_id = enrollment.enroll(st.store, token=data["token"], kiosk_id=data["kiosk_id"],
                               public_key_pem=data["public_key_pem"], model=data.get("model"),
                               site_name=site.get("name"), site_province=site.get("province"), now=st.now())
    log.info("kiosk enrolled", extra={"fields": {"kiosk_id": data["kiosk_id"], "key_id": key_id}})
    return JSONResponse({"kiosk_id": data["kiosk_id"], "key_id": key_id, "server_time": iso(st.now())},
                        status_code=201)


async def heartbeat(request: Request) -> JSONResponse:
    st = state_of(request)
    body = await read_body(request)
    caller = authenticate(request, body)
    data = parse_json(body)
    check(spec.first_problem(spec.component_validator("Heartbeat"), data))
    if data["kiosk_id"] != caller.kiosk_id:
        raise ApiError(400, "kiosk_mismatch", "kiosk_id differs from the signing kiosk")
    with st.store.tx() as db:
        db.execute("INSERT INTO heartbeats(kiosk_id, received_at, body) VALUES (?, ?, ?)",
                   (caller.kiosk_id, st.now(), records_api.canonical(data)))
    return JSONResponse({"server_time": iso(st.now())})


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def dev_sms(request: Request) -> JSONResponse:
    if request.client is None or not _loopback(request.client.host):
        raise ApiError(403, "loopback_only", "the development SMS outbox is served to loopback clients only")
    phone = request.query_params.get("phone")
    sql = "SELECT id, phone, kind, text, created_at FROM sms_outbox"
    rows = state_of(request).store.query(sql + (" WHERE phone = ?" if phone else "") + " ORDER BY id",
                                         (phone,) if phone else ())
    return JSONResponse({"messages": [{"id": r["id"], "phone": r["phone"], "kind": r["kind"], "text": r["text"],
                                       "sent_at": iso(r["created_at"])} for r in rows]})


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message, exc.retry_after_s)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, f"http_{exc.status_code}")
    return error_response(exc.status_code, code, str(exc.detail))


async def _db_error(request: Request, exc: Exception) -> Response:
    log.error("database error", exc_info=exc)
    return error_response(503, "storage_unavailable", "the server's storage is busy; retry later", 2)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected server error", exc_info=exc)
    return error_response(500, "internal", "unexpected server error")


def routes(dev: bool) -> list[Route]:
    table = [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/admin/enrollment-tokens", mint_enrollment_token, methods=["POST"]),
        Route("/v1/kiosks/enroll", enroll, methods=["POST"]),
        Route("/v1/records", records_api.post_records, methods=["POST"]),
        Route("/v1/otp", otp_api.send, methods=["POST"]),
        Route("/v1/otp/{otp_id}/verify", otp_api.verify, methods=["POST"]),
        Route("/v1/heartbeat", heartbeat, methods=["POST"]),
        Route("/v1/bindings", bindings_api.post_binding, methods=["POST"]),
        Route("/v1/card-status", card_status_api.check_card, methods=["POST"]),
        Route("/v1/binding-requests", binding_requests_api.post_request, methods=["POST"]),
        Route("/v1/binding-requests/{request_id}", binding_requests_api.get_request, methods=["GET"]),
    ]
    if dev:
        table.append(Route("/v1/dev/sms", dev_sms, methods=["GET"]))
    return table


def create_app(
    db_path: Path,
    *,
    dev: bool = False,
    admin_token: str | None = None,
    clock: Callable[[], float] = time.time,
    audience: str = DEFAULT_AUDIENCE,
    link_base: str = DEFAULT_LINK_BASE,
    faults: Faults | None = None,
    registry: Registry | None = None,
) -> Starlette:
    """The server app over the SQLite file `db_path` (created if absent). Close it with `app.state.central.store.close()`."""
    store = Store(db_path)
    app = Starlette(
        routes=routes(dev),
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            sqlite3.OperationalError: _db_error,
            Exception: _unexpected,
        },
    )
    app.state.central = ServerState(store, clock, dev, admin_token, audience, link_base, registry or Registry())
    app.state.faults = faults or Faults(clock)
    app.add_middleware(FaultMiddleware, faults=app.state.faults)
    return app
