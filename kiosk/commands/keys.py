"""`kiosk keys init|show`: the device key that signs QR tokens, requests to the server and audit
events: inside the TPM 2.0 where the machine has one (`device_key.store`), else a 0600 file."""

from __future__ import annotations

import argparse

from kiosk.cli import Subcommands, load_config, record_action
from sync.keys import DeviceKey

WHERE = {"tpm": "in the TPM (generated inside, cannot be read out)", "file": "in a 0600 file"}


def register(sub: Subcommands) -> None:
    keys = sub.group("keys", "the device key (P-256) that signs QR codes and server requests")
    keys.add("init", "create the device key: in the TPM where there is one, else in the state folder "
                     "(does nothing if one exists)", _init)
    keys.add("show", "print the device's public key (PEM), key id and where the key lives", _show)


def _describe(key: DeviceKey) -> str:
    return f"{WHERE[key.store]}: {key.path} (key id {key.key_id})"


def _init(args: argparse.Namespace) -> int:
    from kiosk import storage

    cfg = load_config(args)
    if DeviceKey.exists(cfg.state_dir):
        with storage.device_key(cfg) as key:
            print(f"device key already exists {_describe(key)}")
        return 0
    with storage.create_device_key(cfg) as key:
        print(f"device key created {_describe(key)}")
        detail = f"store={key.store} key_id={key.key_id}"
    record_action(cfg, "key_created", detail)
    return 0


def _show(args: argparse.Namespace) -> int:
    from kiosk import storage

    cfg = load_config(args)
    with storage.device_key(cfg) as key:
        print(key.public_pem(), end="")
        print(f"key id: {key.key_id}")
        print(f"stored: {WHERE[key.store]}, {key.path}")
    return 0
