"""What each change of screen sounds like (`kiosk.audio.narration`), on the views the journey
really produces (`Drive`), and the rules that keep a public kiosk bearable: silence on the attract
screen, nothing personal said aloud, guidance only when nothing else is being said."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.audio import narration
from kiosk.audio.narration import Say, narrate, screen_prompts
from kiosk.audio.prompts import prompt_ids, spoken
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from kiosk.journey.view import View
from kiosk.messages import Message
from tests.kiosk.journey.drive import Drive, FaceOutcome


def _sequence(d: Drive, *events: ev.Event) -> list[list[Say]]:
    out = []
    for e in events:
        before = d.view
        d.send(e)
        out.append(narrate(before, d.view))
    return out


def test_each_new_screen_stops_what_was_said_and_speaks_the_whole_screen_after_its_cue() -> None:
    d = Drive()
    [choose], [consent] = _sequence(d, ev.Begin(), ev.ChooseService("ial_upgrade"))
    assert choose == Say("th", "step", ("choose.title", "choose.body", "service.ial_upgrade", "service.register",
                                        "service.app_scan"))
    assert consent == Say("th", "step", ("consent.title", "consent.body"))
    assert choose.interrupt and consent.interrupt


def test_result_error_and_take_card_have_their_own_cues() -> None:
    d = Drive().to(S.ISSUING)
    before = d.view
    d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    d.send(ev.Issued(d.record_id, "K7Q-4MX", None))  # an SMS result (no QR token)
    [result] = narrate(before, d.view)
    assert result.cue == "success" and result.prompts[0] == "result_sms.title"

    d = Drive().to(S.FACE)
    before = d.view
    d.send(ev.FaceFinished(FaceOutcome(match=False, failure="face_mismatch")))
    [error] = narrate(before, d.view)
    assert error == Say("th", "error", ("error.title", "error.face_mismatch", d.view.error_action))

    before = d.view
    d.send(ev.Done())
    assert d.state == S.TAKE_CARD
    assert narrate(before, d.view)[0].cue == "attention"


def test_screens_that_only_ask_to_wait_have_no_cue() -> None:
    d = Drive().to(S.INSERT_CARD)
    before = d.view
    d.send(ev.CardInserted(d.card.atr))
    [reading] = narrate(before, d.view)
    assert d.state == S.READING and reading.cue is None and reading.prompts[0] == "reading.title"


def test_the_attract_screen_is_silent_and_silences_what_was_playing() -> None:
    idle = Drive().view
    assert narrate(None, idle) == []
    d = Drive().to(S.CONSENT)
    before = d.view
    d.send(ev.ConsentAnswer(False))
    d.advance(10)
    assert d.state == S.IDLE
    assert narrate(before, d.view) == [Say("th")]  # interrupt, nothing queued
    assert narrate(d.view, d.view) == []


def test_language_and_say_it_again_replay_the_screen_without_a_cue() -> None:
    d = Drive().to(S.PHONE)
    [english], [again] = _sequence(d, ev.ToggleLanguage(), ev.RepeatPrompt())
    assert english == Say("en", None, ("phone.title", "phone.body"))
    assert again == english
    [louder] = _sequence(d, ev.ChangeVolume(1))
    assert louder == []  # a volume change says nothing; the next clip is louder


def test_what_newly_appears_on_the_same_screen_is_said() -> None:
    d = Drive().to(S.PHONE)
    [refused] = _sequence(d, ev.PhoneEntered("0212345678"))
    assert refused == [Say("th", None, ("phone.invalid",))]
    d = Drive().to(S.OTP)
    [wrong] = _sequence(d, ev.OtpRejected("wrong_code", 2))
    assert wrong == [Say("th", None, ("otp.wrong",))]


def test_notices_queue_after_what_is_being_said() -> None:
    d = Drive().to(S.RESULT_QR)
    [notice] = _sequence(d, ev.ReceiptPrinted(True, "ok"))
    assert notice == [Say("th", None, ("notice.take_receipt",), interrupt=False)]


def test_a_challenge_interrupts_and_guidance_waits_for_silence() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.ChipPhotoRead(d.photo))
    hint = Message("face.hint.move_closer", "กรุณาขยับเข้ามาใกล้อีกนิด", "Please move closer")
    [guidance] = _sequence(d, ev.FaceProgressed("positioning", hint, None, 80.0))
    assert guidance == [Say("th", None, ("face.hint.move_closer",), interrupt=False, if_silent=True)]
    assert _sequence(d, ev.FaceProgressed("positioning", hint, None, 79.0)) == [[]]  # said once
    [challenge] = _sequence(d, ev.FaceProgressed("challenge", None, "blink", 10.0))
    assert challenge == [Say("th", None, ("challenge.blink",))]


def test_overlays_ask_with_the_attention_cue() -> None:
    d = Drive().to(S.PHONE)
    before = d.view
    d.advance(60)
    assert d.view.still_there
    assert narrate(before, d.view) == [Say("th", "attention", ("still_there.title", "still_there.body"))]
    d = Drive().to(S.PHONE)
    [asking] = _sequence(d, ev.Cancel())
    assert asking == [Say("th", "attention", ("cancel.title", "cancel.body"))]
    [kept] = _sequence(d, ev.ConfirmCancel(False))
    assert kept == [Say("th")]


def test_the_card_left_alarm_escalates_and_stops_when_the_card_is_taken() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    assert d.state == S.TAKE_CARD and narration.alarm(d.view) is None
    d.advance(10)
    assert narration.alarm(d.view) == "alarm1"
    d.advance(30)
    assert narration.alarm(d.view) == "alarm2"
    d.send(ev.CardRemoved())
    assert narration.alarm(d.view) is None


@pytest.mark.parametrize("level, expected", [(1, 0.25), (3, 0.6), (5, 1.0), (0, 0.25), (9, 1.0)])
def test_volume_levels(level: int, expected: float) -> None:
    assert narration.gain(level) == expected


def test_every_prompt_any_screen_asks_for_exists_and_says_nothing_personal() -> None:
    """Walk every sample screen: each prompt id it would speak is in the catalogue, and what it
    says holds neither the fictitious citizen's name, masked phone, reference nor display code."""
    from tests.ui.samples import FIRST_NAME, MASKED_PHONE, sample_views

    ids = set(prompt_ids())
    for name, view in sample_views().items():
        for language in ("th", "en"):
            v: View = replace(view, language=language)
            for pid in screen_prompts(v):
                assert pid in ids, (name, pid)
                text = spoken(pid, language)
                assert "{" not in text and FIRST_NAME not in text and MASKED_PHONE not in text, (name, pid)
                assert "K7Q-4MX" not in text and "47" not in text, (name, pid)  # reference, display code


def test_the_app_scan_screen_speaks_its_guidance_a_foreign_qr_and_asks_for_more_time() -> None:
    d = Drive().to(S.CHOOSE_SERVICE)
    assert "service.app_scan" in screen_prompts(d.view)  # offered: said with the services
    [entered] = _sequence(d, ev.ChooseService("ial_upgrade", "app_scan"))
    assert entered == [Say("th", "step", ("scan_app.title", "scan_app.body"))]
    glare = Message("scan.hint.avoid_glare", "แสงสะท้อน", "glare")
    [guidance] = _sequence(d, ev.ScanGuidance(glare))
    assert guidance == [Say("th", None, ("scan.hint.avoid_glare",), interrupt=False, if_silent=True)]
    [foreign] = _sequence(d, ev.ForeignQrSeen())
    assert foreign == [Say("th", None, ("scan_app.foreign",), interrupt=False)]
    before = d.view
    d.advance(60)
    assert narrate(before, d.view) == [Say("th", "attention", ("scan_app.more_time",))]
