"""The runtime end to end, without Qt: simulated card, camera and printer, a real encrypted outbox,
the reference server on a loopback port (enrollment, OTP), a simulated citizen. Each test checks
the record the outbox holds and that nothing personal is left in the runtime's view or devices."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.stack import DevStack
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from kiosk.technician_pin import DEV_PIN
from tests.kiosk.journey.drive import assert_no_personal_data

from .runtime_stack import piloted, queued, running_stack

pytestmark = [pytest.mark.daemon, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevStack]:
    with running_stack(tmp_path_factory.mktemp("kiosk"), flow={"offline_policy": "end"}) as s:
        yield s


@pytest.fixture
def pilot(stack: DevStack) -> Iterator[Autopilot]:
    with piloted(stack) as p:
        yield p


def records(stack: DevStack) -> list[dict[str, Any]]:
    """Every record in the outbox, oldest first (nothing changes)."""
    return [c.record for c in queued(stack)]


def wait_records(stack: DevStack, n: int, timeout_s: float = 10) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = records(stack)
        if len(found) >= n:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{len(records(stack))} records, expected {n}")


def nothing_left(stack: DevStack) -> None:
    rt = stack.runtime
    assert rt is not None
    assert_no_personal_data(rt.view)
    assert rt.latest_frame() is None
    assert rt._flow.session is None  # noqa: SLF001 - the wipe is the point of the test


def test_qr_session_writes_one_verified_record(stack: DevStack, pilot: Autopilot) -> None:
    before = len(records(stack))
    view = pilot.verify()
    assert view.state == S.RESULT_QR and view.qr_text and view.qr_text.startswith("TRK1:")
    assert 10 <= (view.display_code or 0) <= 99 and view.masked_phone == "08x-xxx-5678"
    pilot.finish()
    nothing_left(stack)
    new = wait_records(stack, before + 1)[before:]
    [record] = new
    assert record["outcome"] == "verified" and record["ial"] == "2.3"
    assert record["phone"] == {"number": "+66812345678", "verified": True, "method": "otp"}
    assert record["continuation"]["method"] == "qr" and record["face"]["match"] is True
    assert record["record_id"] == str(stack.runtime.last_record_id)  # type: ignore[union-attr]


def test_card_removed_during_the_face_step_aborts_with_a_record(stack: DevStack, pilot: Autopilot) -> None:
    assert stack.simulator is not None
    before = len(records(stack))
    stack.simulator.set_camera_scenario("no_face")  # the citizen stays out of view
    for event in (ev.Begin(), ev.ChooseService("ial_upgrade"), ev.ConsentAnswer(True)):
        stack.runtime.send(event)  # type: ignore[union-attr]
    pilot.wait_state(S.INSERT_CARD)
    stack.simulator.insert_card("normal")
    pilot.wait(lambda v: v.state == S.FACE and v.face_preview, "the face step")
    stack.simulator.remove_card()
    view = pilot.wait_state(S.ERROR)
    assert view.error == "error.card_removed"
    nothing_left(stack)
    [record] = wait_records(stack, before + 1)[before:]
    assert (record["outcome"], record["failure_reason"]) == ("aborted", "card_removed")
    assert "name_th" not in record["card"]  # minimised


def test_swapped_card_is_caught_before_issuing(stack: DevStack, pilot: Autopilot) -> None:
    assert stack.simulator is not None and stack.devices is not None
    before = len(records(stack))
    rt = stack.runtime
    assert rt is not None
    for event in (ev.Begin(), ev.ChooseService("ial_upgrade"), ev.ConsentAnswer(True)):
        rt.send(event)
    pilot.wait_state(S.INSERT_CARD)
    stack.simulator.insert_card("lifelong-bangkok")
    pilot.wait_state(S.PHONE, timeout_s=60)
    rt.send(ev.PhoneEntered("0812345678"))
    pilot.wait_state(S.OTP)
    stack.devices.reader.swap_unseen("expired")  # same ATR, another citizen, no removal seen
    rt.send(ev.OtpEntered(stack.last_otp() or ""))
    view = pilot.wait_state(S.ERROR)
    assert view.error == "error.card_swapped"
    [record] = wait_records(stack, before + 1)[before:]
    assert (record["outcome"], record["failure_reason"]) == ("aborted", "card_swapped")


def test_paper_out_still_completes_with_the_qr_and_a_notice(stack: DevStack, pilot: Autopilot) -> None:
    assert stack.simulator is not None
    stack.simulator.set_printer_state("out")
    view = pilot.verify()
    assert view.state == S.RESULT_QR
    view = pilot.wait(lambda v: "notice.receipt_not_printed" in v.notices, "the paper-out notice")
    assert view.qr_text
    pilot.finish(wait_print=False)
    nothing_left(stack)


def test_network_cut_with_policy_end(stack: DevStack, pilot: Autopilot) -> None:
    """The first call to the server is the card-status check, behind the face step: under its
    `end` policy the session ends there, before the citizen types a number."""
    assert stack.simulator is not None
    before = len(records(stack))
    stack.simulator.set_network(False)
    view = pilot.verify()
    assert view.state == S.ERROR and view.error == "error.card_status_unavailable"
    [record] = wait_records(stack, before + 1)[before:]
    assert (record["outcome"], record["failure_reason"]) == ("failed", "card_status_unavailable")
    assert "phone" not in record


def test_network_cut_with_policy_end_at_the_phone_step(tmp_path: Path) -> None:
    with running_stack(tmp_path, flow={"card_status": "skip"}) as s:
        assert s.simulator is not None
        s.simulator.set_network(False)
        view = Autopilot(s.runtime, otp_source=s.last_otp).verify()
        assert view.state == S.ERROR and view.error == "error.offline"
        [record] = wait_records(s, 1)
        assert (record["outcome"], record["failure_reason"]) == ("failed", "offline")
        assert record["card_status"] == {"status": "skipped"} and "number" not in record.get("phone", {})


def test_three_wrong_codes(stack: DevStack, pilot: Autopilot) -> None:
    rt = stack.runtime
    assert rt is not None and stack.simulator is not None
    before = len(records(stack))
    for event in (ev.Begin(), ev.ChooseService("register"), ev.ConsentAnswer(True)):
        rt.send(event)
    pilot.wait_state(S.INSERT_CARD)
    stack.simulator.insert_card("normal")
    pilot.wait_state(S.PHONE, timeout_s=60)
    rt.send(ev.PhoneEntered("0812345678"))
    pilot.wait_state(S.OTP)
    right = stack.last_otp()
    wrong = "000000" if right != "000000" else "111111"
    for left in (2, 1):
        rt.send(ev.OtpEntered(wrong))
        pilot.wait(lambda v, n=left: v.otp_attempts_left == n and not v.busy, f"{left} tries left")
    rt.send(ev.OtpEntered(wrong))
    view = pilot.wait_state(S.ERROR)
    assert view.error == "error.otp_failed"
    [record] = wait_records(stack, before + 1)[before:]
    assert (record["outcome"], record["failure_reason"], record["purpose"]) == ("failed", "otp_failed", "register")


def test_late_answers_never_reach_the_next_session(stack: DevStack, pilot: Autopilot) -> None:
    rt = stack.runtime
    assert rt is not None
    post = rt._poster()  # noqa: SLF001 - a job of the current (idle) generation
    rt.send(ev.Begin())
    rt.send(ev.Cancel())
    rt.send(ev.ConfirmCancel(True))  # ends that generation (no question before consent)
    pilot.wait_state(S.IDLE)
    rt.send(ev.Begin())
    rt.send(ev.ChooseService("ial_upgrade"))
    pilot.wait_state(S.CONSENT)
    post(ev.ConsentAnswer(True))  # a stale answer from the cancelled session
    time.sleep(0.3)
    assert rt.view.state == S.CONSENT


def test_technician_controls(stack: DevStack, pilot: Autopilot) -> None:
    rt = stack.runtime
    assert rt is not None and stack.simulator is not None
    tech = rt.technician
    states = tech.device_states()
    assert states["card"][0] == "ok" and states["printer"] == ("ok", "ok") and states["central"][0] == "ok"
    assert tech.queue_stats()["pending"] == len(records(stack))
    assert tech.print_test() == "ok"
    stack.simulator.set_printer_state("out")
    assert tech.device_states()["printer"] == ("fault", "paper_out")
    assert tech.print_test() == "paper_out"
    # development mode: the documented PIN (a wrong one is counted, the right one ends the streak)
    assert tech.check_pin("0000").result == "wrong"
    assert tech.check_pin(DEV_PIN).result == "ok"
    assert tech.lockout.state().failures == 0


def test_technician_sees_why_uploads_wait(stack: DevStack) -> None:
    """The sync service's link state, with what to do, on the technician screen."""
    from sync.link import Link

    rt = stack.runtime
    assert rt is not None
    status = stack.cfg.state_dir / "sync-status.json"
    status.unlink(missing_ok=True)
    assert rt.technician.device_states()["sync"] == ("unknown", "the sync service has not run yet")
    t = [1_790_000_000.0]
    link = Link(stack.cfg.state_dir, clock=lambda: t[0])
    link.set("refused", "server refuses uploads: HTTP 404 not_found (check sync.server_url and any proxy in "
             "between); retrying", retry_at=t[0] + 30)
    state, line = rt.technician.device_states()["sync"]
    assert state == "degraded" and "HTTP 404" in line and "next try" in line
    link.set("unauthorized", "server has refused this kiosk's key for 6 min (key_revoked): re-enroll: ...",
             persistent=True)
    state, line = rt.technician.device_states()["sync"]
    assert state == "fault" and "re-enroll" in line
    status.unlink()


def test_maintenance_takes_no_session(stack: DevStack, pilot: Autopilot) -> None:
    rt = stack.runtime
    assert rt is not None
    rt.technician.enter_maintenance()
    view = pilot.wait(lambda v: v.out_of_service, "out of service")
    assert view.title == "out_of_service.title"
    rt.send(ev.Begin())
    time.sleep(0.3)
    assert rt.view.state == S.IDLE
    rt.technician.leave_maintenance()
    pilot.wait(lambda v: not v.out_of_service, "back in service")


def test_device_states_are_published_for_the_heartbeat(stack: DevStack) -> None:
    from sync.device_states import read

    deadline = time.monotonic() + 5
    while not (stack.cfg.state_dir / "device-states.json").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    states = read(stack.cfg.state_dir)
    assert states["card"].state == "ok" and "printer" in states
