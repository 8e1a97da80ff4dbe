"""The hidden technician screen's back end (`SessionRuntime.technician`): device states, outbox
figures, a printer test, maintenance. Calls may block briefly on a device (printer status): the
UI runs them off the GUI thread. No personal data is ever returned."""

from __future__ import annotations

import hmac
import uuid
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from kiosk import logs
from kiosk.config import Config
from kiosk.runtime.devices import Devices
from kiosk.runtime.health import Health

if TYPE_CHECKING:
    from kiosk.audio.voice import Voice

log = logs.get("flow")

TEST_CID = "1101700203451"  # a valid check digit; printed masked like any receipt
HEARTBEAT_STATE: dict[str, Literal["ok", "degraded", "fault"]] = {"ok": "ok", "degraded": "degraded", "fault": "fault"}


class Kiosk(Protocol):
    """What the technician screen works on (the session runtime)."""

    cfg: Config
    health: Health
    voice: Voice

    @property
    def devices(self) -> Devices: ...

    def set_maintenance(self, on: bool) -> None: ...


class Technician:
    def __init__(self, runtime: Kiosk) -> None:
        self._rt = runtime

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
        return outcome.printer_state if outcome.printed else (outcome.printer_state or "unknown")

    def check_pin(self, pin: str) -> bool:
        return hmac.compare_digest(pin.encode(), self._rt.cfg.ui.technician_pin.encode())

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

    def leave_maintenance(self) -> None:
        log.warning("maintenance mode ended")
        self._rt.set_maintenance(False)
