"""The record builder: what a session's results become, and what is left out."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import jsonschema
import pytest

from kiosk.journey.effects import RecordDraft
from kiosk.journey.endings import Ending
from kiosk.journey.session import Evidence
from kiosk.session_record import build_record, cti_text, with_qr
from sync import qrtoken
from sync.keys import DeviceKey
from sync.records import RecordInvalid

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "record-schema" / "record.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
BKK = timezone(timedelta(hours=7))


# Test doubles shaped like drivers.card.model.CardText and kiosk.face's FaceResult.
@dataclass(frozen=True)
class Name:
    prefix: str
    first: str
    middle: str
    last: str


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{v:02d}" for v in (self.month, self.day) if v is not None]
        return "-".join(parts)


@dataclass(frozen=True)
class Address:
    house_no: str = "99/1"
    province: str = "กรุงเทพมหานคร"


@dataclass(frozen=True)
class Card:
    atr: bytes = bytes.fromhex("3B6700FF")
    cid: str = "1101700203451"
    name_th: Name = Name("นาง", "มาลี", "", "ศรีสุข")
    name_en: Name = Name("Mrs.", "Malee", "", "Srisuk")
    date_of_birth: PartialDate = PartialDate(1950, 3)
    gender: str = "female"
    issuer: str = "สำนักงานเขตบางรัก"
    issue_date: date = date(2019, 6, 1)
    expiry_date: date | None = None
    request_number: str = "1001-11-22334455"
    photo_number: str = "10011122334455"
    address: Address = Address()
    chip_id: str | None = None
    laser_id: str | None = "ME1-2345678-90"


@dataclass(frozen=True)
class Liveness:
    method: str = "challenge"
    passed: bool = True
    challenges: list[str] = field(default_factory=lambda: ["blink", "turn_right"])


@dataclass(frozen=True)
class FaceResult:
    method: str = "dlib-resnet"
    distance: float = 0.371234567
    threshold: float = 0.45
    match: bool = True
    attempts: int = 1
    liveness: Liveness = Liveness()
    failure: str | None = None


NOW = datetime(2026, 11, 21, 15, 0, tzinfo=BKK)
KEY = DeviceKey.generate()


ENDINGS = {("verified", None): Ending.VERIFIED, ("failed", "face_mismatch"): Ending.FACE_MISMATCH,
           ("aborted", "cancelled"): Ending.CANCELLED, ("failed", "card_invalid"): Ending.CARD_INVALID,
           ("aborted", "timeout"): Ending.INACTIVE, ("failed", "timeout"): Ending.FACE_TIMEOUT}


def _common(outcome: str, reason: str | None) -> dict:
    return dict(record_id=uuid.uuid4(), kiosk_id="KIOSK-BKK-0042", created_at=NOW, clock_synced=True,
                purpose="ial_upgrade", ending=ENDINGS[(outcome, reason)], app_version="0.1.0")


EVIDENCE = ("card", "photo_sha256", "face", "phone_e164", "phone_verified", "consent_at")


def build(*, record_id, kiosk_id, created_at, clock_synced, purpose, ending, app_version,  # type: ignore[no-untyped-def]
          continuation="none", consent_version=None, qr=None, receipt_printed=None, printer_state=None, **evidence):
    """A record through the journey's draft, from the fields a test names."""
    evidence.pop("phone_method", None)  # derived from phone_e164 and phone_verified
    draft = RecordDraft(uuid.uuid4(), purpose, ending, created_at, Evidence(**evidence), continuation,
                        consent_version)
    return build_record(draft, record_id=record_id, kiosk_id=kiosk_id, app_version=app_version,
                        clock_synced=clock_synced, qr=qr, receipt_printed=receipt_printed,
                        printer_state=printer_state)


def _token(rid: uuid.UUID) -> qrtoken.IssuedToken:
    return qrtoken.issue(KEY, kiosk_id="KIOSK-BKK-0042", audience="th.go.dga.tangrat", lifetime_s=120,
                         record_id=rid, purpose="ial_upgrade", display_code=47)


def test_verified_session_keeps_identity_but_no_address_photo_or_template() -> None:
    common = _common("verified", None)
    token = _token(common["record_id"])
    record = build(**common, card=Card(), photo_sha256="cd" * 32, face=FaceResult(),
                          phone_e164="+66812345678", phone_verified=True, phone_method="otp", continuation="qr",
                          qr=token, receipt_printed=True, printer_state="ok", consent_version="2026-01",
                          consent_at=NOW).to_json()
    VALIDATOR.validate(record)
    card = record["card"]
    assert card["cid"] == "1101700203451" and card["atr"] == "3B6700FF"
    assert card["name_th"]["first"] == "มาลี" and card["date_of_birth"] == "1950-03"
    assert card["expiry_date"] is None  # lifelong card: null, as the schema says
    text = json.dumps(record, ensure_ascii=False)
    for absent in ("99/1", "กรุงเทพมหานคร", "บางรัก", "address", "issuer", "template", "image"):
        assert absent not in text
    assert record["ial"] == "2.3" and record["failure_reason"] is None
    assert record["face"]["distance"] == 0.3712 and record["face"]["liveness"]["challenges"] == ["blink", "turn_right"]
    assert record["phone"] == {"number": "+66812345678", "verified": True, "method": "otp"}
    assert record["continuation"]["qr_cti"] == cti_text(token.cti)
    assert record["created_at"] == "2026-11-21T08:00:00Z"


@pytest.mark.parametrize(("outcome", "reason"), [("failed", "face_mismatch"), ("aborted", "cancelled")])
def test_failed_or_aborted_session_keeps_only_cid_atr_and_the_photos_issue_date(outcome: str, reason: str) -> None:
    record = build(**_common(outcome, reason), card=Card(), photo_sha256="cd" * 32, face=FaceResult(match=False),
                          phone_e164="+66812345678", phone_verified=False, phone_method="otp",
                          continuation="qr", qr=_token(uuid.uuid4())).to_json()
    VALIDATOR.validate(record)
    # the issue date says how old the chip photo was (threshold calibration); no birth date
    assert record["card"] == {"cid": "1101700203451", "atr": "3B6700FF", "issue_date": "2019-06-01"}
    assert {"distance", "threshold"} <= set(record["face"]) and record["face"]["liveness"]["method"]
    without_face = build(**_common(outcome, reason), card=Card()).to_json()
    assert without_face["card"] == {"cid": "1101700203451", "atr": "3B6700FF"}
    assert "number" not in record["phone"]
    assert record["continuation"] == {"method": "none"}
    assert record["ial"] == "none" and record["failure_reason"] == reason
    text = json.dumps(record, ensure_ascii=False)
    for absent in ("มาลี", "Malee", "1950", "+66812345678", "ME1-", "cdcd"):
        assert absent not in text


def test_unreadable_card_id_is_left_out_so_the_record_is_still_written() -> None:
    record = build(**_common("failed", "card_invalid"), card=Card(cid="12345", atr=b"\x3b\x67"))
    assert record.card is None and record.failure_reason == "card_invalid"


def test_session_without_a_card_has_no_card_part() -> None:
    record = build(**_common("aborted", "timeout")).to_json()
    VALIDATOR.validate(record)
    assert "card" not in record and "face" not in record


def test_builder_refuses_a_record_the_server_would_reject() -> None:
    with pytest.raises(RecordInvalid) as e:
        build(**_common("verified", None), card=Card(cid="123"))
    assert e.value.field == "card"
    with pytest.raises(RecordInvalid) as e:
        build(**_common("verified", None), card=Card(), phone_e164="0812345678", phone_method="otp",
                     phone_verified=True)
    assert e.value.field == "phone.number"
    with pytest.raises(ValueError):
        build(**{**_common("failed", "timeout"), "created_at": datetime(2026, 1, 1)})


def test_refreshed_token_replaces_the_cti() -> None:
    common = _common("verified", None)
    first, second = _token(common["record_id"]), _token(common["record_id"])
    record = build(**common, card=Card(), continuation="qr", qr=first)
    updated = with_qr(record, second).to_json()
    assert updated["continuation"]["qr_cti"] == cti_text(second.cti) != cti_text(first.cti)
    assert updated["card"] == record.to_json()["card"]


def test_record_from_the_journeys_draft() -> None:
    draft = RecordDraft(uuid.uuid4(), "register", Ending.VERIFIED, datetime.now(UTC),
                        Evidence(card=Card(), face=FaceResult(), phone_e164="+66898765432", phone_verified=True,
                                 consent_at=datetime.now(UTC)),  # type: ignore[arg-type]
                        continuation="sms", consent_version="2026-01")
    rid = uuid.uuid4()
    record = build_record(draft, record_id=rid, kiosk_id="K-001", app_version="0.1.0", clock_synced=False,
                          receipt_printed=False, printer_state="paper_out").to_json()
    VALIDATOR.validate(record)
    assert record["record_id"] == str(rid) and record["continuation"] == {"method": "sms"}
    assert record["receipt"] == {"printed": False, "printer_state": "paper_out"}
    assert record["consent"]["version"] == "2026-01"


def test_a_verified_app_scan_record_carries_the_apps_request_and_no_qr() -> None:
    request = "TRA1:" + "Zz09_-" * 3 + "abcd"
    draft = RecordDraft(uuid.uuid4(), "ial_upgrade", Ending.VERIFIED, datetime.now(UTC),
                        Evidence(card=Card(), face=FaceResult(), consent_at=datetime.now(UTC),  # type: ignore[arg-type]
                                 app_request=request),
                        continuation="app_scan", consent_version="2026-01")
    record = build_record(draft, record_id=uuid.uuid4(), kiosk_id="K-001", app_version="0.1.0",
                          clock_synced=True).to_json()
    VALIDATOR.validate(record)
    assert record["continuation"] == {"method": "app_scan", "app_request": request}


def test_refreshed_token_is_noted_on_the_queued_record(tmp_path: Path) -> None:
    from kiosk.session_record import note_refreshed_qr
    from sync.outbox import Outbox

    common = _common("verified", None)
    first, second = _token(common["record_id"]), _token(common["record_id"])
    with Outbox.open(tmp_path / "o.sqlite", kek_path=tmp_path / "o.kek", budget_bytes=8 << 20) as ob:
        ob.enqueue(build(**common, card=Card(), continuation="qr", qr=first).to_json(), final=False)
        assert note_refreshed_qr(ob, common["record_id"], second) is True
        assert ob.get(str(common["record_id"]))["continuation"]["qr_cti"] == cti_text(second.cti)
        ob.finalize()  # the citizen left
        assert note_refreshed_qr(ob, common["record_id"], first) is False  # final: never changed again
        (claimed,) = ob.claim_batch(1, 60)
        assert note_refreshed_qr(ob, common["record_id"], first) is False  # already on its way
        ob.ack([claimed.record_id])
        assert note_refreshed_qr(ob, common["record_id"], first) is False


@pytest.mark.parametrize("outcome", ["verified", "failed"])
def test_receipt_outcome_is_noted_on_the_queued_record(tmp_path: Path, outcome: str) -> None:
    from kiosk.session_record import note_receipt
    from sync.outbox import Outbox

    common = _common(outcome, None if outcome == "verified" else "face_mismatch")
    rid = common["record_id"]
    with Outbox.open(tmp_path / "o.sqlite", kek_path=tmp_path / "o.kek", budget_bytes=8 << 20) as ob:
        ob.enqueue(build(**common, card=Card(), continuation="qr").to_json(), final=False)
        assert "receipt" not in ob.get(str(rid))
        assert note_receipt(ob, rid, False, "paper_out") is True
        record = ob.get(str(rid))
        VALIDATOR.validate(record)
        assert record["receipt"] == {"printed": False, "printer_state": "paper_out"}
        assert record["outcome"] == outcome and record.get("failure_reason") == common["ending"].reason
        ob.finalize()
        (claimed,) = ob.claim_batch(1, 60)
        assert note_receipt(ob, rid, True, "ok") is False  # in flight: the version sent stands
        assert ob.get(str(rid))["receipt"]["printed"] is False
        ob.ack([claimed.record_id])
        assert note_receipt(ob, rid, True, "ok") is False  # acknowledged: its data is erased


def test_unmeasured_face_distance_is_left_out() -> None:
    record = build(**_common("failed", "face_mismatch"), card=Card(),
                          face=FaceResult(distance=float("inf"), match=False, attempts=3)).to_json()
    VALIDATOR.validate(record)
    assert "distance" not in record["face"] and record["face"]["attempts"] == 3
    json.dumps(record, allow_nan=False)
