"""The development stack the runtime tests share: started once per module, put back to the
attract screen (no card, network up, printer ok, genuine camera) after each test, and read
without disturbing the outbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.flow import events as ev
from kiosk.flow.autopilot import Autopilot
from kiosk.flow.devstack import DevStack, dev_config
from kiosk.flow.states import StateName as S


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
        rt.send(ev.Done())
        time.sleep(0.1)
    pilot.wait_state(S.IDLE, timeout_s=20)
    assert rt.flush_storage()


def queued(stack: DevStack) -> list[Any]:
    """Every record in the outbox as claimed (`record_id`, `record`), oldest first, released
    again at once: nothing changes."""
    outbox = stack.devices.outbox  # type: ignore[union-attr]
    claimed = outbox.claim_batch(100, lease_s=5)
    outbox.release([c.record_id for c in claimed])
    return list(claimed)
