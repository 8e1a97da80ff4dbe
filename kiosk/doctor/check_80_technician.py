"""Doctor: the technician PIN (in production: set, a hash, not a documented PIN, no plain text in
the config), the PIN lockout, and audit events waiting to reach the central team."""

from __future__ import annotations

import time
from collections.abc import Iterable

from kiosk import technician_pin
from kiosk.doctor import Check, DoctorContext, Status, guarded
from kiosk.technician_lockout import Lockout
from sync.audit import AuditLog

AREA = "technician"
AUDIT_BACKLOG_WARN = 100


def checks(ctx: DoctorContext) -> Iterable[Check]:
    cfg = ctx.config
    if cfg is None:
        yield Check(AREA, "pin", "skip", "no valid config")
        return
    production = cfg.kiosk.mode == "production"

    def pin() -> tuple[Status, str]:
        problems = technician_pin.config_problems(cfg)
        if problems:
            return "fail", problems[0]
        try:
            setting = technician_pin.setting(cfg)
        except technician_pin.PinError as e:
            return "fail", str(e)
        if setting.kind == "none":
            return "fail", "no technician PIN is set: run `sudo -u kiosk kiosk technician set-pin`"
        if setting.kind == "hash" and technician_pin.is_documented(setting.secret):
            return ("fail" if production else "warn"), ("the technician PIN is the documented development PIN: "
                                                         "set this kiosk's own with `kiosk technician set-pin`")
        if setting.kind == "hash":
            return "ok", "set (salted scrypt hash in the state folder)"
        return "ok", f"development mode: {'the config' if setting.kind == 'config' else 'the documented'} PIN"

    yield guarded(AREA, "pin", pin)

    def lockout() -> tuple[Status, str]:
        lock = Lockout(cfg.state_dir, clock=time.time)
        st = lock.state()
        left = lock.remaining_s(st)
        totals = f"{st.failures_total} wrong PIN(s), {st.lockouts_total} lockout(s) in total"
        if left:
            return "warn", f"the PIN prompt is locked for {left} s ({totals}); `kiosk technician unlock` ends it"
        return "ok", totals

    yield guarded(AREA, "lockout", lockout)

    def audit() -> tuple[Status, str]:
        unsent, _kept = AuditLog(cfg.state_dir).counts()
        detail = f"{unsent} event(s) not sent yet (they go with the heartbeats of kiosk-sync.service)"
        return ("warn" if unsent > AUDIT_BACKLOG_WARN else "ok"), detail

    yield guarded(AREA, "audit", audit)
