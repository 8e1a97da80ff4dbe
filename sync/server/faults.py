"""Fault injection for the reference server: make calls to a path fail the way real servers and
networks do, so the kiosk's resilience is tested over real HTTP.

Faults are programmed in-process only (`ServerThread.faults`), never over HTTP:
- `status` — answer `status` (500, 429, 503, 404, 401...) with the Error body (`code`, `message`;
  `Retry-After` on 429/503, `0` included) without running the route;
- `delay` — run the route (it commits), then hold the answer `delay_s` before sending it
  (a client with a shorter timeout gives up after the server committed);
- `drop` — run the route (it commits), then close the connection before the answer's body.

A fault applies to the next `times` calls, or, with `window_s`, to every call during that many
seconds of the server's clock from when it was added (a 404 window while a proxy is misrouted, a
401 window while a key is being rotated). With `match`, only to requests whose body contains that
text (a record id: a 400 for one record). `quote_values = True` makes the server quote the
record's personal values in its per-record rejections, like a careless real server does.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
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
    until: float | None = None
    code: str = "injected_fault"
    message: str = ""
    match: str | None = None


class ConnectionDropped(Exception):
    """Raised inside the server after the response started: uvicorn closes the connection."""


class Faults:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._planned: list[Fault] = []
        self._clock = clock
        self.hits = 0
        self.quote_values = False

    def add(self, path: str, kind: Kind, *, times: int = 1, status: int = 500,
            retry_after_s: int | None = None, delay_s: float = 0.0, window_s: float | None = None,
            code: str = "injected_fault", message: str = "", match: str | None = None) -> None:
        until = None if window_s is None else self._clock() + window_s
        with self._lock:
            self._planned.append(Fault(path, kind, times, status, retry_after_s, delay_s, until, code,
                                       message or f"injected HTTP {status}", match))

    def clear(self) -> None:
        with self._lock:
            self._planned.clear()

    @property
    def active(self) -> bool:
        """Whether any planned fault can still fire."""
        now = self._clock()
        with self._lock:
            return any(f.until is None or now < f.until for f in self._planned)

    def needs_body(self, path: str) -> bool:
        with self._lock:
            return any(path.startswith(f.path) and f.match is not None for f in self._planned)

    def take(self, path: str, body: bytes | None = None) -> Fault | None:
        now = self._clock()
        with self._lock:
            self._planned = [f for f in self._planned if f.until is None or now < f.until]
            for fault in self._planned:
                if not path.startswith(fault.path) or (fault.until is None and fault.times <= 0):
                    continue
                if fault.match is not None and (body is None or fault.match.encode() not in body):
                    continue
                self.hits += 1
                if fault.until is None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._planned.remove(fault)
                return fault
        return None


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body: bytes | None = None
        if self.faults.needs_body(scope["path"]):
            body, receive = await _buffered(receive)
        fault = self.faults.take(scope["path"], body)
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


async def _buffered(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole request body, and a `receive` that hands it to the app again."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _send_status(send: Send, fault: Fault) -> None:
    body = json.dumps({"error": {"code": fault.code, "message": fault.message}}, ensure_ascii=False).encode()
    headers: list[tuple[bytes, bytes]] = [(b"content-type", b"application/json"),
                                          (b"content-length", str(len(body)).encode())]
    if fault.status in (429, 503):
        headers.append((b"retry-after", str(fault.retry_after_s if fault.retry_after_s is not None else 1).encode()))
    start: dict[str, Any] = {"type": "http.response.start", "status": fault.status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
