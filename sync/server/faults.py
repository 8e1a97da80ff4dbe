"""Fault injection for the reference server: make the next calls to a path fail the way real
servers and networks do, so the kiosk's resilience is tested over real HTTP.

Faults are programmed in-process only (`ServerThread.faults`), never over HTTP:
- `status` — answer `status` (500, 429, 503...) with the Error body (and `Retry-After`) without
  running the route;
- `delay` — run the route (it commits), then hold the answer `delay_s` before sending it
  (a client with a shorter timeout gives up after the server committed);
- `drop` — run the route (it commits), then close the connection before the answer's body.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Kind = Literal["status", "delay", "drop"]


@dataclass
class Fault:
    path: str
    kind: Kind
    times: int
    status: int = 500
    retry_after_s: int | None = None
    delay_s: float = 0.0


class ConnectionDropped(Exception):
    """Raised inside the server after the response started: uvicorn closes the connection."""


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._planned: list[Fault] = []
        self.hits = 0

    def add(self, path: str, kind: Kind, *, times: int = 1, status: int = 500,
            retry_after_s: int | None = None, delay_s: float = 0.0) -> None:
        with self._lock:
            self._planned.append(Fault(path, kind, times, status, retry_after_s, delay_s))

    def clear(self) -> None:
        with self._lock:
            self._planned.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._planned:
                if path.startswith(fault.path) and fault.times > 0:
                    fault.times -= 1
                    self.hits += 1
                    if fault.times == 0:
                        self._planned.remove(fault)
                    return fault
        return None


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fault = self.faults.take(scope["path"]) if scope["type"] == "http" else None
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.kind == "status":
            await _send_status(send, fault)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_s)
            for message in held:
                await send(message)
            return
        for message in held:
            if message["type"] == "http.response.start":
                await send(message)
                break
        raise ConnectionDropped("fault injection: connection dropped after the server committed")


async def _send_status(send: Send, fault: Fault) -> None:
    body = json.dumps({"error": {"code": "injected_fault", "message": f"injected HTTP {fault.status}"}}).encode()
    headers: list[tuple[bytes, bytes]] = [(b"content-type", b"application/json"),
                                          (b"content-length", str(len(body)).encode())]
    if fault.status in (429, 503):
        headers.append((b"retry-after", str(fault.retry_after_s if fault.retry_after_s is not None else 1).encode()))
    start: dict[str, Any] = {"type": "http.response.start", "status": fault.status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
