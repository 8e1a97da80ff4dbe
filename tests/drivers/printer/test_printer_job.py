"""Golden ESC/POS structure of a receipt job (init, raster or QR, cut)."""

from __future__ import annotations

import pytest
from PIL import Image

from drivers.printer import job
from drivers.printer.virtual.decoder import Decoder
from tests.drivers.printer.conftest import sample_raster

TOKEN = "TRK1:ABC123"


def test_native_qr_job_is_init_raster_bands_gs_k_and_cut() -> None:
    j = job.build(sample_raster(576, 200), TOKEN, native_qr=True, width_dots=576)
    assert j.blocks[0] == b"\x1b@"
    # 200 rows in bands of 96: GS v 0, m=0, 72 bytes a row, then the row count.
    assert [b[:8] for b in j.blocks[1:4]] == [
        b"\x1dv0\x00\x48\x00\x60\x00", b"\x1dv0\x00\x48\x00\x60\x00", b"\x1dv0\x00\x48\x00\x08\x00"]
    assert [len(b) for b in j.blocks[1:4]] == [8 + 72 * 96, 8 + 72 * 96, 8 + 72 * 8]
    qr = j.blocks[4]
    data = TOKEN.encode()
    assert qr.startswith(b"\x1ba\x01")  # centred
    assert b"\x1d(k\x04\x001A2\x00" in qr  # model 2
    assert b"\x1d(k\x03\x001C\x06" in qr  # 6 dots a module
    assert b"\x1d(k\x03\x001E2" in qr  # error correction Q (ial-qr.md: Q on paper)
    assert b"\x1d(k" + bytes([len(data) + 3, 0]) + b"1P0" + data in qr
    assert b"\x1d(k\x03\x001Q0" in qr  # print
    assert j.blocks[-1] == b"\x1bd\x06\x1dV\x00"  # feed 6 lines, full cut


def test_raster_qr_job_has_no_gs_k_and_prints_the_qr_as_bands() -> None:
    native = job.build(sample_raster(576, 200), TOKEN, native_qr=True, width_dots=576)
    raster = job.build(sample_raster(576, 200), TOKEN, native_qr=False, width_dots=576)
    assert b"\x1d(k" not in raster.data
    assert len(raster.blocks) > len(native.blocks)
    assert len(raster) > 20 * len(native.blocks[4])
    assert raster.blocks[-1] == native.blocks[-1]


def test_decoder_reads_back_every_command() -> None:
    j = job.build(sample_raster(384, 100), TOKEN, native_qr=True, width_dots=384)
    cmds = Decoder().feed(j.data)
    names = [c["cmd"] for c in cmds]
    assert names[0] == "init" and names[-1] == "cut"
    assert [c["height"] for c in cmds if c["cmd"] == "raster"] == [96, 4]
    assert {c["width"] for c in cmds if c["cmd"] == "raster"} == {384}
    assert [c["data"] for c in cmds if c["cmd"] == "qr_store"] == [TOKEN]
    assert next(c for c in cmds if c["cmd"] == "qr_size")["size"] == 4


def test_decoder_waits_for_a_whole_command() -> None:
    data = job.build(sample_raster(384, 10), None, native_qr=True, width_dots=384).data
    d = Decoder()
    assert [c["cmd"] for c in d.feed(data[:20])] == ["init"]
    assert [c["cmd"] for c in d.feed(data[20:])] == ["raster", "feed", "cut"]


def test_wrong_raster_is_refused() -> None:
    with pytest.raises(ValueError, match="1-bit"):
        job.build(Image.new("L", (576, 10)), None, native_qr=True, width_dots=576)
    with pytest.raises(ValueError, match="wide"):
        job.build(Image.new("1", (576, 10)), None, native_qr=True, width_dots=384)


@pytest.mark.parametrize("height", [1, 96, 250])
def test_raster_bands_are_the_bytes_python_escpos_writes(height: int) -> None:
    import random

    rng = random.Random(height)
    raster = Image.frombytes("1", (576, height), bytes(rng.getrandbits(8) for _ in range(576 * height // 8)))
    d = job._encoder(576)
    expected = []
    for top in range(0, height, job.BAND_ROWS):
        d.image(raster.crop((0, top, 576, min(top + job.BAND_ROWS, height))), impl="bitImageRaster",
                fragment_height=job.BAND_ROWS)
        expected.append(job._take(d))
    assert job._raster_blocks(d, raster) == expected


def test_native_qr_paper_length_counts_the_symbol_without_drawing_it() -> None:
    text = "TRK1:" + "ABC123" * 30
    native = job.build(Image.new("1", (576, 40), 1), text, native_qr=True, width_dots=576)
    drawn = job.build(Image.new("1", (576, 40), 1), text, native_qr=False, width_dots=576)
    assert native.paper_dots == drawn.paper_dots == 40 + 6 * job.FEED_LINE_DOTS + job.qr_image(text, 576).height


@pytest.mark.parametrize("width", [384, 576])
def test_the_paper_qr_uses_error_correction_q(width: int) -> None:
    # ial-qr.md: "Error correction M on screen, Q on paper"
    import zxingcpp

    found = zxingcpp.read_barcodes(job.qr_image(TOKEN, width).convert("L"))
    assert [b.text for b in found] == [TOKEN]
    assert found[0].ec_level == "Q"
