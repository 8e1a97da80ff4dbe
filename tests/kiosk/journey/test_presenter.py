"""What the screens are told: countdowns with their whole length, the time left to scan that a
QR refresh does not restart, no finished journey after a failed session, what to bring, take the
receipt, the face guide where the gate measures."""

from __future__ import annotations

import pytest

from kiosk.config import FaceSection
from kiosk.face.guide import guide
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from kiosk.journey.view import month_of

from .drive import Drive, FaceOutcome


def test_the_error_and_thank_you_rings_count_their_own_length() -> None:
    d = Drive().to(S.FACE)
    d.send(ev.FaceFinished(FaceOutcome(match=False)))
    v = d.view
    assert v.state == S.ERROR and (v.countdown_s, v.countdown_total_s) == (15, 15)
    d.send(ev.CardRemoved())
    d.send(ev.Done())
    assert d.state == S.RATING and (d.view.countdown_s, d.view.countdown_total_s) == (20, 20)
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    d.send(ev.CardRemoved())
    v = d.view
    assert v.state == S.RATING and (v.countdown_s, v.countdown_total_s) == (20, 20)  # full, not 40 %
    d = Drive().to(S.CONSENT)
    d.send(ev.ConsentAnswer(False))  # no card: thank you, no rating
    v = d.view
    assert v.state == S.THANK_YOU and (v.countdown_s, v.countdown_total_s) == (6, 6)


def test_the_time_left_to_scan_is_not_restarted_by_a_fresh_qr() -> None:
    d = Drive().to(S.RESULT_QR)
    assert (d.view.result_seconds_left, d.view.result_total_s) == (180, 180)
    d.advance(110)
    d.send(ev.QrRefreshed(d.qr("TRK1:NEW")))
    v = d.view
    assert v.qr_text == "TRK1:NEW" and v.qr_seconds_left == 120 and v.result_seconds_left == 70


def test_take_your_card_shows_the_journey_done_only_after_a_verified_session() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    d.send(ev.Done())
    assert d.state == S.TAKE_CARD and (d.view.step, d.view.steps) == (6, 6)
    d = Drive().to(S.PHONE)
    d.cancel()
    assert d.state == S.TAKE_CARD and (d.view.step, d.view.steps) == (0, 0)


@pytest.mark.parametrize("profile", ["dga-smart-kiosk", "boonterm"])
def test_the_attract_screen_says_what_to_bring(profile: str) -> None:
    d = Drive(kiosk={"profile": profile})
    assert d.view.bring == f"idle.bring.{profile}"
    d.flow.out_of_service = True
    assert d.view.bring is None


def test_a_printed_receipt_is_to_be_taken_and_a_missing_one_says_what_to_do() -> None:
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(True, "ok"))
    assert d.view.notices == ("notice.take_receipt",)
    d = Drive().to(S.RESULT_QR)
    d.send(ev.ReceiptPrinted(False, "paper_out"))
    v = d.view
    assert v.notices == ("notice.receipt_not_printed",) and v.message_values()["reference"] == "K7Q-4MX"


def test_the_consent_version_is_a_month_in_each_language() -> None:
    assert month_of("2026-01", "th") == "มกราคม 2569" and month_of("2026-01", "en") == "January 2026"
    assert month_of("v7", "th") == "v7"
    d = Drive().to(S.CONSENT)
    assert d.view.message_values()["version"] == "มกราคม 2569"


def test_the_face_screen_gets_the_gates_guide() -> None:
    d = Drive().to(S.FACE)
    g = guide(d.flow.cfg.face, 640, 480)
    assert d.view.face_guide == (g.cx, g.cy, g.w, g.h)
    d.send(ev.FaceFinished(FaceOutcome()))
    assert d.view.face_guide is None


@pytest.mark.parametrize("tolerance", [0.05, 0.15, 0.3])
def test_a_face_the_gate_accepts_lies_inside_the_oval(tolerance: float) -> None:
    """The gate accepts a face whose centre is within `guide_tolerance` of the frame centre and
    whose eyes are at least `min_eye_distance_px` apart: at the edge of what it accepts, the
    face's centre and the middle of each side of its box are inside the oval."""
    cfg = FaceSection(guide_tolerance=tolerance)
    width, height = 640, 480
    g = guide(cfg, width, height)
    face_w = 2.4 * cfg.min_eye_distance_px / width
    face_h = 1.35 * 2.4 * cfg.min_eye_distance_px / height
    for dx in (-tolerance, 0.0, tolerance):
        for dy in (-tolerance, 0.0, tolerance):
            cx, cy = 0.5 + dx, 0.5 + dy
            points = [(cx, cy)] if dx and dy else [
                (cx, cy), (cx - face_w / 2 * (dx == 0), cy), (cx + face_w / 2 * (dx == 0), cy),
                (cx, cy - face_h / 2 * (dy == 0)), (cx, cy + face_h / 2 * (dy == 0))]
            assert all(g.contains(x, y) for x, y in points), (dx, dy)
