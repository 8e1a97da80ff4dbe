"""`kiosk run [--dev]`: start the kiosk.

`kiosk run` starts from the config: the production lockdown check (`kiosk.lockdown.enforce`), then
the full-screen UI (`ui.app.main`) around a `SessionRuntime` that opens the configured devices.
`kiosk run --dev` starts a development kiosk in a window: every device simulated (simulator panel),
`kiosk.mode = "development"`, SIMULATION shown, state in `./.kiosk-dev/`, an embedded reference
server on loopback and the kiosk enrolled against it. Without a display it says so in one line
and points to `kiosk demo`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kiosk import config as config_mod
from kiosk import logs
from kiosk.cli import Subcommands, load_config, service_logging
from kiosk.config import Config

log = logs.get("cli")


def register(sub: Subcommands) -> None:
    p = sub.add("run", "start the kiosk (full screen from the config; --dev: simulated devices in a window)", _run)
    p.add_argument("--dev", action="store_true",
                   help="development kiosk: simulated devices, embedded reference server, state in ./.kiosk-dev/")
    p.add_argument("--state-dir", type=Path, default=None, metavar="DIR",
                   help="state folder of the development kiosk (default ./.kiosk-dev/)")
    p.add_argument("--orientation", choices=["portrait", "landscape"], default=None,
                   help="screen layout (default: the config's ui.orientation)")
    p.add_argument("--language", choices=["th", "en"], default=None, help="starting language (default: th)")


def has_display() -> bool:
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def no_display() -> int:
    print("kiosk run: no display ($DISPLAY and $WAYLAND_DISPLAY are unset, no QT_QPA_PLATFORM); "
          "run it on a virtual display with `xvfb-run -a -s '-screen 0 1080x1920x24' ./dev.sh run` "
          "(./dev.sh installs xvfb), or see every screen as PNG with `kiosk demo --out DIR`", file=sys.stderr)
    return 1


def _ui_overrides(cfg: Config, args: argparse.Namespace) -> Config:
    ui: dict[str, object] = {}
    if args.orientation:
        ui["orientation"] = args.orientation
    if args.language:
        ui["language"] = args.language
    return config_mod.with_overrides(cfg, ui=ui) if ui else cfg


def _run(args: argparse.Namespace) -> int:
    if args.dev:
        return _run_dev(args)
    cfg = _ui_overrides(load_config(args), args)
    service_logging(args, cfg)
    from kiosk.lockdown import enforce

    enforce(cfg)  # LockdownError names what to change
    if not has_display():
        return no_display()
    from kiosk.runtime.session_runtime import SessionRuntime
    from ui.app import main as ui_main

    return ui_main(cfg, SessionRuntime(cfg))


def _dev_base(args: argparse.Namespace) -> Config:
    """The config named explicitly (--config or $KIOSK_CONFIG) as a base, else the defaults."""
    if getattr(args, "config", None) or os.environ.get(config_mod.ENV_VAR):
        return load_config(args)
    return Config()


def _run_dev(args: argparse.Namespace) -> int:
    from kiosk.devkit.stack import DEV_STATE_DIR, DevStack, dev_config
    from kiosk.lockdown import enforce

    state_dir = args.state_dir or DEV_STATE_DIR
    cfg = _ui_overrides(dev_config(state_dir, _dev_base(args)), args)
    forced = args.orientation is None and not (getattr(args, "config", None) or os.environ.get(config_mod.ENV_VAR))
    if forced:  # a 1080x1920 window does not fit a desktop screen: say so, and how to get the kiosk's
        cfg = config_mod.with_overrides(cfg, ui={"orientation": "landscape"})
    enforce(cfg)
    if not has_display():
        return no_display()
    from ui.app import main as ui_main

    with DevStack(cfg, sync=True) as stack:  # the whole system: the sync service too
        assert stack.runtime is not None
        server = stack.server.url if stack.server is not None else "none"
        print(f"kiosk (development): simulated devices, reference server {server}, state in "
              f"{cfg.state_dir}; open the simulator panel to insert a card; one-time codes appear here",
              file=sys.stderr)
        if forced:
            print("kiosk (development): landscape window to fit a desktop screen; kiosks are portrait "
                  "(ui.orientation): see that layout with --orientation portrait", file=sys.stderr)
        stack.echo_sms(lambda text: print(f"[simulated SMS] {text}", file=sys.stderr, flush=True))
        return ui_main(cfg, stack.runtime)
