"""Recording a technician action in the audit trail (`sync.audit`), from the kiosk process and the CLI.

`record(cfg, action, via=..., detail=..., key=...)` stores one event signed with the device key
given; `record_from_cli(cfg, action, detail)` loads the device key itself (an event written before
the kiosk has a key is signed by the sync service when it sends it). Neither raises: the action was
done, so a store that cannot be written is an error line in the journal and the returned reason
(`kiosk.cli.record_action` prints it as a warning), never a failed command. Details never carry a
PIN or key material.
"""

from __future__ import annotations

from kiosk import logs
from kiosk.config import Config
from sync.audit import AuditError, AuditLog, SigningKey, Via

log = logs.get("technician")


def kiosk_id(cfg: Config) -> str:
    """The enrolled kiosk id, else the configured one."""
    from sync.enroll import load_enrollment

    try:
        enrollment = load_enrollment(cfg.state_dir)
    except Exception:  # an unreadable enrollment is the doctor's to report, not the audit's
        enrollment = None
    return enrollment.kiosk_id if enrollment is not None else cfg.kiosk.id


def record(cfg: Config, action: str, *, via: Via, detail: str = "", key: SigningKey | None = None,
           kiosk: str | None = None) -> str | None:
    """Store the event; returns None, or why it could not be stored (also logged)."""
    try:
        event = AuditLog(cfg.state_dir).record(action, kiosk_id=kiosk or kiosk_id(cfg), via=via, detail=detail,
                                               key=key)
    except AuditError as e:
        log.error("audit event not stored", extra={"fields": {"action": action, "error": str(e)}})
        return str(e)
    log.info("technician action", extra={"fields": {"action": action, "via": via, "seq": event.seq,
                                                    "signed": key is not None}})
    return None


def record_from_cli(cfg: Config, action: str, detail: str = "") -> str | None:
    """A CLI command's event, signed with the device key when there is one; returns None or why
    it could not be stored."""
    from kiosk import storage
    from sync.keys import DeviceKeyError

    try:
        key = storage.device_key(cfg)
    except DeviceKeyError:
        problem = record(cfg, action, via="cli", detail=detail)
    else:
        with key:
            problem = record(cfg, action, via="cli", detail=detail, key=key)
    return problem
