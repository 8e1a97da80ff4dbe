"""`kiosk version` and `kiosk config check`."""

from __future__ import annotations

import argparse
import platform
import sys

from kiosk import __version__, technician_pin
from kiosk import config as config_mod
from kiosk.cli import Subcommands


def register(sub: Subcommands) -> None:
    sub.add("version", "print the kiosk software version", _version)
    cfg = sub.group("config", "inspect the configuration")
    check = cfg.add("check", "validate a config file: exit 0 when valid, else one line per problem", _check)
    cfg.add("example", "print a config file documenting every key with its default", _example)
    check.add_argument("path", nargs="?", help="config file (default: --config, $KIOSK_CONFIG, /etc/kiosk/config.toml)")


def _version(args: argparse.Namespace) -> int:
    print(f"kiosk {__version__} (Python {platform.python_version()})")
    return 0


def _check(args: argparse.Namespace) -> int:
    path = config_mod.resolve_path(args.path or getattr(args, "config", None))
    try:
        cfg = config_mod.load(path)
        problems = technician_pin.config_problems(cfg)  # valid TOML, but not for production
    except config_mod.ConfigError as e:
        problems = e.problems
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{path}: valid")
    return 0


def _example(args: argparse.Namespace) -> int:
    print(config_mod.example_toml(), end="")
    return 0
