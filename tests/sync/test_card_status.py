"""The card-status client against the reference server over real HTTP: answers, and every way the
check can fail mapped to its one reason (offline, not_supported, rate_limited, rejected), the
registry link's last outcome, logs that say each change once and never a card's numbers. Answers
that the reference server never gives (a 200 that is not the contract's) come from a transport
that plays such a server."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from sync.card_status import CardStatusAnswer, CardStatusClient, CardStatusUnavailable
from sync.client import CentralClient
from sync.keys import DeviceKey
from sync.server import ServerThread, revoke_key
from sync.server.spec import first_problem, request_validator
from tests.sync.central import CID, Clock, Kiosk, enrolled_kiosk, free_port

pytestmark = pytest.mark.daemon

REQUEST = "11020345678901234567"
LASER = "JT1234567890"
CHIP = "0A1B2C3D4E5F6071"
SECRETS = (CID, REQUEST, LASER, CHIP, "1-1017-00230-70-8")


@pytest.fixture
def central(server: ServerThread, kiosk: Kiosk, clock: Clock) -> Iterator[CentralClient]:
    with kiosk.client(server.url, clock=clock, timeout_s=5) as cl:
        yield cl


def check(client: CardStatusClient, session: uuid.UUID | None = None, cid: str = CID) -> CardStatusAnswer:
    return client.check(session or uuid.uuid4(), cid, REQUEST, LASER, CHIP)


def unavailable(client: CardStatusClient, cid: str = CID) -> CardStatusUnavailable:
    with pytest.raises(CardStatusUnavailable) as e:
        check(client, cid=cid)
    for secret in SECRETS:
        assert secret not in str(e.value)
    return e.value


def test_normal_then_abnormal(server: ServerThread, central: CentralClient, clock: Clock) -> None:
    client = CardStatusClient(central, clock=clock)
    assert client.last is None
    answer = check(client)
    assert answer.status == "normal"
    assert answer.checked_at == dt.datetime.fromtimestamp(int(clock()), tz=dt.UTC)
    assert answer.checked_at.tzinfo is not None
    assert client.last == ("ok", dt.datetime.fromtimestamp(clock(), tz=dt.UTC))
    server.registry.abnormal.add(CID)
    assert check(client).status == "abnormal"


def test_a_session_asks_again_freely(server: ServerThread, central: CentralClient) -> None:
    client = CardStatusClient(central)
    session = uuid.uuid4()
    first = check(client, session)
    server.registry.abnormal.add(CID)
    assert check(client, session) == first
    assert server.registry.queries == 1


def test_the_body_is_the_contracts(server: ServerThread, central: CentralClient) -> None:
    sent: list[dict[str, Any]] = []
    client = CardStatusClient(central)
    check(client)
    client.check(uuid.uuid4(), CID, REQUEST, None, None)

    def capture(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"status": "normal", "checked_at": "2026-01-01T00:00:00Z"})

    with CentralClient("http://central.invalid", key=central.key, key_id=central.key_id,
                       transport=httpx.MockTransport(capture)) as mock:
        CardStatusClient(mock).check(uuid.uuid4(), CID, REQUEST, None, None)
    assert sent[0]["laser_id"] is None and sent[0]["chip_id"] is None
    assert first_problem(request_validator("/v1/card-status"), sent[0]) is None


def test_registry_down_is_offline_with_retry_after(server: ServerThread, central: CentralClient) -> None:
    server.registry.down = True
    server.registry.retry_after_s = 45
    client = CardStatusClient(central)
    e = unavailable(client)
    assert (e.reason, e.code, e.retry_after_s) == ("offline", "registry_unavailable", 45.0)
    assert client.last is not None and client.last[0] == "offline"
    server.registry.down = False
    assert check(client).status == "normal"
    assert client.last is not None and client.last[0] == "ok"


def test_a_slow_registry_is_offline_after_the_timeout(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    server.registry.latency_s = 2.0
    with kiosk.client(server.url, clock=clock, timeout_s=0.2) as cl:
        e = unavailable(CardStatusClient(cl))
    assert (e.reason, e.code, e.retry_after_s) == ("offline", "timeout", None)


def test_no_server_is_offline(kiosk: Kiosk) -> None:
    with kiosk.client(f"http://127.0.0.1:{free_port()}") as cl:
        e = unavailable(CardStatusClient(cl))
    assert (e.reason, e.code, e.retry_after_s) == ("offline", "connection_failed", None)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_are_offline(server: ServerThread, central: CentralClient, status: int) -> None:
    server.faults.add("/v1/card-status", "status", status=status)
    e = unavailable(CardStatusClient(central))
    assert (e.reason, e.retry_after_s) == ("offline", None)


def test_429_is_rate_limited(server: ServerThread, central: CentralClient, clock: Clock) -> None:
    server.registry.max_checks_per_minute = 1
    client = CardStatusClient(central)
    check(client)
    clock.t += 15
    e = unavailable(client)
    assert (e.reason, e.code, e.retry_after_s) == ("rate_limited", "card_status_rate_limited", 45.0)
    assert client.last is not None and client.last[0] == "rate_limited"


def test_a_refused_body_is_rejected_without_the_numbers(central: CentralClient) -> None:
    e = unavailable(CardStatusClient(central), cid="1101700230")
    assert (e.reason, e.code) == ("rejected", "invalid")


def test_a_swapped_card_in_one_session_is_rejected(central: CentralClient) -> None:
    client = CardStatusClient(central)
    session = uuid.uuid4()
    check(client, session)
    with pytest.raises(CardStatusUnavailable) as e:
        check(client, session, cid="3100600123455")
    assert (e.value.reason, e.value.code) == ("rejected", "session_card_mismatch")


def test_a_refused_key_is_rejected(server: ServerThread, kiosk: Kiosk, central: CentralClient) -> None:
    assert revoke_key(server.db_path, kiosk.key.key_id)
    e = unavailable(CardStatusClient(central))
    assert (e.reason, e.code) == ("rejected", "key_revoked")
    with CentralClient(server.url, key=None, key_id=None) as unenrolled:
        e = unavailable(CardStatusClient(unenrolled))
    assert (e.reason, e.code) == ("rejected", "not_enrolled")


@pytest.fixture
def server_1_0(tmp_path: Path) -> Iterator[ServerThread]:
    """A server of contract 1.0.0: the reference server without the 1.1.0 paths."""
    srv = ServerThread(tmp_path / "old.sqlite")
    srv.app.router.routes[:] = [r for r in srv.app.router.routes
                                if not (isinstance(r, Route) and r.path in ("/v1/card-status", "/v1/binding-requests",
                                                                            "/v1/binding-requests/{request_id}"))]
    with srv:
        yield srv


def test_a_1_0_server_is_not_supported(server_1_0: ServerThread, tmp_path: Path) -> None:
    kiosk = enrolled_kiosk(server_1_0, tmp_path / "state")
    with kiosk.client(server_1_0.url) as cl:
        client = CardStatusClient(cl)
        e = unavailable(client)
        assert (e.reason, e.code, e.retry_after_s) == ("not_supported", "not_found", None)
        assert client.last is not None and client.last[0] == "not_supported"
        cl.check_key()  # the same server accepts this kiosk: only the check is missing


@pytest.mark.parametrize("answer", [
    httpx.Response(200, json={"status": "unknown", "checked_at": "2026-01-01T00:00:00Z"}),
    httpx.Response(200, json={"status": "normal"}),
    httpx.Response(200, json={"status": "normal", "checked_at": "2026-01-01T00:00:00"}),  # no zone
    httpx.Response(200, json={"status": "normal", "checked_at": "yesterday"}),
    httpx.Response(200, json={"status": "normal", "checked_at": 1767225600}),
    httpx.Response(200, json=["normal"]),
    httpx.Response(200, text="<html>proxy</html>"),
], ids=["status", "no-time", "naive", "not-a-time", "number", "list", "html"])
def test_an_answer_that_is_not_the_contracts_is_offline(answer: httpx.Response) -> None:
    client = _signed_play(answer)
    e = unavailable(client)
    assert (e.reason, e.code) == ("offline", "bad_answer")


def _signed_play(answer: httpx.Response) -> CardStatusClient:
    key = DeviceKey.generate()
    central = CentralClient("http://central.invalid", key=key, key_id=key.key_id,
                            transport=httpx.MockTransport(lambda request: answer))
    return CardStatusClient(central)


def test_a_server_quoting_the_card_leaks_nothing(caplog: pytest.LogCaptureFixture) -> None:
    quoting = httpx.Response(400, json={"error": {"code": "invalid", "message": f"cid '{CID}' with {REQUEST} "
                                                                                f"laser {LASER} chip {CHIP} refused"}})
    client = _signed_play(quoting)
    with caplog.at_level(logging.DEBUG):
        e = unavailable(client)
    assert (e.reason, e.code) == ("rejected", "invalid")
    text = caplog.text + repr(e.__dict__) + str(e.__cause__) + str(e.__context__)
    for secret in SECRETS:
        assert secret not in text


def test_each_change_of_the_link_is_logged_once(server: ServerThread, central: CentralClient,
                                                caplog: pytest.LogCaptureFixture) -> None:
    client = CardStatusClient(central)
    with caplog.at_level(logging.INFO, logger="kiosk.sync"):
        check(client)
        server.registry.down = True
        for _ in range(3):
            unavailable(client)
        server.registry.down = False
        check(client)
        check(client)
    lines = [r.getMessage() for r in caplog.records if r.name == "kiosk.sync"]
    assert len(lines) == 2, lines
    assert "unavailable since" in lines[0] and "offline (registry_unavailable)" in lines[0]
    assert "back at" in lines[1] and "was offline" in lines[1]
    for secret in SECRETS:
        assert secret not in caplog.text
