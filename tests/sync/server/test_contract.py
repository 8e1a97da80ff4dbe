"""The reference server against the shared contract: its routes are exactly the YAML's paths (plus
the development SMS outbox in dev mode), every answer of a full kiosk conversation validates
against the YAML's response schema for its status, and the packaged YAML is the one the server
validates requests with."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from sync.server import ServerStartError, ServerThread, create_app, mint_token
from sync.server.spec import first_problem, spec, validator_for
from sync.signing import sign_request
from tests.sync.central import ADMIN_TOKEN, PHONE, Kiosk, enrolled_kiosk, make_record

pytestmark = pytest.mark.daemon


def app_routes(dev: bool, tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(tmp_path / f"routes-{dev}.sqlite", dev=dev)
    try:
        return {(r.path, m.lower()) for r in app.routes if isinstance(r, Route)
                for m in (r.methods or ()) if m != "HEAD"}
    finally:
        app.state.central.store.close()


def test_routes_are_the_contracts_paths(tmp_path: Path) -> None:
    contract = {(path, method) for path, ops in spec()["paths"].items() for method in ops}
    assert app_routes(False, tmp_path) == contract
    assert app_routes(True, tmp_path) == contract | {("/v1/dev/sms", "get")}


def test_packaged_yaml_is_the_contract() -> None:
    doc = spec()
    assert doc["info"]["title"].startswith("Central identity server")
    assert doc["info"]["version"] == "1.1.0"
    assert set(doc["components"]["schemas"]) >= {"Record", "Heartbeat", "ErrorBody", "Name"}
    assert {"/v1/card-status", "/v1/binding-requests", "/v1/binding-requests/{request_id}"} <= set(doc["paths"])


def check_response(path: str, method: str, resp: httpx.Response) -> None:
    """The response validates against the YAML's schema for its status."""
    op = spec()["paths"][path][method]
    answer = op["responses"].get(str(resp.status_code))
    assert answer is not None, f"{method.upper()} {path}: status {resp.status_code} is not in the contract"
    if "$ref" in answer:
        answer = spec()["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    problem = first_problem(validator_for(schema), resp.json())
    assert problem is None, f"{method.upper()} {path} {resp.status_code}: {problem}"
    if resp.status_code in (429, 503):
        assert resp.headers["Retry-After"].isdigit()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[ServerThread, Kiosk]]:
    with ServerThread(tmp_path / "central.sqlite", admin_token=ADMIN_TOKEN) as srv:
        yield srv, enrolled_kiosk(srv, tmp_path / "state")


def signed(kiosk: Kiosk, url: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    req = httpx.Request("POST", url, json=body, headers=headers or {})
    sign_request(req, kiosk.key, kiosk.key.key_id)
    with httpx.Client() as http:
        return http.send(req)


def test_every_answer_matches_the_contract(live: tuple[ServerThread, Kiosk], tmp_path: Path) -> None:
    server, kiosk = live
    u = server.url
    check_response("/v1/health", "get", httpx.get(u + "/v1/health"))
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    check_response("/v1/admin/enrollment-tokens", "post",
                   httpx.post(u + "/v1/admin/enrollment-tokens", json={"site_id": "s"}, headers=admin))
    check_response("/v1/admin/enrollment-tokens", "post",
                   httpx.post(u + "/v1/admin/enrollment-tokens", json={"site_id": "s"}))
    token = mint_token(server.db_path, "s2")
    body = {"token": token, "kiosk_id": "KIOSK-C-1", "public_key_pem": kiosk.key.public_pem()}
    check_response("/v1/kiosks/enroll", "post", httpx.post(u + "/v1/kiosks/enroll", json={**body, "kiosk_id": "x"}))
    check_response("/v1/kiosks/enroll", "post", httpx.post(u + "/v1/kiosks/enroll", json={**body, "token": "no"}))
    for _ in range(2):  # 201, then 409 used
        check_response("/v1/kiosks/enroll", "post",
                       httpx.post(u + "/v1/kiosks/enroll", json={**body, "kiosk_id": kiosk.kiosk_id}))
    mint_token(server.db_path, "s3")
    # records: 200 with accepted / duplicate / rejected, 400, 401
    rec = make_record(kiosk.kiosk_id)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    check_response("/v1/records", "post", signed(kiosk, u + "/v1/records", {"records": [rec, {"record_id": str(uuid.uuid4())}]}, key))
    check_response("/v1/records", "post", signed(kiosk, u + "/v1/records", {"records": [rec]},
                                                 {"Idempotency-Key": str(uuid.uuid4())}))
    check_response("/v1/records", "post", signed(kiosk, u + "/v1/records", {"records": [{"x": 1}]},
                                                 {"Idempotency-Key": str(uuid.uuid4())}))
    check_response("/v1/records", "post", signed(kiosk, u + "/v1/records", {"records": []},
                                                 {"Idempotency-Key": str(uuid.uuid4())}))
    check_response("/v1/records", "post", httpx.post(u + "/v1/records", json={"records": [rec]}))
    server.faults.add("/v1/records", "status", status=429, retry_after_s=3)
    check_response("/v1/records", "post", httpx.post(u + "/v1/records", json={}))
    server.faults.add("/v1/records", "status", status=503, retry_after_s=3)
    check_response("/v1/records", "post", httpx.post(u + "/v1/records", json={}))
    # otp: 201, 429 too soon, 400; verify 422, 200, 410, 404
    session = str(uuid.uuid4())
    sent = signed(kiosk, u + "/v1/otp", {"session_id": session, "phone": PHONE})
    check_response("/v1/otp", "post", sent)
    check_response("/v1/otp", "post", signed(kiosk, u + "/v1/otp", {"session_id": session, "phone": PHONE}))
    check_response("/v1/otp", "post", signed(kiosk, u + "/v1/otp", {"session_id": session, "phone": "0812"}))
    otp_id = sent.json()["otp_id"]
    sms = httpx.get(u + "/v1/dev/sms").json()["messages"][-1]["text"]
    code = re.search(r"\b(\d{6})\b", sms).group(1)  # type: ignore[union-attr]
    verify = f"/v1/otp/{otp_id}/verify"
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    check_response("/v1/otp/{otp_id}/verify", "post", signed(kiosk, u + verify, {"code": wrong}))
    check_response("/v1/otp/{otp_id}/verify", "post", signed(kiosk, u + verify, {"code": code}))
    check_response("/v1/otp/{otp_id}/verify", "post", signed(kiosk, u + verify, {"code": code}))
    check_response("/v1/otp/{otp_id}/verify", "post", signed(kiosk, u + "/v1/otp/nope/verify", {"code": code}))
    # heartbeat 200 / 401
    hb = {"kiosk_id": kiosk.kiosk_id, "time": "2026-01-01T00:00:00Z", "version": "1", "uptime_s": 5,
          "devices": {"printer": {"state": "ok"}}, "queue": {"pending": 0, "dead": 0}}
    check_response("/v1/heartbeat", "post", signed(kiosk, u + "/v1/heartbeat", hb))
    check_response("/v1/heartbeat", "post", httpx.post(u + "/v1/heartbeat", json=hb))
    # bindings: 400, 422
    check_response("/v1/bindings", "post", httpx.post(u + "/v1/bindings", json={"qr": "TRK1:", "account_cid": "1"}))
    check_response("/v1/bindings", "post",
                   httpx.post(u + "/v1/bindings", json={"qr": "TRK1:", "account_cid": "1101700230708"}))


def test_unknown_paths_and_methods_use_the_error_body(live: tuple[ServerThread, Kiosk]) -> None:
    server, _ = live
    for resp, status in ((httpx.get(server.url + "/nope"), 404), (httpx.get(server.url + "/v1/records"), 405)):
        assert resp.status_code == status and set(resp.json()["error"]) == {"code", "message"}


def test_oversized_batch_is_413(live: tuple[ServerThread, Kiosk]) -> None:
    server, kiosk = live
    big = {"records": [make_record(kiosk.kiosk_id, app_version="x" * 20000) for _ in range(60)]}
    resp = signed(kiosk, server.url + "/v1/records", big, {"Idempotency-Key": str(uuid.uuid4())})
    assert (resp.status_code, resp.json()["error"]["code"]) == (413, "too_large")


def test_more_than_100_records_is_400(live: tuple[ServerThread, Kiosk]) -> None:
    server, kiosk = live
    resp = signed(kiosk, server.url + "/v1/records", {"records": [make_record(kiosk.kiosk_id)] * 101},
                  {"Idempotency-Key": str(uuid.uuid4())})
    assert (resp.status_code, resp.json()["error"]["code"]) == (400, "too_many_records")


def test_sms_continuation_texts_a_link(live: tuple[ServerThread, Kiosk]) -> None:
    server, kiosk = live
    with kiosk.client(server.url) as cl:
        cl.post_records([make_record(kiosk.kiosk_id, continuation="sms"), make_record(kiosk.kiosk_id)],
                        uuid.uuid4())
    messages = httpx.get(server.url + "/v1/dev/sms", params={"phone": PHONE}).json()["messages"]
    assert [m["kind"] for m in messages] == ["link"]
    assert "https://" in messages[0]["text"]


def test_dev_mode_is_refused_off_loopback(tmp_path: Path) -> None:
    with pytest.raises(ServerStartError, match="refused"):
        ServerThread(tmp_path / "c.sqlite", host="0.0.0.0", dev=True)
    from kiosk.cli import main

    assert main(["central", "serve", "--db", str(tmp_path / "c.sqlite"), "--host", "0.0.0.0", "--dev"]) == 1


def test_the_1_1_endpoints_give_every_status_the_contract_lists(live: tuple[ServerThread, Kiosk]) -> None:
    server, kiosk = live
    u = server.url
    seen: dict[tuple[str, str], set[int]] = {}

    def note(path: str, method: str, resp: httpx.Response) -> None:
        check_response(path, method, resp)
        seen.setdefault((path, method), set()).add(resp.status_code)

    card = {"session_id": str(uuid.uuid4()), "cid": "1101700230708", "request_number": "1" * 20}
    note("/v1/card-status", "post", signed(kiosk, u + "/v1/card-status", card))
    note("/v1/card-status", "post", signed(kiosk, u + "/v1/card-status", {**card, "cid": "1"}))
    note("/v1/card-status", "post", httpx.post(u + "/v1/card-status", json=card))
    server.registry.down = True
    note("/v1/card-status", "post", signed(kiosk, u + "/v1/card-status", {**card, "session_id": str(uuid.uuid4())}))
    server.registry.down = False
    server.registry.max_checks_per_minute = 1
    note("/v1/card-status", "post", signed(kiosk, u + "/v1/card-status", {**card, "session_id": str(uuid.uuid4())}))
    made = httpx.post(u + "/v1/binding-requests", json={"account_cid": "1101700230708"})
    note("/v1/binding-requests", "post", made)
    note("/v1/binding-requests", "post", httpx.post(u + "/v1/binding-requests", json={"account_cid": "x"}))
    note("/v1/binding-requests/{request_id}", "get", httpx.get(u + "/v1/binding-requests/" + made.json()["request_id"]))
    note("/v1/binding-requests/{request_id}", "get", httpx.get(u + "/v1/binding-requests/" + str(uuid.uuid4())))
    for (path, method), statuses in seen.items():
        assert statuses == {int(s) for s in spec()["paths"][path][method]["responses"]}, (path, method)
    assert len(seen) == 3
