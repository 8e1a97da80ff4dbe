"""Doctor: the receipt printer's real-time status and the Thai receipt rendering."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.doctor import Check, DoctorContext, Status, guarded


def checks(ctx: DoctorContext) -> Iterable[Check]:
    def raqm() -> tuple[Status, str]:
        from kiosk.receipt_render import layout_problem

        problem = layout_problem()
        if problem is None:
            return "ok", "Pillow RAQM layout available (Thai marks render correctly)"
        return "fail", f"Thai receipts cannot be laid out: {problem}"

    yield guarded("printer", "thai-layout", raqm)
    if ctx.config is None:
        yield Check("printer", "status", "skip", "no valid config")
        return
    cfg = ctx.config.devices.printer

    def status() -> tuple[Status, str]:
        from kiosk.hardware import describe_printer, open_printer

        with open_printer(cfg) as p:
            s = p.status()
        detail = f"{s.state} ({describe_printer(cfg)})"
        if s.state == "ok":
            return ("warn" if cfg.backend == "simulated" else "ok"), detail
        if s.state in ("near_end", "unknown"):
            return "warn", detail + (": no status reply (check the cable, or the printer lacks DLE EOT)" if s.state == "unknown" else ": replace the paper roll soon")
        return "fail", detail

    yield guarded("printer", "status", status)
