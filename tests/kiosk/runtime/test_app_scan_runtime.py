"""The app's QR through the whole runtime: the simulated camera shows a phone, the real decoder
reads its pixels on the camera thread, only the app's request reaches the journey and the record,
a foreign QR is said and never logged, and the reference server binds the request when the
verified record arrives."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.simulator import FOREIGN_QRS
from kiosk.devkit.stack import DevStack, dev_config
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S

from .runtime_stack import queued, running_stack


def _scanning(stack) -> Autopilot:  # type: ignore[no-untyped-def]
    pilot = Autopilot(stack.runtime, otp_source=stack.last_otp)
    pilot.wait_state(S.IDLE)
    stack.runtime.send(ev.Begin())
    pilot.wait_state(S.CHOOSE_SERVICE)
    stack.runtime.send(ev.ChooseService("ial_upgrade", "app_scan"))
    pilot.wait_state(S.SCAN_APP)
    return pilot


def _frame_within(rt, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while rt.latest_frame() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    return rt.latest_frame() is not None


def test_the_apps_request_is_read_from_the_camera_and_bound_by_the_server(tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with DevStack(dev_config(tmp_path), sync=True) as stack:  # the sync service delivers the record
        sim, rt = stack.simulator, stack.runtime
        rt.start()
        pilot = _scanning(stack)
        assert _frame_within(rt, 10)  # the citizen sees the camera to aim the phone
        sim.show_phone("app")
        request = stack.server.binding_requests.get(sim.last_binding_request)
        assert request is not None and request.status == "waiting"
        pilot.wait_state(S.CONSENT, timeout_s=20)
        sim.show_phone("none")
        rt.send(ev.ConsentAnswer(True))
        pilot.wait_state(S.INSERT_CARD)
        sim.insert_card("normal")
        view = pilot.wait_state(S.PHONE, S.ERROR, timeout_s=60)
        assert view.state == S.PHONE
        result = pilot.phone()
        assert result.state == S.RESULT_APP and result.qr_text is None
        pilot.finish()
        assert rt.flush_storage()
        [record] = [q.record for q in queued(stack) if q.record["outcome"] == "verified"]
        text = record["continuation"]["app_request"]
        assert record["continuation"]["method"] == "app_scan" and text.startswith("TRA1:") and len(text) == 27
        # what the app sees when it polls its request: bound once the sync service delivered the record
        deadline = time.monotonic() + 30
        while (state := stack.server.binding_requests.get(sim.last_binding_request)).status == "waiting" \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        assert state.status == "bound" and state.record_id == record["record_id"]
    assert text not in caplog.text and text[5:] not in caplog.text  # the request is never logged


def test_a_foreign_qr_is_said_never_followed_and_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with running_stack(tmp_path) as stack:
        sim, rt = stack.simulator, stack.runtime
        pilot = _scanning(stack)
        for choice in ("payment", "website"):
            sim.show_phone(choice)
            pilot.wait(lambda v: "scan_app.foreign" in v.notices, "the foreign-QR notice", timeout_s=20)
            assert rt.view.state == S.SCAN_APP
        sim.show_phone("app")
        pilot.wait_state(S.CONSENT, timeout_s=20)
        assert "scan_app.foreign" not in rt.view.notices
        rt.send(ev.Cancel())
        pilot.wait_state(S.IDLE, S.THANK_YOU, S.ERROR, timeout_s=20)
    for text in FOREIGN_QRS.values():
        assert text not in caplog.text and text[:20] not in caplog.text


def test_guidance_reaches_the_screen_and_the_camera_stops_when_the_citizen_skips(tmp_path: Path) -> None:
    with running_stack(tmp_path) as stack:
        sim, rt = stack.simulator, stack.runtime
        pilot = _scanning(stack)
        camera = stack.devices.camera
        camera.show_phone(stack.server.binding_requests.create("1101700203451").qr, scale=0.25)  # far away
        view = pilot.wait(lambda v: v.camera_hint is not None, "guidance", timeout_s=20)
        assert view.camera_hint.code == "scan.hint.move_closer"
        rt.send(ev.SkipAppScan())
        pilot.wait_state(S.CONSENT)
        deadline = time.monotonic() + 5
        while rt.latest_frame() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rt.latest_frame() is None  # the camera is off until the face step
        sim.show_phone("none")
        rt.send(ev.Cancel())
