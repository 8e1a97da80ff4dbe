"""Doctor: config, Python, CPU (AVX for dlib), Thai font and line breaking, pcscd."""

from __future__ import annotations

import platform
from collections.abc import Iterable

from drivers.card import pcscd
from kiosk import system
from kiosk.doctor import Check, DoctorContext, Status, guarded


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

    def avx() -> tuple[Status, str]:
        if system.cpu_has_avx():
            return "ok", "CPU has AVX (needed by dlib-bin)"
        return "fail", "CPU lacks AVX: dlib-bin cannot run here; install dlib built with -DUSE_AVX_INSTRUCTIONS=OFF"

    yield guarded("system", "cpu-avx", avx)

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
