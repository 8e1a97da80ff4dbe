"""No personal data leaves the process through logging, whatever the caller passes."""

from __future__ import annotations

import io
import json
import logging

import pytest

from kiosk import logs

CID = "1101700230708"  # valid check digit
CID_GROUPED = "1-1017-00230-70-8"
PHONES = ["0812345678", "081-234-5678", "+66812345678", "+66 81 234 5678", "0951112222"]


@pytest.fixture
def captured() -> io.StringIO:
    out = io.StringIO()
    logs.setup("DEBUG", stream=out)
    yield out
    logs.setup("WARNING")


def test_citizen_ids_phones_and_secrets_never_reach_the_output(captured: io.StringIO) -> None:
    log = logs.get("test")
    log.info("card read for %s (%s)", CID, CID_GROUPED)
    for phone in PHONES:
        log.info(f"sending OTP to {phone}")
    log.info(
        "otp issued",
        extra={"fields": {"otp": "493817", "code": "112233", "token": "TRK1:ABC", "cid": CID,
                          "nested": {"phone": "0812345678", "note": f"id {CID}"}, "attempts_left": 3}},
    )
    try:
        raise ValueError(f"bad card {CID}")
    except ValueError:
        log.exception("failure")
    text = captured.getvalue()
    for secret in [CID, CID_GROUPED, "493817", "112233", "TRK1:ABC", *PHONES, "812345678"]:
        assert secret not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert all({"ts", "level", "logger", "msg"} <= set(line) for line in lines)
    assert lines[-2]["attempts_left"] == 3  # counts are not secrets
    assert lines[-1]["error"].startswith("ValueError")
    assert "Traceback" not in text


def test_numbers_that_are_not_personal_data_stay(captured: io.StringIO) -> None:
    log = logs.get("test")
    invalid_cid = "1101700230705"  # check digit wrong: not a citizen id
    log.info(f"read 1234567890123 bytes={invalid_cid} sw=6A82 error_code=unknown_kid", extra={"fields": {"error_code": "conflict"}})
    line = json.loads(captured.getvalue())
    assert invalid_cid in line["msg"] and "error_code=unknown_kid" in line["msg"]
    assert line["error_code"] == "conflict"


def test_logger_names_are_per_subsystem(captured: io.StringIO) -> None:
    logs.get("card").warning("reader gone")
    assert json.loads(captured.getvalue())["logger"] == "kiosk.card"


def test_redaction_applies_to_third_party_loggers_too(captured: io.StringIO) -> None:
    logging.getLogger("drivers.card").warning("cid=%s", CID)
    assert CID not in captured.getvalue()


def test_names_thai_and_english_never_reach_the_output(captured: io.StringIO) -> None:
    """A server that quotes values in its errors, or an exception that carries a card field, must
    not put a name into the journal (ids and phones are masked above)."""
    log = logs.get("sync")
    log.warning("server unreachable since 2026-11-21T08:15:00Z: invalid: name_th.first 'สมศรี' is too long")
    log.warning("record refused: นาง สมศรี ใจงามยิ่งนัก does not match")
    log.error("rejected: Mr. Somsritestname Jaingamyingnak (MISS SOMSRI) first_name=Somsritestname")
    log.info("payload", extra={"fields": {"detail": '{"last": "Jaingamyingnak", "error_code": "conflict"}'}})
    text = captured.getvalue()
    for name in ("สมศรี", "ใจงามยิ่งนัก", "นาง", "Somsritestname", "Jaingamyingnak", "SOMSRI"):
        assert name not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["msg"].startswith("server unreachable since 2026-11-21T08:15:00Z: invalid: name_th.first")
    assert "conflict" in lines[-1]["detail"]  # what a technician needs stays


def test_english_words_that_are_not_names_stay(captured: io.StringIO) -> None:
    logs.get("sync").info("took 35 ms to answer; Miss count 3; server back at 10:02 after 20 s")
    assert json.loads(captured.getvalue())["msg"] == "took 35 ms to answer; Miss count 3; server back at 10:02 after 20 s"
