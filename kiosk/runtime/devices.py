"""`Devices`: what the session runtime drives, and `open_devices(cfg)` that opens it from the
config (through `kiosk.hardware`, the one device factory).

A device that cannot be opened does not stop the kiosk from starting: it is left out (None), its
cause goes into `Devices.faults` (technician screen, log, device states) and the session step that
needs it ends with a device-fault message. Simulated back ends start empty (no card inserted);
the simulator panel drives them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

import httpx

from kiosk import hardware, logs
from kiosk.config import Config

if TYPE_CHECKING:
    from drivers.camera import CapturingCamera
    from drivers.card import CardReader
    from drivers.printer import Printer
    from sync.card_status import CardStatusClient
    from sync.client import CentralClient
    from sync.enroll import Enrollment
    from sync.keys import DeviceKey
    from sync.otp import OtpClient
    from sync.outbox import Outbox

log = logs.get("flow")


@dataclass
class Devices:
    """What the runtime drives. Any of them may be None when it could not be opened (the session
    then ends with `error.device_fault` at the step that needs it, and the technician sees why)."""

    cfg: Config
    reader: CardReader
    camera: CapturingCamera | None = None
    printer: Printer | None = None
    outbox: Outbox | None = None
    key: DeviceKey | None = None
    otp: OtpClient | None = None
    card_status: CardStatusClient | None = None
    central: CentralClient | None = None
    kiosk_id: str = ""
    clock_synced: bool = False
    faults: dict[str, str] = field(default_factory=dict)
    """Device name -> why it could not be opened (for the technician screen and the log)."""
    closers: list[Callable[[], None]] = field(default_factory=list)
    update_skipped_for: UUID | None = None
    """The last record whose update was skipped (already sent): logged once per record."""

    def close(self) -> None:
        for close in reversed(self.closers):
            try:
                close()
            except Exception as e:  # closing one device must not keep the others open
                log.warning("device close failed", extra={"fields": {"error": type(e).__name__}})
        self.closers.clear()


def _fault(devices: Devices, name: str, e: Exception) -> None:
    devices.faults[name] = f"{type(e).__name__}: {e}"
    log.error("device unavailable", extra={"fields": {"device": name, "error": devices.faults[name]}})


def open_devices(cfg: Config, *, transport: httpx.BaseTransport | None = None,
                 server_url: str | None = None) -> Devices:
    reader = hardware.open_card_reader(cfg.devices.card, inserted=False)
    devices = Devices(cfg=cfg, reader=reader)
    devices.closers.append(reader.close)
    _open_camera(devices)
    _open_printer(devices)
    _open_storage(devices)
    _open_central(devices, transport, server_url)
    devices.clock_synced = _clock_synced()
    return devices


def _open_camera(devices: Devices) -> None:
    try:
        camera = hardware.open_camera(devices.cfg.devices.camera)
    except Exception as e:  # CameraUnavailable, a bad scenario path
        _fault(devices, "camera", e)
        return
    devices.camera = camera
    devices.closers.append(camera.stop)


def _open_printer(devices: Devices) -> None:
    try:
        printer = hardware.open_printer(devices.cfg.devices.printer)
    except Exception as e:
        _fault(devices, "printer", e)
        return
    devices.printer = printer
    devices.closers.append(printer.close)


def _open_storage(devices: Devices) -> None:
    from kiosk import storage

    cfg = devices.cfg
    try:
        cfg.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        outbox = storage.open_outbox(cfg)
        devices.outbox = outbox
        devices.closers.append(outbox.close)
    except Exception as e:
        _fault(devices, "outbox", e)
    try:
        devices.key = storage.device_key(cfg)
        devices.closers.append(devices.key.close)
    except Exception as e:  # KeyMissing: `kiosk enroll` has not run
        _fault(devices, "key", e)


def _open_central(devices: Devices, transport: httpx.BaseTransport | None, server_url: str | None) -> None:
    from sync.card_status import CardStatusClient
    from sync.client import CentralClient
    from sync.enroll import load_enrollment
    from sync.otp import OtpClient

    cfg = devices.cfg
    devices.kiosk_id = cfg.kiosk.id
    enrollment: Enrollment | None = None
    try:
        enrollment = load_enrollment(cfg.state_dir)
    except Exception as e:
        _fault(devices, "enrollment", e)
    if enrollment is not None:
        devices.kiosk_id = enrollment.kiosk_id
    if devices.key is None or enrollment is None:
        devices.faults.setdefault("central", "not enrolled: run `kiosk enroll --token ...` (OTP unavailable)")
        return
    url = server_url or enrollment.server_url or cfg.sync.server_url
    central = CentralClient(url, key=devices.key, key_id=enrollment.key_id, timeout_s=cfg.sync.timeout_s,
                            ca_bundle=cfg.sync.ca_bundle or None, transport=transport)
    devices.central = central
    devices.closers.append(central.close)
    devices.otp = OtpClient(central)
    devices.card_status = CardStatusClient(central)


def _clock_synced() -> bool:
    try:
        from kiosk.clock import sync_state

        return bool(sync_state().synced)
    except Exception:  # unknown counts as not synchronised: the record says so honestly
        return False
