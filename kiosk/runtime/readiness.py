"""Readiness: can a citizen who starts now finish? Checked before the attract screen invites
anyone, not discovered at the phone step after a card read and a face check.

`assess(...)` says why no session could finish (`reason`, in a technician's words: the technician
screen and the heartbeat show it; the attract screen says out of service), or what works less
well today (`degraded`, message codes the attract screen says to the citizen):

- out of service: the devices could not be opened, maintenance, the outbox budget, the card
  reader, the camera or the face models missing, no device key or no enrollment (no QR could be
  signed for the server, no SMS code sent), the central server refusing this kiosk's key for good,
  or the server unreachable while `flow.offline_policy = "end"` (every session would end at the
  phone step) or `flow.card_status_offline_policy = "end"` (at issuing); the server answering, in
  the last `NOT_SUPPORTED_HOLD_S`, that it has no card-status check (a 1.0.0 server) while that
  policy is `end` (then the next citizen's check asks again: the registry's state is only learnt
  through a session's check, each one charged, so the kiosk does not probe it);
- degraded: the server unreachable under `continue_without_phone` (the phone is not checked, and
  a Boonterm kiosk sends no SMS link), the printer unable to print (no receipt).

The link state is the sync service's (`sync-status.json`); a kiosk whose sync service has not
written one yet is not held back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.config import Config
from kiosk.runtime.devices import Devices

NO_PAPER = ("paper_out", "cover_open", "offline")
NOT_SUPPORTED_HOLD_S = 600.0
UNREACHABLE = ("down", "refused", "busy")


@dataclass(frozen=True)
class Readiness:
    reason: str | None = None
    """Why no session could finish now (technician's words), or None: the kiosk is ready."""
    degraded: tuple[str, ...] = ()
    """Message codes of what works less well today, said on the attract screen."""

    @property
    def ready(self) -> bool:
        return self.reason is None


def assess(cfg: Config, devices: Devices | None, *, link: dict[str, Any] | None, printer_state: str | None,
           maintenance: bool = False, storage_full: bool = False) -> Readiness:
    if devices is None:
        return Readiness("the kiosk's devices could not be opened (see the log)")
    faults = devices.faults
    reason = _blocking(cfg, devices, link, maintenance, storage_full)
    if reason is not None:
        return Readiness(reason)
    degraded: list[str] = []
    state = str((link or {}).get("state", ""))
    if state in UNREACHABLE or (state == "unauthorized" and not (link or {}).get("persistent")):
        degraded.append("notice.degraded.sms" if cfg.kiosk.profile == "boonterm" else "notice.degraded.phone")
    if devices.printer is None or printer_state in NO_PAPER or "printer" in faults:
        degraded.append("notice.degraded.receipt")
    return Readiness(None, tuple(degraded))


def _blocking(cfg: Config, devices: Devices, link: dict[str, Any] | None, maintenance: bool,
              storage_full: bool) -> str | None:
    faults = devices.faults
    if maintenance:
        return "maintenance (technician screen): no new sessions"
    if storage_full:
        return "outbox budget nearly used: sync the queue or raise storage.max_outbox_mb"
    if "card" in faults:
        return f"card reader: {faults['card']}"
    if devices.camera is None or "camera" in faults:
        return f"camera: {faults.get('camera', 'not available')}"
    if "face" in faults:
        return f"face models: {faults['face']}"
    if devices.key is None:
        return f"no device key ({faults.get('key', 'missing')}): run `kiosk enroll`"
    if devices.otp is None:
        return f"not enrolled ({faults.get('central', 'no enrollment')}): run `kiosk enroll`"
    state = str((link or {}).get("state", ""))
    if state == "unauthorized" and (link or {}).get("persistent"):
        return f"central server refuses this kiosk's key: {(link or {}).get('detail', 're-enroll')}"
    if state in UNREACHABLE + ("unauthorized",) and cfg.flow.offline_policy == "end":
        return (f"central server unreachable ({state} since {(link or {}).get('since', '?')}) and "
                "flow.offline_policy = end: every session would end at the phone step")
    registry_ends = cfg.flow.card_status == "check" and cfg.flow.card_status_offline_policy == "end"
    if state in UNREACHABLE + ("unauthorized",) and registry_ends:
        return (f"central server unreachable ({state} since {(link or {}).get('since', '?')}) and "
                "flow.card_status_offline_policy = end: every session would end at issuing")
    last = devices.card_status.last if devices.card_status is not None else None
    if registry_ends and last is not None and last[0] == "not_supported" and \
            (datetime.now(UTC) - last[1]).total_seconds() < NOT_SUPPORTED_HOLD_S:
        return ("the central server has no card-status check (contract 1.0.0) and "
                "flow.card_status_offline_policy = end: upgrade the server, or set the policy to continue_unchecked")
    return None
