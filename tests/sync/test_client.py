"""The signed client against the reference server over real HTTP on loopback: every failure kind
maps to its own typed error, and a retry after a dropped connection creates no second row."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync import client as c
from sync.keys import DeviceKey
from sync.server import ServerThread, revoke_key
from sync.signing import sign_request
from tests.sync.central import Kiosk, free_port, make_record

pytestmark = pytest.mark.daemon


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    with ServerThread(tmp_path / "central.sqlite") as srv:
        yield srv


def test_health_and_signed_records_round_trip(server: ServerThread, kiosk: Kiosk) -> None:
    with kiosk.client(server.url) as cl:
        assert cl.health()["status"] == "ok"
        rec = make_record(kiosk.kiosk_id)
        results = cl.post_records([rec], uuid.uuid4())
        assert [(r.record_id, r.status) for r in results] == [(rec["record_id"], "accepted")]
        again = cl.post_records([rec], uuid.uuid4())
        assert again[0].status == "duplicate"
    assert len(server.query("SELECT * FROM records")) == 1


def test_server_down_is_offline() -> None:
    with c.CentralClient(f"http://127.0.0.1:{free_port()}", key=None, key_id=None, timeout_s=2) as cl:
        with pytest.raises(c.Offline):
            cl.health()


def test_500_is_server_error(server: ServerThread, kiosk: Kiosk) -> None:
    server.faults.add("/v1/records", "status", status=500)
    with kiosk.client(server.url) as cl, pytest.raises(c.ServerError) as e:
        cl.post_records([make_record(kiosk.kiosk_id)], uuid.uuid4())
    assert e.value.status == 500


@pytest.mark.parametrize("status", [429, 503])
def test_429_and_503_carry_retry_after(server: ServerThread, kiosk: Kiosk, status: int) -> None:
    server.faults.add("/v1/records", "status", status=status, retry_after_s=7)
    with kiosk.client(server.url) as cl, pytest.raises(c.RateLimited) as e:
        cl.post_records([make_record(kiosk.kiosk_id)], uuid.uuid4())
    assert e.value.retry_after_s == 7


def test_slow_answer_past_the_timeout(server: ServerThread, kiosk: Kiosk) -> None:
    server.faults.add("/v1/records", "delay", delay_s=1.5)
    with kiosk.client(server.url, timeout_s=0.3) as cl:
        t0 = time.monotonic()
        with pytest.raises(c.Timeout):
            cl.post_records([make_record(kiosk.kiosk_id)], uuid.uuid4())
        assert time.monotonic() - t0 < 1.4


def test_dropped_after_commit_then_retry_creates_no_second_row(server: ServerThread, kiosk: Kiosk) -> None:
    records = [make_record(kiosk.kiosk_id) for _ in range(3)]
    key = uuid.uuid4()
    server.faults.add("/v1/records", "drop")
    with kiosk.client(server.url) as cl:
        with pytest.raises(c.Offline):
            cl.post_records(records, key)
        assert len(server.query("SELECT * FROM records")) == 3  # the server did commit
        results = cl.post_records(records, key)
    # the same batch under the same key gets the same results: the first answer, replayed
    assert [r.status for r in results] == ["accepted"] * 3
    assert len(server.query("SELECT * FROM records")) == 3
    assert len(server.query("SELECT * FROM idempotency")) == 1


def test_same_key_for_another_batch_is_refused(server: ServerThread, kiosk: Kiosk) -> None:
    key = uuid.uuid4()
    with kiosk.client(server.url) as cl:
        cl.post_records([make_record(kiosk.kiosk_id)], key)
        with pytest.raises(c.Rejected) as e:
            cl.post_records([make_record(kiosk.kiosk_id)], key)
    assert e.value.code == "idempotency_key_reused"


def test_conflict_and_invalid_records_are_rejected_per_record(server: ServerThread, kiosk: Kiosk) -> None:
    rec = make_record(kiosk.kiosk_id)
    changed = {**rec, "app_version": "9.9.9"}
    bad = make_record(kiosk.kiosk_id, card={"cid": "123", "atr": "3B"})
    other = make_record("SOMEONE-ELSE")
    with kiosk.client(server.url) as cl:
        cl.post_records([rec], uuid.uuid4())
        results = cl.post_records([changed, bad, other, make_record(kiosk.kiosk_id)], uuid.uuid4())
    assert [(r.status, r.code) for r in results] == [
        ("rejected", "conflict"), ("rejected", "invalid"), ("rejected", "kiosk_mismatch"), ("accepted", None)]
    assert "card/cid" in (results[1].message or "")
    assert "123" not in (results[1].message or "")  # the offending value is never echoed


def test_failed_session_with_names_is_rejected(server: ServerThread, kiosk: Kiosk) -> None:
    rec = make_record(kiosk.kiosk_id, outcome="failed")
    rec["card"]["name_th"] = {"prefix": "นาย", "first": "ก", "middle": "", "last": "ข"}
    with kiosk.client(server.url) as cl:
        (result,) = cl.post_records([rec], uuid.uuid4())
    assert (result.status, result.code) == ("rejected", "not_minimised")


def test_bad_signature_is_unauthorized(server: ServerThread, kiosk: Kiosk) -> None:
    impostor = DeviceKey.generate()
    with c.CentralClient(server.url, key=impostor, key_id=kiosk.key.key_id) as cl, \
            pytest.raises(c.Unauthorized) as e:
        cl.post_records([make_record(kiosk.kiosk_id)], uuid.uuid4())
    assert e.value.code == "signature_invalid"


def test_unknown_key_is_unauthorized(server: ServerThread) -> None:
    stranger = DeviceKey.generate()
    with c.CentralClient(server.url, key=stranger, key_id=stranger.key_id) as cl, \
            pytest.raises(c.Unauthorized) as e:
        cl.heartbeat({})
    assert e.value.code == "unknown_key"


def test_revoked_key_is_unauthorized(server: ServerThread, kiosk: Kiosk) -> None:
    assert revoke_key(server.db_path, kiosk.key.key_id)
    with kiosk.client(server.url) as cl, pytest.raises(c.Unauthorized) as e:
        cl.post_records([make_record(kiosk.kiosk_id)], uuid.uuid4())
    assert e.value.code == "key_revoked"
    assert server.query("SELECT * FROM records") == []


def test_clock_skew_is_unauthorized(server: ServerThread, kiosk: Kiosk) -> None:
    with kiosk.client(server.url, clock=lambda: time.time() + 400) as cl, pytest.raises(c.Unauthorized) as e:
        cl.post_records([make_record(kiosk.kiosk_id)], uuid.uuid4())
    assert e.value.code == "clock_skew"


def _signed(kiosk: Kiosk, url: str, body: bytes) -> httpx.Request:
    req = httpx.Request("POST", url + "/v1/heartbeat", content=body, headers={"Content-Type": "application/json"})
    sign_request(req, kiosk.key, kiosk.key.key_id)
    return req


def test_replayed_nonce_and_tampered_body_are_refused(server: ServerThread, kiosk: Kiosk) -> None:
    body = (b'{"kiosk_id":"%s","time":"2026-01-01T00:00:00Z","version":"1","uptime_s":1,'
            b'"devices":{},"queue":{"pending":0,"dead":0}}' % kiosk.kiosk_id.encode())
    req = _signed(kiosk, server.url, body)
    with httpx.Client() as http:
        assert http.send(req).status_code == 200
        again = http.send(req)
        assert (again.status_code, again.json()["error"]["code"]) == (401, "nonce_replayed")
        tampered = _signed(kiosk, server.url, body)
        forged = httpx.Request("POST", server.url + "/v1/heartbeat", content=body.replace(b'"1"', b'"2"'),
                               headers=dict(tampered.headers))
        bad = http.send(forged)
        assert (bad.status_code, bad.json()["error"]["code"]) == (401, "digest_mismatch")
        unsigned = http.post(server.url + "/v1/heartbeat", content=body)
        assert (unsigned.status_code, unsigned.json()["error"]["code"]) == (401, "signature_missing")
    assert len(server.query("SELECT * FROM heartbeats")) == 1


def test_signature_covers_the_target_uri(server: ServerThread, kiosk: Kiosk) -> None:
    req = _signed(kiosk, server.url, b"{}")
    moved = httpx.Request("POST", server.url + "/v1/otp", content=b"{}", headers=dict(req.headers))
    with httpx.Client() as http:
        resp = http.send(moved)
    assert (resp.status_code, resp.json()["error"]["code"]) == (401, "signature_invalid")


def test_unusable_ca_bundle_is_reported(tmp_path: Path) -> None:
    with pytest.raises(c.Offline, match="CA bundle"):
        c.CentralClient("https://127.0.0.1:1", key=None, key_id=None, ca_bundle=str(tmp_path / "missing.pem"))


def test_unsigned_client_refuses_signed_calls(server: ServerThread) -> None:
    with c.CentralClient(server.url, key=None, key_id=None) as cl, pytest.raises(c.Unauthorized) as e:
        cl.heartbeat({})
    assert e.value.code == "not_enrolled"


def test_the_idempotency_key_names_the_exact_body_sent(server: ServerThread, kiosk: Kiosk) -> None:
    records = [make_record(kiosk.kiosk_id) for _ in range(2)]
    changed = [records[0], {**records[1], "receipt": {"printed": True, "printer_state": "ok"}}]
    assert c.body_key(c.records_body(records)) == c.body_key(c.records_body([dict(r) for r in records]))
    assert c.body_key(c.records_body(records)) != c.body_key(c.records_body(changed))
    server.faults.add("/v1/records", "drop")
    with kiosk.client(server.url) as cl:
        with pytest.raises(c.Offline):
            cl.post_records(records)  # committed, then the connection dropped
        assert [r.status for r in cl.post_records(records)] == ["accepted"] * 2  # the first answer
        # another body can never meet the first one's key: no idempotency_key_reused
        assert [r.status for r in cl.post_records(changed)] == ["duplicate", "rejected"]
    keys = [r["key"] for r in server.query("SELECT key FROM idempotency ORDER BY created_at")]
    assert keys == [str(c.body_key(c.records_body(records))), str(c.body_key(c.records_body(changed)))]


def test_key_check_is_signed_and_stores_nothing(server: ServerThread, kiosk: Kiosk) -> None:
    with kiosk.client(server.url) as cl:
        cl.check_key()  # accepted: returns
        server.faults.add("/v1/records", "status", status=401, code="key_revoked")
        with pytest.raises(c.Unauthorized) as e:
            cl.check_key()
        assert e.value.code == "key_revoked"
    assert server.query("SELECT * FROM records") == [] and server.query("SELECT * FROM idempotency") == []
    impostor = DeviceKey.generate()
    with c.CentralClient(server.url, key=impostor, key_id=kiosk.key.key_id) as cl, pytest.raises(c.Unauthorized):
        cl.check_key()


def test_values_a_server_quotes_never_leave_the_client(server: ServerThread, kiosk: Kiosk) -> None:
    """A server that quotes the offending values in its errors: the client keeps the code and a
    redacted message, for whole-request refusals and per-record rejections alike."""
    rec = make_record(kiosk.kiosk_id)
    values = ["1101700230708", "ทดสอบ", "ระบบ", "1980-01-02", "+66812345678", "0812345678"]
    server.faults.add("/v1/records", "status", status=400, code="invalid",
                      message="card/cid '1101700230708' of นาย ทดสอบ ระบบ (Mr. Thodsob Rabob), born 1980-01-02")
    server.faults.add("/v1/records", "status", status=500, code="Oops <b>1101700230708</b>", message="0812345678")
    server.faults.quote_values = True
    with kiosk.client(server.url) as cl:
        with pytest.raises(c.Rejected) as refused:
            cl.post_records([rec])
        with pytest.raises(c.ServerError) as failed:
            cl.post_records([rec])
        cl.post_records([rec])
        (conflict,) = cl.post_records([{**rec, "app_version": "9.9.9"}])
        raw = cl.call("POST", "/v1/records", json_body={"records": [{**rec, "app_version": "9.9.9"}]},
                      headers={"Idempotency-Key": str(uuid.uuid4())}).text
    assert "1101700230708" in raw and "ทดสอบ" in raw  # what the server said, quoting the values
    assert refused.value.code == "invalid" and refused.value.message.startswith("card/cid [redacted] of [redacted]")
    assert conflict.code == "conflict" and conflict.message and "already held" in conflict.message
    shown = " ".join([str(refused.value), str(failed.value), conflict.message or ""])
    for value in [*values, "Thodsob", "Rabob"]:
        assert value not in shown
    assert "http_500" in str(failed.value)  # a code that is not snake_case is not passed on
