"""Events and effects end up in log lines and tracebacks by their repr: the ones that carry a
citizen's data show its kind only, never the phone number, the code, the card or the photo."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.endings import Ending
from kiosk.journey.session import Evidence

from .drive import card_text, valid_cid

CID = valid_cid()
PHONE_NATIONAL, PHONE_E164, OTP = "0812345678", "+66812345678", "493817"
PHOTO = bytearray(b"\xff\xd8JFIF-chip-photo")
SECRETS = [CID, "สมชาย", "SOMCHAI", "ใจดี", PHONE_NATIONAL, "812345678", OTP, "chip-photo"]


@pytest.mark.parametrize("item", [
    ev.PhoneEntered(PHONE_NATIONAL),
    ev.OtpEntered(OTP),
    ev.CardTextRead(card_text(cid=CID)),
    ev.ChipPhotoRead(PHOTO),
    ev.CardRechecked(CID, b"\x3b\x78"),
    fx.SetFaceReference(PHOTO),
    fx.SendOtp(uuid4(), PHONE_E164),
    fx.VerifyOtp("otp-1", OTP),
    fx.RecordDraft(uuid4(), "ial_upgrade", Ending.VERIFIED, datetime(2026, 11, 21, tzinfo=UTC),
                   Evidence(card=card_text(cid=CID), photo_sha256="ab" * 32, phone_e164=PHONE_E164)),
    Evidence(card=card_text(cid=CID), photo_sha256="ab" * 32, phone_e164=PHONE_E164),
], ids=lambda item: type(item).__name__)
def test_repr_shows_no_personal_data(item: object) -> None:
    text = repr(item)
    assert text.startswith(type(item).__name__ + "(")
    assert not [s for s in SECRETS if s in text], text
