"""`kiosk doctor [--json]`."""

from __future__ import annotations

import argparse

from kiosk import config as config_mod
from kiosk.cli import Subcommands
from kiosk.doctor import DoctorContext, exit_code, render_json, render_table, run_checks


def register(sub: Subcommands) -> None:
    p = sub.add("doctor", "check the machine, devices, storage and server; exit 0 ok, 1 warning, 2 failure", _doctor)
    p.add_argument("--json", action="store_true", help="print the results as JSON (for scripts)")


def _doctor(args: argparse.Namespace) -> int:
    path = config_mod.resolve_path(getattr(args, "config", None))
    try:
        cfg: config_mod.Config | None = config_mod.load(path)
        problems: list[str] = []
    except config_mod.ConfigError as e:
        cfg, problems = None, e.problems
    results = run_checks(DoctorContext(cfg, path, problems))
    print(render_json(results) if args.json else render_table(results))
    return exit_code(results)
