"""Fixtures for the printer driver: the virtual printer on a real pty, reached through pyserial."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from drivers.printer import EscposPrinter, open_printer
from drivers.printer.virtual.port import VirtualPrinterPort

TIMEOUT_S = 0.5
FAST_PAPER = 5000.0  # mm/s: the virtual paper comes out at once; real timing is tested on its own


@pytest.fixture
def virtual_port(tmp_path: Path) -> Iterator[VirtualPrinterPort]:
    with VirtualPrinterPort(tmp_path / "out", link=tmp_path / "printer.tty") as port:
        yield port
    assert port.error is None, f"virtual printer thread died: {port.error}"


@pytest.fixture
def serial_printer(virtual_port: VirtualPrinterPort) -> Iterator[EscposPrinter]:
    assert virtual_port.link is not None
    with open_printer("escpos", connection="serial", serial_port=str(virtual_port.link),
                      baudrate=115200, timeout_s=TIMEOUT_S, paper_speed_mm_s=FAST_PAPER) as p:
        yield p


def sample_raster(width: int = 576, height: int = 400) -> Image.Image:
    img = Image.new("1", (width, height), 1)
    d = ImageDraw.Draw(img)
    d.rectangle((8, 8, width - 8, 40), fill=0)
    d.text((10, 60), "RECEIPT BODY", fill=0)
    return img
