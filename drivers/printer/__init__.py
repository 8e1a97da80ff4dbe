"""Receipt printers: one `Printer` interface, an ESC/POS back end and a simulated one.

    with open_printer("escpos", connection="serial", serial_port="/dev/ttyUSB0") as p:
        p.status().state            # ok|near_end|paper_out|cover_open|offline|unknown
        p.print_receipt(raster, "TRK1:...", native_qr=True, footer=footer)

- `open_printer(backend, **PrinterSection fields) -> Printer` (context manager; nothing is
  opened until the first call; `close()` is explicit, never `__del__`).
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
from typing import Any, Literal, Protocol

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


def open_printer(backend: Literal["escpos", "simulated"], **cfg: Any) -> EscposPrinter:
    """A printer from the `[devices.printer]` fields (unknown fields are ignored)."""
    width = int(cfg.get("width_dots", 576))
    timeout = float(cfg.get("timeout_s", 3.0))
    speed = float(cfg.get("paper_speed_mm_s", 130.0))
    if backend == "simulated":
        out = cfg.get("simulated_out_dir")
        return SimulatedPrinter(width_dots=width, state=str(cfg.get("simulated_state", "ok")),
                                out_dir=Path(out) if out else None, paper_speed_mm_s=speed)
    if backend != "escpos":
        raise ValueError(f"unknown printer backend {backend!r} (escpos or simulated)")
    connection = cfg.get("connection", "usb")
    t: tr.Transport
    if connection == "serial":
        t = tr.SerialTransport(str(cfg.get("serial_port", "/dev/ttyUSB0")), int(cfg.get("baudrate", 115200)), timeout)
    elif connection == "network":
        t = tr.NetworkTransport(str(cfg.get("host", "")), int(cfg.get("port", 9100)), timeout)
    elif connection == "file":
        t = tr.FileTransport(str(cfg.get("file_path", "/dev/usb/lp0")), timeout)
    elif connection == "usb":
        t = tr.UsbTransport(int(cfg.get("usb_vendor_id", 0x0416)), int(cfg.get("usb_product_id", 0x5011)), timeout)
    else:
        raise ValueError(f"unknown printer connection {connection!r} (usb, serial, network or file)")
    return EscposPrinter(t, width_dots=width, paper_speed_mm_s=speed)
