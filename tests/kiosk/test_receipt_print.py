"""Printing receipts through the virtual printer on a real pty: outcomes, never an exception."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from drivers.printer import EscposPrinter, open_printer
from drivers.printer.virtual.port import VirtualPrinterPort
from kiosk import receipt
from kiosk.journey.endings import Ending
from tests.kiosk.test_receipt import content

pytestmark = pytest.mark.daemon


@pytest.fixture
def port(tmp_path: Path) -> Iterator[VirtualPrinterPort]:
    with VirtualPrinterPort(tmp_path / "out", link=tmp_path / "tty") as p:
        yield p


@pytest.fixture
def printer(port: VirtualPrinterPort) -> Iterator[EscposPrinter]:
    with open_printer("escpos", connection="serial", serial_port=str(port.link), timeout_s=0.5, paper_speed_mm_s=5000) as p:
        yield p


def test_full_receipt_prints_and_carries_no_qr(port: VirtualPrinterPort, printer: EscposPrinter) -> None:
    outcome = receipt.print_receipt(printer, content())
    assert outcome == receipt.ReceiptOutcome(True, "ok", None)
    [r] = port.engine.receipts
    assert r.png is not None and r.qr_data == []
    assert zxingcpp.read_barcodes(Image.open(r.png).convert("L")) == []  # a token lives two minutes
    assert Image.open(r.png).height > 500  # body and footer both came out


@pytest.mark.parametrize(("fault", "state"), [("out", "paper_out"), ("cover-open", "cover_open")])
def test_fault_mid_receipt_is_a_failed_outcome(port: VirtualPrinterPort, printer: EscposPrinter, fault: str, state: str) -> None:
    port.engine.set_fault(30, fault)
    outcome = receipt.print_receipt(printer, content())
    assert (outcome.printed, outcome.printer_state) == (False, state)
    assert outcome.error and "สมชาย" not in outcome.error


def test_unplugged_printer_is_offline(port: VirtualPrinterPort, printer: EscposPrinter) -> None:
    port.unplug()
    outcome = receipt.print_receipt(printer, content())
    assert (outcome.printed, outcome.printer_state) == (False, "offline")


def test_failed_session_receipt_prints_without_qr(port: VirtualPrinterPort, printer: EscposPrinter) -> None:
    outcome = receipt.print_receipt(printer, content(ending=Ending.LIVENESS_FAILED))
    assert outcome.printed
    [r] = port.engine.receipts
    assert r.qr_data == [] and zxingcpp.read_barcodes(r.image.convert("L")) == []
