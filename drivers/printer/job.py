"""The ESC/POS bytes of one receipt, built with python-escpos's command set.

A job is a list of blocks, each a whole command (or a group of them): the sender may ask the
printer for its real-time status between blocks, never inside one, because a `DLE EOT` sequence
can occur inside raster data. Rasters go out in bands of `BAND_ROWS` rows (`GS v 0` each) so a
printer that stops mid-receipt is noticed after at most one band.

Layout: `ESC @`, body raster, QR (native `GS ( k`, or a raster image of it), footer raster,
feed and cut (`GS V`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import qrcode
import qrcode.constants
from escpos.constants import QR_ECLEVEL_Q
from escpos.printer import Dummy
from PIL import Image

from drivers import qr_symbol

BAND_ROWS = 96
QR_QUIET_MODULES = 4


FEED_LINE_DOTS = 30  # one ESC/POS line at the default 1/6-inch pitch


@dataclass
class Job:
    blocks: list[bytes] = field(default_factory=list)
    paper_dots: int = 0
    """Paper length the job prints, in dots (8 a mm at 203 dpi): how long the printer is busy."""

    @property
    def data(self) -> bytes:
        return b"".join(self.blocks)

    def __len__(self) -> int:
        return sum(len(b) for b in self.blocks)


def _encoder(width_dots: int) -> Dummy:
    # A named profile with the media width set, so python-escpos neither prints a warning on
    # stdout nor refuses a 576-dot image.
    d = Dummy(profile="TM-T88V")
    d.profile.profile_data["media"]["width"]["pixels"] = width_dots
    return d


def _take(d: Dummy) -> bytes:
    out: bytes = d.output
    d.clear()
    return out


def qr_module_dots(width_dots: int) -> int:
    """Dots per QR module: big enough for a phone camera, small enough for 58 mm paper."""
    return 6 if width_dots >= 512 else 4


def _qr_code(text: str, width_dots: int) -> qrcode.QRCode[Any]:
    code: qrcode.QRCode[Any] = qrcode.QRCode(
        box_size=qr_module_dots(width_dots),
        border=QR_QUIET_MODULES,
        error_correction=qrcode.constants.ERROR_CORRECT_Q,  # ial-qr.md: Q on paper
    )
    code.add_data(text)
    return code


def qr_height(text: str, width_dots: int) -> int:
    """Height in dots of the QR as `qr_image` draws it, quiet zone included, without encoding
    it: only the version is chosen (the eight-mask search is what costs ~35 ms of pure Python)."""
    version = int(_qr_code(text, width_dots).best_fit())
    return (4 * version + 17 + 2 * QR_QUIET_MODULES) * qr_module_dots(width_dots)


def qr_image(text: str, width_dots: int) -> Image.Image:
    """The QR as a 1-bit image centred on the paper width (for printers without `GS ( k`),
    encoded in native code with the GIL released (`drivers.qr_symbol`)."""
    try:
        dark, _version = qr_symbol.modules(text, "Q", quiet_zone=QR_QUIET_MODULES)  # ial-qr.md: Q on paper
    except qr_symbol.QrSymbolError as e:
        raise ValueError(f"QR not printable: {e}") from None
    dots = qr_module_dots(width_dots)
    side = dark.shape[0] * dots
    if side > width_dots:
        raise ValueError(f"QR of {len(text)} characters is wider than the paper ({side} > {width_dots} dots)")
    paper = np.ones((side, width_dots), dtype=np.uint8) * 255
    left = (width_dots - side) // 2
    paper[:, left:left + side] = np.where(dark.repeat(dots, axis=0).repeat(dots, axis=1), 0, 255)
    return Image.fromarray(paper).convert("1")


def _raster_band(band: Image.Image) -> bytes:
    """`GS v 0` (normal density) for one 1-bit band whose width is a whole number of bytes: the
    same bytes python-escpos writes, without its RGBA -> L -> invert -> 1 round trip per band
    (which costs the printer thread tens of milliseconds of GIL time per receipt)."""
    width_bytes = band.width // 8
    # PIL mode "1" packs 1 = white; ESC/POS wants 1 = black.
    bits = band.tobytes().translate(_INVERT)
    return b"\x1dv0\x00" + struct.pack("<HH", width_bytes, band.height) + bits


_INVERT = bytes(255 - i for i in range(256))


def _raster_blocks(d: Dummy, raster: Image.Image) -> list[bytes]:
    if raster.mode != "1":
        raise ValueError(f"receipt raster must be 1-bit (mode '1'), not {raster.mode!r}")
    blocks: list[bytes] = []
    for top in range(0, raster.height, BAND_ROWS):
        band = raster.crop((0, top, raster.width, min(top + BAND_ROWS, raster.height)))
        if band.width % 8 == 0:
            blocks.append(_raster_band(band))
        else:  # rows padded by python-escpos's own rules
            d.image(band, impl="bitImageRaster", fragment_height=BAND_ROWS)
            blocks.append(_take(d))
    return blocks


def build(
    raster: Image.Image,
    qr_text: str | None,
    *,
    native_qr: bool,
    width_dots: int,
    footer: Image.Image | None = None,
) -> Job:
    """The whole receipt: init, body, QR, footer, cut."""
    if raster.width > width_dots:
        raise ValueError(f"receipt raster is {raster.width} dots wide, the paper {width_dots}")
    d = _encoder(width_dots)
    job = Job()
    d.hw("INIT")
    job.blocks.append(_take(d))
    job.blocks += _raster_blocks(d, raster)
    job.paper_dots = raster.height + 6 * FEED_LINE_DOTS
    if qr_text:
        if native_qr:
            # The printer encodes the symbol itself: nothing to draw here.
            job.paper_dots += qr_height(qr_text, width_dots)
            d.set(align="center")
            d.qr(qr_text, ec=QR_ECLEVEL_Q, size=qr_module_dots(width_dots), native=True)
            d.set(align="left")
            d.ln()
            job.blocks.append(_take(d))
        else:
            image = qr_image(qr_text, width_dots)
            job.paper_dots += image.height
            job.blocks += _raster_blocks(d, image)
    if footer is not None:
        job.blocks += _raster_blocks(d, footer)
        job.paper_dots += footer.height
    d.cut()
    job.blocks.append(_take(d))
    return job
