"""Doctor: config, Python, the CPU and the first compiled library that would not run on it, Thai font
and line breaking, pcscd."""

from __future__ import annotations

import platform
from collections.abc import Iterable

from drivers.card import pcscd
from kiosk import cpu, native, system
from kiosk.doctor import Check, DoctorContext, Status, guarded
from kiosk.face.models import REINSTALL


def checks(ctx: DoctorContext) -> Iterable[Check]:
    if ctx.config is None:
        first = ctx.config_problems[0] if ctx.config_problems else "invalid"
        more = f" (+{len(ctx.config_problems) - 1} more; run `kiosk config check`)" if len(ctx.config_problems) > 1 else ""
        yield Check("system", "config", "fail", f"{ctx.config_path}: {first}{more}")
    else:
        yield Check("system", "config", "ok", f"{ctx.config_path} valid (profile {ctx.config.kiosk.profile})")

    yield Check(
        "system",
        "python",
        "ok" if system.python_ok() else "fail",
        f"Python {platform.python_version()} (needs >= {'.'.join(map(str, system.MIN_PYTHON))})",
    )

    def cpu_level() -> tuple[Status, str]:
        features = cpu.features()
        return "ok", f"{features.describe()} (read with {features.source})"

    yield guarded("system", "cpu", cpu_level)

    def native_libraries() -> tuple[Status, str]:
        # Each compiled library in a child process: one built for a newer CPU kills its child, not us.
        results = native.check()
        bad = native.first_failure(results)
        if bad is None:
            return "ok", f"{len(results)} compiled libraries run on this CPU ({', '.join(r.library.name for r in results)})"
        others = [r.library.name for r in results if not r.ok and r is not bad]
        more = f" (also failing: {', '.join(others)})" if others else ""
        hint = f": {REINSTALL}" if bad.library.name == "dlib" and bad.status == "crashed" else ""
        return "fail", f"{bad.describe()}{hint}{more}"

    yield guarded("system", "native-libraries", native_libraries)

    def font() -> tuple[Status, str]:
        return "ok", str(system.thai_font())

    yield guarded("system", "thai-font", font)

    def thai_breaks() -> tuple[Status, str]:
        problem = system.thai_line_breaking_problem()
        if problem is None:
            return "ok", "libthai loaded: Thai lines break at word boundaries on screen"
        return "fail", problem

    yield guarded("system", "thai-line-breaking", thai_breaks)

    def pcsc() -> tuple[Status, str]:
        ok, detail = pcscd.probe()
        if ok:
            return "ok", detail
        needed = ctx.config is None or ctx.config.devices.card.backend == "pcsc"
        return ("fail" if needed else "warn"), detail

    yield guarded("card", "pcscd", pcsc)
