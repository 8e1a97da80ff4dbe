"""The development stack the runtime tests share: started once per module, put back to the
attract screen (no card, network up, printer ok, genuine camera) after each test, and read
without disturbing the outbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.devkit.autopilot import Autopilot
from kiosk.devkit.stack import DevStack, dev_config
from kiosk.journey import events as ev
from kiosk.journey.states import StateName as S


@contextmanager
def running_stack(state_dir: Path, **sections: dict[str, Any]) -> Iterator[DevStack]:
    """A `DevStack` over the development config (`sections` override keys), its runtime started."""
    with DevStack(dev_config(state_dir, **sections)) as stack:
        assert stack.runtime is not None
        stack.runtime.start()
        yield stack


@contextmanager
def piloted(stack: DevStack) -> Iterator[Autopilot]:
    """An autopilot on the idle kiosk; afterwards the kiosk is left as found and the session's
    record written, so that the next test counts from a settled outbox."""
    rt, sim = stack.runtime, stack.simulator
    assert rt is not None and sim is not None
    pilot = Autopilot(rt, otp_source=stack.last_otp)
    pilot.wait_state(S.IDLE)
    yield pilot
    sim.remove_card()
    sim.set_network(True)
    sim.set_printer_state("ok")
    sim.set_camera_scenario("genuine")
    pilot.wait(lambda v: not v.card_present, "the card's removal")
    for _ in range(3):  # error / thank you -> idle, without waiting out their countdowns
        if rt.view.state == S.IDLE:
            break
        rt.send(ev.Cancel())
        rt.send(ev.ConfirmCancel(True))  # yes, when asked
        rt.send(ev.Done())
        time.sleep(0.1)
    pilot.wait_state(S.IDLE, timeout_s=20)
    assert rt.flush_storage()


@dataclass(frozen=True)
class Queued:
    record_id: str
    record: dict[str, Any]


def queued(stack: DevStack) -> list[Queued]:
    """Every pending record in the outbox (`record_id`, `record`), oldest first, read without
    claiming it: a claim, even released at once, would turn away the runtime's concurrent update
    of the record (its receipt or re-issued QR) as "already sent"."""
    outbox = stack.devices.outbox  # type: ignore[union-attr]
    return [Queued(rid, outbox.get(rid)) for rid in outbox.ids("pending")]
