"""The hidden technician screen's back end (`SessionRuntime.technician`): the PIN with its lockout,
device states, outbox figures, a printer test, maintenance, and the audit trail of all of it.
Calls may block briefly on a device (printer status) or on the PIN's slow hash: the UI runs them
off the GUI thread. No personal data, and never a PIN digit, is returned or logged.

The PIN is checked against the kiosk's own (`kiosk.technician_pin`); three wrong ones in a row lock
the prompt for 30 s, doubling with each further wrong PIN (`kiosk.technician_lockout`, kept in the
state folder). Entering, leaving, maintenance on and off, the printer test and a lockout are each
an event in the audit trail (`kiosk.audit`), signed with the device key; the lockout's totals are
the `technician` device of the heartbeat.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kiosk import audit, logs, technician_pin
from kiosk.config import Config
from kiosk.runtime.api import PinVerdict
from kiosk.runtime.devices import Devices
from kiosk.runtime.health import Health
from kiosk.technician_lockout import FREE_TRIES, Lockout
from sync.audit import Via

if TYPE_CHECKING:
    from kiosk.audio.voice import Voice

log = logs.get("technician")

TEST_CID = "1101700203451"  # a valid check digit; printed masked like any receipt
HEARTBEAT_STATE: dict[str, Literal["ok", "degraded", "fault"]] = {"ok": "ok", "degraded": "degraded", "fault": "fault"}
NO_PIN = "no technician PIN is set on this kiosk: run `sudo -u kiosk kiosk technician set-pin`"


class Kiosk(Protocol):
    """What the technician screen works on (the session runtime)."""

    cfg: Config
    health: Health
    voice: Voice

    @property
    def devices(self) -> Devices: ...

    def set_maintenance(self, on: bool) -> None: ...


class Technician:
    def __init__(self, runtime: Kiosk, *, clock: Callable[[], float] = time.time) -> None:
        self._rt = runtime
        self.lockout = Lockout(runtime.cfg.state_dir, clock=clock)
        self._entered = False

    def device_states(self) -> dict[str, tuple[str, str]]:
        d = self._rt.devices
        out: dict[str, tuple[str, str]] = {}
        out["card"] = ("fault", d.faults["card"]) if "card" in d.faults else ("ok", d.cfg.devices.card.backend)
        left = self._rt.health.card_left_since
        if left is not None and "card" not in d.faults:
            out["card"] = ("degraded", f"card_left: a citizen's card is in the reader (alert {left:%H:%M:%S} UTC)")
        camera_fault = d.faults.get("camera") or (getattr(d.camera, "fault", None) if d.camera else None)
        out["camera"] = ("fault", str(camera_fault)) if camera_fault else ("ok", d.cfg.devices.camera.backend)
        if "face" in d.faults:
            out["face"] = ("fault", d.faults["face"])
        if d.printer is None:
            out["printer"] = ("fault", d.faults.get("printer", "absent"))
        else:
            state = d.printer.status().state
            out["printer"] = ("ok" if state == "ok" else "degraded" if state == "near_end" else "fault", state)
        out["outbox"] = ("fault", d.faults["outbox"]) if d.outbox is None else ("ok", "")
        if d.otp is None:
            out["central"] = ("fault", d.faults.get("central", d.faults.get("key", "not enrolled")))
        else:
            out["central"] = ("ok", f"kiosk {d.kiosk_id}")
        out["audio"] = self._rt.voice.state()
        out["registry"] = _registry_state(d)
        from sync.link import read_status, summary

        out["sync"] = summary(read_status(d.cfg.state_dir))  # the sync service's link: why uploads wait
        readiness = self._rt.health.readiness
        if not readiness.ready:
            out["readiness"] = ("fault", f"out of service: {readiness.reason}")
        elif readiness.degraded:
            out["readiness"] = ("degraded", "ready; " + ", ".join(n.rsplit(".", 1)[1] for n in readiness.degraded)
                                + " unavailable")
        else:
            out["readiness"] = ("ok", "ready for citizens")
        out["technician"] = self.lockout.heartbeat_state()  # wrong PINs and lockouts, for the heartbeat
        return out

    def queue_stats(self) -> dict[str, Any]:
        outbox = self._rt.devices.outbox
        if outbox is None:
            return {"error": self._rt.devices.faults.get("outbox", "outbox unavailable")}
        return asdict(outbox.stats())

    def print_test(self) -> str:
        from kiosk.receipt import print_receipt, receipt_for

        d = self._rt.devices
        if d.printer is None:
            return "offline"
        now = datetime.now(UTC)
        content = receipt_for(profile=d.cfg.kiosk.profile, site_name=f"{d.cfg.kiosk.site_name} · TEST",
                              purpose="ial_upgrade", time=now, cid=TEST_CID, first_name="ทดสอบ",
                              last_name="เครื่องพิมพ์", record_id=uuid.uuid4())
        outcome = print_receipt(d.printer, content)
        log.info("technician printer test", extra={"fields": {"printed": outcome.printed,
                                                              "printer_state": outcome.printer_state}})
        state = outcome.printer_state if outcome.printed else (outcome.printer_state or "unknown")
        self._audit("printer_test", f"printed={str(outcome.printed).lower()} printer_state={state}")
        return state

    # -- the PIN ------------------------------------------------------------------------------
    def lockout_remaining_s(self) -> int:
        return self.lockout.remaining_s()

    def check_pin(self, pin: str) -> PinVerdict:
        left = self.lockout.remaining_s()
        if left:
            log.info("technician PIN refused: the prompt is locked", extra={"fields": {"locked_s": left}})
            return PinVerdict("locked", locked_s=left)
        try:
            setting = technician_pin.setting(self._rt.cfg)
        except technician_pin.PinError as e:
            log.error("technician PIN unusable", extra={"fields": {"error": str(e)}})
            return PinVerdict("unset", message=str(e))
        if setting.kind == "none":
            log.error("technician PIN refused: " + NO_PIN)
            return PinVerdict("unset", message=NO_PIN)
        if setting.matches(pin):
            self.lockout.success()
            self._entered = True
            log.warning("technician entered", extra={"fields": {"pin": setting.kind}})
            self._audit("technician_entered", f"pin={setting.kind}")
            return PinVerdict("ok")
        state, lock_s = self.lockout.failure()
        if lock_s:
            self._audit("pin_locked", f"failures_in_a_row={state.failures} lock_s={lock_s}")
            return PinVerdict("locked", locked_s=lock_s)
        return PinVerdict("wrong", tries_left=FREE_TRIES - state.failures)

    def leave(self, reason: str) -> None:
        if not self._entered:
            return
        self._entered = False
        log.warning("technician left", extra={"fields": {"reason": reason}})
        self._audit("technician_left", f"reason={reason}")

    def _audit(self, action: str, detail: str = "", via: Via = "screen") -> None:
        try:
            d = self._rt.devices
        except RuntimeError:  # devices not open: the event is signed by the sync service later
            audit.record(self._rt.cfg, action, via=via, detail=detail)
            return
        audit.record(d.cfg, action, via=via, detail=detail, key=d.key, kiosk=d.kiosk_id or None)

    def publish_device_states(self) -> None:
        """The device states for the heartbeat (`kiosk sync` reads the file); never raises."""
        from sync.device_states import DeviceState, publish

        try:
            states = {name: DeviceState(HEARTBEAT_STATE.get(state, "unknown"), detail)
                      for name, (state, detail) in self.device_states().items()}
            publish(self._rt.cfg.state_dir, states)
        except Exception as e:
            log.warning("device states not published", extra={"fields": {"error": type(e).__name__}})

    def enter_maintenance(self) -> None:
        log.warning("maintenance mode: no new sessions")
        self._rt.set_maintenance(True)
        self._audit("maintenance_on")

    def leave_maintenance(self) -> None:
        log.warning("maintenance mode ended")
        self._rt.set_maintenance(False)
        self._audit("maintenance_off")


def _registry_state(d: Devices) -> tuple[str, str]:
    """The card registry's link (the card-status check), as its last answer left it."""
    flow = d.cfg.flow
    if flow.card_status == "skip":
        return "ok", "card status not checked (flow.card_status = skip)"
    last = d.card_status.last if d.card_status is not None else None
    if last is None:
        return "ok", "no card checked since start" if d.card_status is not None else "not enrolled"
    outcome, since = last
    if outcome == "ok":
        return "ok", f"answering (last check {since:%H:%M:%S} UTC)"
    serious = "fault" if flow.card_status_offline_policy == "end" else "degraded"
    return serious, f"{outcome} at the last check ({since:%H:%M:%S} UTC; policy {flow.card_status_offline_policy})"
