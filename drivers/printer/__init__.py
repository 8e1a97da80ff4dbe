"""Receipt printers: one `Printer` interface, an ESC/POS back end and a simulated one.

    with open_printer("escpos", connection="serial", serial_port="/dev/ttyUSB0") as p:
        p.status().state            # ok|near_end|paper_out|cover_open|offline|unknown
        p.print_receipt(raster, "TRK1:...", native_qr=True, footer=footer)

- `open_printer(backend, *, connection=..., width_dots=..., ...) -> Printer` (context manager;
  nothing is opened until the first call; `close()` is explicit, never `__del__`).
- `Printer.status() -> PrinterStatus(online, paper, cover_open)` with `.state`; no reply means
  "unknown", a missing device "offline". It never raises.
- `Printer.print_receipt(raster (PIL mode "1"), qr_text, native_qr, *, footer=None) -> None`
  raising `PrinterError` > `PrinterOffline`, `PaperOut`, `CoverOpen`, `PrinterTimeout`.
- `SimulatedPrinter.set_state(state)`, `.unplug()`, `.replug()`, `.engine.receipts`.
- The virtual printer on a pty: `drivers.printer.virtual.port.VirtualPrinterPort`.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Literal, Protocol

from PIL import Image

from drivers.printer import transport as tr
from drivers.printer.device import EscposPrinter
from drivers.printer.errors import CoverOpen, PaperOut, PrinterError, PrinterOffline, PrinterTimeout
from drivers.printer.status import PrinterStatus
from drivers.printer.virtual.engine import PrinterEngine

__all__ = [
    "CoverOpen", "EscposPrinter", "PaperOut", "Printer", "PrinterError", "PrinterOffline",
    "PrinterStatus", "PrinterTimeout", "SimulatedPrinter", "open_printer",
]


class Printer(Protocol):
    width_dots: int

    def status(self) -> PrinterStatus: ...
    def print_receipt(self, raster: Image.Image, qr_text: str | None, native_qr: bool,
                      *, footer: Image.Image | None = None) -> None: ...
    def close(self) -> None: ...
    def __enter__(self) -> Printer: ...
    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None: ...


class SimulatedPrinter(EscposPrinter):
    """The same ESC/POS bytes and status protocol as the real back end, into an in-process
    virtual printer. Marked "simulated" in every status line; chosen only by configuration."""

    def __init__(self, *, width_dots: int = 576, state: str = "ok", out_dir: Path | None = None,
                 paper_speed_mm_s: float = 130.0) -> None:
        self.engine = PrinterEngine(width_dots=width_dots, state=state, out_dir=out_dir)
        self._loop = tr.LoopbackTransport(self.engine)
        super().__init__(self._loop, width_dots=width_dots, paper_speed_mm_s=paper_speed_mm_s)

    def set_state(self, state: str) -> None:
        self.engine.set_state(state)

    def unplug(self) -> None:
        self._loop.unplugged = True

    def replug(self) -> None:
        self._loop.unplugged = False


def open_printer(
    backend: Literal["escpos", "simulated"],
    *,
    connection: Literal["usb", "serial", "network", "file"] = "usb",
    usb_vendor_id: int = 0x0416,
    usb_product_id: int = 0x5011,
    serial_port: str = "/dev/ttyUSB0",
    baudrate: int = 115200,
    host: str = "",
    port: int = 9100,
    file_path: str = "/dev/usb/lp0",
    width_dots: int = 576,
    timeout_s: float = 3.0,
    paper_speed_mm_s: float = 130.0,
    simulated_state: str = "ok",
    simulated_out_dir: Path | None = None,
) -> EscposPrinter:
    """A printer (nothing is opened until the first call). The kiosk passes every field from its
    `[devices.printer]` config (`kiosk.hardware.open_printer`); these defaults serve tools and tests."""
    if backend == "simulated":
        return SimulatedPrinter(width_dots=width_dots, state=simulated_state, out_dir=simulated_out_dir,
                                paper_speed_mm_s=paper_speed_mm_s)
    if backend != "escpos":
        raise ValueError(f"unknown printer backend {backend!r} (escpos or simulated)")
    t: tr.Transport
    if connection == "serial":
        t = tr.SerialTransport(serial_port, baudrate, timeout_s)
    elif connection == "network":
        t = tr.NetworkTransport(host, port, timeout_s)
    elif connection == "file":
        t = tr.FileTransport(file_path, timeout_s)
    elif connection == "usb":
        t = tr.UsbTransport(usb_vendor_id, usb_product_id, timeout_s)
    else:
        raise ValueError(f"unknown printer connection {connection!r} (usb, serial, network or file)")
    return EscposPrinter(t, width_dots=width_dots, paper_speed_mm_s=paper_speed_mm_s)
