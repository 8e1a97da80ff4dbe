"""Where the kiosk's state lives, and opening it from the config.

`<storage.state_dir>` (default `/var/lib/kiosk`, mode 0700) holds:
- `device-key.tpm`  the P-256 device key inside the TPM (its TSS2 PRIVATE KEY blob, 0600), or
  `device-key.pem`  the file fallback (0600), see `sync.keys`;
- `outbox.sqlite` (+ `-wal`, `-shm`)  the encrypted outbox (0600), see `sync.outbox`;
- `outbox.kek`  the outbox's key-encryption key (0600, 32 bytes);
- `outbox.sqlite.corrupt-*`  outbox files that failed their integrity check, kept for recovery.

Errors: `NoOutbox`, and those of `sync.outbox` and `sync.keys`.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Config
from sync.keys import DeviceKey
from sync.outbox import DEFAULT_NAME, KEK_NAME, Outbox, OutboxError


def outbox_path(cfg: Config) -> Path:
    return cfg.state_dir / DEFAULT_NAME


def kek_path(cfg: Config) -> Path:
    return cfg.state_dir / KEK_NAME


def budget_bytes(cfg: Config) -> int:
    return cfg.storage.max_outbox_mb * 1024 * 1024


class NoOutbox(OutboxError):
    """The outbox has not been created yet (the kiosk creates it on first use)."""


def empty_message(cfg: Config) -> str:
    """What inspection commands say before the first session."""
    return (f"empty: no session recorded yet (the kiosk creates {outbox_path(cfg)} on first use; "
            "if sessions were expected, check storage.state_dir)")


def open_outbox(cfg: Config, *, check: bool = True, create: bool = True) -> Outbox:
    """The outbox named by the config (a context manager); runs the integrity check unless told not to.

    Inspection commands pass `create=False`: run as root they must not create files that the kiosk
    user then cannot write."""
    path = outbox_path(cfg)
    if not create and not path.exists():
        raise NoOutbox(f"no outbox at {path} yet (the kiosk creates it on first use)")
    return Outbox.open(path, kek_path=kek_path(cfg), budget_bytes=budget_bytes(cfg), check=check)


def out_of_service(outbox: Outbox, cfg: Config) -> bool:
    """True when one more session's record might not fit the budget: do not start a session."""
    return outbox.would_exceed(cfg.storage.session_reserve_kb * 1024)


def device_key(cfg: Config) -> DeviceKey:
    """The device key, in the TPM or the file (raises `sync.keys.KeyMissing` until `kiosk keys
    init`); close it when done (a TPM key holds a connection)."""
    return DeviceKey.load(cfg.state_dir, tcti=cfg.device_key.tpm_tcti)


def create_device_key(cfg: Config) -> DeviceKey:
    """A new device key where `device_key.store` says (refuses to replace one)."""
    return DeviceKey.create(cfg.state_dir, store=cfg.device_key.store, tcti=cfg.device_key.tpm_tcti)
