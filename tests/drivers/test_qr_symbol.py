"""The native QR encoder: every version reads back with an independent decoder (zxing-cpp) at the
level asked, in the right mode, and the one version OpenCV gets wrong is stepped over."""

from __future__ import annotations

import random

import numpy as np
import pytest
import qrcode
import qrcode.util
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers import qr_symbol

ALNUM = "".join(sorted(qr_symbol.ALPHANUMERIC))
QRCODE_LEVEL = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
                "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


def _read(dark: np.ndarray, scale: int = 3) -> list[zxingcpp.Barcode]:
    pixels = np.where(dark, 0, 255).astype(np.uint8).repeat(scale, 0).repeat(scale, 1)
    return list(zxingcpp.read_barcodes(pixels))


def _shortest_version(text: str, level: str) -> int:
    """The smallest version that holds `text` as one alphanumeric segment (pure-Python qrcode)."""
    code = qrcode.QRCode(error_correction=QRCODE_LEVEL[level])
    code.add_data(qrcode.util.QRData(text.encode(), mode=qrcode.util.MODE_ALPHA_NUM, check_data=False))
    try:
        return int(code.best_fit())
    except ValueError:  # longer than version 40 holds
        return 41


def _text_for(version: int, level: str, rng: random.Random) -> str:
    """Alphanumeric text whose shortest fit is exactly `version`."""
    lo, hi = 1, 4296
    while lo < hi:  # the longest text that still fits `version`
        mid = (lo + hi + 1) // 2
        if _shortest_version("A" * mid, level) <= version:
            lo = mid
        else:
            hi = mid - 1
    return "".join(rng.choice(ALNUM) for _ in range(lo))


# Screen codes are M, paper codes Q (ial-qr.md); a token is version 9-14, paper never above 25.
@pytest.mark.parametrize(("level", "versions"), [("M", range(1, 41)), ("Q", range(1, 26))])
def test_every_version_reads_back_at_its_level(level: str, versions: range) -> None:
    rng = random.Random(level)
    for version in versions:
        text = _text_for(version, level, rng)
        dark, made = qr_symbol.modules(text, level)  # type: ignore[arg-type]
        assert made == (22 if version == 21 else version)
        assert dark.shape == (17 + 4 * made + 8,) * 2
        (found,) = _read(dark, scale=2)
        assert (found.text, found.ec_level) == (text, level), f"version {version}"


@pytest.mark.parametrize("level", ["L", "M", "Q", "H"])
def test_version_21_is_made_at_22_and_reads(level: str) -> None:
    text = _text_for(21, level, random.Random(21))
    dark, version = qr_symbol.modules(text, level)  # type: ignore[arg-type]
    assert version == 22
    (found,) = _read(dark)
    assert (found.text, found.ec_level) == (text, level)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=ALNUM, min_size=1, max_size=600), st.sampled_from(["M", "Q"]))
def test_token_like_text_is_one_alphanumeric_segment_of_the_shortest_version(text: str, level: str) -> None:
    dark, version = qr_symbol.modules(text, level)  # type: ignore[arg-type]
    shortest = _shortest_version(text, level)
    assert version == (22 if shortest == 21 else shortest)
    (found,) = _read(dark)
    assert found.text == text and found.ec_level == level


def test_quiet_zone_is_light_and_sized_as_asked() -> None:
    dark, version = qr_symbol.modules("TRK1:ABC", "M", quiet_zone=6)
    assert version == 1 and dark.shape == (21 + 12,) * 2
    assert not dark[:6].any() and not dark[-6:].any() and not dark[:, :6].any() and not dark[:, -6:].any()
    assert dark[6, 6]  # the finder pattern's corner


def test_other_text_goes_in_byte_mode() -> None:
    text = "ใบรับรอง kiosk-42"
    (found,) = _read(qr_symbol.modules(text, "Q")[0])
    assert found.text == text


@pytest.mark.parametrize("text", ["", "A" * 4297, "a" * 3000])
def test_empty_or_too_long_text_is_refused(text: str) -> None:
    with pytest.raises(qr_symbol.QrSymbolError):
        qr_symbol.modules(text, "L")
