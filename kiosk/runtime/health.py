"""`Health`: whether the kiosk may invite the next citizen, kept current by the runtime's owner
threads and read by the flow thread before each event.

- `check_storage()` (storage thread): out of service while one more record might not fit the
  outbox budget.
- `refresh()` (printer thread: it asks the printer for its status): the readiness assessment
  (`kiosk.runtime.readiness`), from the device faults, the printer's status, the sync service's
  link state, maintenance and the storage budget. A change is logged once and the flow is nudged
  so the attract screen says it at once.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk import logs
from kiosk.config import Config
from kiosk.runtime.devices import Devices
from kiosk.runtime.readiness import Readiness, assess

log = logs.get("flow")


class Health:
    def __init__(self, cfg: Config, devices: Callable[[], Devices | None], nudge: Callable[[], None]) -> None:
        self.cfg = cfg
        self._devices = devices
        self._nudge = nudge
        self.maintenance = False
        self.storage_full = False
        self.devices_failed = False
        self.readiness = Readiness()
        """The last assessment; ready until the first one (at start-up, within a second)."""

    @property
    def out_of_service(self) -> bool:
        return self.devices_failed or not self.readiness.ready

    def check_storage(self) -> None:
        from kiosk import storage

        devices = self._devices()
        outbox = devices.outbox if devices is not None else None
        full = outbox is not None and storage.out_of_service(outbox, self.cfg)
        if full != self.storage_full:
            log.warning("outbox budget " + ("nearly used: out of service" if full else "available again"))
            self.storage_full = full
            self.refresh()

    def refresh(self) -> None:
        """Assess readiness now; never raises (an assessment that fails is logged and kept)."""
        from sync.link import read_status

        try:
            devices = self._devices()
            printer_state = devices.printer.status().state if devices is not None and devices.printer else None
            readiness = assess(self.cfg, devices, link=read_status(self.cfg.state_dir), printer_state=printer_state,
                               maintenance=self.maintenance, storage_full=self.storage_full)
        except Exception as e:
            log.error("readiness not assessed", extra={"fields": {"error": type(e).__name__}})
            return
        if readiness != self.readiness:
            if readiness.reason != self.readiness.reason:
                if readiness.ready:
                    log.warning("ready for citizens again")
                else:
                    log.warning("out of service: no session could finish", extra={"fields": {"reason": readiness.reason}})
            if readiness.degraded != self.readiness.degraded:
                log.info("degraded service", extra={"fields": {"notices": list(readiness.degraded)}})
            self.readiness = readiness
            self._nudge()
