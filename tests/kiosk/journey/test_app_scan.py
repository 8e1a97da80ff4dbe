"""The app's QR read by the camera: chosen on the service screen, read before consent, carried on
the record; other QRs refused; more time, or the kiosk's own continuation, when it does not come."""

from __future__ import annotations

import pytest

from kiosk.config import Config, ConfigError, from_dict
from kiosk.journey import effects as fx
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from kiosk.messages import Message

from .drive import Drive

REQUEST = "TRA1:" + "A" * 11 + "b_-9" + "x" * 7


def scanned(**sections: dict[str, object]) -> Drive:
    d = Drive(**sections).to(S.SCAN_APP)
    assert fx.StartAppScan() in d.effects and d.view.scan_preview and d.view.step == 1
    return d


def issue(d: Drive) -> None:
    """From the phone step on to the result, as the happy path does (OTP, re-check, issued)."""
    d.to(S.ISSUING)
    d.send(ev.CardRechecked(d.card.cid, d.card.atr))
    d.send(ev.Issued(d.record_id, "K7Q-4MX", None))


def test_the_app_request_is_read_before_consent_and_carried_to_the_record() -> None:
    d = scanned()
    assert d.send(ev.AppQrSeen(REQUEST)) == [fx.StopAppScan()]
    assert d.state == S.CONSENT and not d.view.scan_preview
    issue(d)
    draft = next(e.draft for e in d.effects if isinstance(e, fx.IssueRecord))
    assert draft.continuation == "app_scan" and draft.evidence.app_request == REQUEST
    assert d.state == S.RESULT_APP and d.view.title == "result_app.title" and d.view.qr_text is None
    receipt = next(e for e in d.effects if isinstance(e, fx.PrintReceipt))
    assert receipt.draft.continuation == "app_scan"
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    assert d.state == S.TAKE_CARD and d.flow.session is None  # wiped: the request too


def test_the_result_screen_leaves_by_itself() -> None:
    d = scanned()
    d.send(ev.AppQrSeen(REQUEST))
    issue(d)
    d.advance(29.75)
    assert d.state == S.RESULT_APP
    d.advance(0.25)
    assert d.state != S.RESULT_APP


def test_a_foreign_qr_is_said_and_ignored_until_the_app_qr_comes() -> None:
    d = scanned()
    assert d.send(ev.ForeignQrSeen()) == []
    assert d.state == S.SCAN_APP and "scan_app.foreign" in d.view.notices
    d.send(ev.AppQrSeen(REQUEST))
    assert d.state == S.CONSENT and "scan_app.foreign" not in d.view.notices


def test_guidance_is_shown_and_replaced() -> None:
    d = scanned()
    closer = Message("scan.hint.move_closer", "ใกล้", "closer")
    d.send(ev.ScanGuidance(closer))
    assert d.view.camera_hint == closer
    d.send(ev.ScanGuidance(None))
    assert d.view.camera_hint is None


def test_need_more_time_yes_gives_the_time_again() -> None:
    d = scanned()
    d.advance(59.75)
    assert not d.view.more_time
    d.advance(0.25)
    assert d.view.more_time and d.view.countdown_s == 15 and d.state == S.SCAN_APP
    d.send(ev.MoreTime(True))
    assert not d.view.more_time
    d.advance(59.75)
    assert d.state == S.SCAN_APP and not d.view.more_time
    d.advance(0.25)
    assert d.view.more_time


@pytest.mark.parametrize("answer", ["no", "silence"])
def test_need_more_time_no_or_no_answer_ends_without_personal_data(answer: str) -> None:
    d = scanned()
    d.advance(60)
    out = d.send(ev.MoreTime(False)) if answer == "no" else d.advance(15)
    assert fx.StopAppScan() in out
    assert d.state == S.ERROR and d.view.error == "error.app_scan_timeout"
    assert d.view.error_action == "action.app_scan_retry"
    [record] = d.records()
    assert (record.outcome, record.failure_reason) == ("aborted", "timeout")
    assert record.evidence.card is None and record.evidence.app_request is None
    assert not any(isinstance(e, fx.PrintReceipt) for e in d.effects)


def test_cannot_show_the_qr_carries_on_with_the_kiosks_own_qr() -> None:
    d = scanned()
    assert d.send(ev.SkipAppScan()) == [fx.StopAppScan()]
    assert d.state == S.CONSENT
    d.to(S.RESULT_QR)
    draft = next(e.draft for e in d.effects if isinstance(e, fx.IssueRecord))
    assert draft.continuation == "qr" and draft.evidence.app_request is None


def test_cancel_while_scanning_stops_the_camera() -> None:
    d = scanned()
    out = d.cancel()
    assert fx.StopAppScan() in out and d.state != S.SCAN_APP


def test_more_time_outside_the_question_is_ignored() -> None:
    d = scanned()
    assert d.send(ev.MoreTime(False)) == [] and d.state == S.SCAN_APP


def test_the_service_screen_offers_what_the_profile_or_config_says() -> None:
    assert Drive().to(S.CHOOSE_SERVICE).view.continuations == ("qr", "app_scan")
    boonterm = Drive(kiosk={"profile": "boonterm"}).to(S.CHOOSE_SERVICE)
    assert boonterm.view.continuations == ("sms", "app_scan")
    only_qr = Drive(flow={"continuations": ["qr"]}).to(S.CHOOSE_SERVICE)
    assert only_qr.view.continuations == ("qr",)
    only_qr.send(ev.ChooseService("ial_upgrade", "app_scan"))  # not offered here: nothing happens
    assert only_qr.state == S.CHOOSE_SERVICE and only_qr.flow.session is None
    both = Drive(flow={"continuations": ["sms", "qr"]}).to(S.CHOOSE_SERVICE)
    both.send(ev.ChooseService("register"))  # no choice made: the first offered
    assert both.flow.session is not None and both.flow.session.continuation == "sms"


def test_a_boonterm_citizen_who_chose_the_qr_gets_the_qr() -> None:
    d = Drive(kiosk={"profile": "boonterm"}, flow={"continuations": ["sms", "qr"]}).to(S.CHOOSE_SERVICE)
    d.send(ev.ChooseService("ial_upgrade", "qr"))
    d.to(S.RESULT_QR)
    assert next(e.draft for e in d.effects if isinstance(e, fx.IssueRecord)).continuation == "qr"


def test_the_config_keeps_a_way_without_the_app_qr() -> None:
    with pytest.raises(ConfigError, match="offer `qr` or `sms` too"):
        from_dict({"flow": {"continuations": ["app_scan"]}})
    with pytest.raises(ConfigError):
        from_dict({"flow": {"continuations": ["qr", "fax"]}})
    assert Config().flow.offered_continuations("dga-smart-kiosk") == ["qr", "app_scan"]


def test_the_request_never_shows_in_an_events_repr() -> None:
    assert REQUEST not in repr(ev.AppQrSeen(REQUEST)) and REQUEST[5:] not in repr(ev.AppQrSeen(REQUEST))


def test_a_session_that_ends_unverified_does_not_carry_the_request() -> None:
    from uuid import uuid4

    from kiosk.session_record import build_record

    d = scanned()
    d.send(ev.AppQrSeen(REQUEST))
    d.send(ev.ConsentAnswer(False))
    [draft] = d.records()
    record = build_record(draft, record_id=uuid4(), kiosk_id="K-001", app_version="0.1.0",
                          clock_synced=True).to_json()
    assert record["continuation"] == {"method": "none"} and record["failure_reason"] == "consent_declined"
    assert REQUEST not in str(record)
