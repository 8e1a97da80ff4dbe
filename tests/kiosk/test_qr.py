"""QR rendering: the code read back from the image (zxing-cpp) equals the token, in alphanumeric
mode, error correction M on screen and Q on paper."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from kiosk.config import QrSection
from kiosk.qr import QUIET_ZONE_MODULES, QrRenderError, issue_token, matrix, new_display_code
from sync import qrtoken
from sync.keys import DeviceKey

KEY = DeviceKey.generate()


@dataclass(frozen=True)
class RenderedQr:
    image: Image.Image
    version: int
    modules: int


def render(text: str, *, medium: str = "screen", module_size: int = 8) -> RenderedQr:
    """The modules as a black-on-white image, `module_size` pixels each (as a screen shows them)."""
    dark, version = matrix(text, medium=medium)  # type: ignore[arg-type]
    side = dark.shape[0]
    image = Image.fromarray(np.where(dark, 0, 255).astype(np.uint8)).convert("1")
    image = image.resize((side * module_size, side * module_size), Image.Resampling.NEAREST)
    return RenderedQr(image=image, version=version, modules=side - 2 * QUIET_ZONE_MODULES)


def _token() -> str:
    return issue_token(QrSection(), KEY, kiosk_id="KIOSK-BKK-0042", record_id=uuid.uuid4(),
                       purpose="ial_upgrade", display_code=new_display_code()).text


@pytest.mark.parametrize(("medium", "level", "versions"), [("screen", "M", range(9, 12)), ("paper", "Q", range(11, 15))])
def test_rendered_code_decodes_to_the_token(medium: str, level: str, versions: range) -> None:
    text = _token()
    qr = render(text, medium=medium, module_size=4)  # type: ignore[arg-type]
    (found,) = zxingcpp.read_barcodes(qr.image.convert("L"))
    assert found.text == text
    assert found.ec_level == level
    # alphanumeric mode keeps a real token at these versions (byte mode would need ~3 more)
    assert qr.version in versions
    assert qr.modules == 17 + 4 * qr.version
    assert qr.image.size == ((qr.modules + 8) * 4,) * 2


def test_decoded_token_verifies() -> None:
    token = issue_token(QrSection(lifetime_s=60), KEY, kiosk_id="KIOSK-BKK-0042", record_id=uuid.uuid4(),
                        purpose="register", display_code=47)
    found = zxingcpp.read_barcodes(render(token.text, module_size=3).image.convert("L"))[0].text
    claims = qrtoken.verify(found, public_key_for_kid=lambda kid: KEY.public_key, audience="th.go.dga.tangrat",
                            now=token.iat)
    assert (claims.purpose, claims.display_code, claims.exp - claims.iat) == ("register", 47, 60)


def test_scaled_photo_of_the_screen_still_reads() -> None:
    text = _token()
    img = render(text, module_size=6).image.convert("L")
    # a camera sees it smaller, smoothed and off-white
    shot = img.resize((img.width * 2 // 3,) * 2, Image.Resampling.BILINEAR).point(lambda v: 40 + v * 0.7)
    assert zxingcpp.read_barcodes(shot)[0].text == text


def test_text_outside_the_alphanumeric_alphabet_is_refused() -> None:
    with pytest.raises(QrRenderError):
        render("trk1:lowercase")
    with pytest.raises(QrRenderError):
        render("")
    with pytest.raises(QrRenderError):
        render("A" * 5000)


def test_display_codes_are_two_digits() -> None:
    codes = {new_display_code() for _ in range(2000)}
    assert min(codes) >= 10 and max(codes) <= 99 and len(codes) > 80
