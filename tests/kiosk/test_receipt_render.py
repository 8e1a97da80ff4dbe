"""Thai rendering: RAQM keeps the marks; the receipt raster fits the paper and carries the QR."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import ImageChops, ImageFont

from kiosk import receipt_render
from kiosk.journey.endings import Ending
from tests.kiosk.test_receipt import content


def _ink(img) -> int:  # type: ignore[no-untyped-def]
    return int(img.convert("L").histogram()[0])


@pytest.mark.parametrize("word", ["เลขที่", "ชื่อ", "ปั้น"])
def test_complex_layout_differs_from_basic(word: str) -> None:
    raqm = receipt_render.text_image(word, 40, 300)
    basic = receipt_render.text_image(word, 40, 300, layout=ImageFont.Layout.BASIC)
    assert ImageChops.difference(raqm.convert("L"), basic.convert("L")).getbbox() is not None


def test_the_tone_mark_is_kept() -> None:
    with_mark = receipt_render.text_image("เลขที่", 40, 300)
    without = receipt_render.text_image("เลขที", 40, 300)
    assert _ink(with_mark) > _ink(without)


@pytest.mark.parametrize("width", [384, 512, 576])
def test_receipt_is_one_bit_at_the_paper_width_and_carries_no_qr(width: int) -> None:
    img = receipt_render.render(content(), width)
    assert img.mode == "1" and img.width == width
    assert zxingcpp.read_barcodes(img.convert("L")) == []  # a token lives two minutes: never on paper


def test_failed_receipt_has_no_qr_and_is_not_the_success_receipt() -> None:
    ok_body, _ = receipt_render.render_parts(content(), 576)
    failed = receipt_render.render(content(ending=Ending.CARD_EXPIRED), 576)
    assert zxingcpp.read_barcodes(failed.convert("L")) == []
    assert failed.size != ok_body.size or ImageChops.difference(failed, ok_body).getbbox()


def test_long_site_name_wraps_inside_the_paper() -> None:
    body, _ = receipt_render.render_parts(content(site_name="ศูนย์ราชการเฉลิมพระเกียรติ ๘๐ พรรษา " * 3), 384)
    short, _ = receipt_render.render_parts(content(), 384)
    assert body.width == 384 and body.height > short.height
