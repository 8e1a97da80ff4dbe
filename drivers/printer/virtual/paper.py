"""The paper of the virtual printer: what a receipt would look like, as a 1-bit image."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont

DOTS_PER_MM = 8  # 203 dpi
LINE_DOTS = 30  # default ESC/POS line pitch (1/6 inch at 180 dpi ~ 30 dots)
_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


def _qr_symbol(data: str, size: int, ec: str) -> qrcode.QRCode[Any]:
    code: qrcode.QRCode[Any] = qrcode.QRCode(box_size=max(1, size), border=0, error_correction=_EC.get(ec, _EC["L"]))
    code.add_data(data)
    return code


def _raster_image(width: int, height: int, bits: bytes) -> Image.Image:
    img = Image.frombytes("1", (width, height), bits)
    # ESC/POS: 1 = black dot; PIL "1": 1 = white.
    return img.point(lambda v: 255 - v, mode="1")


def _text_image(width: int, text: str) -> Image.Image:
    img = Image.new("1", (width, LINE_DOTS), 1)
    ImageDraw.Draw(img).text((0, 4), text, fill=0, font=ImageFont.load_default(size=20))
    return img


def _qr_image(data: str, size: int, ec: str) -> Image.Image:
    code = _qr_symbol(data, size, ec)
    code.make(fit=True)
    image: Image.Image = code.make_image().get_image().convert("1")
    return image


@dataclass(frozen=True)
class _Band:
    """One printed band, kept as what is needed to draw it: the paper is only drawn when
    someone looks at it (`image()`), so a simulated printer costs the kiosk little while it
    prints (decoding rasters and encoding a QR in pure Python would otherwise compete with the
    kiosk's own threads)."""

    height: int
    align: str
    draw: Callable[[], Image.Image] | None  # None: blank paper (a feed)


class Paper:
    """Bands of printed paper, top to bottom."""

    def __init__(self, width_dots: int) -> None:
        self.width = width_dots
        self.bands: list[_Band] = []
        self.align = "left"

    @property
    def length_dots(self) -> int:
        return sum(b.height for b in self.bands)

    def raster(self, width: int, height: int, bits: bytes) -> int:
        return self._place(height, functools.partial(_raster_image, width, height, bytes(bits)))

    def text_line(self, text: str) -> int:
        self.bands.append(_Band(LINE_DOTS, "left", functools.partial(_text_image, self.width, text)))
        return LINE_DOTS

    def feed(self, dots: int) -> int:
        if dots > 0:
            self.bands.append(_Band(dots, "left", None))
        return dots

    def qr(self, data: str, size: int, ec: str) -> int:
        # The height needs only the version (cheap); the symbol is encoded when the paper is drawn.
        side = (4 * int(_qr_symbol(data, size, ec).best_fit()) + 17) * max(1, size)
        return self._place(side, functools.partial(_qr_image, data, size, ec))

    def _place(self, height: int, draw: Callable[[], Image.Image]) -> int:
        self.bands.append(_Band(height, self.align, draw))
        return height

    def image(self) -> Image.Image:
        out = Image.new("1", (self.width, max(1, self.length_dots)), 1)
        y = 0
        for band in self.bands:
            if band.draw is not None:
                img = band.draw()
                img = img.crop((0, 0, min(img.width, self.width), img.height))
                x = {"left": 0, "center": (self.width - img.width) // 2, "right": self.width - img.width}[band.align]
                out.paste(img, (x, y))
            y += band.height
        return out
