"""App-initiated bindings on the reference server over real HTTP: `POST /v1/binding-requests` and
its GET, and the record that settles a request (bound, rejected `cid_mismatch`, expired), each
answer checked against the contract; and the in-process helper the development stack uses."""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from typing import Any

import httpx
import pytest

from sync.server import BindingRequestState, ServerThread, create_binding_request
from tests.sync.central import CID, Clock, Kiosk, make_record
from tests.sync.server.test_contract import check_response

pytestmark = pytest.mark.daemon

OTHER_CID = "3100600123455"
PATH = "/v1/binding-requests"


def start(server: ServerThread, cid: str = CID) -> dict[str, Any]:
    resp = httpx.post(server.url + PATH, json={"account_cid": cid})  # app side: no device signature
    check_response(PATH, "post", resp)
    assert resp.status_code == 201
    data: dict[str, Any] = resp.json()
    return data


def poll(server: ServerThread, request_id: str) -> httpx.Response:
    resp = httpx.get(f"{server.url}{PATH}/{request_id}")
    check_response(PATH + "/{request_id}", "get", resp)
    return resp


def upload(server: ServerThread, kiosk: Kiosk, clock: Clock, qr: str | None, *, cid: str = CID,
           outcome: str = "verified", method: str = "app_scan") -> str:
    record = make_record(kiosk.kiosk_id, cid=cid, outcome=outcome)
    if outcome != "verified":
        record["failure_reason"] = "face_mismatch"
    record["continuation"] = {"method": method, "app_request": qr}
    with kiosk.client(server.url, clock=clock) as cl:
        (result,) = cl.post_records([record], uuid.uuid4())
    assert result.status == "accepted"
    return str(record["record_id"])


def test_a_request_is_a_one_time_qr_valid_600_s(server: ServerThread, clock: Clock) -> None:
    first, second = start(server), start(server)
    assert re.fullmatch(r"TRA1:[A-Za-z0-9_-]{22}", first["qr"])
    assert len(base64.urlsafe_b64decode(first["qr"][5:] + "==")) == 16
    assert first["qr"] != second["qr"] and first["request_id"] != second["request_id"]
    expires = dt.datetime.fromisoformat(first["expires_at"])
    assert expires.timestamp() == int(clock() + 600)
    assert poll(server, first["request_id"]).json() == {"status": "waiting", "reason": None, "record_id": None,
                                                        "kiosk_id": None}
    # only the QR's hash is kept
    assert first["qr"] not in str(server.query("SELECT * FROM binding_requests"))


def test_a_verified_record_with_the_accounts_cid_binds(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = start(server)
    clock.t += 120
    record_id = upload(server, kiosk, clock, req["qr"])
    assert poll(server, req["request_id"]).json() == {"status": "bound", "reason": None, "record_id": record_id,
                                                      "kiosk_id": kiosk.kiosk_id}
    # settled for good: a later record naming it and the expiry change nothing
    upload(server, kiosk, clock, req["qr"], cid=OTHER_CID)
    clock.t += 600
    assert poll(server, req["request_id"]).json()["status"] == "bound"


def test_another_cid_rejects_the_request(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = start(server)
    upload(server, kiosk, clock, req["qr"], cid=OTHER_CID)
    assert poll(server, req["request_id"]).json() == {"status": "rejected", "reason": "cid_mismatch",
                                                      "record_id": None, "kiosk_id": None}
    upload(server, kiosk, clock, req["qr"])  # the right citizen afterwards: still rejected, one-time
    assert poll(server, req["request_id"]).json()["status"] == "rejected"


def test_a_failed_record_with_another_cid_also_rejects(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = start(server)
    upload(server, kiosk, clock, req["qr"], cid=OTHER_CID, outcome="failed")
    assert poll(server, req["request_id"]).json()["reason"] == "cid_mismatch"


def test_a_failed_session_of_the_citizen_leaves_it_waiting(server: ServerThread, kiosk: Kiosk,
                                                           clock: Clock) -> None:
    req = start(server)
    upload(server, kiosk, clock, req["qr"], outcome="failed")
    assert poll(server, req["request_id"]).json()["status"] == "waiting"
    record_id = upload(server, kiosk, clock, req["qr"])  # tried again, within the 600 s
    assert poll(server, req["request_id"]).json()["record_id"] == record_id


def test_expiry_without_a_record(server: ServerThread, clock: Clock) -> None:
    req = start(server)
    clock.t += 599
    assert poll(server, req["request_id"]).json()["status"] == "waiting"
    clock.t += 1
    assert poll(server, req["request_id"]).json() == {"status": "expired", "reason": None, "record_id": None,
                                                      "kiosk_id": None}


def test_a_record_after_expiry_expires_it(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = start(server)
    clock.t += 600
    upload(server, kiosk, clock, req["qr"])
    assert poll(server, req["request_id"]).json()["status"] == "expired"
    assert server.query("SELECT status FROM binding_requests")[0]["status"] == "expired"


def test_only_app_scan_records_settle_requests(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = start(server)
    record = make_record(kiosk.kiosk_id)  # a QR continuation that happens to carry the text
    record["continuation"] = {"method": "qr", "app_request": req["qr"]}
    with kiosk.client(server.url, clock=clock) as cl:
        assert cl.post_records([record], uuid.uuid4())[0].status == "accepted"
    upload(server, kiosk, clock, None)  # app_scan without a request
    upload(server, kiosk, clock, "TRA1:" + "A" * 22)  # a request this server never made
    assert poll(server, req["request_id"]).json()["status"] == "waiting"


def test_a_duplicate_record_settles_nothing_twice(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    req = start(server)
    record = make_record(kiosk.kiosk_id)
    record["continuation"] = {"method": "app_scan", "app_request": req["qr"]}
    with kiosk.client(server.url, clock=clock) as cl:
        assert [r.status for r in cl.post_records([record], uuid.uuid4())] == ["accepted"]
        clock.t += 700
        assert [r.status for r in cl.post_records([record], uuid.uuid4())] == ["duplicate"]
    assert poll(server, req["request_id"]).json()["status"] == "bound"


def test_unknown_request_is_404(server: ServerThread) -> None:
    for request_id in (str(uuid.uuid4()), "nope", "%20"):
        resp = poll(server, request_id)
        assert (resp.status_code, resp.json()["error"]["code"]) == (404, "binding_request_unknown")


@pytest.mark.parametrize("data", [{}, {"account_cid": "110170023070"}, {"account_cid": 1101700230708},
                                  {"account_cid": None}, [CID], "x"])
def test_invalid_requests_are_400(server: ServerThread, data: Any) -> None:
    resp = httpx.post(server.url + PATH, json=data)
    check_response(PATH, "post", resp)
    assert (resp.status_code, resp.json()["error"]["code"]) == (400, "invalid")
    assert server.query("SELECT * FROM binding_requests") == []


def test_in_process_helper(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    made = server.binding_requests.create(CID)
    request_id, qr, expires_at = made  # a tuple too
    assert expires_at == dt.datetime.fromtimestamp(clock() + 600, tz=dt.UTC)
    assert server.binding_requests.get(request_id) == BindingRequestState("waiting")
    assert poll(server, request_id).json()["status"] == "waiting"  # the same server, over HTTP
    record_id = upload(server, kiosk, clock, qr)
    assert server.binding_requests.get(request_id) == BindingRequestState("bound", None, record_id, kiosk.kiosk_id)
    assert server.binding_requests.get("nope") is None
    with pytest.raises(ValueError, match="13 digits"):
        server.binding_requests.create("1234")


def test_written_into_the_database_while_the_server_runs(server: ServerThread) -> None:
    made = create_binding_request(server.db_path, CID)
    assert poll(server, made.request_id).json()["status"] == "waiting"
