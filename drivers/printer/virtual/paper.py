"""The paper of the virtual printer: what a receipt would look like, as a 1-bit image."""

from __future__ import annotations

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


class Paper:
    """Bands of printed paper, top to bottom."""

    def __init__(self, width_dots: int) -> None:
        self.width = width_dots
        self.bands: list[Image.Image] = []
        self.align = "left"

    @property
    def length_dots(self) -> int:
        return sum(b.height for b in self.bands)

    def raster(self, width: int, height: int, bits: bytes) -> int:
        img = Image.frombytes("1", (width, height), bits)
        # ESC/POS: 1 = black dot; PIL "1": 1 = white.
        img = img.point(lambda v: 255 - v, mode="1")
        return self._place(img)

    def text_line(self, text: str) -> int:
        img = Image.new("1", (self.width, LINE_DOTS), 1)
        ImageDraw.Draw(img).text((0, 4), text, fill=0, font=ImageFont.load_default(size=20))
        self.bands.append(img)
        return LINE_DOTS

    def feed(self, dots: int) -> int:
        if dots > 0:
            self.bands.append(Image.new("1", (self.width, dots), 1))
        return dots

    def qr(self, data: str, size: int, ec: str) -> int:
        code = qrcode.QRCode(box_size=max(1, size), border=0, error_correction=_EC.get(ec, _EC["L"]))
        code.add_data(data)
        code.make(fit=True)
        return self._place(code.make_image().get_image().convert("1"))

    def _place(self, img: Image.Image) -> int:
        img = img.crop((0, 0, min(img.width, self.width), img.height))
        line = Image.new("1", (self.width, img.height), 1)
        x = {"left": 0, "center": (self.width - img.width) // 2, "right": self.width - img.width}[self.align]
        line.paste(img, (x, 0))
        self.bands.append(line)
        return img.height

    def image(self) -> Image.Image:
        out = Image.new("1", (self.width, max(1, self.length_dots)), 1)
        y = 0
        for band in self.bands:
            out.paste(band, (0, y))
            y += band.height
        return out
