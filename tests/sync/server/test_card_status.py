"""`POST /v1/card-status` of the reference server over real HTTP: signatures, validation, each mode
of the simulated registry changed while the server runs, the 300 s same-answer rule, charging,
the rate limit, and every answer against the contract's schema for its status."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest

from sync.server import Registry, ServerThread
from sync.signing import sign_request
from tests.sync.central import CID, Clock, Kiosk
from tests.sync.server.test_contract import check_response

pytestmark = pytest.mark.daemon

PATH = "/v1/card-status"
REQUEST = "11020345678901234567"
OTHER_CID = "3100600123458"


def body(session: uuid.UUID | str | None = None, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"session_id": str(session or uuid.uuid4()), "cid": CID, "request_number": REQUEST,
                            "laser_id": "JT1234567890", "chip_id": "0123456789ABCDEF"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not _DROP}


_DROP = object()


def post(server: ServerThread, kiosk: Kiosk | None, data: Any, clock: Clock | None = None) -> httpx.Response:
    req = httpx.Request("POST", server.url + PATH, json=data)
    if kiosk is not None:
        sign_request(req, kiosk.key, kiosk.key.key_id, now=clock() if clock else None)
    with httpx.Client(timeout=30) as http:
        resp = http.send(req)
    check_response(PATH, "post", resp)
    return resp


def test_a_normal_card(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    resp = post(server, kiosk, body(), clock)
    assert resp.status_code == 200
    assert resp.json()["status"] == "normal"
    assert resp.json()["checked_at"].endswith("Z")
    assert server.registry.queries == 1


def test_laser_and_chip_ids_are_optional(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    assert post(server, kiosk, body(laser_id=_DROP, chip_id=_DROP), clock).status_code == 200
    assert post(server, kiosk, body(laser_id=None, chip_id=None), clock).status_code == 200


def test_abnormal_by_citizen_id_changed_while_running(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    assert post(server, kiosk, body(), clock).json()["status"] == "normal"
    server.registry.abnormal.add(CID)
    assert post(server, kiosk, body(), clock).json()["status"] == "abnormal"
    assert post(server, kiosk, body(cid=OTHER_CID), clock).json()["status"] == "normal"
    server.registry.abnormal.discard(CID)
    assert post(server, kiosk, body(), clock).json()["status"] == "normal"


def test_abnormal_by_request_number_is_one_card_of_the_person(server: ServerThread, kiosk: Kiosk,
                                                              clock: Clock) -> None:
    server.registry.abnormal_requests.add(REQUEST)  # the old card, replaced
    assert post(server, kiosk, body(), clock).json()["status"] == "abnormal"
    assert post(server, kiosk, body(request_number="11020345678901239999"), clock).json()["status"] == "normal"


def test_registry_down_is_503_with_retry_after_and_not_charged(server: ServerThread, kiosk: Kiosk,
                                                               clock: Clock) -> None:
    server.registry.down = True
    server.registry.retry_after_s = 45
    session = uuid.uuid4()
    resp = post(server, kiosk, body(session), clock)
    assert (resp.status_code, resp.json()["error"]["code"]) == (503, "registry_unavailable")
    assert resp.headers["Retry-After"] == "45"
    assert server.query("SELECT * FROM card_checks") == []
    server.registry.down = False
    assert post(server, kiosk, body(session), clock).json()["status"] == "normal"
    assert len(server.query("SELECT * FROM card_checks")) == 1


def test_latency_is_served_on_the_event_loop(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    server.registry.latency_s = 2.0
    done = threading.Event()
    answers: list[httpx.Response] = []

    def slow() -> None:
        answers.append(post(server, kiosk, body(), clock))
        done.set()

    worker = threading.Thread(target=slow)
    worker.start()
    try:
        # while the registry takes its time, the server answers other calls
        assert httpx.get(server.url + "/v1/health").status_code == 200
        assert not done.is_set()
    finally:
        worker.join(30)
    assert answers[0].json()["status"] == "normal"


def test_repeats_within_300_s_get_the_same_answer_uncharged(server: ServerThread, kiosk: Kiosk,
                                                            clock: Clock) -> None:
    session = uuid.uuid4()
    first = post(server, kiosk, body(session), clock).json()
    server.registry.abnormal.add(CID)
    server.registry.down = True  # not even asked: the remembered answer stands
    clock.t += 299
    assert post(server, kiosk, body(session), clock).json() == first
    assert post(server, kiosk, body(str(session).upper()), clock).json() == first  # the same uuid
    assert server.registry.queries == 1
    server.registry.down = False
    clock.t += 1  # 300 s after the answer: the registry is asked again, still one charge
    again = post(server, kiosk, body(session), clock).json()
    assert again["status"] == "abnormal" and again["checked_at"] != first["checked_at"]
    assert server.registry.queries == 2
    rows = server.query("SELECT status, charged_at, checked_at FROM card_checks")
    assert len(rows) == 1 and rows[0]["charged_at"] < rows[0]["checked_at"]


def test_a_session_is_one_card(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    session = uuid.uuid4()
    post(server, kiosk, body(session), clock)
    server.registry.abnormal.add(OTHER_CID)
    for other in (body(session, cid=OTHER_CID), body(session, request_number="99999999999999999999")):
        resp = post(server, kiosk, other, clock)
        assert (resp.status_code, resp.json()["error"]["code"]) == (400, "session_card_mismatch")


def test_only_a_hash_of_the_card_is_kept(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    post(server, kiosk, body(), clock)
    assert CID not in str(server.query("SELECT * FROM card_checks"))
    assert REQUEST not in str(server.query("SELECT * FROM card_checks"))


def test_charged_checks_are_rate_limited_per_kiosk(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    server.registry.max_checks_per_minute = 3
    sessions = [uuid.uuid4() for _ in range(3)]
    for i, s in enumerate(sessions):
        post(server, kiosk, body(s), clock)
        clock.t += 10 if i < 2 else 0
    resp = post(server, kiosk, body(), clock)
    assert (resp.status_code, resp.json()["error"]["code"]) == (429, "card_status_rate_limited")
    assert resp.headers["Retry-After"] == "40"  # until the first of the three leaves the minute
    assert post(server, kiosk, body(sessions[0]), clock).status_code == 200  # a repeat is never limited
    clock.t += 40
    assert post(server, kiosk, body(), clock).status_code == 200


@pytest.mark.parametrize(("change", "field"), [
    ({"session_id": "not-a-uuid"}, "session_id"),
    ({"session_id": _DROP}, "session_id"),
    ({"cid": "110170023070"}, "cid"),
    ({"cid": 1101700230708}, "cid"),
    ({"cid": _DROP}, "cid"),
    ({"request_number": "1102-0345678-901234567"}, "request_number"),
    ({"request_number": _DROP}, "request_number"),
    ({"laser_id": "jt1234567890"}, "laser_id"),
    ({"laser_id": "JT12345678"}, "laser_id"),
    ({"chip_id": 12}, "chip_id"),
])
def test_invalid_bodies_are_400_naming_the_field(server: ServerThread, kiosk: Kiosk, clock: Clock,
                                                 change: dict[str, Any], field: str) -> None:
    data = body(**change)
    resp = post(server, kiosk, data, clock)
    assert (resp.status_code, resp.json()["error"]["code"]) == (400, "invalid")
    message = resp.json()["error"]["message"]
    assert field in message
    assert CID not in message and REQUEST not in message  # the rule, never the value
    assert server.registry.queries == 0


def test_not_json_and_not_an_object_are_400(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = httpx.Request("POST", server.url + PATH, content=b"{", headers={"Content-Type": "application/json"})
    sign_request(req, kiosk.key, kiosk.key.key_id, now=clock())
    resp = httpx.Client().send(req)
    assert (resp.status_code, resp.json()["error"]["code"]) == (400, "bad_json")
    assert post(server, kiosk, [body()], clock).status_code == 400


def test_unsigned_and_badly_signed_calls_are_401(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    resp = post(server, None, body())
    assert resp.status_code == 401
    req = httpx.Request("POST", server.url + PATH, json=body())
    sign_request(req, kiosk.key, kiosk.key.key_id, now=clock())
    req.headers["Signature"] = req.headers["Signature"][:-6] + "AAAAA:"
    resp = httpx.Client().send(req)
    assert (resp.status_code, resp.json()["error"]["code"]) == (401, "signature_invalid")
    # a signature too old for the server's clock
    req = httpx.Request("POST", server.url + PATH, json=body())
    sign_request(req, kiosk.key, kiosk.key.key_id, now=clock() - 1000)
    assert httpx.Client().send(req).status_code == 401
    assert server.registry.queries == 0


def test_registry_settings_are_checked() -> None:
    registry = Registry(abnormal=[CID], abnormal_requests=[REQUEST], latency_s=1.5, down=True)
    assert CID in registry.abnormal and REQUEST in registry.abnormal_requests
    assert list(registry.abnormal) == [CID] and len(registry.abnormal_requests) == 1
    assert registry.state_of(CID, "0" * 20) == "abnormal"
    assert registry.state_of(OTHER_CID, REQUEST) == "abnormal"
    assert registry.state_of(OTHER_CID, "0" * 20) == "normal"
    for bad in ("110170023070", "1101-70023-0708", 1101700230708):
        with pytest.raises(ValueError, match="13 digits"):
            registry.abnormal.add(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="20 digits"):
        registry.abnormal_requests.add(CID)
    for value in (-1.0, float("nan")):
        with pytest.raises(ValueError):
            registry.latency_s = value
    with pytest.raises(ValueError):
        registry.max_checks_per_minute = 0
    registry.abnormal.clear()
    assert CID not in registry.abnormal
    with pytest.raises(AttributeError):  # changed in place only: a plain set would not be shared safely
        registry.abnormal = {CID}  # type: ignore[misc]
