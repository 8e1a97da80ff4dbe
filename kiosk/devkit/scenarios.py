"""The demo's scenarios: one citizen session each, through the real runtime on simulated devices,
ending the way a citizen would meet it (`kiosk demo --scenario NAME`, `--card PROFILE`).

Each scenario says what the simulated devices do (camera, printer, network), what the citizen
does (`play`), and what the session leaves behind: the screen it ends on, whether a receipt comes
out (a failed session's receipt says what to do; an aborted one prints none) and whether a QR
was issued. Where waiting out a real time limit would make a demo minutes long (no face in front
of the camera, a citizen who walks away), the scenario shortens that limit and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.devkit.autopilot import Autopilot, AutopilotError
from kiosk.devkit.simulator import Simulator
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S
from kiosk.journey.view import View

Play = Callable[[Autopilot, Simulator, str], View]


def _verified(pilot: Autopilot, sim: Simulator, card: str) -> View:
    return pilot.verify(profile=card)


def _face_fails(pilot: Autopilot, sim: Simulator, card: str) -> View:
    pilot.start_session(profile=card)
    return pilot.wait_state(S.ERROR, S.PHONE, timeout_s=120)


def _offline(pilot: Autopilot, sim: Simulator, card: str) -> View:
    pilot.start_session(profile=card)
    pilot.wait_state(S.PHONE, S.ERROR, timeout_s=60)
    sim.set_network(False)
    return pilot.phone()


def _card_removed(pilot: Autopilot, sim: Simulator, card: str) -> View:
    pilot.start_session(profile=card)
    pilot.wait_state(S.FACE, timeout_s=30)
    time.sleep(0.5)  # the citizen has started on the face step
    sim.remove_card()
    return pilot.wait_state(S.ERROR)


def _timeout(pilot: Autopilot, sim: Simulator, card: str) -> View:
    pilot.start_session(profile=card)
    pilot.wait_state(S.PHONE, timeout_s=60)
    pilot.wait(lambda v: v.still_there, "are you still there?", timeout_s=30)
    return pilot.wait_state(S.ERROR, timeout_s=30)


def _cancel(pilot: Autopilot, sim: Simulator, card: str) -> View:
    pilot.start_session(profile=card)
    pilot.wait_state(S.PHONE, timeout_s=60)
    pilot.act(ev.Cancel())
    pilot.wait(lambda v: v.confirm_cancel, "cancel this session?")
    pilot.act(ev.ConfirmCancel(True))  # after consent the kiosk asks first
    return pilot.wait_state(S.TAKE_CARD, S.THANK_YOU)


def _card_abnormal(pilot: Autopilot, sim: Simulator, card: str) -> View:
    sim.set_registry_state("abnormal")  # the registry reports every simulated card lost
    pilot.start_session(profile=card)
    return pilot.wait_state(S.ERROR, timeout_s=60)


def _ask_help(pilot: Autopilot, sim: Simulator, card: str) -> View:
    pilot.start_session(profile=card)
    pilot.wait_state(S.FACE, timeout_s=30)
    pilot.act(ev.AskForHelp())  # the citizen would rather see staff than the camera
    pilot.wait(lambda v: v.confirm_help, "get help from staff?")
    pilot.act(ev.ConfirmHelp(True))
    return pilot.wait_state(S.ERROR)


@dataclass(frozen=True)
class Scenario:
    summary: str
    play: Play
    camera: str = "genuine"
    printer: str = "ok"
    config: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Config sections changed for the demo (shortened waits), said in the demo's output."""
    receipt: bool = True
    qr: bool = False
    rating: int | None = None
    """What the citizen gives on the rating screen (None: skips it)."""


SCENARIOS: dict[str, Scenario] = {
    "verified": Scenario("a citizen verified, QR or SMS link, receipt, rates the service 5", _verified, qr=True,
                         rating=5),
    "impostor": Scenario("someone else's face: face mismatch, failure receipt", _face_fails, camera="impostor"),
    "printed-photo": Scenario("a printed photo held up: liveness fails, failure receipt", _face_fails,
                              camera="printed_photo"),
    "no-face": Scenario("nobody in front of the camera: the face step times out, nothing printed unattended",
                        _face_fails, camera="no_face", receipt=False, config={"flow": {"face_timeout_s": 12}}),
    "paper-out": Scenario("verified with the printer out of paper: the result says what to do", _verified,
                          printer="out", receipt=False, qr=True),
    "offline": Scenario("the central server unreachable at the phone step (offline policy: end)", _offline),
    "card-removed": Scenario("the card pulled out during the face step: aborted, no receipt", _card_removed,
                             receipt=False),
    "timeout": Scenario("the citizen walks away at the phone step: asked, then the session ends",
                        _timeout, receipt=False, config={"flow": {"idle_timeout_s": 4, "countdown_s": 5}}),
    "cancel": Scenario("the citizen cancels at the phone step, and confirms", _cancel, receipt=False),
    "card-abnormal": Scenario("the registry reports the card lost: where to go, no receipt naming anyone",
                              _card_abnormal, receipt=False),
    "ask-help": Scenario("the citizen asks for staff at the face step: the counter, a referral slip",
                         _ask_help),
}


def play(name: str, pilot: Autopilot, sim: Simulator, card: str) -> View:
    """Set the devices for scenario `name`, play it, and return the screen it ended on."""
    scenario = SCENARIOS[name]
    sim.set_camera_scenario(scenario.camera)
    sim.set_printer_state(scenario.printer)
    view = scenario.play(pilot, sim, card)
    if view.state not in (S.RESULT_QR, S.RESULT_SMS, S.RESULT_APP, S.ERROR, S.TAKE_CARD, S.THANK_YOU):
        raise AutopilotError(f"scenario {name} ended on {view.state}")
    return view
