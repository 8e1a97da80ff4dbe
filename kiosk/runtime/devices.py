"""Opening the devices and services a session needs, from the config (`open_devices`).

A device that cannot be opened does not stop the kiosk from starting: it is left out, its cause
goes into `Devices.faults` (technician screen, log, device states) and the session step that
needs it ends with a device-fault message. Simulated back ends start empty (no card inserted);
the simulator panel drives them.
"""

from __future__ import annotations

from typing import Any

import httpx

from kiosk import logs
from kiosk.config import Config
from kiosk.runtime.adapters import Devices

log = logs.get("flow")


def _fault(devices: Devices, name: str, e: Exception) -> None:
    devices.faults[name] = f"{type(e).__name__}: {e}"
    log.error("device unavailable", extra={"fields": {"device": name, "error": devices.faults[name]}})


def open_devices(cfg: Config, *, transport: httpx.BaseTransport | None = None,
                 server_url: str | None = None) -> Devices:
    from drivers.card import open_reader

    card = cfg.devices.card
    reader = open_reader(card.backend, reader=card.reader, settle_timeout_s=card.settle_timeout_s,
                         simulated_profile=None)
    devices = Devices(cfg=cfg, reader=reader)
    devices.closers.append(reader.close)
    _open_camera(devices)
    _open_printer(devices)
    _open_storage(devices)
    _open_central(devices, transport, server_url)
    devices.clock_synced = _clock_synced()
    return devices


def _open_camera(devices: Devices) -> None:
    from drivers.camera import open_camera

    c = devices.cfg.devices.camera
    try:
        devices.camera = open_camera(c.backend, device=c.device, width=c.width, height=c.height, fps=c.fps,
                                     watchdog_s=c.watchdog_s, scenario=c.simulated_scenario)
        devices.closers.append(devices.camera.stop)
    except Exception as e:  # CameraUnavailable, a bad scenario path
        _fault(devices, "camera", e)


def _open_printer(devices: Devices) -> None:
    from drivers.printer import open_printer

    p = devices.cfg.devices.printer
    try:
        devices.printer = open_printer(p.backend, **p.model_dump(exclude={"backend"}))
        devices.closers.append(devices.printer.close)
    except Exception as e:
        _fault(devices, "printer", e)


def _open_storage(devices: Devices) -> None:
    from kiosk import storage
    from sync.keys import DeviceKey

    cfg = devices.cfg
    try:
        cfg.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        devices.outbox = storage.open_outbox(cfg)
        devices.closers.append(devices.outbox.close)
    except Exception as e:
        _fault(devices, "outbox", e)
    try:
        devices.key = DeviceKey.load(cfg.state_dir)
    except Exception as e:  # KeyMissing: `kiosk enroll` has not run
        _fault(devices, "key", e)


def _open_central(devices: Devices, transport: httpx.BaseTransport | None, server_url: str | None) -> None:
    from sync.client import CentralClient
    from sync.enroll import load_enrollment
    from sync.otp import OtpClient

    cfg = devices.cfg
    devices.kiosk_id = cfg.kiosk.id
    enrollment: Any = None
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
    devices.central = CentralClient(url, key=devices.key, key_id=enrollment.key_id, timeout_s=cfg.sync.timeout_s,
                                    ca_bundle=cfg.sync.ca_bundle or None, transport=transport)
    devices.closers.append(devices.central.close)
    devices.otp = OtpClient(devices.central)


def _clock_synced() -> bool:
    try:
        from kiosk.clock import sync_state

        return bool(sync_state().synced)
    except Exception:  # unknown counts as not synchronised: the record says so honestly
        return False
