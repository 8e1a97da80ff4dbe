"""`kiosk doctor`: checks of everything a kiosk needs, as a table and an exit code.

Checks come from the modules `kiosk/doctor/check_*.py`, each exposing
`checks(ctx: DoctorContext) -> Iterable[Check]` (discovered, so adding a check area is adding a
file). A check never raises: whatever goes wrong becomes its `fail` line naming the cause.

Exit code = the worst result: 0 all ok (or skipped), 1 a warning, 2 a failure.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from kiosk.config import Config

Status = Literal["ok", "warn", "fail", "skip"]
SEVERITY: dict[Status, int] = {"ok": 0, "skip": 0, "warn": 1, "fail": 2}


@dataclass(frozen=True)
class Check:
    area: str
    name: str
    status: Status
    detail: str


@dataclass
class DoctorContext:
    config: Config | None
    config_path: Path
    config_problems: list[str]


def guarded(area: str, name: str, probe: Callable[[], tuple[Status, str]]) -> Check:
    """Run one probe; an unexpected exception becomes a `fail` naming it."""
    try:
        status, detail = probe()
    except Exception as e:  # a doctor must report, not crash
        status, detail = "fail", f"{type(e).__name__}: {e}".splitlines()[0]
    return Check(area, name, status, detail)


def run_checks(ctx: DoctorContext) -> list[Check]:
    import kiosk.doctor as pkg

    results: list[Check] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if not info.name.startswith("check_"):
            continue
        area = info.name.split("_", 2)[-1]
        try:
            module = importlib.import_module(f"kiosk.doctor.{info.name}")
            provider: Callable[[DoctorContext], Iterable[Check]] = module.checks
        except Exception as e:  # a broken or half-installed area must not hide the others
            results.append(Check(area, "checks", "fail", f"cannot load {info.name}: {_one_line(e)}"))
            continue
        try:
            # one at a time: the rows before a crash are kept
            for check in provider(ctx):
                results.append(check)
        except Exception as e:
            results.append(Check(area, "checks", "fail", _one_line(e)))
    return results


def _one_line(e: BaseException) -> str:
    text = f"{type(e).__name__}: {e}"
    return text.splitlines()[0] if text.strip() else type(e).__name__


def exit_code(results: Iterable[Check]) -> int:
    return max((SEVERITY[c.status] for c in results), default=0)


def render_table(results: list[Check]) -> str:
    rows = [("AREA", "CHECK", "RESULT", "DETAIL")] + [
        (c.area, c.name, c.status.upper(), c.detail) for c in results
    ]
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}".rstrip() for r in rows)


def render_json(results: list[Check]) -> str:
    worst = exit_code(results)
    overall = {0: "ok", 1: "warn", 2: "fail"}[worst]
    return json.dumps({"result": overall, "checks": [asdict(c) for c in results]}, ensure_ascii=False, indent=2)
