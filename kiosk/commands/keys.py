"""`kiosk keys init|show`: the device key that signs QR tokens and requests to the server."""

from __future__ import annotations

import argparse

from kiosk.cli import Subcommands, load_config
from sync.keys import DeviceKey, KeyMissing


def register(sub: Subcommands) -> None:
    keys = sub.group("keys", "the device key (P-256) that signs QR codes and server requests")
    keys.add("init", "create the device key in the state folder (does nothing if one exists)", _init)
    keys.add("show", "print the device's public key (PEM) and key id", _show)


def _init(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    try:
        key = DeviceKey.load(cfg.state_dir)
        print(f"device key already exists: {key.path} (key id {key.key_id})")
        return 0
    except KeyMissing:
        pass
    key = DeviceKey.create(cfg.state_dir)
    print(f"device key created: {key.path} (key id {key.key_id})")
    return 0


def _show(args: argparse.Namespace) -> int:
    cfg = load_config(args)
    key = DeviceKey.load(cfg.state_dir)
    print(key.public_pem(), end="")
    print(f"key id: {key.key_id}")
    return 0
