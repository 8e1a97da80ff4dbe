"""Receipt content: Thai date, masking, reference code, failure receipts, help lines."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from kiosk import receipt
from kiosk.journey.endings import Ending

T = datetime(2026, 11, 21, 7, 5, tzinfo=UTC)  # 14:05 in Thailand
RID = uuid.UUID("7d9f3f0e-1a2b-4c3d-8e9f-0a1b2c3d4e5f")


def content(**kw: object) -> receipt.ReceiptContent:
    args: dict[str, object] = dict(
        profile="dga-smart-kiosk", site_name="สำนักงานเขตบางรัก", purpose="ial_upgrade", time=T,
        cid="1101700230705", first_name="สมชาย", last_name="ใจดี", record_id=RID,
    )
    args.update(kw)
    return receipt.receipt_for(**args)  # type: ignore[arg-type]


def test_thai_buddhist_date_in_thailand_time() -> None:
    assert receipt.thai_datetime(T) == "21 พ.ย. 2569 14:05 น."
    assert receipt.thai_datetime(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)) == "1 ม.ค. 2570 03:00 น."


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        content(time=datetime(2026, 11, 21, 14, 5))


def test_only_masked_and_shortened_personal_data_is_kept() -> None:
    c = content()
    assert c.masked_cid == "x-xxxx-xxxxx-70-5"
    assert c.display_name == "สมชาย ใ."
    assert "1101700230705" not in repr(c) and "ใจดี" not in repr(c)


def test_bad_cid_is_refused() -> None:
    with pytest.raises(ValueError, match="13 digits"):
        receipt.mask_cid("12345")


def test_reference_code_is_short_stable_and_per_record() -> None:
    code = receipt.reference_code(RID)
    assert code == receipt.reference_code(RID)
    assert len(code) == 7 and code[3] == "-"
    assert not set(code) & set("ILOU")
    codes = {receipt.reference_code(uuid.uuid4()) for _ in range(2000)}
    assert len(codes) >= 1995  # 30 bits: collisions are rare
    assert content().reference == code


def test_help_line_per_profile() -> None:
    assert "02 612 6060" in content().help_line.en
    assert "1220" in content(profile="boonterm").help_line.th


def test_failed_session_says_what_and_what_to_do_and_has_no_qr() -> None:
    c = content(ending=Ending.FACE_MISMATCH)
    assert c.continue_with is None
    assert c.failure is not None and c.failure.code == "error.face_mismatch"
    assert c.action is not None and c.action.code == "action.counter"
    # every ending that prints a receipt says what went wrong and what to do
    for ending in (e for e in Ending if e.receipt):
        printed = content(ending=ending)
        assert printed.failure is not None and printed.action is not None and printed.continue_with is None
        assert (printed.failure.code, printed.action.code) == (ending.error, ending.action)


@pytest.mark.parametrize(("continuation", "phone", "words"), [
    ("qr", None, "ใบรับนี้ไม่มีคิวอาร์โค้ด"),
    ("sms", "08x-xxx-5678", "ส่งทาง SMS ไปที่ 08x-xxx-5678"),
    ("none", None, "ติดต่อศูนย์บริการพร้อมเลขอ้างอิงนี้"),
])
def test_a_verified_receipt_says_how_the_session_goes_on(continuation: str, phone: str | None, words: str) -> None:
    """No QR on paper (a token lives two minutes): the receipt says where the citizen continues."""
    c = content(continuation=continuation, masked_phone=phone)
    assert c.continue_with is not None and words in c.continue_with.th and c.failure is None
