"""The OTP client against the reference server: happy path and every limit of the contract
(the code is read from the server's development SMS outbox, as a phone would receive it)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sync import client as c
from sync import otp
from sync.server import ServerThread
from tests.sync.central import PHONE, Clock, Kiosk

pytestmark = pytest.mark.daemon


@pytest.fixture
def otps(server: ServerThread, kiosk: Kiosk, clock: Clock) -> Iterator[otp.OtpClient]:
    with kiosk.client(server.url, clock=clock) as cl:
        yield otp.OtpClient(cl)


def last_code(server: ServerThread) -> str:
    messages = httpx.get(server.url + "/v1/dev/sms", params={"phone": PHONE}).json()["messages"]
    match = re.search(r"\b(\d{6})\b", messages[-1]["text"])
    assert match is not None
    return match.group(1)


def test_send_and_verify(server: ServerThread, otps: otp.OtpClient) -> None:
    sent = otps.send(uuid.uuid4(), PHONE)
    assert sent.resend_after_s == 30
    code = last_code(server)
    otps.verify(sent.otp_id, code)
    # single use
    with pytest.raises(otp.OtpExpired):
        otps.verify(sent.otp_id, code)
    # only a salted hash is stored, never the code
    row = server.query("SELECT * FROM otps")[0]
    assert code not in str(row)


def test_wrong_code_counts_down_then_too_many_tries(server: ServerThread, otps: otp.OtpClient) -> None:
    sent = otps.send(uuid.uuid4(), PHONE)
    code = last_code(server)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    left = []
    for _ in range(4):
        with pytest.raises(otp.OtpWrongCode) as e:
            otps.verify(sent.otp_id, wrong)
        left.append(e.value.attempts_left)
    assert left == [4, 3, 2, 1]
    with pytest.raises(otp.OtpTooManyTries):
        otps.verify(sent.otp_id, wrong)
    with pytest.raises(otp.OtpTooManyTries):  # even the right code is refused now
        otps.verify(sent.otp_id, code)


def test_code_expires_after_300_s(server: ServerThread, otps: otp.OtpClient, clock: Clock) -> None:
    sent = otps.send(uuid.uuid4(), PHONE)
    code = last_code(server)
    clock.t += 300
    with pytest.raises(otp.OtpExpired):
        otps.verify(sent.otp_id, code)


def test_resend_waits_30_s_and_at_most_3_sends(server: ServerThread, otps: otp.OtpClient, clock: Clock) -> None:
    session = uuid.uuid4()
    first = otps.send(session, PHONE)
    clock.t += 10
    with pytest.raises(c.RateLimited) as e:
        otps.send(session, PHONE)
    assert e.value.retry_after_s == 20
    clock.t += 20
    second = otps.send(session, PHONE)
    # the new code replaces the old one
    with pytest.raises(otp.OtpExpired):
        otps.verify(first.otp_id, last_code(server))
    clock.t += 30
    otps.send(session, PHONE)
    clock.t += 30
    with pytest.raises(otp.OtpSendLimit):
        otps.send(session, PHONE)
    assert second.otp_id != first.otp_id
    # another session is not affected
    otps.send(uuid.uuid4(), PHONE)


def test_codes_are_six_digits_and_vary(server: ServerThread, otps: otp.OtpClient) -> None:
    codes = set()
    for _ in range(8):
        otps.send(uuid.uuid4(), PHONE)
        codes.add(last_code(server))
    assert all(len(x) == 6 and x.isdigit() for x in codes)
    assert len(codes) > 1


def test_unknown_otp_and_bad_input(otps: otp.OtpClient) -> None:
    with pytest.raises(otp.OtpUnknown):
        otps.verify("no-such-otp", "123456")
    with pytest.raises(c.Rejected) as e:
        otps.send(uuid.uuid4(), "0812345678")
    assert (e.value.status, e.value.code) == (400, "invalid")
    assert "0812345678" not in str(e.value)


def test_offline_when_enrolled(kiosk: Kiosk) -> None:
    with kiosk.client("http://127.0.0.1:9", timeout_s=1) as cl, pytest.raises(c.Offline):
        otp.OtpClient(cl).send(uuid.uuid4(), PHONE)


def test_dev_sms_exists_only_in_dev_mode(tmp_path: Path) -> None:
    with ServerThread(tmp_path / "c.sqlite", dev=False) as srv:
        resp = httpx.get(srv.url + "/v1/dev/sms")
    assert (resp.status_code, resp.json()["error"]["code"]) == (404, "not_found")
