"""The reference server in a background thread (tests, `kiosk run --dev`, `kiosk demo`), and the
guard that keeps the development endpoints on loopback.

`ServerThread(db_path, host="127.0.0.1", port=0, dev=True, ...)` is a context manager; `.url` is
its base URL once started (port 0 = a free port chosen by the OS), `.faults` programs failures,
`.registry` is the simulated card registry (`sync.server.registry.Registry`: `abnormal.add(cid)`,
`down = True`, `latency_s = 2.0`, ... changeable while it runs), `.binding_requests` makes and
reads app binding requests (`create(account_cid)`, `get(request_id)`); `tls_cert`/`tls_key` (PEM
files) serve HTTPS.

Errors: `ServerStartError` (cannot bind, or `dev` on a non-loopback address).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from sync.server.app import DEFAULT_AUDIENCE, create_app
from sync.server.binding_requests import BindingRequests
from sync.server.faults import Faults
from sync.server.registry import Registry


class ServerStartError(Exception):
    """The server cannot start (address in use, dev mode on a public address...)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_dev_host(host: str, dev: bool) -> None:
    if dev and not is_loopback(host):
        raise ServerStartError(f"--dev exposes the SMS outbox: refused on {host}; bind to 127.0.0.1 or ::1")


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise ServerStartError(f"cannot listen on {host}:{port} ({e.strerror})") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class ServerThread:
    def __init__(
        self,
        db_path: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        dev: bool = True,
        *,
        admin_token: str | None = None,
        clock: Callable[[], float] = time.time,
        audience: str = DEFAULT_AUDIENCE,
        tls_cert: Path | None = None,
        tls_key: Path | None = None,
        registry: Registry | None = None,
    ) -> None:
        check_dev_host(host, dev)
        self._tls = (str(tls_cert), str(tls_key)) if tls_cert and tls_key else None
        self.db_path = Path(db_path)
        self.host = host
        self.port = port
        self.faults = Faults(clock)
        self.registry = registry or Registry()
        self.app = create_app(self.db_path, dev=dev, admin_token=admin_token, clock=clock,
                              audience=audience, faults=self.faults, registry=self.registry)
        self.binding_requests = BindingRequests(self.app.state.central.store, clock)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}"

    def start(self) -> ServerThread:
        self._sock = bind_socket(self.host, self.port)
        self.port = self._sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="critical", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1,
                                ssl_certfile=self._tls[0] if self._tls else None,
                                ssl_keyfile=self._tls[1] if self._tls else None)
        self._server = uvicorn.Server(config)
        sock = self._sock
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"central-server:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(f"the server on port {self.port} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def close(self) -> None:
        """Stop and close the database."""
        self.stop()
        self.app.state.central.store.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, Any]]:
        """Read the server's database (tests and demos)."""
        return [dict(r) for r in self.app.state.central.store.query(sql, params)]
