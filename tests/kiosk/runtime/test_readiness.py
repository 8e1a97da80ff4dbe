"""Readiness before the attract screen invites anyone: out of service when no session could
finish (with the reason for the technician and the heartbeat), and what is degraded said on the
attract screen; a kiosk that recovers invites citizens again by itself."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import Config, with_overrides
from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.stack import DevStack
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from kiosk.runtime.devices import Devices
from kiosk.runtime.readiness import assess
from sync.device_states import read as read_states

from .runtime_stack import running_stack

DOWN = {"state": "down", "since": "2026-12-03T10:00:00Z", "detail": "connection refused", "persistent": False}
LOST_KEY = {"state": "unauthorized", "since": "2026-12-03T10:00:00Z", "detail": "re-enroll: ...", "persistent": True}


class Ready:
    """Devices with everything a session needs (doubles: only their presence is assessed)."""

    def __init__(self, **faults: str) -> None:
        self.devices = Devices(cfg=Config(), reader=object(), camera=object(), printer=object(),  # type: ignore[arg-type]
                               key=object(), otp=object())  # type: ignore[arg-type]
        self.devices.faults.update(faults)


@pytest.mark.parametrize(("change", "reason"), [
    (lambda d: d.faults.update(card="pcscd not running"), "card reader: pcscd not running"),
    (lambda d: setattr(d, "camera", None), "camera: not available"),
    (lambda d: d.faults.update(face="FaceModelsUnavailable: no AVX"), "face models: FaceModelsUnavailable: no AVX"),
    (lambda d: setattr(d, "key", None), "no device key"),
    (lambda d: setattr(d, "otp", None), "not enrolled"),
])
def test_a_session_that_could_not_finish_is_not_offered(change: Callable[[Devices], Any], reason: str) -> None:
    d = Ready().devices
    assert assess(Config(), d, link=None, printer_state="ok").ready
    change(d)
    r = assess(Config(), d, link=None, printer_state="ok")
    assert not r.ready and r.reason is not None and r.reason.startswith(reason)


def test_the_server_unreachable_depends_on_the_offline_policy() -> None:
    d = Ready().devices
    end = assess(with_overrides(Config(), flow={"offline_policy": "end"}), d, link=DOWN, printer_state="ok")
    assert not end.ready and "offline_policy = end" in str(end.reason)
    phone_only = with_overrides(Config(), flow={"offline_policy": "continue_without_phone"})
    r = assess(phone_only, d, link=DOWN, printer_state="ok")  # the card-status check would still end it
    assert not r.ready and "card_status_offline_policy = end" in str(r.reason)
    go_on = with_overrides(phone_only, flow={"card_status_offline_policy": "continue_unchecked"})
    r = assess(go_on, d, link=DOWN, printer_state="ok")
    assert r.ready and r.degraded == ("notice.degraded.phone",)
    boonterm = with_overrides(go_on, kiosk={"profile": "boonterm"})
    assert assess(boonterm, d, link=DOWN, printer_state="ok").degraded == ("notice.degraded.sms",)
    assert not assess(go_on, d, link=LOST_KEY, printer_state="ok").ready  # a refused key is never degraded


def test_a_server_without_the_card_status_check_holds_the_kiosk_for_ten_minutes_under_policy_end() -> None:
    from datetime import UTC, datetime, timedelta

    from kiosk.runtime.readiness import NOT_SUPPORTED_HOLD_S

    class Client:
        last = ("not_supported", datetime.now(UTC))

    d = Ready().devices
    d.card_status = Client()  # type: ignore[assignment]
    r = assess(Config(), d, link=None, printer_state="ok")
    assert not r.ready and "no card-status check (contract 1.0.0)" in str(r.reason)
    assert assess(with_overrides(Config(), flow={"card_status_offline_policy": "continue_unchecked"}), d,
                  link=None, printer_state="ok").ready
    assert assess(with_overrides(Config(), flow={"card_status": "skip"}), d, link=None, printer_state="ok").ready
    Client.last = ("not_supported", datetime.now(UTC) - timedelta(seconds=NOT_SUPPORTED_HOLD_S + 1))
    assert assess(Config(), d, link=None, printer_state="ok").ready  # the next citizen's check asks again


def test_no_paper_is_degraded_not_out_of_service() -> None:
    d = Ready().devices
    r = assess(Config(), d, link={"state": "up"}, printer_state="paper_out")
    assert r.ready and r.degraded == ("notice.degraded.receipt",)
    assert assess(Config(), d, link=None, printer_state="ok").degraded == ()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[DevStack]:
    with running_stack(tmp_path, flow={"offline_policy": "end"}) as s:
        yield s


def write_link(stack: DevStack, status: dict[str, Any] | None) -> None:
    path = stack.cfg.state_dir / "sync-status.json"
    if status is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(json.dumps(status))


@pytest.mark.daemon
def test_the_attract_screen_refuses_and_recovers_by_itself(stack: DevStack) -> None:
    rt, sim = stack.runtime, stack.simulator
    assert rt is not None and sim is not None
    pilot = Autopilot(rt)
    pilot.wait(lambda v: v.state == S.IDLE and not v.out_of_service, "the ready attract screen")
    write_link(stack, DOWN)  # what the sync service writes when the server stops answering
    rt.health.refresh()
    view = pilot.wait(lambda v: v.out_of_service, "out of service")
    assert view.title == "out_of_service.title"
    rt.send(ev.Begin())
    time.sleep(0.3)
    assert rt.view.state == S.IDLE  # no citizen is invited to a session that would end at the phone
    states = rt.technician.device_states()
    assert states["readiness"][0] == "fault" and "central server unreachable" in states["readiness"][1]
    rt.technician.publish_device_states()
    assert read_states(stack.cfg.state_dir)["readiness"].state == "fault"  # what the heartbeat carries
    sim.set_printer_state("out")
    write_link(stack, {"state": "up"})
    rt.health.refresh()
    view = pilot.wait(lambda v: not v.out_of_service, "back in service")
    assert view.notices == ("notice.degraded.receipt",)  # said on the attract screen
    sim.set_printer_state("ok")
    rt.health.refresh()
    pilot.wait(lambda v: v.notices == (), "nothing degraded")
