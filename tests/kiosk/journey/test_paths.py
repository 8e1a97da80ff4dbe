"""The session's journeys end to end through the pure flow: QR, SMS, decline, card at idle."""

from __future__ import annotations

from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.endings import Ending
from kiosk.journey.machine import TRANSITIONS
from kiosk.journey.states import StateName as S

from .drive import START, Drive, FaceOutcome, assert_no_personal_data


def kinds(effects: list[fx.Effect]) -> list[type]:
    return [type(e) for e in effects]


def test_every_state_has_a_row_in_the_transition_table() -> None:
    assert set(TRANSITIONS) == set(S)


def test_qr_journey_from_attract_screen_to_idle(drive: Drive) -> None:
    assert drive.state == S.IDLE and drive.view.title == "idle.title"
    drive.send(ev.Begin())
    assert drive.state == S.CHOOSE_SERVICE and drive.view.step == 1 and drive.view.steps == 6
    drive.send(ev.ChooseService("ial_upgrade"))
    assert drive.state == S.CONSENT and drive.view.consent_version == "2026-01"
    assert drive.send(ev.ConsentAnswer(True)) == []
    assert drive.state == S.INSERT_CARD
    assert kinds(drive.send(ev.CardInserted(drive.card.atr))) == [fx.ReadCard]
    assert drive.state == S.READING and drive.view.can_cancel
    check, _ = drive.send(ev.CardTextRead(drive.card))
    assert check == fx.CheckCardStatus(drive.flow.session.id, drive.card.cid,  # type: ignore[union-attr]
                                       drive.card.request_number, None, None)
    assert drive.state == S.FACE and drive.view.face_preview
    assert drive.view.body == "face.waiting_photo"
    assert drive.view.first_name == "สมชาย"
    ref = drive.send(ev.ChipPhotoRead(drive.photo))
    assert kinds(ref) == [fx.SetFaceReference] and ref[0].photo is drive.photo  # type: ignore[union-attr]
    drive.send(ev.FaceProgressed("challenge", None, "blink", 4.2))
    assert drive.view.challenge == "challenge.blink" and drive.view.face_seconds_left == 5
    assert kinds(drive.send(ev.FaceFinished(FaceOutcome()))) == [fx.StopFace]
    assert drive.state == S.PHONE
    assert drive.send(ev.CardStatusAnswered("normal", START)) == []  # the registry, in the background
    sent = drive.send(ev.PhoneEntered("081 234 5678"))
    assert kinds(sent) == [fx.SendOtp] and sent[0].phone_e164 == "+66812345678"  # type: ignore[union-attr]
    assert drive.view.busy
    drive.send(ev.OtpSent("otp-1", 30.0))
    assert drive.state == S.OTP and drive.view.masked_phone == "08x-xxx-5678"
    assert drive.view.otp_resend_in_s == 30
    verify = drive.send(ev.OtpEntered("123456"))
    assert kinds(verify) == [fx.VerifyOtp] and verify[0].otp_id == "otp-1"  # type: ignore[union-attr]
    assert kinds(drive.send(ev.OtpVerified())) == [fx.RecheckCard]
    assert drive.state == S.ISSUING and not drive.view.can_cancel
    issue = drive.send(ev.CardRechecked(drive.card.cid, drive.card.atr))
    assert kinds(issue) == [fx.IssueRecord]
    draft = issue[0].draft  # type: ignore[union-attr]
    assert draft.outcome == "verified" and draft.evidence.phone_verified and draft.evidence.phone_method == "otp"
    assert draft.continuation == "qr" and draft.consent_version == "2026-01" and draft.evidence.card is drive.card
    printed = drive.send(ev.Issued(drive.record_id, "K7Q-4MX", drive.qr()))
    assert kinds(printed) == [fx.PrintReceipt]
    assert printed[0].record_id == drive.record_id  # type: ignore[union-attr]
    v = drive.view
    assert v.state == S.RESULT_QR and v.qr_text == "TRK1:ABC" and v.display_code == 47
    assert v.qr_seconds_left == 120 and v.reference_code == "K7Q-4MX" and v.printing
    drive.send(ev.ReceiptPrinted(True, "ok"))
    assert not drive.view.printing and drive.view.notices == ("notice.take_receipt",)  # take the paper
    ended = drive.send(ev.Done())
    assert ended == [fx.SessionEnded(Ending.VERIFIED, recorded=True, final=False)]  # open for the rating
    assert drive.state == S.TAKE_CARD
    assert_no_personal_data(drive.view)
    assert drive.photo == bytearray(len(drive.photo))  # zeroed
    drive.send(ev.CardRemoved())
    assert drive.state == S.RATING and drive.view.title == "rating.title"
    assert drive.send(ev.Rate(4)) == [fx.CloseRecord(drive.record_id, 4)]
    assert drive.state == S.IDLE
    assert drive.records() == []  # the verified record went with IssueRecord; nothing else


def test_sms_journey_on_boonterm_says_where_the_link_goes() -> None:
    d = Drive(kiosk={"profile": "boonterm"}).to(S.ISSUING)
    issue = d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    assert issue[0].draft.continuation == "sms"  # type: ignore[union-attr]
    d.send(ev.Issued(d.record_id, "K7Q-4MX", None))
    v = d.view
    assert v.state == S.RESULT_SMS and v.body == "result_sms.body" and v.masked_phone == "08x-xxx-5678"
    assert v.help_line == "help.boonterm" and v.qr_text is None
    d.send(ev.Done())
    assert d.state == S.PRINTING  # the receipt is still printing
    d.send(ev.ReceiptPrinted(True, "ok"))
    assert d.state == S.TAKE_CARD


def test_declining_consent_ends_politely_without_reading_the_card(drive: Drive) -> None:
    drive.send(ev.CardInserted(b"\x3b"))  # inserted on the attract screen
    assert drive.state == S.CHOOSE_SERVICE
    drive.send(ev.ChooseService("register"))
    out = drive.send(ev.ConsentAnswer(False))
    assert fx.ReadCard not in kinds(out)
    [record] = drive.records()
    assert (record.outcome, record.failure_reason, record.evidence.card, record.purpose) == (
        "aborted", "consent_declined", None, "register")
    assert drive.state == S.TAKE_CARD  # the card inserted at idle is handed back
    drive.send(ev.CardRemoved())
    assert drive.state == S.THANK_YOU and drive.view.body == "thank_you.declined"


def test_card_inserted_at_idle_is_read_only_after_consent(drive: Drive) -> None:
    drive.send(ev.CardInserted(b"\x3b"))
    drive.send(ev.ChooseService("ial_upgrade"))
    assert drive.effects == []
    assert kinds(drive.send(ev.ConsentAnswer(True))) == [fx.ReadCard]
    assert drive.state == S.READING


def test_language_toggles_live_and_resets_for_the_next_citizen(drive: Drive) -> None:
    drive.to(S.FACE)
    drive.send(ev.ToggleLanguage())
    assert drive.view.language == "en" and drive.view.first_name == "Somchai"
    drive.cancel()
    drive.send(ev.CardRemoved())
    assert drive.state == S.RATING and drive.view.language == "en"  # still this citizen's
    drive.advance(20)
    assert drive.state == S.IDLE and drive.view.language == "th"


def test_unknown_service_is_ignored(drive: Drive) -> None:
    drive.to(S.CHOOSE_SERVICE)
    drive.send(ev.ChooseService("other"))  # type: ignore[arg-type]
    assert drive.state == S.CHOOSE_SERVICE


def test_events_meant_for_other_states_change_nothing(drive: Drive) -> None:
    drive.to(S.PHONE)
    before = drive.view
    assert drive.send(ev.OtpVerified()) == [] and drive.send(ev.Done()) == []
    assert drive.view == before
