"""The reference central identity server: every endpoint and rule of `central-api.yaml` (shipped
here as package data) and the QR checks of `ial-qr.md`, on Starlette + uvicorn + SQLite.

A development and test double, not the production server: it runs the kiosk end to end on one
machine and lets the tests exercise real HTTP, faults included (`ServerThread.faults`).

Public API:
- `create_app(db_path, *, dev, admin_token, clock=time.time, audience=..., registry=None) -> Starlette`
- `ServerThread(db_path, host="127.0.0.1", port=0, dev=True, *, admin_token=None, clock=...,
  registry=None)` context manager with `.url`, `.faults`, `.registry`, `.binding_requests`,
  `.query(sql)`
- `Registry(abnormal=(), abnormal_requests=(), down=False, latency_s=0.0, ...)`: the simulated
  card registry behind `/v1/card-status`, changeable at run time from any thread
  (`server.registry.abnormal.add(cid)`, `server.registry.down = True`,
  `server.registry.latency_s = 2.0`; see `sync.server.registry`)
- `BindingRequests` (`server.binding_requests.create(account_cid) -> BindingRequest(request_id,
  qr, expires_at)`, `.get(request_id) -> BindingRequestState | None`; see
  `sync.server.binding_requests`), `create_binding_request(db_path, account_cid)`
- `mint_token(db_path, site_id, ttl_s=86400) -> str`, `revoke_key(db_path, key_id) -> bool`
- `serve(db_path, host, port, dev, admin_token, registry=None)` (blocking; `kiosk central serve`)

Errors: `ServerStartError` (cannot bind; `dev` refused off loopback); `ValueError` from the
registry's setters and from `BindingRequests.create` for values of the wrong form.
"""

from __future__ import annotations

from pathlib import Path

import uvicorn

from sync.server.app import create_app
from sync.server.binding_requests import (
    BindingRequest,
    BindingRequests,
    BindingRequestState,
    create_binding_request,
)
from sync.server.enrollment import mint_token, revoke_key
from sync.server.registry import Registry
from sync.server.thread import ServerStartError, ServerThread, bind_socket, check_dev_host

__all__ = ["BindingRequest", "BindingRequestState", "BindingRequests", "Registry", "ServerStartError",
           "ServerThread", "create_app", "create_binding_request", "mint_token", "revoke_key", "serve"]


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8700, dev: bool = False,
          admin_token: str | None = None, registry: Registry | None = None) -> None:
    """Run the server in the foreground until SIGINT/SIGTERM."""
    check_dev_host(host, dev)
    sock = bind_socket(host, port)
    app = create_app(db_path, dev=dev, admin_token=admin_token, registry=registry)
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="info", lifespan="off")).run(sockets=[sock])
    finally:
        sock.close()
        app.state.central.store.close()
