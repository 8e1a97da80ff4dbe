"""The reference central identity server: every endpoint and rule of `central-api.yaml` (shipped
here as package data) and the QR checks of `ial-qr.md`, on Starlette + uvicorn + SQLite.

A development and test double, not the production server: it runs the kiosk end to end on one
machine and lets the tests exercise real HTTP, faults included (`ServerThread.faults`).

Public API:
- `create_app(db_path, *, dev, admin_token, clock=time.time, audience=...) -> Starlette`
- `ServerThread(db_path, host="127.0.0.1", port=0, dev=True, *, admin_token=None, clock=...)`
  context manager with `.url`, `.faults`, `.query(sql)`
- `mint_token(db_path, site_id, ttl_s=86400) -> str`, `revoke_key(db_path, key_id) -> bool`
- `serve(db_path, host, port, dev, admin_token)` (blocking; `kiosk central serve`)

Errors: `ServerStartError` (cannot bind; `dev` refused off loopback).
"""

from __future__ import annotations

from pathlib import Path

import uvicorn

from sync.server.app import create_app
from sync.server.enrollment import mint_token, revoke_key
from sync.server.thread import ServerStartError, ServerThread, bind_socket, check_dev_host

__all__ = ["ServerStartError", "ServerThread", "create_app", "mint_token", "revoke_key", "serve"]


def serve(db_path: Path, host: str = "127.0.0.1", port: int = 8700, dev: bool = False,
          admin_token: str | None = None) -> None:
    """Run the server in the foreground until SIGINT/SIGTERM."""
    check_dev_host(host, dev)
    sock = bind_socket(host, port)
    app = create_app(db_path, dev=dev, admin_token=admin_token)
    try:
        uvicorn.Server(uvicorn.Config(app, log_level="info", lifespan="off")).run(sockets=[sock])
    finally:
        sock.close()
        app.state.central.store.close()
