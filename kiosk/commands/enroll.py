"""`kiosk enroll --server URL --token TOKEN --kiosk-id ID`: register this kiosk with the central
server (creates the device key if absent: in the TPM where there is one). `--token -` reads the token from stdin (keeps it out
of the shell history)."""

from __future__ import annotations

import argparse
import sys

from kiosk.cli import Subcommands, load_config, record_action


def register(sub: Subcommands) -> None:
    p = sub.add("enroll", "register this kiosk's device key with the central server using a one-time token",
                _enroll)
    p.add_argument("--server", required=True, metavar="URL", help="central server base URL")
    p.add_argument("--token", required=True, help="one-time enrollment token from central ('-' = read stdin)")
    p.add_argument("--kiosk-id", required=True, help="kiosk id to register (3-64 of A-Z a-z 0-9 . _ -)")
    p.add_argument("--model", default=None, help="kiosk model (default: kiosk.profile from the config)")


def _enroll(args: argparse.Namespace) -> int:
    from sync.enroll import enroll  # httpx and the signing stack: only when enrolling

    cfg = load_config(args)
    token = sys.stdin.readline().strip() if args.token == "-" else args.token
    result = enroll(args.server, token, args.kiosk_id, cfg.state_dir, model=args.model or cfg.kiosk.profile,
                    site_name=cfg.kiosk.site_name, site_province=cfg.kiosk.site_province,
                    timeout_s=cfg.sync.timeout_s, ca_bundle=cfg.sync.ca_bundle or None,
                    key_store=cfg.device_key.store, tcti=cfg.device_key.tpm_tcti)
    print(f"enrolled kiosk {result.kiosk_id} with key {result.key_id} at {args.server}")
    record_action(cfg, "enrolled", f"kiosk_id={result.kiosk_id} key_id={result.key_id} server={args.server}")
    if args.server.rstrip("/") != cfg.sync.server_url.rstrip("/"):
        print(f"note: sync.server_url in the config is {cfg.sync.server_url}; set it to {args.server}",
              file=sys.stderr)
    return 0
