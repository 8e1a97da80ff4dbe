"""The ESC/POS back end against the virtual printer on a real pty, through pyserial."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import zxingcpp

from drivers.printer import CoverOpen, EscposPrinter, PaperOut, PrinterOffline, PrinterTimeout, open_printer
from drivers.printer.virtual.port import VirtualPrinterPort
from tests.drivers.printer.conftest import TIMEOUT_S, sample_raster

pytestmark = pytest.mark.daemon
TOKEN = "TRK1:6BFWA7KZ0QF3M2P9XR4T8V1N5C0D2E7H"


@pytest.mark.parametrize(
    ("state", "word"),
    [("ok", "ok"), ("near-end", "near_end"), ("out", "paper_out"), ("cover-open", "cover_open"),
     ("offline", "offline"), ("mute", "unknown")],
)
def test_every_state_is_reported(virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter, state: str, word: str) -> None:
    virtual_port.engine.set_state(state)
    assert serial_printer.status().state == word


def test_a_mute_printer_is_unknown_within_the_timeout(virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter) -> None:
    virtual_port.engine.set_state("mute")
    t = time.monotonic()
    s = serial_printer.status()
    assert (s.online, s.paper, s.cover_open) == (None, "unknown", None)
    assert time.monotonic() - t < TIMEOUT_S * 3


@pytest.mark.parametrize("native", [True, False])
def test_full_receipt_png_decodes_to_the_exact_token(virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter, native: bool) -> None:
    serial_printer.print_receipt(sample_raster(), TOKEN, native, footer=sample_raster(576, 60))
    [receipt] = virtual_port.engine.receipts
    assert receipt.result == "cut"
    assert receipt.png is not None and receipt.png.exists()
    assert (receipt.png.with_suffix(".json")).exists()
    names = [c["cmd"] for c in receipt.commands if c["cmd"] != "status"]
    assert names[0] == "init" and names[-1] == "cut"
    assert ("qr_print" in names) is native
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.open(receipt.png).convert("L"))
    assert [r.text for r in found] == [TOKEN]


@pytest.mark.parametrize(("fault", "error", "word"), [("out", PaperOut, "paper_out"), ("cover-open", CoverOpen, "cover_open")])
def test_fault_mid_receipt_raises_its_state_without_hanging(
    virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter, fault: str, error: type[Exception], word: str
) -> None:
    virtual_port.engine.set_fault(20, fault)  # 20 mm into the receipt
    t = time.monotonic()
    with pytest.raises(error):
        serial_printer.print_receipt(sample_raster(576, 800), TOKEN, True)
    assert time.monotonic() - t < 5
    assert serial_printer.status().state == word
    assert virtual_port.engine.receipts[-1].result == fault
    assert virtual_port.engine.receipts[-1].qr_data == []  # stopped before the QR


def test_printing_refused_up_front_when_the_cover_is_open(virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter) -> None:
    virtual_port.engine.set_state("cover-open")
    with pytest.raises(CoverOpen):
        serial_printer.print_receipt(sample_raster(), TOKEN, True)
    assert virtual_port.engine.receipts == []


def test_unplugged_is_offline_within_the_timeout_and_reconnects(virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter) -> None:
    assert serial_printer.status().state == "ok"
    virtual_port.unplug()
    t = time.monotonic()
    assert serial_printer.status().state == "offline"
    with pytest.raises(PrinterOffline):
        serial_printer.print_receipt(sample_raster(), TOKEN, True)
    assert time.monotonic() - t < TIMEOUT_S * 2
    virtual_port.replug()  # power cycle: a new pty behind the same link
    assert serial_printer.status().state == "ok"
    serial_printer.print_receipt(sample_raster(), TOKEN, True)
    assert virtual_port.engine.receipts[-1].result == "cut"


def test_missing_device_is_offline(tmp_path: Path) -> None:
    with open_printer("escpos", connection="serial", serial_port=str(tmp_path / "nothing"), timeout_s=TIMEOUT_S) as p:
        assert p.status().state == "offline"
        with pytest.raises(PrinterOffline, match="cannot open"):
            p.print_receipt(sample_raster(), None, True)


def test_a_line_nobody_reads_times_out_instead_of_hanging() -> None:
    master, slave = os.openpty()  # a device that accepts nothing: its buffer fills up
    try:
        with open_printer("escpos", connection="serial", serial_port=os.ttyname(slave), baudrate=115200, timeout_s=TIMEOUT_S) as p:
            t = time.monotonic()
            with pytest.raises(PrinterTimeout):
                p.print_receipt(sample_raster(576, 3000), None, True)
            assert time.monotonic() - t < 5
    finally:
        os.close(master)
        os.close(slave)


def test_state_follows_the_control_file(virtual_port: VirtualPrinterPort, serial_printer: EscposPrinter) -> None:
    (virtual_port.out_dir / "control.json").write_text('{"state": "near-end"}')
    deadline = time.monotonic() + 2
    while serial_printer.status().state != "near_end" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert serial_printer.status().state == "near_end"


def test_paper_ending_while_the_buffer_is_still_printing_is_noticed(virtual_port: VirtualPrinterPort) -> None:
    # All bytes are sent long before the paper (about 60 mm at 130 mm/s) has come out.
    assert virtual_port.link is not None
    with open_printer("escpos", connection="serial", serial_port=str(virtual_port.link), timeout_s=TIMEOUT_S) as p:
        import threading

        timer = threading.Timer(0.2, virtual_port.engine.set_state, args=("out",))
        timer.start()
        try:
            with pytest.raises(PaperOut):
                p.print_receipt(sample_raster(576, 400), TOKEN, True)
        finally:
            timer.cancel()
