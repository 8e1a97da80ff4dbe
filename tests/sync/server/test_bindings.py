"""`POST /v1/bindings` on the reference server: every QR check of ial-qr.md over real HTTP,
including pending-then-bound when the record arrives after the scan."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

from sync import qrtoken
from sync.server import ServerThread, revoke_key
from tests.sync.central import CID, Clock, Kiosk, enrolled_kiosk, make_record

pytestmark = pytest.mark.daemon
AUD = "th.go.dga.tangrat"
OTHER_CID = "3100600123455"


@pytest.fixture
def clock() -> Clock:
    return Clock(float(int(time.time())))  # whole seconds, as the tokens carry them


def token(kiosk: Kiosk, clock: Clock, record_id: uuid.UUID, *, audience: str = AUD, lifetime: int = 120) -> str:
    return qrtoken.issue(kiosk.key, kiosk_id=kiosk.kiosk_id, audience=audience, lifetime_s=lifetime,
                         record_id=record_id, purpose="ial_upgrade", display_code=47, now=int(clock())).text


def bind(server: ServerThread, qr: str, cid: str = CID) -> httpx.Response:
    return httpx.post(server.url + "/v1/bindings", json={"qr": qr, "account_cid": cid})


def upload(server: ServerThread, kiosk: Kiosk, clock: Clock, record: dict[str, object]) -> None:
    with kiosk.client(server.url, clock=clock) as cl:
        (result,) = cl.post_records([record], uuid.uuid4())
    assert result.status == "accepted"


def code_of(resp: httpx.Response) -> tuple[int, str]:
    return resp.status_code, resp.json()["error"]["code"]


def test_valid_token_binds_an_arrived_verified_record(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    upload(server, kiosk, clock, make_record(kiosk.kiosk_id, record_id=rid))
    resp = bind(server, token(kiosk, clock, rid))
    assert resp.status_code == 201
    assert resp.json() == {"status": "bound", "record_id": str(rid), "kiosk_id": kiosk.kiosk_id, "display_code": 47}


def test_replayed_token_is_refused(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    upload(server, kiosk, clock, make_record(kiosk.kiosk_id, record_id=rid))
    qr = token(kiosk, clock, rid)
    assert bind(server, qr).status_code == 201
    assert code_of(bind(server, qr)) == (409, "replayed")


def test_expired_and_not_yet_valid(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    qr = token(kiosk, clock, rid, lifetime=120)
    clock.t += 120
    assert code_of(bind(server, qr)) == (422, "expired")
    future = qrtoken.issue(kiosk.key, kiosk_id=kiosk.kiosk_id, audience=AUD, lifetime_s=120, record_id=rid,
                           purpose="ial_upgrade", display_code=12, now=int(clock()) + 61).text
    assert code_of(bind(server, future)) == (422, "not_yet_valid")


def test_wrong_audience(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    assert code_of(bind(server, token(kiosk, clock, uuid.uuid4(), audience="th.example.other"))) == (422, "wrong_aud")


def test_citizen_id_mismatch(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    upload(server, kiosk, clock, make_record(kiosk.kiosk_id, record_id=rid))
    assert code_of(bind(server, token(kiosk, clock, rid), cid=OTHER_CID)) == (422, "cid_mismatch")


def test_not_verified_record(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    upload(server, kiosk, clock, make_record(kiosk.kiosk_id, record_id=rid, outcome="failed"))
    assert code_of(bind(server, token(kiosk, clock, rid))) == (422, "not_verified")


def test_pending_then_bound_when_the_record_arrives(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    resp = bind(server, token(kiosk, clock, rid))
    assert (resp.status_code, resp.json()["status"]) == (201, "pending")
    clock.t += 30
    upload(server, kiosk, clock, make_record(kiosk.kiosk_id, record_id=rid))
    (row,) = server.query("SELECT status, completed_at FROM bindings WHERE record_id = ?", (str(rid),))
    assert row["status"] == "bound" and row["completed_at"] == clock.t


def test_pending_then_mismatch_when_the_record_arrives(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    rid = uuid.uuid4()
    assert bind(server, token(kiosk, clock, rid), cid=OTHER_CID).json()["status"] == "pending"
    upload(server, kiosk, clock, make_record(kiosk.kiosk_id, record_id=rid))
    (row,) = server.query("SELECT status FROM bindings WHERE record_id = ?", (str(rid),))
    assert row["status"] == "cid_mismatch"


def test_unknown_or_revoked_kid_and_garbage(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    qr = token(kiosk, clock, uuid.uuid4())
    assert code_of(bind(server, "TRK1:!!!")) == (422, "bad_format")
    assert code_of(bind(server, "hello")) == (422, "bad_format")
    revoke_key(server.db_path, kiosk.key.key_id)
    assert code_of(bind(server, qr)) == (422, "unknown_kid")


def test_tampered_token_is_bad_signature(server: ServerThread, kiosk: Kiosk, clock: Clock) -> None:
    other = enrolled_kiosk(server, kiosk.state_dir.parent / "other", kiosk_id="KIOSK-T-002")
    genuine = qrtoken.issue(other.key, kiosk_id=other.kiosk_id, audience=AUD, lifetime_s=120, record_id=uuid.uuid4(),
                            purpose="ial_upgrade", display_code=47, now=int(clock()))
    import base45
    import cbor2

    cose = cbor2.loads(base45.b45decode(genuine.text[5:]))
    protected, unprotected, payload, sig = cose.value
    forged_sig = bytes([sig[0] ^ 1]) + sig[1:]
    forged = "TRK1:" + base45.b45encode(cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload,
                                                                        forged_sig]))).decode()
    assert code_of(bind(server, forged)) == (422, "bad_signature")


def test_bad_body(server: ServerThread) -> None:
    assert code_of(httpx.post(server.url + "/v1/bindings", json={"qr": "x", "account_cid": "12"})) == (400, "invalid")
    assert code_of(httpx.post(server.url + "/v1/bindings", content=b"not json")) == (400, "bad_json")
