"""The kiosk's devices opened from its config: the one place that maps a `[devices.*]` section to
a driver, used by the session runtime, the CLI commands and the doctor alike.

    with open_card_reader(cfg.devices.card) as reader: ...
    with open_camera(cfg.devices.camera) as camera: ...
    with open_printer(cfg.devices.printer) as printer: ...
    describe_printer(cfg.devices.printer)        # "serial /dev/ttyUSB0 @ 115200", for technicians

Drivers load on first use: `kiosk --help` never pays for pyscard, OpenCV or python-escpos.
Errors are the drivers' own (`CardError`, `CameraError`, `PrinterError`, `ValueError` for an
unknown back end).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import CameraSection, CardSection, PrinterSection

if TYPE_CHECKING:
    from drivers.camera import CapturingCamera
    from drivers.card import CardReader
    from drivers.printer import EscposPrinter


def open_card_reader(cfg: CardSection, *, inserted: bool = True) -> CardReader:
    """The card reader. A simulated one holds `simulated_profile` unless `inserted` is False (the
    kiosk's runtime starts empty: the simulator panel inserts cards)."""
    from drivers.card import open_reader

    return open_reader(cfg.backend, reader=cfg.reader, settle_timeout_s=cfg.settle_timeout_s,
                       simulated_profile=cfg.simulated_profile if inserted else None)


def open_camera(cfg: CameraSection) -> CapturingCamera:
    """The camera, not started (use it as a context manager, or call `start()`)."""
    from drivers.camera import open_camera as camera

    return camera(cfg.backend, device=cfg.device, width=cfg.width, height=cfg.height, fps=cfg.fps,
                  watchdog_s=cfg.watchdog_s, scenario=cfg.simulated_scenario, usb_id=cfg.usb_id,
                  bus_path=cfg.bus_path, sensor_check=cfg.sensor_check)


def open_printer(cfg: PrinterSection) -> EscposPrinter:
    """The receipt printer (nothing is opened until its first call)."""
    from drivers.printer import open_printer as printer

    return printer(
        cfg.backend, connection=cfg.connection, usb_vendor_id=cfg.usb_vendor_id,
        usb_product_id=cfg.usb_product_id, serial_port=cfg.serial_port, baudrate=cfg.baudrate,
        host=cfg.host, port=cfg.port, file_path=cfg.file_path, width_dots=cfg.width_dots,
        timeout_s=cfg.timeout_s, paper_speed_mm_s=cfg.paper_speed_mm_s, simulated_state=cfg.simulated_state,
        simulated_out_dir=Path(cfg.simulated_out_dir) if cfg.simulated_out_dir else None,
    )


def describe_printer(cfg: PrinterSection) -> str:
    """Where the printer is, for a technician (no personal data)."""
    if cfg.backend == "simulated":
        return "SIMULATED printer"
    return {"usb": f"usb {cfg.usb_vendor_id:04x}:{cfg.usb_product_id:04x}",
            "serial": f"serial {cfg.serial_port} @ {cfg.baudrate}",
            "network": f"network {cfg.host}:{cfg.port}",
            "file": f"file {cfg.file_path}"}[cfg.connection]
