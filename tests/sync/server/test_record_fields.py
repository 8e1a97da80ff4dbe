"""Records with the fields of contract 1.1.0 against the reference server over real HTTP:
`card_status`, `referral`, `rating`, `continuation.method: app_scan` with `app_request`, the
failure reason `card_status_abnormal` are accepted; malformed ones are rejected (per record, the
rest of the batch still processed) with a message that names the field, never the value. And
what the kiosk's own model builds, the server accepts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from sync.records import validate_record
from sync.server import ServerThread
from tests.sync.central import CID, Kiosk, make_record

pytestmark = pytest.mark.daemon

APP_QR = "TRA1:AAECAwQFBgcICQoLDA0ODw"
CHECKED = {"status": "normal", "checked_at": "2026-11-21T08:14:30Z"}


def accepted(kiosk: Kiosk) -> list[dict[str, Any]]:
    app = make_record(kiosk.kiosk_id, continuation="app_scan", card_status=CHECKED, rating={"score": 4},
                      referral=None)
    app["continuation"]["app_request"] = APP_QR
    return [
        app,
        make_record(kiosk.kiosk_id, card_status={"status": "unchecked", "checked_at": None}, rating=None),
        make_record(kiosk.kiosk_id, card_status={"status": "skipped"}),
        make_record(kiosk.kiosk_id, outcome="failed", failure_reason="card_status_abnormal",
                    card_status={"status": "abnormal", "checked_at": "2026-11-21T08:14:30+07:00"}),
        make_record(kiosk.kiosk_id, outcome="aborted", failure_reason="cancelled",
                    referral={"reference": "REF-0001", "reason": "asked_for_help"}, rating={"score": 1}),
    ]


def test_records_with_the_1_1_fields_are_accepted_and_kept(server: ServerThread, kiosk: Kiosk) -> None:
    records = accepted(kiosk)
    for r in records:
        validate_record(r)  # what the kiosk's model builds ...
    with kiosk.client(server.url) as cl:
        results = cl.post_records(records, uuid.uuid4())
    assert [r.status for r in results] == ["accepted"] * len(records)  # ... the server accepts
    held = {r["record_id"] for r in server.query("SELECT record_id FROM records")}
    assert held == {r["record_id"] for r in records}


MALFORMED = [
    ("card_status", {"status": "maybe"}, "card_status/status"),
    ("card_status", None, "card_status"),
    ("card_status", {}, "card_status"),
    ("card_status", {"status": "normal", "checked_at": "yesterday"}, "card_status/checked_at"),
    ("rating", {"score": 6}, "rating/score"),
    ("rating", {"score": 0}, "rating/score"),
    ("rating", {"score": "5"}, "rating/score"),
    ("rating", {}, "rating"),
    ("referral", {"reference": "R1"}, "referral"),
    ("referral", {"reference": 1, "reason": "x"}, "referral/reference"),
    ("continuation", {"method": "app", "app_request": APP_QR}, "continuation/method"),
    ("continuation", {"method": "app_scan", "app_request": 7}, "continuation/app_request"),
]


@pytest.mark.parametrize(("key", "value", "where"), MALFORMED, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(MALFORMED)])
def test_malformed_1_1_fields_are_rejected_alone(server: ServerThread, kiosk: Kiosk, key: str, value: Any,
                                                 where: str) -> None:
    bad = make_record(kiosk.kiosk_id)
    bad[key] = value
    good = make_record(kiosk.kiosk_id)
    with kiosk.client(server.url) as cl:
        results = cl.post_records([bad, good], uuid.uuid4())
    assert [r.status for r in results] == ["rejected", "accepted"]
    assert results[0].code == "invalid"
    assert results[0].message is not None and results[0].message.startswith(where + ":")
    assert CID not in results[0].message
