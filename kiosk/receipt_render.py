"""The receipt as a 1-bit raster at the printer's width, Thai shaped by RAQM.

Thai is drawn as an image because printers' Thai code pages cannot be trusted; Pillow's BASIC
layout drops or misplaces Thai marks (เลขที่ -> เลขที), so the RAQM layout is required
(`LayoutUnavailable` otherwise). Font: Sarabun packaged with the kiosk (`kiosk.system.thai_font`).

- `render(content, width_dots) -> Image`: the whole receipt (printing, preview, `kiosk receipt
  render`). Receipts carry no QR code (see `kiosk.receipt`).
- `text_image(text, size_px, width_dots, layout=...)`: one line, for tests of the shaping.
- `layout_problem()`: why Thai cannot be laid out on this machine, naming the fix (None when it can).
"""

from __future__ import annotations

import ctypes
from functools import lru_cache

import PIL
from PIL import Image, ImageDraw, ImageFont, features

from kiosk import system
from kiosk.messages import Message, msg
from kiosk.receipt import ReceiptContent, thai_datetime

MARGIN = 8
FontT = ImageFont.FreeTypeFont


class LayoutUnavailable(RuntimeError):
    """Pillow cannot use its RAQM layout here: Thai would print with broken marks."""


# Pillow's wheels bundle libraqm and HarfBuzz but open FriBiDi from the system at run time.
FRIBIDI_SONAME = "libfribidi.so.0"


def layout_problem() -> str | None:
    """Why Thai cannot be laid out on this machine, naming the cause and the fix; None when it can."""
    if features.check("raqm"):
        return None
    try:
        ctypes.CDLL(FRIBIDI_SONAME)
    except OSError:
        return "Pillow cannot load libfribidi: install the Debian package libfribidi0"
    return (f"Pillow {PIL.__version__} has no RAQM layout: reinstall the locked Pillow wheel "
            "(./dev.sh setup, or scripts/install.sh)")


@lru_cache(maxsize=32)
def _font(size: int, bold: bool = False, layout: ImageFont.Layout = ImageFont.Layout.RAQM) -> FontT:
    if layout == ImageFont.Layout.RAQM and (problem := layout_problem()) is not None:
        raise LayoutUnavailable(f"Thai receipts cannot be laid out: {problem}")
    return ImageFont.truetype(str(system.thai_font("Bold" if bold else "Regular")), size, layout_engine=layout)


def text_image(text: str, size_px: int, width_dots: int, *, layout: ImageFont.Layout = ImageFont.Layout.RAQM) -> Image.Image:
    font = _font(size_px, False, layout)
    img = Image.new("1", (width_dots, int(size_px * 1.6)), 1)
    ImageDraw.Draw(img).text((MARGIN, size_px // 5), text, font=font, fill=0)
    return img


class _Sheet:
    """Lines stacked top to bottom on a white 1-bit page."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.scale = width / 576
        self.img = Image.new("1", (width, 1600), 1)
        self.draw = ImageDraw.Draw(self.img)
        self.draw.fontmode = "1"  # 1-bit output: no anti-aliasing to threshold later
        self.y = MARGIN

    def px(self, size: int) -> int:
        return max(14, round(size * self.scale))

    def _wrap(self, text: str, font: FontT) -> list[str]:
        # Pillow has no Thai word breaker: break at spaces, then (for one long run) before any
        # base character, never between a consonant and its marks.
        limit = self.width - 2 * MARGIN
        if font.getlength(text) <= limit:
            return [text]  # the usual case: one shaping pass, no search
        lines: list[str] = []
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:
                if font.getlength(line + ch) > limit and line and not _is_mark(ch):
                    lines.append(line)
                    line = ""
                line += ch
        if line:
            lines.append(line)
        return lines

    def text(self, text: str, size: int, *, bold: bool = False, center: bool = False, fixed: bool = False) -> None:
        """Draw wrapped text; `fixed` text (labels, help lines: never personal data) is drawn
        once and reused, because shaping and rasterising a line is most of the render time."""
        font = _font(self.px(size), bold)
        lines = _fixed_lines(text, font.size, bold, self.width) if fixed else self._wrap(text, font)
        for line in lines:
            if fixed:
                img = _fixed_line_image(line, font.size, bold)
                x = (self.width - img.width) // 2 if center else MARGIN
                self.img.paste(img, (x, self.y))
            else:
                x = round((self.width - font.getlength(line)) / 2) if center else MARGIN
                self.draw.text((x, self.y), line, font=font, fill=0)
            self.y += round(font.size * 1.45)

    def message(self, m: Message, size: int = 26, *, bold: bool = False, center: bool = False) -> None:
        self.text(m.th, size, bold=bold, center=center, fixed=True)
        self.text(m.en, size - 6, center=center, fixed=True)

    def labelled(self, th: str, en: str, value: str) -> None:
        self.text(f"{th} {value}", 26)
        self.text(en, 18, fixed=True)

    def rule(self) -> None:
        self.y += 6
        self.draw.line((MARGIN, self.y, self.width - MARGIN, self.y), fill=0, width=2)
        self.y += 12

    def space(self, dots: int) -> None:
        self.y += dots

    def done(self) -> Image.Image:
        return self.img.crop((0, 0, self.width, self.y + MARGIN))


@lru_cache(maxsize=128)
def _fixed_lines(text: str, size_px: int, bold: bool, width: int) -> list[str]:
    sheet = _Sheet.__new__(_Sheet)
    sheet.width = width
    return sheet._wrap(text, _font(size_px, bold))


@lru_cache(maxsize=256)
def _fixed_line_image(line: str, size_px: int, bold: bool) -> Image.Image:
    font = _font(size_px, bold)
    img = Image.new("1", (max(1, round(font.getlength(line))), round(size_px * 1.45)), 1)
    draw = ImageDraw.Draw(img)
    draw.fontmode = "1"
    draw.text((0, 0), line, font=font, fill=0)
    return img


def _is_mark(ch: str) -> bool:
    # Thai vowels and tone marks written above/below the consonant (U+0E31, U+0E34-0E3A, U+0E47-0E4E).
    o = ord(ch)
    return o == 0x0E31 or 0x0E34 <= o <= 0x0E3A or 0x0E47 <= o <= 0x0E4E


def render_parts(content: ReceiptContent, width_dots: int) -> tuple[Image.Image, Image.Image]:
    body = _Sheet(width_dots)
    body.text(content.site_name, 32, bold=True, center=True)
    body.message(content.service, 24, center=True)
    body.rule()
    body.labelled("วันที่", "Date", thai_datetime(content.time))
    if content.masked_cid is not None:
        body.labelled("เลขประจำตัวประชาชน", "Citizen ID", content.masked_cid)
    if content.display_name is not None:
        body.labelled("ชื่อ", "Name", content.display_name)
    body.labelled("เลขที่อ้างอิง", "Reference", content.reference)
    body.rule()
    if content.counter is not None:  # a referral slip
        body.text(msg("referral.slip").th, 30, bold=True, fixed=True)
        body.text(msg("referral.slip").en, 22, fixed=True)
        body.message(content.failure or msg("referral.asked"), 26)
        body.space(6)
        body.message(msg("referral.where"), 24, bold=True)
        body.message(content.counter, 26)
    elif content.failure is not None:
        body.text("ทำรายการไม่สำเร็จ", 30, bold=True, fixed=True)
        body.text("Not completed", 22, fixed=True)
        body.message(content.failure, 26)
        body.space(6)
        body.message(content.action or msg("action.call_help"), 26)
    else:
        body.text(msg("result_qr.title").th, 30, bold=True, fixed=True)
        body.text(msg("result_qr.title").en, 22, fixed=True)
        if content.continue_with is not None:
            body.space(6)
            body.message(content.continue_with, 26)
    footer = _Sheet(width_dots)
    footer.rule()
    footer.message(content.help_line, 24, center=True)
    footer.text("โปรดเก็บใบนี้ไว้เป็นหลักฐาน · Keep this receipt", 20, center=True, fixed=True)
    return body.done(), footer.done()


def render(content: ReceiptContent, width_dots: int) -> Image.Image:
    body, footer = render_parts(content, width_dots)
    parts = [body, footer]
    out = Image.new("1", (width_dots, sum(p.height for p in parts)), 1)
    y = 0
    for p in parts:
        out.paste(p, (0, y))
        y += p.height
    return out
