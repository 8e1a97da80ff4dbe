"""`kiosk`: the command line of the kiosk, for technicians, services and CI.

Every sub-command lives in its own module under `kiosk/commands/` and exposes
`register(sub: Subcommands) -> None`; modules are discovered, so adding a command is adding a
file. A command line whose command is named like its module (`kiosk card read` →
`kiosk/commands/card.py`) imports that module alone, so a command pays only for its own imports
(`kiosk card read` never loads the ESC/POS or face stacks); `kiosk --help` and any other command
line discover them all. A command returns its exit code. No traceback ever reaches the user: errors become one line
on stderr naming the cause (`describe_error`), and the exit code is non-zero.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk import config as config_mod
from kiosk import logs
from kiosk.config import Config, ConfigError

Handler = Callable[[argparse.Namespace], int]
log = logs.get("cli")


class Subcommands:
    """What a command module gets to register its commands with."""

    def __init__(self, action: Any, common: argparse.ArgumentParser) -> None:
        self._action = action
        self._common = common

    def add(self, name: str, help: str, handler: Handler | None = None) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = self._action.add_parser(
            name, help=help, description=help, parents=[self._common]
        )
        if handler is not None:
            p.set_defaults(func=handler)
        return p

    def group(self, name: str, help: str) -> Subcommands:
        """A command with sub-commands of its own (`kiosk card read`)."""
        p = self.add(name, help)
        p.set_defaults(func=lambda a, _p=p: _usage(_p))
        return Subcommands(p.add_subparsers(title="commands", metavar="COMMAND"), self._common)


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def load_config(args: argparse.Namespace) -> Config:
    """The config named by --config, $KIOSK_CONFIG or the default path (raises ConfigError)."""
    return config_mod.load(getattr(args, "config", None))


def service_logging(args: argparse.Namespace, cfg: Config) -> None:
    """Services (`kiosk run`, `kiosk sync`) log at the config's level unless --log-level says
    otherwise; interactive commands stay at warnings so their output is what the user asked for."""
    if not getattr(args, "log_level", None):
        logs.setup(cfg.logging.level)


def record_action(cfg: Config, action: str, detail: str = "") -> None:
    """A command's entry in the technician audit trail (`kiosk.audit`); a warning line if it cannot
    be stored (the action itself was done)."""
    from kiosk.audit import record_from_cli

    problem = record_from_cli(cfg, action, detail)
    if problem is not None:
        print(f"warning: the audit trail could not record this action ({problem})", file=sys.stderr)


def describe_error(exc: BaseException) -> str:
    """One line naming the cause of an error, for a technician; never a traceback."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"file not found: {exc.filename}"
    if isinstance(exc, PermissionError) and exc.filename:
        return f"permission denied: {exc.filename} (run as the kiosk user or root)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f": {exc.filename}" if exc.filename else "")
    return f"{text}" if text else name


_VALUED_OPTIONS = ("--config", "--log-level")


def _command_word(argv: Sequence[str]) -> str | None:
    """The command of a command line (`card` in `kiosk --log-level INFO card read`), or None
    when there is none or help comes first."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _VALUED_OPTIONS:
            skip = True
        elif word in ("-h", "--help"):
            return None
        elif not word.startswith("-"):
            return word
    return None


def _new_parser() -> tuple[argparse.ArgumentParser, Any, Subcommands]:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=f"config file (default: ${config_mod.ENV_VAR} or {config_mod.DEFAULT_PATH})",
    )
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service identity kiosk for Thai citizens (IAL 2.3): run, check, repair.",
    )
    parser.add_argument("--config", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING or ERROR")
    parser.set_defaults(func=lambda a: _usage(parser))
    action = parser.add_subparsers(title="commands", metavar="COMMAND")
    return parser, action, Subcommands(action, common)


def _register(module_name: str, sub: Subcommands) -> None:
    module = importlib.import_module(f"kiosk.commands.{module_name}")
    register = getattr(module, "register", None)
    if register is not None:
        register(sub)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `argv` whose command has a module of its own name, only that
    module is imported."""
    import kiosk.commands as pkg

    modules = sorted(info.name for info in pkgutil.iter_modules(pkg.__path__))
    word = _command_word(argv) if argv is not None else None
    if word is not None and word in modules:
        parser, action, sub = _new_parser()
        _register(word, sub)
        if word in action.choices:
            return parser
    parser, _, sub = _new_parser()
    for name in modules:
        _register(name, sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    level = args.log_level or "WARNING"
    logs.setup(level.upper())
    try:
        code = args.func(args)
        return int(code or 0)
    except KeyboardInterrupt:
        return 130
    except ConfigError as e:
        for line in e.problems:
            print(f"config: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
    except Exception as e:  # the boundary: one line, never a traceback
        # the user gets the one line below; the log line is for debugging (--log-level DEBUG)
        log.debug("command failed", exc_info=e)
        print(f"error: {describe_error(e)}", file=sys.stderr)
        return 1


def run() -> None:
    sys.exit(main())


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent
