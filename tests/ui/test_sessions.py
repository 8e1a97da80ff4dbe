"""Whole sessions through the real kiosk window with simulated devices, the embedded reference
server and a real encrypted outbox. After each: no citizen id, name or phone text remains in any
widget, and the outbox holds the right record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devkit.stack import DevStack, dev_config
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from tests.ui.citizen import Citizen, new_record, records
from ui.app import KioskUi

pytestmark = [pytest.mark.daemon, pytest.mark.slow, pytest.mark.display]

FAST_FACE = {"attempts": 1, "challenge_timeout_s": 2.0, "liveness_challenges": 2}


def _stack(tmp: Path, **sections: dict) -> Iterator[DevStack]:
    cfg = dev_config(tmp, face=FAST_FACE, ui={"orientation": "portrait"}, **sections)
    with DevStack(cfg) as stack:
        yield stack


@pytest.fixture(scope="module")
def dga(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    yield from _stack(tmp_path_factory.mktemp("dga"), flow={"offline_policy": "end"})


@pytest.fixture(scope="module")
def boonterm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    yield from _stack(tmp_path_factory.mktemp("boonterm"), kiosk={"profile": "boonterm"},
                      flow={"offline_policy": "continue_without_phone",
                            "card_status_offline_policy": "continue_unchecked"})


@pytest.fixture(scope="module")
def dga_ui(qapp, dga: DevStack) -> Iterator[KioskUi]:
    assert dga.runtime is not None
    with KioskUi(dga.cfg, dga.runtime) as kiosk:
        yield kiosk


@pytest.fixture(scope="module")
def boonterm_ui(qapp, boonterm: DevStack) -> Iterator[KioskUi]:
    assert boonterm.runtime is not None
    with KioskUi(boonterm.cfg, boonterm.runtime) as kiosk:
        yield kiosk


def _citizen(qtbot, kiosk: KioskUi, stack: DevStack) -> Iterator[Citizen]:
    assert stack.runtime is not None and stack.simulator is not None
    citizen = Citizen(qtbot, kiosk, stack)
    citizen.wait(S.IDLE, timeout_s=30)
    try:
        yield citizen
    finally:
        sim = stack.simulator
        sim.set_network(True)
        sim.set_printer_state("ok")
        sim.set_camera_scenario("genuine")
        if citizen.state() != S.IDLE:
            stack.runtime.send(ev.Cancel())
            stack.runtime.send(ev.ConfirmCancel(True))
            try:
                citizen.finish()
            except Exception:
                pass
        if sim.card_inserted():
            sim.remove_card()


@pytest.fixture
def at_dga(qtbot, dga: DevStack, dga_ui: KioskUi) -> Iterator[Citizen]:
    yield from _citizen(qtbot, dga_ui, dga)


@pytest.fixture
def at_boonterm(qtbot, boonterm: DevStack, boonterm_ui: KioskUi) -> Iterator[Citizen]:
    yield from _citizen(qtbot, boonterm_ui, boonterm)


def test_qr_path(at_dga: Citizen) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.to_phone()
    view = c.enter_phone_and_code()
    assert view.state == S.RESULT_QR
    qr = c.w.screens["result"].qr
    c.qtbot.waitUntil(lambda: qr.ready)
    assert qr.isVisible() and qr.modules > 0 and qr.scale() >= 4
    assert c.w.screens["result"].code.text() == str(view.display_code)
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert record["outcome"] == "verified" and record["continuation"]["method"] == "qr"
    assert record["phone"]["verified"] is True


def test_sms_path(at_boonterm: Citizen) -> None:
    c = at_boonterm
    before = len(records(c.stack))
    c.to_phone()
    view = c.enter_phone_and_code()
    assert view.state == S.RESULT_SMS
    assert "08x-xxx-5678" in c.w.screens["result"].body.text()
    assert c.w.footer.help.text() == "ศูนย์บริการบุญเติม โทร 1220"
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert record["outcome"] == "verified" and record["continuation"]["method"] == "sms"


@pytest.mark.parametrize(("scenario", "error", "reason"), [
    ("impostor", "error.face_mismatch", "face_mismatch"),
    ("printed_photo", "error.liveness_not_done", "liveness_failed"),  # a print never moves: timed out
])
def test_face_failures(at_dga: Citizen, scenario: str, error: str, reason: str) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.w.toggle_simulator()
    c.click(c.w.simulator.camera_buttons[scenario])
    c.w.toggle_simulator()
    view = c.to_phone()
    assert view.state == S.ERROR and view.error == error
    assert c.w.screens["error"].problem.text()
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert (record["outcome"], record["failure_reason"]) == ("failed", reason)


@pytest.mark.parametrize(("profile", "error"), [
    ("expired", "error.card_expired"),
    ("bad-check-digit", "error.card_invalid"),
])
def test_card_refused(at_dga: Citizen, profile: str, error: str) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.start(profile=profile)
    view = c.wait(S.ERROR, timeout_s=30)
    assert view.error == error and c.w.screens["error"].action.text()
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert record["outcome"] == "failed"


def test_card_removed_during_the_face_step(at_dga: Citizen) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.stack.simulator.set_camera_scenario("no_face")
    c.start()
    c.wait_for(lambda v: v.state == S.FACE and v.face_preview, timeout_s=30)
    c.qtbot.waitUntil(lambda: c.w.screens["face"].preview.has_frame, timeout=10_000)
    c.stack.simulator.remove_card()
    view = c.wait(S.ERROR)
    assert view.error == "error.card_removed"
    assert not c.w.screens["face"].preview.has_frame
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert (record["outcome"], record["failure_reason"]) == ("aborted", "card_removed")


def test_three_wrong_otps(at_dga: Citizen) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.to_phone()
    c.type("0812345678")
    c.ok()
    c.wait(S.OTP)
    c.wait_for(lambda v: not v.busy)
    right = c.stack.last_otp()
    wrong = "000000" if right != "000000" else "111111"
    for left in (2, 1):
        c.type(wrong)
        c.ok()
        c.wait_for(lambda v, n=left: v.otp_attempts_left == n and not v.busy)
        assert str(left) in c.w.screens["phone"].problem.text()
    c.type(wrong)
    c.ok()
    view = c.wait(S.ERROR)
    assert view.error == "error.otp_failed"
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert (record["outcome"], record["failure_reason"]) == ("failed", "otp_failed")


def test_paper_out_completes_with_the_qr_and_a_notice(at_dga: Citizen) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.stack.simulator.set_printer_state("out")
    c.to_phone()
    c.enter_phone_and_code()
    view = c.wait_for(lambda v: "notice.receipt_not_printed" in v.notices, timeout_s=30)
    c.qtbot.waitUntil(lambda: c.w.screens["result"].qr.modules > 0)
    assert view.qr_text
    assert "ไม่สามารถพิมพ์ใบรับได้" in c.w.screens["result"].notices.text()
    c.finish()
    c.assert_nothing_personal()
    assert new_record(c.stack, before)["outcome"] == "verified"


def test_server_unreachable_policy_end(at_dga: Citizen) -> None:
    """The first call to the server is the registry's card-status check, behind the face step:
    under its `end` policy the citizen is told there, not after typing a number."""
    c = at_dga
    before = len(records(c.stack))
    c.w.toggle_simulator()
    c.click(c.w.simulator.network_buttons["cut"])
    c.w.toggle_simulator()
    view = c.to_phone()
    assert view.state == S.ERROR and view.error == "error.card_status_unavailable"
    assert c.w.screens["error"].problem.text() == "ขณะนี้ตรวจสอบสถานะบัตรกับระบบทะเบียนราษฎรไม่ได้"
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert (record["outcome"], record["failure_reason"]) == ("failed", "card_status_unavailable")


def test_server_unreachable_policy_continue(at_boonterm: Citizen) -> None:
    c = at_boonterm
    before = len(records(c.stack))
    c.stack.simulator.set_network(False)
    view = c.to_phone()
    assert view.state == S.PHONE, (view.error, view.title)
    c.enter_phone_and_code()
    view = c.wait(S.RESULT_SMS, S.ERROR)
    assert view.state == S.RESULT_SMS
    assert "ไม่ได้ตรวจสอบหมายเลขโทรศัพท์" in c.w.screens["result"].notices.text()
    assert "notice.phone_not_verified" in view.notices
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert record["outcome"] == "verified" and record["phone"]["verified"] is False
    assert record["card_status"] == {"status": "unchecked"}


def test_language_toggle_switches_the_live_session(at_dga: Citizen) -> None:
    c = at_dga
    c.wait(S.IDLE)
    c.touch_idle()
    c.wait(S.CHOOSE_SERVICE)
    assert c.w.screens["service"].title.text() == "เลือกบริการ"
    c.click(c.w.footer.language)
    c.wait_for(lambda v: v.language == "en")
    assert c.w.screens["service"].title.text() == "Choose a service"
    c.click(c.w.footer.cancel)
    c.wait(S.IDLE, S.THANK_YOU, S.ERROR)


@pytest.fixture(scope="module")
def impatient(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    """A kiosk that asks "still there?" after 1 s and gives up 2 s later (enrolled: a kiosk that is
    not is out of service)."""
    cfg = dev_config(tmp_path_factory.mktemp("idle"), flow={"idle_timeout_s": 1, "countdown_s": 2})
    with DevStack(cfg) as stack:
        yield stack


def test_idle_timeout_shows_the_countdown_then_ends(qtbot, qapp, impatient: DevStack) -> None:
    assert impatient.runtime is not None
    with KioskUi(impatient.cfg, impatient.runtime) as kiosk:
        c = Citizen(qtbot, kiosk, impatient)
        before = len(records(impatient))
        c.wait(S.IDLE)
        c.touch_idle()
        c.wait(S.CHOOSE_SERVICE)
        c.click(c.w.screens["service"].buttons["register"])
        c.wait(S.CONSENT)
        c.qtbot.waitUntil(lambda: c.w.still_there.isVisible(), timeout=5000)
        assert c.w.still_there.ring.isVisible() and c.w.still_there.ring.seconds_shown <= 2
        # "Continue" keeps the session going ...
        c.click(c.w.still_there.button)
        c.qtbot.waitUntil(lambda: not c.w.still_there.isVisible(), timeout=3000)
        assert c.state() == S.CONSENT
        # ... doing nothing ends it.
        c.qtbot.waitUntil(lambda: c.w.still_there.isVisible(), timeout=5000)
        view = c.wait(S.ERROR, S.THANK_YOU, S.IDLE, timeout_s=10)
        assert view.state != S.CONSENT and not c.w.still_there.isVisible()
        if view.state == S.ERROR:
            assert view.error == "error.timeout"
        c.finish()
        c.assert_nothing_personal()
        record = new_record(impatient, before)
        assert (record["outcome"], record["failure_reason"]) == ("aborted", "timeout")


def test_a_refused_number_stays_to_be_corrected_and_can_be_changed_after_the_code(at_dga: Citizen) -> None:
    c = at_dga
    phone = c.w.screens["phone"]
    c.to_phone()
    c.type("0212345678")  # a Bangkok landline: not a mobile
    c.ok()
    c.wait_for(lambda v: v.phone_error == "phone.invalid")
    assert phone.digits == "0212345678" and "021 234 5678" in phone.entry.text()  # kept, error beside it
    assert "หมายเลขไม่ถูกต้อง" in phone.problem.text()
    for _ in range(10):
        c.click(phone.keypad.buttons["back"])
    c.type("0812345678")
    c.ok()
    c.wait(S.OTP)
    c.wait_for(lambda v: not v.busy)
    assert phone.change.isVisible()
    c.click(phone.change)  # a typo noticed once the code is on its way
    c.wait(S.PHONE)
    assert phone.digits == "0812345678"  # the number typed, ready to correct
    for _ in range(4):
        c.click(phone.keypad.buttons["back"])
    c.type("9999")
    c.click(phone.ok)
    # the server sends at most one code every 30 s per session: it may ask to wait, and says so
    view = c.wait_for(lambda v: v.state == S.OTP or (v.phone_error == "otp.wait_resend" and not v.busy))
    if view.state == S.PHONE:
        assert "รอ" in phone.problem.text() and phone.digits == "0812349999"
    else:
        assert view.masked_phone == "08x-xxx-9999"
    c.finish_by_cancel()


def test_cancel_asks_first_and_keep_going_loses_nothing(at_dga: Citizen) -> None:
    c = at_dga
    before = len(records(c.stack))
    c.to_phone()
    c.click(c.w.footer.cancel)
    c.wait_for(lambda v: v.confirm_cancel)
    overlay = c.w.confirm_cancel
    assert overlay.isVisible() and "ยกเลิก" in overlay.title.text()
    c.click(overlay.keep)
    c.wait_for(lambda v: not v.confirm_cancel)
    assert c.state() == S.PHONE and not overlay.isVisible() and len(records(c.stack)) == before
    c.click(c.w.footer.cancel)
    c.wait_for(lambda v: v.confirm_cancel)
    c.click(overlay.confirm)
    c.wait(S.TAKE_CARD, S.THANK_YOU)
    c.finish()
    c.assert_nothing_personal()
    record = new_record(c.stack, before)
    assert (record["outcome"], record["failure_reason"]) == ("aborted", "cancelled")
