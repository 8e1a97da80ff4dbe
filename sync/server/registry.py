"""The simulated card registry behind `POST /v1/card-status` (the Department of Provincial
Administration's, which the real central server relays to), changeable while the server runs.

`Registry(abnormal=(), abnormal_requests=(), down=False, latency_s=0.0, retry_after_s=30,
max_checks_per_minute=10)`, reached as `ServerThread.registry` (tests, the development stack) or
from `kiosk central serve --registry-abnormal CID --registry-abnormal-request NUMBER
--registry-latency S --registry-down`:
- `abnormal` — citizen ids whose card the registry reports `abnormal` (every card of that person);
  `abnormal.add(cid)`, `.discard(cid)`, `.clear()`, `cid in abnormal`;
- `abnormal_requests` — request numbers (หมายเลขคำขอ) reported `abnormal`: one card of a person,
  e.g. an old card replaced by a newer one, whose own request number stays `normal`;
- `down` — the link to the registry is down: every check that reaches it answers 503
  `registry_unavailable` with `Retry-After: retry_after_s`;
- `latency_s` — how long the registry takes to answer (or to fail), on the server's event loop
  (other requests are served meanwhile);
- `max_checks_per_minute` — charged checks (new session ids) one kiosk may make in any 60 s;
  beyond it 429 `card_status_rate_limited`;
- `queries` — how many times the registry was asked (answers a repeat served from the 300 s
  memory of a session are not queries).

Every attribute may be read and changed from any thread at any time; a check takes the values in
force when it reaches the registry.

Errors: `ValueError` for a number that is not 13 (citizen id) or 20 (request number) digits, or
a negative latency; `RegistryDown` raised by `ask()` while `down`.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Literal

CardState = Literal["normal", "abnormal"]



class RegistryDown(Exception):
    """The registry link is down (the route answers 503 with Retry-After)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the card registry is unreachable; retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class NumberSet:
    """A set of card numbers of one kind (citizen ids or request numbers), changed from any thread;
    a number of the wrong form is refused (it could never match)."""

    def __init__(self, kind: str, digits: int, items: Iterable[str] = ()) -> None:
        self._kind = kind
        self._digits = digits
        self._form = re.compile(f"[0-9]{{{digits}}}")
        self._lock = threading.Lock()
        self._items: set[str] = set()
        self.update(items)

    def _checked(self, item: str) -> str:
        if not isinstance(item, str) or not self._form.fullmatch(item):
            raise ValueError(f"a {self._kind} is {self._digits} digits")
        return item

    def add(self, item: str) -> None:
        item = self._checked(item)
        with self._lock:
            self._items.add(item)

    def update(self, items: Iterable[str]) -> None:
        checked = [self._checked(i) for i in items]
        with self._lock:
            self._items.update(checked)

    def discard(self, item: str) -> None:
        with self._lock:
            self._items.discard(item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __contains__(self, item: object) -> bool:
        with self._lock:
            return item in self._items

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(sorted(self._items))

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __repr__(self) -> str:
        return f"NumberSet({self._kind}, {len(self)} numbers)"


class Registry:
    def __init__(
        self,
        *,
        abnormal: Iterable[str] = (),
        abnormal_requests: Iterable[str] = (),
        down: bool = False,
        latency_s: float = 0.0,
        retry_after_s: int = 30,
        max_checks_per_minute: int = 10,
    ) -> None:
        self._lock = threading.Lock()
        self._abnormal = NumberSet("citizen id", 13, abnormal)
        self._abnormal_requests = NumberSet("request number", 20, abnormal_requests)
        self._down = bool(down)
        self._latency_s = 0.0
        self.latency_s = latency_s
        self._retry_after_s = 30
        self.retry_after_s = retry_after_s
        self._max_checks = 10
        self.max_checks_per_minute = max_checks_per_minute
        self._queries = 0

    @property
    def abnormal(self) -> NumberSet:
        """Citizen ids whose cards are abnormal (change it in place: `.add`, `.discard`, `.clear`)."""
        return self._abnormal

    @property
    def abnormal_requests(self) -> NumberSet:
        """Request numbers of single cards that are abnormal (changed in place, like `abnormal`)."""
        return self._abnormal_requests

    @property
    def down(self) -> bool:
        with self._lock:
            return self._down

    @down.setter
    def down(self, value: bool) -> None:
        with self._lock:
            self._down = bool(value)

    @property
    def latency_s(self) -> float:
        with self._lock:
            return self._latency_s

    @latency_s.setter
    def latency_s(self, value: float) -> None:
        value = float(value)
        if not value >= 0:  # NaN included
            raise ValueError("the registry's latency is a number of seconds >= 0")
        with self._lock:
            self._latency_s = value

    @property
    def retry_after_s(self) -> int:
        with self._lock:
            return self._retry_after_s

    @retry_after_s.setter
    def retry_after_s(self, value: int) -> None:
        if int(value) < 0:
            raise ValueError("Retry-After is a number of seconds >= 0")
        with self._lock:
            self._retry_after_s = int(value)

    @property
    def max_checks_per_minute(self) -> int:
        with self._lock:
            return self._max_checks

    @max_checks_per_minute.setter
    def max_checks_per_minute(self, value: int) -> None:
        if int(value) < 1:
            raise ValueError("a kiosk must be allowed at least one check a minute")
        with self._lock:
            self._max_checks = int(value)

    @property
    def queries(self) -> int:
        with self._lock:
            return self._queries

    def state_of(self, cid: str, request_number: str) -> CardState:
        """What the registry says of this card now (no latency, no outage, not counted)."""
        if cid in self.abnormal or request_number in self.abnormal_requests:
            return "abnormal"
        return "normal"

    async def ask(self, cid: str, request_number: str) -> CardState:
        """One query, as the server makes it: waits `latency_s`, then answers or raises
        `RegistryDown` (the outage is the one in force when the answer would come)."""
        with self._lock:
            self._queries += 1
            latency = self._latency_s
        if latency > 0:
            await asyncio.sleep(latency)
        with self._lock:
            down, retry_after = self._down, self._retry_after_s
        if down:
            raise RegistryDown(retry_after)
        return self.state_of(cid, request_number)
